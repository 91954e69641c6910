"""Tables as the OCR left them: rows of `label values`, cells merged or split, headers garbled.

A row line is a text label followed by a numeric tail. The tail is cut into
exactly as many cells as the table has value columns: `|` always ends a cell,
`2 819` is one number (a 1–3 digit head and 3-digit groups), `83 %` one cell,
`-` an empty cell. When the tail has too few pieces, a run of digits that two
cells lost the border between (`3370125618`) is split where both halves have
the size of the row's other numbers; a lost decimal comma (`51` among `3,1`
`2,5`) is put back when every other value has one decimal. A row that cannot
be cut this way keeps its tail as one text cell with no value: never a guess
dressed up as a number.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from core.records import Cell, Span, TableRow
from text.numbers import parse_number

YEAR = re.compile(r"^(?:19|20)\d\d\*{0,3}$")
_NUM = re.compile(r"^[-−–]?\d+(?:,\d+)?$")
_JUNK = "!?’'‘´`\"]®°¥"
NOTE = re.compile(r"^\s*(\*[\s\S]*|Kilde\s*:.*)$")


@dataclass
class RowLine:
    start: int
    end: int
    text: str  # repaired


@dataclass
class ParsedTable:
    columns: list[str]
    rows: list[TableRow]
    notes: list[str] = field(default_factory=list)
    source: str | None = None
    header_text: str = ""
    unaligned: int = 0  # rows whose values could not be cut into the columns


def _tokens(tail: str) -> list[str]:
    t = tail.replace("|", " | ")
    out = []
    for tok in t.split():
        tok = re.sub(r"^((?:19|20)\d\d)%", r"\1", tok.strip(_JUNK))
        if tok:
            out.append(tok)
    return out


def _is_value_token(tok: str) -> bool:
    core = tok.rstrip("*")
    return bool(_NUM.match(core) or core in {"%", "-", "–", "|"} or re.fullmatch(r"\d+(?:,\d+)?%", core))


def split_label(text: str) -> tuple[str, list[str]]:
    """`Bosatte totalt* 2819 | 4489` -> ('Bosatte totalt*', ['2819', '|', '4489'])."""
    parts = text.replace("|", " | ").split()
    i = len(parts)
    while i > 0 and _is_value_token(parts[i - 1].strip(_JUNK) or "|"):
        i -= 1
    label = " ".join(parts[:i]).strip(" |")
    toks = _tokens(" ".join(parts[i:]))
    if not label and len(toks) > 1 and YEAR.match(toks[0]):
        label, toks = toks[0], toks[1:]  # a row labelled by its year: `2022 2 020 1 680 83 %`
    return label, toks


@dataclass
class _Unit:
    text: str  # the number as printed
    digits: int
    pct: bool = False
    dash: bool = False
    sep_before: bool = False


def _units(tokens: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    sep = False
    for tok in tokens:
        if tok == "|":
            sep = True
            continue
        core = tok.rstrip("*")
        if core == "%":
            if units and not units[-1].pct and not units[-1].dash:
                units[-1].pct = True
            continue
        if core in {"-", "–"}:
            units.append(_Unit("-", 0, dash=True, sep_before=sep))
        else:
            pct = core.endswith("%")
            core = core.rstrip("%")
            units.append(_Unit(core, len(core.lstrip("-−–").split(",")[0]), pct=pct, sep_before=sep))
        sep = False
    return units


def cut(tokens: list[str], n: int) -> list[Cell] | None:
    """Exactly `n` cells from the value tokens of a row, or None when no honest cut exists."""
    units = _units(tokens)
    if not units or n <= 0:
        return None
    for relaxed in (False, True):
        best = _partition(units, n, relaxed)
        if best is not None:
            if _split_groups(best) and _plain_grouping(units):
                return None  # `27 058 29 730 22 284` into five cells would break numbers apart
            return _fix_commas([_cell(g) for g in best])
    # two cells merged into one run of digits
    for i, u in enumerate(units):
        if u.dash or u.pct or "," in u.text or u.digits < 4 or not u.text.isdigit():
            continue
        ref = _neighbour_value(units, i)
        for a, b in _digit_splits(u.text, ref):
            trial = units[:i] + [_Unit(a, len(a), sep_before=u.sep_before), _Unit(b, len(b), pct=u.pct,
                                                                                    sep_before=True)] + units[i + 1:]
            best = _partition(trial, n, False)
            if best is not None:
                return _fix_commas([_cell(g) for g in best])
    return None


def _split_groups(groups: list[list[_Unit]]) -> int:
    """Cell borders placed between a 1–2 digit head and a following 3-digit group."""
    count = 0
    for a, b in itertools.pairwise(groups):
        u, v = a[-1], b[0]
        if not (u.pct or u.dash or v.dash or v.sep_before or "," in u.text) and u.digits <= 2 and v.digits == 3 \
                and len(a) == 1:
            count += 1
    return count


def _plain_grouping(units: list[_Unit]) -> bool:
    """The units read naturally as thousands-grouped numbers that all have the same size."""
    for k in range(2, len(units)):
        best = _partition(units, k, False)
        if best is not None:
            sizes = {sum(u.digits for u in g) for g in best}
            return len(sizes) == 1 and min(sizes) >= 4 and all(1 < len(g) <= 3 for g in best)
    return False


def _neighbour_value(units: list[_Unit], i: int) -> float | None:
    """The number in the cell next to unit i (time series change slowly from one column to the next)."""
    for j in [*range(i - 1, -1, -1), *range(i + 1, len(units))]:
        u = units[j]
        if not u.dash and not u.pct and u.digits >= 2:
            return parse_number(u.text)
    return None


def _partition(units: list[_Unit], n: int, relaxed: bool) -> list[list[_Unit]] | None:
    """Group units into n cells; a group is a number head plus 3-digit groups (thousands)."""
    m = len(units)

    def can_join(group: list[_Unit], u: _Unit) -> bool:
        head = group[0]
        if u.sep_before or u.dash or head.dash or group[-1].pct or "," in group[-1].text:
            return False
        if u.digits != 3 or u.text.startswith("-") or (u.pct and False):
            return False
        limit = 5 if relaxed else 3
        return len(group) == 1 and head.digits <= limit or len(group) > 1

    results: list[tuple[float, list[list[_Unit]]]] = []

    def walk(i: int, groups: list[list[_Unit]]):
        if len(groups) > n:
            return
        if i == m:
            if len(groups) == n:
                results.append((_spread(groups), [list(g) for g in groups]))
            return
        u = units[i]
        if groups and can_join(groups[-1], u):
            groups[-1].append(u)
            walk(i + 1, groups)
            groups[-1].pop()
        groups.append([u])
        walk(i + 1, groups)
        groups.pop()

    if m > 40:
        return None
    walk(0, [])
    if not results:
        return None
    results.sort(key=lambda r: r[0])
    return results[0][1]


def _spread(groups: list[list[_Unit]]) -> float:
    lens = [sum(u.digits for u in g) for g in groups if not g[0].dash]
    if not lens:
        return 0.0
    mean = sum(lens) / len(lens)
    return sum((x - mean) ** 2 for x in lens)


def _digit_splits(run: str, ref: float | None) -> list[tuple[str, str]]:
    """Ways to cut a digit run in two, best first: both halves close in size to the neighbouring cell."""
    out = []
    for k in range(1, len(run)):
        a, b = run[:k], run[k:]
        if b.startswith("0") or a.startswith("0"):
            continue
        if ref and ref > 0:
            score = abs(math.log10(int(a) / ref)) + abs(math.log10(int(b) / ref))
            if score > 1.0:
                continue
        else:
            score = abs(len(a) - len(b))
            if score > 1:
                continue
        out.append((score, a, b))
    out.sort()
    return [(a, b) for _, a, b in out]


def _cell(group: list[_Unit]) -> Cell:
    if group[0].dash:
        return Cell(text="-")
    text = " ".join(u.text for u in group)
    pct = group[-1].pct
    value = parse_number(text)
    return Cell(text=text + (" %" if pct else ""), value=value, unit="%" if pct else None)


def _fix_commas(cells: list[Cell]) -> list[Cell]:
    """`51` among one-decimal values was `5,1`: the comma was lost."""
    dec = [c for c in cells if c.value is not None and re.fullmatch(r"-?\d+,\d", c.text)]
    if len(dec) < max(2, len(cells) - 2):
        return cells
    lo = min(c.value for c in dec)  # type: ignore[type-var]
    hi = max(c.value for c in dec)  # type: ignore[type-var]
    out = []
    for c in cells:
        if c.value is not None and re.fullmatch(r"\d\d", c.text) and lo / 3 <= c.value / 10 <= hi * 3:
            out.append(Cell(text=f"{c.text[0]},{c.text[1]}", value=c.value / 10, unit=c.unit))
        else:
            out.append(c)
    return out


def _plain_years(lines: list[str], caption: str | None) -> list[str] | None:
    """Consecutive years from a header line (garbled ones in between filled), else from the caption's range."""
    for line in lines:
        toks = [t.strip(_JUNK + "‘|") for t in line.split()]
        years = [t for t in toks if YEAR.match(t)]
        if len(years) >= 2:
            first, last = int(years[0][:4]), int(years[-1][:4])
            if last - first + 1 == len(years) and all(int(b[:4]) - int(a[:4]) == 1
                                                     for a, b in itertools.pairwise(years)):
                return years
            garbage = len([t for t in toks if t and not YEAR.match(t) and not t.isalpha()])
            if 0 < last - first + 1 - len(years) <= garbage:
                return [str(y) for y in range(first, last + 1)]
    if caption:
        m = re.search(r"((?:19|20)\d\d)\s*[-–—]+\s*((?:19|20)\d\d)\.?\*?\s*$", caption.strip())
        if m and 2 <= int(m.group(2)) - int(m.group(1)) <= 10:
            return [str(y) for y in range(int(m.group(1)), int(m.group(2)) + 1)]
    return None


