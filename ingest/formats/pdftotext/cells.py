"""Numeric rows of space-separated tables: find the value tail of a line and cut it into cells.

A row like `Busette totalt1 4 903 4 822 2 819 4 489 31 258` uses spaces both
between cells and inside numbers, so the tail is cut into exactly the number
of columns the header promises. Percent cells (`48 %`), dashes and
`Ikkje tilgjengeleg` are fixed cells; the plain digit runs between them are
split with `text.numbers.split_grouped`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from core.records import Cell
from text.numbers import parse_cell, parse_number, split_grouped
from text.units import hint_patterns

NUM_TOKEN = re.compile(r"^[-–−]?\d+(?:[.,]\d+)?\*{0,3}$")
NULL_TOKENS = {"-", "–", "−", "..", "…", "x"}
NA_RE = re.compile(r"\b(?:ikkje|ikke)\s+(?:tilgjengeleg|tilgjengelig|relevant|aktuelt|oppgitt)\b", re.I)
YEARISH = re.compile(r"^(?:19|20)\d\d\*{0,3}$|^\d{1,2}\.\d{1,2}\.(?:19|20)\d\d\*{0,3}$")


def tokens(text: str) -> list[str]:
    """Whitespace tokens, with a not-available phrase kept as one token."""
    return NA_RE.sub(lambda m: m.group(0).replace(" ", "_"), text).split()


def _is_value(tok: str) -> bool:
    return bool(NUM_TOKEN.match(tok)) or tok in NULL_TOKENS or tok == "%" or _is_na(tok)


def _is_na(tok: str) -> bool:
    return "_" in tok and bool(NA_RE.fullmatch(tok.replace("_", " ")))


def tail_start(toks: list[str]) -> int:
    """Index where the trailing run of value tokens begins (len(toks) when there is none)."""
    i = len(toks)
    while i > 0 and _is_value(toks[i - 1]):
        i -= 1
    while i < len(toks) and toks[i] == "%":  # a percent sign needs its number
        i += 1
    if all(t in NULL_TOKENS for t in toks[i:]) and i > 0:
        return len(toks)  # "tilleggsutlysing –": a dash after words is punctuation, not a cell
    return i


def is_data_line(text: str) -> bool:
    """A line ending in values, at least one of which is not a year (years make a header)."""
    toks = tokens(text)
    tail = toks[tail_start(toks):]
    return any(t not in NULL_TOKENS and t != "%" and not YEARISH.match(t) for t in tail) and bool(tail)


def is_year_header(text: str) -> bool:
    """`År 2018 2019 2020 2021 2022`, `2021 2022*`, `31.12.2022 31.12.2021`: two or more periods at the end."""
    toks = tokens(text)
    n = 0
    for t in reversed(toks):
        if YEARISH.match(t):
            n += 1
        else:
            break
    return n >= 2


@dataclass
class _Unit:
    kind: str  # "run" (plain digits, cut later), "pct", "null"
    toks: list[str]


def _units(toks: list[str]) -> list[_Unit] | None:
    units: list[_Unit] = []
    for t in toks:
        if t == "%":
            if not units or units[-1].kind != "run" or not units[-1].toks:
                return None
            num = units[-1].toks.pop()
            if not units[-1].toks:
                units.pop()
            units.append(_Unit("pct", [num, "%"]))
        elif t in NULL_TOKENS or _is_na(t):
            units.append(_Unit("null", [t]))
        elif _plain(t) == "0":
            units.append(_Unit("zero", [t]))  # a lone zero never heads digit groups
        elif t[0] in "-–−" or not units or units[-1].kind != "run":
            units.append(_Unit("run", [t]))  # a sign starts a new number
        else:
            units[-1].toks.append(t)
    return units


def _plain(tok: str) -> str:
    return tok.lstrip("-–−").rstrip("*")


def _group(toks: list[str], values: list[float]) -> list[list[str]] | None:
    """Recover which tokens made each value split_grouped returned."""
    out, i = [], 0
    for v in values:
        j = i + 1
        while j <= len(toks) and parse_number(" ".join(_plain(t) for t in toks[i:j])) != v:
            j += 1
        if j > len(toks):
            return None
        out.append(toks[i:j])
        i = j
    return out if i == len(toks) else None


def _valid_number(group: list[str]) -> bool:
    head = _plain(group[0])
    # "0 730 400" or "01 234" are never one number: a leading zero cannot head digit groups.
    return len(group) == 1 or not (head.startswith("0") and "," not in head and "." not in head)


def _spread(cells: list[list[str]]) -> float:
    """How unevenly wide the numbers are (cells of one row tend to have similar widths)."""
    lens = [len(_plain(g[0]).split(",")[0]) + 3 * (len(g) - 1) for g in cells
            if g[-1] != "%" and g[0] and _plain(g[0]) != "0" and g[0] not in NULL_TOKENS and not _is_na(g[0])]
    mean = sum(lens) / len(lens) if lens else 0
    return sum((x - mean) ** 2 for x in lens)


def split_values(toks: list[str], n: int) -> list[list[str]] | None:
    """Cut value tokens into exactly `n` cells (each a token list), or None."""
    units = _units(toks)
    if units is None:
        return None
    fixed = sum(u.kind != "run" for u in units)
    runs = [u for u in units if u.kind == "run"]
    free = n - fixed
    if free < len(runs) or free > sum(len(r.toks) for r in runs):
        return None
    best: tuple[float, list[list[str]]] | None = None
    ranges = [range(1, len(r.toks) + 1) for r in runs]
    for combo in itertools.product(*ranges):
        if sum(combo) != free:
            continue
        groups_by_run: list[list[list[str]]] = []
        for r, k in zip(runs, combo, strict=True):
            values = split_grouped([_plain(t) for t in r.toks], k)
            groups = _group(r.toks, values) if values is not None else None
            if groups is None or not all(_valid_number(g) for g in groups):
                break
            groups_by_run.append(groups)
        else:
            cells: list[list[str]] = []
            it = iter(groups_by_run)
            for u in units:
                cells.extend(next(it) if u.kind == "run" else [u.toks])
            score = _spread(cells)
            if best is None or score < best[0]:
                best = (score, cells)
    return best[1] if best else None


def split_row(text: str, n: int, allow_short: bool = False) -> tuple[str, list[list[str]]] | None:
    """(label text, cells) when the line ends in exactly `n` values; the label may be empty.

    The whole value tail is tried first; then one leading value may move into
    the label (`2017 11 721 48 % 70 %` with 3 columns has label 2017). With
    `allow_short`, a line of values only may hold fewer than `n` cells.
    """
    r = split_row_detail(text, n, allow_short)
    return (r[0], r[1]) if r else None


def split_row_detail(text: str, n: int, allow_short: bool = False) -> tuple[str, list[list[str]], bool] | None:
    """Like split_row, plus whether a leading value had to move into the label."""
    toks = tokens(text)
    start = tail_start(toks)
    full = split_values(toks[start:], n) if start < len(toks) else None
    if start < len(toks) - 1:
        shifted = split_values(toks[start + 1:], n)
        # A note number before the values ("lønn 2 209 331 558 190 387 297"): moving it into the
        # label must leave columns of clearly more even width than keeping it.
        note_like = start > 0 and re.fullmatch(r"[1-9]\d?", toks[start]) and toks[start - 1][-1:].isalpha()
        if shifted is not None and (full is None or (note_like and _spread(shifted) + 0.5 <= _spread(full))):
            return " ".join(toks[:start + 1]), shifted, True
    if full is not None:
        return " ".join(toks[:start]), full, False
    if allow_short and start == 0 and toks:
        for k in range(n - 1, 0, -1):
            cells = split_values(toks, k)
            if cells is not None:
                return "", cells, False
    return None


def fits(text: str, n: int) -> bool:
    """The line's whole value tail makes `n` cells (a leading year may be the row label)."""
    r = split_row_detail(text, n)
    if r is None:
        return False
    return not r[2] or bool(YEARISH.match(r[0].split()[-1]))


def make_cell(group: list[str], unit_hint: str | None = None) -> Cell:
    text = " ".join(group).replace("_", " ").strip()
    if not text or text in NULL_TOKENS or _is_na(group[0]):
        return Cell(text=text)
    negative = group[0][:1] in "–−"
    cell = parse_cell(text.replace("−", "-").replace("–", "-") if negative else text)
    cell = Cell(text=text, value=cell.value, unit=cell.unit)
    if cell.value is not None and negative and cell.value > 0:
        cell.value = -cell.value
    if cell.value is not None and cell.unit is None and unit_hint:
        cell.unit = unit_hint
    return cell


_UNIT_HINTS = hint_patterns()


def unit_hint(text: str | None) -> str | None:
    """The one unit a label, header or title names; None when it names none or several."""
    if not text:
        return None
    found = []
    for unit, pat in _UNIT_HINTS:
        if pat.search(text):
            found.append(unit)
            text = pat.sub(" ", text)
    return found[0] if len(found) == 1 else None
