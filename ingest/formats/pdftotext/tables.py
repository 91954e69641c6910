"""Table regions of pdftotext exports: header, rows with wrapped labels, notes and source.

Two passes: a loose scan bounds the region and finds the value lines; the
column count is then chosen (years in the header, header cells, or what the
rows support), and a precise pass assembles rows, label wraps, group lines
and the notes that follow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.formats.pdftotext.cells import (
    YEARISH,
    fits,
    is_data_line,
    is_year_header,
    split_row,
    tail_start,
    tokens,
)
from ingest.formats.pdftotext.lines import SENTENCE_END_RE, Line, join_lines
from text.captions import LINE_CAPTION_RE, SOURCE_RE

CAPTION_RE = LINE_CAPTION_RE
NOTE_START_RE = re.compile(r"^\s*(\*+)\s*\S")
NUMBERED_NOTE_RE = re.compile(r"^\s*(\d{1,2}) [A-ZÆØÅ(«]")
# A wrapped label continues when the part before ends with a comma, dash or a small word.
_CONTINUES_RE = re.compile(r"(?:[,–\-/(]|\b(?:og|i|for|av|med|til|frå|fra|om|på|som|eller|der|etter|utan|uten))$")
_PRELIM_RE = re.compile(
    r"^(?P<q>(?:førebels|foreløpig|foreløbig)\w*(?: tal| tall)?)\s+(?P<y>(?:19|20)\d\d\*{0,3})$", re.I)
_TOTAL_RE = re.compile(r"(?:Sum|Totalt|I alt|Total)\b", re.I)
MAX_HEADER_LINES = 40


@dataclass
class RowData:
    label: str
    cells: list[list[str]]
    lines: list[int]
    group: str | None = None


@dataclass
class TableData:
    n: int
    label_header: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[RowData] = field(default_factory=list)
    notes: list[tuple[str, list[int]]] = field(default_factory=list)
    source: str | None = None
    header_lines: list[int] = field(default_factory=list)
    last: int = -1  # last line consumed
    next_header: bool = False  # stopped at a new period header (a captionless sibling table follows)
    style: str = "space"


def _is_note_start(text: str, expected_numbered: int | None) -> bool:
    if NOTE_START_RE.match(text) or SOURCE_RE.match(text):
        return True
    m = NUMBERED_NOTE_RE.match(text)
    return bool(m) and expected_numbered is not None and int(m.group(1)) == expected_numbered \
        and not is_data_line(text)


def _pieces(lines: list[Line], idxs: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    cur: list[int] = []
    for i in idxs:
        if lines[i].blank:
            if cur:
                out.append(cur)
                cur = []
        else:
            cur.append(i)
    if cur:
        out.append(cur)
    return out


# -- header cells --------------------------------------------------------------

def _segments(text: str) -> list[str]:
    """Split a header line where a new cell visibly starts: a capitalised word mid-line, or a period."""
    segs: list[list[str]] = []
    for tok in text.split():
        new = not segs or bool(YEARISH.match(tok)) or bool(YEARISH.match(segs[-1][-1]))
        if not new and tok[:1].isupper() and not tok.isupper() and not segs[-1][-1].endswith(("(", "/")) \
                and len(tok) > 1:
            new = True
        if new:
            segs.append([tok])
        else:
            segs[-1].append(tok)
    return [" ".join(s) for s in segs]


def _continues_cell(segs: list[str], k: int, prev: Line | None) -> bool:
    first = segs[0]
    if first[:1].islower():
        return True  # also across a blank line: "Talet på" / "søknader"
    if k == 0:
        return False
    if first[:1] == "(" or (first[:1].isdigit() and not YEARISH.match(first)):
        return True
    # "Innvilga beløp i" / "2020": a lone period finishing an open phrase
    return len(segs) == 1 and bool(YEARISH.match(first)) and prev is not None and \
        bool(re.search(r"\b[a-zæøå]+\s*$", prev.text))


def header_cells(lines: list[Line], idxs: list[int], glue_cut_words: bool) -> list[str]:
    """Header cells in reading order; wrapped cell text is joined back together."""
    cells: list[list[str]] = []  # raw fragments of each cell, joined like body text
    prev: Line | None = None
    for piece in _pieces(lines, idxs):
        for k, i in enumerate(piece):
            ln = lines[i]
            segs = _segments(ln.s)
            if not segs:
                continue
            frags = [s + " " for s in segs[:-1]] + [segs[-1] + (" " if ln.trailing else "")]
            if cells and _continues_cell(segs, k, prev):
                cells[-1].append(frags.pop(0))
            cells.extend([f] for f in frags)
            prev = ln
    return [c for c in (join_lines(f, glue_cut_words=glue_cut_words) for f in cells) if c]


def _columns(cells: list[str], n: int) -> tuple[str, list[str]]:
    """(label column header, n data column names) from header cells."""
    years = [k for k, c in enumerate(cells) if YEARISH.match(c)]
    label = cells[0] if cells and (not years or years[0] > 0) else ""
    if len(years) == n and n > 0:
        cols = []
        qual: list[str] = []
        for k in range(years[0], len(cells)):
            if k in years:
                cols.append(cells[k] + (f" ({' '.join(qual)})" if qual else ""))
                qual = []
            else:
                qual.append(cells[k])
        if qual and cols:
            cols[-1] += f" ({' '.join(qual)})"
        return label, cols
    if years and n % len(years) == 0 and n > len(years):
        subs = cells[years[-1] + 1:]
        per = n // len(years)
        if len(subs) == per:
            subs = subs * len(years)
        if len(subs) == n:
            return label, [f"{cells[years[k // per]]} {subs[k]}" for k in range(n)]
    if len(cells) == n + 1:
        return cells[0], [_prelim(c) for c in cells[1:]]
    words = [c for c in cells if not YEARISH.match(c)]
    if years and len(words) == n:
        return "", words
    if len(cells) == n:
        return "", [_prelim(c) for c in cells]
    if len(cells) > n + 1 and not years:
        return " ".join(cells[:len(cells) - n]), cells[len(cells) - n:]
    return label, [f"Kolonne {k + 1}" for k in range(n)]


def _prelim(col: str) -> str:
    m = _PRELIM_RE.match(col)
    return f"{m.group('y')} ({m.group('q')})" if m else col


# -- the region ------------------------------------------------------------------

def _logical(lines: list[Line], i: int, end: int) -> tuple[str, list[int]]:
    """The line at `i`, joined with the next when a not-available phrase wraps (`Ikkje` / `tilgjengeleg`)."""
    text = lines[i].s
    if re.search(r"\b(?:ikkje|ikke)$", text, re.I) and i + 1 < end and \
            re.match(r"(?:tilgjengeleg|tilgjengelig|relevant|aktuelt|oppgitt)\b", lines[i + 1].s, re.I):
        return text + " " + lines[i + 1].s, [i, i + 1]
    return text, [i]


def _year_led(lines: list[Line], data: list[int]) -> bool:
    """Value lines that start with increasing years carry the year as their label (cohort tables)."""
    firsts = []
    for i in data:
        toks = tokens(lines[i].s)
        if not toks or not YEARISH.match(toks[0]):
            return False
        firsts.append(int(toks[0][:4]) if toks[0][:4].isdigit() else 0)
    return all(a < b for a, b in zip(firsts, firsts[1:], strict=False))


def parse_table(lines: list[Line], start: int, stop: Callable[[int], bool], glue_cut_words: bool,
                header_line: int | None = None) -> TableData | None:
    """Parse the table whose header/notes begin at `start` (after the caption).

    `stop(i)` says a line can never belong to a table (page furniture, footnote
    areas, headings). Returns None when no value rows follow.
    """
    region: list[int] = []
    data: list[int] = []
    in_notes = False
    i = start
    note_no = 1
    stopped_at_header = False
    while i < len(lines):
        ln = lines[i]
        if stop(i) or (CAPTION_RE.match(ln.text) and i != start):
            break
        if ln.blank:
            in_notes = False
            region.append(i)
            i += 1
            continue
        text = ln.s
        if not data:
            if in_notes and not _is_note_start(text, note_no) and not is_year_header(text):
                region.append(i)
                i += 1
                continue
            if _is_note_start(text, note_no):
                in_notes = True
                m = NUMBERED_NOTE_RE.match(text)
                if m:
                    note_no += 1
                region.append(i)
                i += 1
                continue
            if len(region) > MAX_HEADER_LINES or (len(text) > 80 and not is_data_line(text)):
                return None
        else:
            if is_year_header(text) and not is_data_line(text) and i != header_line:
                stopped_at_header = True
                break
            if ln.indented and not is_data_line(text) and not NOTE_START_RE.match(text) \
                    and not SOURCE_RE.match(text):
                break
            if lines[i - 1].blank and not is_data_line(text) and not _is_note_start(text, 1):
                piece = [i]
                while piece[-1] + 1 < len(lines) and not lines[piece[-1] + 1].blank and not stop(piece[-1] + 1):
                    piece.append(piece[-1] + 1)
                if any(is_year_header(lines[k].s) for k in piece):
                    stopped_at_header = True
                    break
                if not any(is_data_line(lines[k].s) for k in piece):
                    k = piece[-1] + 1
                    while k < len(lines) and lines[k].blank and not stop(k):
                        k += 1
                    if k >= len(lines) or stop(k) or not is_data_line(_logical(lines, k, len(lines))[0]):
                        break
        text, phys = _logical(lines, i, len(lines))
        if is_data_line(text):
            data.append(i)
        region.extend(phys)
        i = phys[-1] + 1
    if not data:
        return None
    while region and lines[region[-1]].blank:
        region.pop()
    return _assemble(lines, region, data, glue_cut_words, stopped_at_header, header_line)


def _support(lines: list[Line], data: list[int], n: int) -> float:
    ok = sum(fits(_logical(lines, i, len(lines))[0], n) for i in data)
    return ok / len(data)


def _choose_n(lines: list[Line], data: list[int], cells: list[str]) -> int:
    years = sum(bool(YEARISH.match(c)) for c in cells)
    for cand in (years if years >= 2 else 0, len(cells) - 1, len(cells)):
        if cand >= 1 and _support(lines, data, cand) >= 0.6:
            return cand
    scored = [(_support(lines, data, k), -abs(k - (len(cells) - 1)), k) for k in range(1, 13)]
    return max(scored)[2]


def _assemble(lines: list[Line], region: list[int], data: list[int], glue: bool,
              stopped_at_header: bool, header_line: int | None) -> TableData:
    first = data[0]
    label_start = first
    toks = tokens(_logical(lines, first, len(lines))[0])
    if tail_start(toks) == 0 and not _year_led(lines, data):
        # values only: the wrapped label is the piece above (after any period-only lines)
        k = region.index(first) - 1
        while k >= 0 and lines[region[k]].blank:
            k -= 1
        piece: list[int] = []
        while k >= 0 and not lines[region[k]].blank:
            piece.insert(0, region[k])
            k -= 1
        while piece and (is_year_header(lines[piece[0]].s) or YEARISH.match(lines[piece[0]].s)
                         or piece[0] == header_line):
            piece.pop(0)
        if piece:
            label_start = piece[0]
    else:
        k = region.index(first)
        while k > 0 and not lines[region[k - 1]].blank and not is_year_header(lines[region[k - 1]].s) \
                and region[k - 1] != header_line and not _is_note_start(lines[region[k - 1]].s, None):
            k -= 1
        label_start = region[k]
    if header_line is not None:
        for piece in _pieces(lines, [i for i in region if header_line < i < label_start]):
            text = " ".join(lines[k].s for k in piece)
            if not any(YEARISH.match(t) for t in text.split()) and len(text.split()) > 2 \
                    and not _is_note_start(text, None):
                label_start = piece[0]  # a group line over the first rows, not part of the header
                break
    pre = [i for i in region if i < label_start]
    notes: list[tuple[str, list[int]]] = []
    source: str | None = None
    head: list[int] = []
    cur_note: list[int] | None = None
    note_no = 1
    for i in pre:
        t = lines[i].s
        if lines[i].blank:
            cur_note = None
            head.append(i)
        elif SOURCE_RE.match(t):
            source = t
            cur_note = None
        elif _is_note_start(t, note_no):
            if NUMBERED_NOTE_RE.match(t):
                note_no += 1
            cur_note = [i]
            notes.append(("", cur_note))
        elif cur_note is not None:
            cur_note.append(i)
        else:
            head.append(i)
    cells = header_cells(lines, head, glue)
    n = _choose_n(lines, data, cells)
    label_header, columns = _columns(cells, n)
    td = TableData(n=n, label_header=label_header, columns=columns, header_lines=[i for i in head if
                                                                                  not lines[i].blank])
    td.notes = notes
    td.source = source
    td.last = max([i for i in pre if not lines[i].blank], default=label_start - 1)
    _rows(lines, [i for i in region if i >= label_start], td, glue)
    td.notes = [(join_lines([lines[k].text for k in ls], glue), ls) for _, ls in td.notes]
    td.next_header = stopped_at_header and td.last == region[-1]
    return td


def _rows(lines: list[Line], idxs: list[int], td: TableData, glue: bool) -> None:
    n = td.n
    pending: list[int] = []
    gap_after_pending = False
    group: str | None = None
    cur_note: list[int] | None = None
    gap = False
    note_no = 1
    skip: set[int] = set()
    end = (idxs[-1] + 1) if idxs else 0
    for i in idxs:
        if i in skip:
            continue
        ln = lines[i]
        if ln.blank:
            gap = True
            cur_note = None
            if pending:
                gap_after_pending = True
            continue
        text, phys = _logical(lines, i, end)
        skip.update(phys[1:])
        if td.rows and SOURCE_RE.match(text):
            td.source = text
            td.last = phys[-1]
            cur_note = None
            continue
        if td.rows and _is_note_start(text, note_no) and not is_data_line(text):
            if NUMBERED_NOTE_RE.match(text):
                note_no += 1
            cur_note = list(phys)
            td.notes.append(("", cur_note))
            td.last = phys[-1]
            gap = False
            continue
        if cur_note is not None and not gap and not is_data_line(text):
            cur_note.extend(phys)
            td.last = phys[-1]
            continue
        pure = tail_start(tokens(text)) == 0
        r = split_row(text, n, allow_short=pure and bool(pending))
        if r is not None:
            label, cells = r
            if len(cells) < n:
                cells = [[""]] * (n - len(cells)) + cells  # short rows are right-aligned
            raw = [lines[k].text for k in pending]
            ptext = join_lines(raw, glue) if pending else ""
            if not label:
                label_text, rows_lines = ptext, pending + phys
                group = None  # a label wrapped on its own ends the group above
            elif pending and (gap_after_pending or _TOTAL_RE.match(label)) and not _CONTINUES_RE.search(ptext) \
                    and not label[:1].islower() and not label[:1] == "(":
                group, label_text, rows_lines = ptext, label, list(phys)
            else:
                label_text = join_lines(raw + [label + " "], glue)
                rows_lines = pending + phys
            td.rows.append(RowData(label_text, cells, rows_lines, group))
            td.last = phys[-1]
            pending, gap_after_pending, gap, cur_note = [], False, False, None
            continue
        if is_year_header(text):
            break
        if td.rows and not gap and not pending and not ln.indented and not _values_follow(lines, i, end) \
                and not _CONTINUES_RE.search(text) and (len(text) >= 60 or SENTENCE_END_RE.search(text)):
            cur_note = list(phys)  # text glued under the last row is a note on the table
            td.notes.append(("", cur_note))
            td.last = phys[-1]
            continue
        pending.extend(phys)
        gap = False
    # pending lines that never met their values are left to the caller



def _values_follow(lines: list[Line], i: int, end: int) -> bool:
    """Values follow in the same piece, or a line of bare values right after it: the text is a label."""
    k = i + 1
    while k < end and not lines[k].blank:
        if is_data_line(_logical(lines, k, end)[0]):
            return True
        k += 1
    while k < end and lines[k].blank:
        k += 1
    return k < end and is_data_line(lines[k].s) and tail_start(tokens(lines[k].s)) == 0


# -- text tables (a risk matrix: goal | risk | rating) -----------------------------

_RATING_RE = re.compile(r"(?<!\w)(Svært høg|Svært låg|Høg|Høy|Middels|Moderat|Låg|Lav)\b(?=\s*(?:\(|$))")


def parse_text_table(lines: list[Line], start: int, stop: Callable[[int], bool],
                     glue_cut_words: bool) -> TableData | None:
    """A table of text cells. Rows are recovered when the second column names what starts each row
    (`Risiko ...`) and the last column holds a rating (`Høg (middels etter tiltak)`)."""
    i = start
    while i < len(lines) and lines[i].blank:
        i += 1
    head: list[int] = []
    first_piece = True
    while i < len(lines) and not stop(i):
        ln = lines[i]
        if ln.blank:
            first_piece = False
        elif first_piece or ln.s[:1].islower() or ln.s[:1] in "()":
            head.append(i)
        else:
            break
        i += 1
    cells = header_cells(lines, head, glue_cut_words)
    body: list[int] = []
    while i < len(lines) and not stop(i) and not CAPTION_RE.match(lines[i].text) and len(lines[i].s) < 75:
        body.append(i)
        i += 1
    while body and lines[body[-1]].blank:
        body.pop()
    if not head or not body:
        return None
    td = TableData(n=max(len(cells) - 1, 1), label_header=cells[0] if cells else "", columns=cells[1:],
                   header_lines=head, last=body[-1], style="text")
    if len(cells) == 3:
        _risk_rows(lines, body, cells[1].split()[0], td, glue_cut_words)
    return td


def _risk_rows(lines: list[Line], body: list[int], key: str, td: TableData, glue: bool) -> None:
    goal: list[str] = []
    cur_goal = ""
    risk: list[str] = []
    rating: list[str] = []
    row_lines: list[int] = []
    state = "goal"

    def flush() -> None:
        nonlocal risk, rating, row_lines, state
        if risk and rating:
            td.rows.append(RowData(cur_goal, [[join_lines(risk, glue)], [join_lines(rating, glue)]], row_lines))
        risk, rating, row_lines, state = [], [], [], "goal"

    key_re = re.compile(rf"(?<!\w){re.escape(key)}\b")
    for i in body:
        ln = lines[i]
        if ln.blank:
            continue
        text = ln.text.strip(" ") + (" " if ln.trailing else "")
        m = key_re.search(text)
        if m and not (state == "risk" and m.start() > 0):
            flush()
            if text[:m.start()].strip():
                goal = [text[:m.start()]]
            if goal:
                cur_goal = join_lines(goal, glue)
                goal = []
            rest = text[m.start():]
            r = _RATING_RE.search(rest)
            if r and r.start() > 0:
                risk, rating, state = [rest[:r.start()]], [rest[r.start():]], "rating"
            else:
                risk, state = [rest], "risk"
            row_lines.append(i)
        elif state in ("risk", "rating") and _RATING_RE.match(text.strip()) and not rating:
            rating, state = [text], "rating"
            row_lines.append(i)
        elif state == "rating" and text.strip()[:1].islower():
            rating.append(text)
            row_lines.append(i)
        elif state == "risk":
            risk.append(text)
            row_lines.append(i)
        else:
            flush()
            goal.append(text)
    flush()