def _date_columns(header: list[str]) -> list[str] | None:
    """`31.12.2024` / `31.12.2023` / `Endring` header cells on their own lines (the change column last)."""
    dates = [h for h in header if re.fullmatch(r"\d\d\.\d\d\.\d{4}", h)]
    if len(dates) < 2:
        return None
    return dates + (["Endring"] if any(h.lower() == "endring" for h in header) else [])


def _fits(rows_src, n: int) -> int:
    return sum(1 for _, _, toks in rows_src if toks and cut(toks, n) is not None)


def header_years(lines: list[str], caption: str | None, n: int | None) -> list[str] | None:
    """Year columns from a header line, filling garbled ones between readable years."""
    for line in lines:
        toks = [t.strip(_JUNK + "‘|") for t in line.split()]
        years = [t for t in toks if YEAR.match(t)]
        if len(years) < 2:
            continue
        first, last = int(years[0][:4]), int(years[-1][:4])
        span = list(range(first, last + 1))
        if n is not None and len(span) == n and len(years) < n:
            return [str(y) for y in span]
        if n is None or len(years) == n:
            return years
        if n is not None and len(years) == n - 1 and all(int(b[:4]) - int(a[:4]) == 1
                                                         for a, b in itertools.pairwise(years)):
            return years + [str(int(years[-1][:4]) + 1)]  # the last year's header was lost
    if caption and n:
        m = re.search(r"((?:19|20)\d\d)\s*[-–—]+\s*((?:19|20)\d\d)", caption)
        if m and int(m.group(2)) - int(m.group(1)) + 1 == n:
            return [str(y) for y in range(int(m.group(1)), int(m.group(2)) + 1)]
    return None


