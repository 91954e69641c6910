"""Tab- and pipe-separated tables: header rows, sub-tables, row labels, cell values, a readable text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.records import Cell, Span, TableRow
from ingest.formats.markdown.lex import PIPE_SEP, Chunk, Line
from ingest.formats.markdown.text import cell_text
from text.numbers import detect_unit, parse_cell

_SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")
_YEARISH = re.compile(r"^\D{0,25}(?:19|20)\d\d\*?$")
_DATEISH = re.compile(r"^\d{1,2}\.\d{1,2}\.(?:19|20)\d\d\b")
# `<b>SP13.1:</b> Andel ...` -> SP13.1
_CODE = re.compile(r"^\s*(?:<p>\s*)?<b>\s*(?P<code>[A-ZÆØÅ]{1,5}\d+(?:\.\d+)*)\s*:\s*</b>")
_DASH_LABEL = re.compile(r"^[–—-]\s+")
_PAREN = re.compile(r"\(([^()]*)\)")
_ROW_UNITS = {"prosent": "%", "%": "%", "kroner": "kroner", "kr": "kroner", "kr.": "kroner",
              "mill. kroner": "mill. kroner", "måneder": "måneder", "antall": None, "personer": "personer"}


@dataclass
class RawRow:
    raw: list[str]  # cells as in the source
    cells: list[str]  # cleaned
    line: Line

    @property
    def span(self) -> Span:
        return Span(start=self.line.start, end=self.line.start + len(self.line.text.rstrip()))


@dataclass
class TablePart:
    header: RawRow | None
    rows: list[RawRow]

    @property
    def first_line(self) -> Line:
        return (self.header or self.rows[0]).line

    @property
    def last_line(self) -> Line:
        return (self.rows[-1] if self.rows else self.header).line  # type: ignore[union-attr]


def rows_of(chunk: Chunk, vocab: frozenset[str] = frozenset()) -> list[RawRow]:
    """Rows of a tab or pipe chunk; `---\\t---` and `|---|` separator rows dropped."""
    out = []
    for line in chunk.lines:
        if chunk.kind == "pipe":
            if PIPE_SEP.match(line.text):
                continue
            raw = [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.text.strip().strip("|"))]
        else:
            raw = line.text.split("\t")
        if all(not c.strip() or _SEPARATOR_CELL.match(c) for c in raw):
            continue
        out.append(RawRow(raw, [cell_text(c, vocab) for c in raw], line))
    return out


def _is_value(text: str) -> bool:
    return parse_cell(text).value is not None and not _YEARISH.match(text) and not _DATEISH.match(text)


def is_header(row: RawRow) -> bool:
    """Short, non-numeric cells after the first (years and dates allowed): a column header row."""
    rest = [c for c in row.cells[1:] if c]
    if not rest or any("<p>" in r for r in row.raw):
        return False
    return all(len(c) <= 80 and not _is_value(c) for c in rest)


def is_subheader(row: RawRow) -> bool:
    """A header row in the middle of a block: most of its cells name a year (`2016`, `Foreløpige tall 2020`)."""
    rest = [c for c in row.cells[1:] if c]
    if not is_header(row):
        return False
    return sum(bool(_YEARISH.match(c) or _DATEISH.match(c)) for c in rest) * 2 >= len(rest)


def split_parts(rows: list[RawRow]) -> list[TablePart]:
    """One part per header; repeated headers (page breaks) dropped, mid-block headers start a sub-table."""
    if not rows:
        return []
    header = rows[0] if is_header(rows[0]) else None
    parts = [TablePart(header, [])]
    for r in rows[1:] if header else rows:
        if parts[-1].header is not None and r.cells == parts[-1].header.cells:
            continue
        if is_subheader(r) and parts[-1].rows:
            parts.append(TablePart(r, []))
            continue
        parts[-1].rows.append(r)
    return [p for p in parts if p.rows or p.header]


def _unit_from_text(text: str) -> str | None:
    for inner in _PAREN.findall(text):
        unit = detect_unit(re.sub(r"^\s*i\s+", "", inner))
        if unit:
            return unit
    return None


def build_rows(part: TablePart) -> tuple[list[str], list[TableRow]]:
    """Column names and labelled rows with parsed cells."""
    ncols = max(len(r.cells) for r in ([part.header] if part.header else []) + part.rows)
    columns = (part.header.cells if part.header else []) + [""] * ncols
    columns = columns[:ncols]
    unit_col = _unit_column(part, columns, ncols)
    if unit_col is not None:
        columns[unit_col] = "Enhet"
    col_units = [_unit_from_text(c) for c in columns]
    codes = [_code(r) for r in part.rows]
    coded = sum(c is not None for c in codes)

    out: list[TableRow] = []
    parent = ""
    prev_label = ""
    group_unit: str | None = None
    for i, r in enumerate(part.rows):
        cells_txt = (r.cells + [""] * ncols)[:ncols]
        label = cells_txt[0]
        is_group = bool(label) and not any(cells_txt[1:])
        if is_group:
            group_unit = _unit_from_text(label)
        if not label and any(cells_txt[1:]):
            label = prev_label  # a sub-row under the row above ("", "Jobbsjansen - hovedtildeling ...")
        elif _DASH_LABEL.match(label) and parent:
            label = f"{parent} {label}"  # "– av disse IMDi" under "Bosatte enslige mindreårige"
        elif coded >= 3 and codes[i] is None and not is_group:
            code = _infer_code(codes, i)
            if code:
                label = f"{code}: {label}"
        else:
            parent = label
            if not is_group:
                group_unit = None  # a group's unit ("(måneder)") covers only the dash rows under it
        row_unit = _ROW_UNITS.get(cells_txt[unit_col].lower()) if unit_col is not None else None
        cells = []
        for j, text in enumerate(cells_txt[1:], start=1):
            c = parse_cell(text) if j != unit_col else Cell(text=text)
            if c.value is not None and c.unit is None:
                c.unit = row_unit or col_units[j] or group_unit
            cells.append(c)
        out.append(TableRow(label=label, cells=cells, span=r.span))
        prev_label = label
    return columns, out


def _unit_column(part: TablePart, columns: list[str], ncols: int) -> int | None:
    for j in range(1, ncols):
        if columns[j]:
            continue
        vals = {(r.cells + [""] * ncols)[j].lower() for r in part.rows} - {""}
        if vals and vals <= set(_ROW_UNITS):
            return j
    return None


def _code(row: RawRow) -> str | None:
    m = _CODE.match(row.raw[0]) if row.raw else None
    return m.group("code") if m else None


def _infer_code(codes: list[str | None], i: int) -> str | None:
    """An unlabelled row in a coded table (SP12, ..., SP13.1): the next code's parent, else the previous code."""
    nxt = next((c for c in codes[i + 1:] if c), None)
    if nxt and "." in nxt:
        return nxt.rsplit(".", 1)[0]
    return next((c for c in reversed(codes[:i]) if c), None)


def linearise(caption: str | None, columns: list[str], rows: list[TableRow],
              notes: list[str], source: str | None) -> str:
    """`caption / header | ... / label | col: value | ...` with notes and source at the end."""
    lines = [caption] if caption else []
    if any(columns):
        lines.append(" | ".join(c for c in columns if c))
    for row in rows:
        parts = [row.label] if row.label else []
        for col, cell in zip(columns[1:], row.cells, strict=False):
            if cell.text:
                parts.append(f"{col}: {cell.text}" if col else cell.text)
        if parts:
            lines.append(" | ".join(parts))
    lines.extend(notes)
    if source:
        lines.append(source)
    return "\n".join(lines)
