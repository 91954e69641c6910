"""Facts from parsed tables: one per numeric cell, keyed by its row label and column header.

Tables in the corpus have mid-table header rows (`Opplæring i norsk …  2016 … Foreløpige
tall 2020`), value-less group rows (`Gjennomsnittlig ventetid … (måneder)`) whose
members follow (`– totalt`, `Einslege mindreårige`), `– av disse IMDi` sub-rows, year
rows (`Kohort 2016`), and a unit column (`Antall`, `Kroner`, `Prosent`). A row is read
in the light of what came before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.records import Cell, Table, TableRow
from text.clean import detach_footnote_marker
from text.terms import group_in, is_year_value, qualifier_in, single_year, unit_in
from text.years import YEAR, YEAR_RE

_DASH = re.compile(r"^\s*[-–—]\s*")
_SUBROW = re.compile(r"^\s*([-–—]|av (disse|desse)\b|herav\b|hvorav\b|derav\b)", re.I)
_YEAR_LABEL = re.compile(rf"^\s*({YEAR})\s*\**\s*$")
_HEADER_LABELS = re.compile(r"^\s*(år|ar|kohort|year)\s*$", re.I)
_NOTE_COLUMN = re.compile(r"^\s*(note|noter|note nr\.?|nr\.?|post|kap\.?|konto)\s*$", re.I)
# `Gsk: 25 % Vgo: 15 %`, `61 % Kvinner: 49 % Menn: 71 %`: several labelled shares in one cell
_PAIR = re.compile(r"\s*(?:(?P<label>[A-Za-zÆØÅæøå][\w .-]{0,24}?)\s*:\s*)?"
                   r"(?P<num>\d{1,3}(?:,\d+)?)\s*(?P<unit>%|prosent)(?:\s*[¹²³⁴⁵⁶⁷⁸⁹\d](?=\s|$))?")
_UNIT_CELL = re.compile(r"^\s*(antall|tal|kroner|prosent|%|mill\. kroner|måneder|månader|årsverk)\s*$", re.I)


@dataclass
class CellFact:
    """A numeric cell read as a fact, before ids, spans and entities are attached."""

    row: int
    column: str | None
    indicator: str
    value: float
    unit: str | None
    year: int | None
    period: str | None
    qualifier: str | None
    context: str | None
    cell_text: str


@dataclass
class _State:
    headers: list[str]
    group: str | None = None  # the last value-less row: members follow it
    parent: str | None = None  # the last top-level row with values: `– av disse` rows belong to it
    section: str | None = None  # label of the last mid-table header row
    notes: list[str] = field(default_factory=list)


def clean_label(label: str) -> str:
    """`Busette totalt1` -> `Busette totalt`, `Barnefamilier***` -> `Barnefamilier`."""
    words = label.replace("\u00a0", " ").split()
    if words:
        words[-1] = detach_footnote_marker(words[-1])
    return " ".join(words).rstrip("*¹²³⁴⁵⁶⁷⁸⁹⁰ ").strip()


def _is_header_row(row: TableRow) -> bool:
    """A row of years (`2016  2017 … Foreløpige tall 2020`) that names the columns below it."""
    filled = [c for c in row.cells if c.text.strip() and c.text.strip() not in {"-", "–"}]
    if len(filled) < 2:
        return False
    return all(YEAR_RE.search(c.text) and len(c.text) < 40 and
               (c.value is None or is_year_value(c.value, c.text)) for c in filled)


def _unit_cell(cells: list[Cell]) -> str | None:
    for c in cells:
        if c.value is None and _UNIT_CELL.match(c.text):
            return unit_in(c.text) or "antall"
    return None


def labelled_shares(text: str) -> list[tuple[str | None, float]] | None:
    """`I alt: 40 % Gsk: 28 % Vgo: 12 %` -> [('I alt', 40), ('Gsk', 28), ('Vgo', 12)]; None if not that shape."""
    pos, out = 0, []
    while pos < len(text.rstrip()):
        m = _PAIR.match(text, pos)
        if not m or m.end() == pos:
            return None
        out.append((m.group("label"), float(m.group("num").replace(",", "."))))
        pos = m.end()
    return out if len(out) >= 2 and any(label for label, _ in out) else None


def _numeric_entries(row: TableRow) -> list[tuple[int, Cell, str | None]]:
    """(column index, cell, share label) for each number in the row, cells with labelled shares split."""
    out: list[tuple[int, Cell, str | None]] = []
    for j, cell in enumerate(row.cells):
        if shares := labelled_shares(cell.text):
            out += [(j, Cell(text=cell.text, value=v, unit="%"), sub) for sub, v in shares]
        elif cell.value is not None:
            out.append((j, cell, None))
    return out


def _caption(table: Table) -> str | None:
    return table.title or table.caption


def table_cell_facts(table: Table, doc_year: int | None) -> list[CellFact]:
    """Every numeric cell of `table` with what its row, column, group and caption say about it."""
    caption = _caption(table)
    caption_year = single_year(caption)
    state = _State(headers=list(table.columns), notes=list(table.notes))
    out: list[CellFact] = []
    for i, row in enumerate(table.rows):
        label = clean_label(row.label)
        if _is_header_row(row) or (_HEADER_LABELS.match(label) and _is_header_row(row)):
            state.headers = [row.label, *(c.text for c in row.cells)]
            state.section = None if _HEADER_LABELS.match(label) else label or None
            state.group = None
            continue
        entries = _numeric_entries(row)
        if not entries:
            if label:
                state.group = label
            continue
        sub = bool(_SUBROW.match(label))
        short = len(label.split()) <= 3
        if sub and state.group:
            indicator = f"{state.group} – {_DASH.sub('', label)}"
        elif sub and state.parent:
            indicator = f"{state.parent} – {_DASH.sub('', label)}"
        elif short and state.group and not _YEAR_LABEL.match(label):
            indicator = f"{state.group} – {label}"
        else:
            indicator = label
            if not _YEAR_LABEL.match(label):
                state.group = None
        dependent = indicator != label
        if not sub and not dependent:
            state.parent = label
        row_unit = _unit_cell(row.cells)
        row_year = int(_YEAR_LABEL.match(label).group(1)) if _YEAR_LABEL.match(label) else None
        preliminary_row = row_year is not None and "*" in row.label and any(
            re.search(r"forel[øg]pig|førebels", n, re.I) for n in state.notes)
        for j, cell, share in entries:
            column = state.headers[j + 1] if j + 1 < len(state.headers) else None
            column = clean_label(column) if column else None
            assert cell.value is not None
            if column and _NOTE_COLUMN.match(column):
                continue  # note and account numbers are references
            if is_year_value(cell.value, cell.text) and (
                    _HEADER_LABELS.match(label) or (column and _HEADER_LABELS.match(column))):
                continue  # a year in a year column is a key, not a value
            ind = f"{indicator} – {share}" if share else indicator
            year = single_year(column)
            if row_year is not None:
                ind = column or indicator  # `Kohort | Antall personer …`: the column says what is counted
                year = row_year
            year_from_doc = False
            if year is None:
                year = caption_year
            if year is None and doc_year is not None and len(entries) == 1:
                # one value in the row: the report's own year; several: their columns would differ
                year, year_from_doc = doc_year, True
            unit = (cell.unit or unit_in(label) or row_unit or unit_in(column)
                    or (unit_in(state.group) if dependent else None) or unit_in(caption))
            if unit == "antall" and unit_in(caption) not in (None, "antall"):
                unit = unit_in(caption)
            qualifiers = [q for q in (qualifier_in(column), "foreløpig" if preliminary_row else None,
                                      group_in(ind), "år fra dokumentet" if year_from_doc else None) if q]
            context = caption
            if state.section:
                context = f"{caption} – {state.section}" if caption else state.section
            out.append(CellFact(
                row=i, column=column, indicator=ind, value=cell.value, unit=unit, year=year,
                period=column if column and single_year(column) is not None else None,
                qualifier="; ".join(dict.fromkeys(qualifiers)) or None, context=context, cell_text=cell.text,
            ))
    return out