def column_count(tails: list[list[str]]) -> int | None:
    """The value-column count most rows can be cut into; among equals, the one whose cells look most alike."""
    votes: Counter[int] = Counter()
    spread: Counter[int] = Counter()
    for toks in tails:
        units = _units(toks)
        if not units:
            continue
        for n in range(1, min(len(units), 12) + 1):
            best = _partition(units, n, False) or _partition(units, n, True)
            if best is not None:
                votes[n] += 1
                spread[n] += _spread(best)
    if not votes:
        return None
    top = max(votes.values())
    return min((n for n, v in votes.items() if v == top), key=lambda n: (spread[n], -n))


def parse_rows(lines: list[RowLine], caption: str | None, extra_header: list[str] | None = None) -> ParsedTable:
    """Rows, columns and notes from the lines under a caption (already OCR-repaired)."""
    notes: list[str] = []
    source = None
    body: list[RowLine] = []
    in_note = False
    for ln in lines:
        t = ln.text.strip()
        if not t:
            continue
        if NOTE.match(t):
            if t.lower().startswith("kilde"):
                source = t.split(":", 1)[1].strip()
            else:
                notes.append(t)
                in_note = True
            continue
        if in_note and notes and (t[:1].islower() or not body or notes[-1].rstrip()[-1:] not in ".)"):
            notes[-1] += " " + t
            continue
        in_note = False
        body.append(ln)
    split = [(ln, *split_label(ln.text.strip())) for ln in body]
    # header lines: before the first row with values, or lines that are mostly years
    header: list[str] = []
    rows_src = []
    seen_values = False
    for ln, label, toks in split:
        years = [t for t in ln.text.split() if YEAR.match(t.strip(_JUNK + "‘|"))]
        if len(years) >= 2 and (not seen_values or len(years) * 2 >= len(ln.text.split())):
            header.append(ln.text.strip())
            continue
        vals = [t for t in toks if t != "|"]
        if not seen_values and (re.fullmatch(r"\d\d\.\d\d\.\d{4}|Endring", ln.text.strip())):
            header.append(ln.text.strip())
            continue
        if vals and all(YEAR.match(t) for t in vals) and not seen_values:
            header.append(ln.text.strip())  # `Innvilget 2021`: a header cell on its own line
            continue
        if vals:
            seen_values = True
        rows_src.append((ln, label, toks))
    header_lines = [*(extra_header or []), *header]
    guess = column_count([toks for _, _, toks in rows_src])
    full = [(ln, label, toks) for ln, label, toks in rows_src if label and sum(t != "|" for t in toks) >= 2]
    with_values = len(full) or 1
    years = None
    best_fit = -1
    header_cand = _plain_years(header_lines, None)
    for cand in (header_cand, _plain_years([], caption), _date_columns(header)):
        if not cand:
            continue
        fit = _fits(full, len(cand))
        if fit * 3 >= with_values and fit > best_fit:
            years, best_fit = cand, fit
    if years and guess == len(years) + 1 and YEAR.match(years[-1]) and _fits(full, guess) >= best_fit:
        years = years + [str(int(years[-1][:4]) + 1)]  # the last year's header cell was lost
    if years is None and header_cand and guess and guess != len(header_cand) and guess % len(header_cand) == 0:
        ht = " ".join(header_lines).lower()
        if guess // len(header_cand) == 2 and "antall" in ht and "andel" in ht:
            years = [f"{y} {w}" for y in header_cand for w in ("antall", "andel")]
    if years is None:
        years = header_years(header_lines, caption, guess)
        if years and guess and len(years) != guess:
            years = None
    n = len(years) if years else guess
    columns = [_label_column(header)] + (years or [f"kolonne {i}" for i in range(1, (n or 0) + 1)])
    rows: list[TableRow] = []
    unaligned = 0
    cur: _Row | None = None

    def finish(r: _Row | None) -> None:
        nonlocal unaligned
        if r is None:
            return
        label = " ".join(r.labels).strip()
        values = [t for t in r.toks if t != "|"]
        if not values:
            rows.append(TableRow(label=label, cells=[], span=Span(start=r.start, end=r.end)))
            return
        cells = cut(r.toks, n) if n else None
        if cells is None:
            unaligned += 1
            cells = [Cell(text=" ".join(values))] + [Cell(text="") for _ in range(max(0, (n or 1) - 1))]
        rows.append(TableRow(label=label, cells=cells, span=Span(start=r.start, end=r.end)))

    for ln, label, toks in rows_src:
        values = [t for t in toks if t != "|"]
        if cur is not None and label:
            continues = label[:1].islower() or label[:1] in "(/" or (not cur.has_values() and _dangling(cur.labels))
            if cur.has_values() and not (continues and not values):
                finish(cur)
                cur = None
            elif not cur.has_values() and not continues:
                finish(cur)  # a heading row of its own
                cur = None
        if cur is None:
            cur = _Row(start=ln.start, end=ln.end)
        if label:
            cur.labels.append(label)
        cur.toks.extend(toks)
        cur.end = ln.end
    finish(cur)
    return ParsedTable(columns=columns, rows=rows, notes=notes, source=source, header_text=" / ".join(header),
                       unaligned=unaligned)


@dataclass
class _Row:
    start: int
    end: int
    labels: list[str] = field(default_factory=list)
    toks: list[str] = field(default_factory=list)

    def has_values(self) -> bool:
        return any(t != "|" for t in self.toks)


_DANGLING = {"og", "i", "av", "til", "fra", "for", "om", "med", "på", "som", "eller", "etter", "per", "har", "under"}


def _dangling(labels: list[str]) -> bool:
    """The label so far stops mid-phrase (`... rett og plikt til`, an open parenthesis)."""
    if not labels:
        return False
    last = labels[-1]
    joined = " ".join(labels)
    return joined.count("(") > joined.count(")") or last.split()[-1].lower() in _DANGLING


def _label_column(header: list[str]) -> str:
    """`År` when the header row starts with it (the years are the columns), else no name."""
    if header and header[0].split()[0].strip(_JUNK + "‘|") in {"År", "Ar"}:
        return "År"
    return ""


def linearise(caption: str | None, table: ParsedTable) -> str:
    """A readable rendering for search: one row per line, each value named by its column."""
    out = [caption] if caption else []
    cols = table.columns[1:]
    for row in table.rows:
        vals = [c for c in row.cells if c.text]
        if not vals:
            out.append(row.label)
            continue
        if len(row.cells) == len(cols) and any(c.value is not None for c in row.cells):
            out.append(f"{row.label}: " + "; ".join(f"{col} {c.text}" for col, c in zip(cols, row.cells, strict=True)
                                                     if c.text))
        else:
            out.append(f"{row.label}: " + " ".join(c.text for c in vals))
    out.extend(table.notes)
    if table.source:
        out.append(f"Kilde: {table.source}")
    return "\n".join(out)


def looks_numeric_row(text: str) -> bool:
    """A line that ends in at least one number of two or more digits (a table row)."""
    _, toks = split_label(text.strip())
    vals = [t for t in toks if t not in {"|", "%"}]
    return bool(vals) and any(len(re.sub(r"\D", "", v)) >= 2 for v in vals)
