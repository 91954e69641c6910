"""Space-separated tables of the letter bundle, read from body lines.

* Budget and grant tables: a header (`Post Betegnelse Tildeling 2020`,
  `Kap./post Postnavn Beløp`, `Organisasjon Tilskudd 2020`), then rows whose
  amount ends the line; a long label wraps and pushes the amount onto a line of
  its own (`Post 45 … kan` / `overføres` / `53,5`).
* The reporting-deadline table (`Type rapportering Telletidspunkt Rapporteringsfrist`):
  two dates end each row.
* Vedlegg 2's X grid and Vedlegg 3's calendar have their own readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.records import Cell
from ingest.formats.letter.lines import BodyLine
from text.numbers import parse_cell

_HEADER = re.compile(
    r"^(?P<label>Kap\. Post Betegnelse|Post Betegnelse|Kap\.\s?/\s?post Postnavn|Organisasjon|Type rapportering)"
    r"\s+(?P<rest>\S.*)$")
_UNIT_LINE = re.compile(r"^\(i (?P<unit>mill\.|mrd\.|1000|tusen) kroner\)$")
_AMOUNT = re.compile(r"(?:^|(?<=\s))(?P<num>\d{1,3}(?: \d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*(?P<unit>kroner|kr\.?)?$")
_DATE = r"\d{1,2}\. [a-zæøå]+ \d{4}"
_TWO_DATES = re.compile(rf"(?:^|(?<=\s))(?P<d1>{_DATE})\s+(?P<d2>{_DATE})$")
_KAP_POST = re.compile(r"^(?P<kap>\d{3})\s*[/,]\s*(?P<post>\d{2})\s+(?P<name>.+)$")
_SUM = re.compile(r"^sum\b", re.I)
_POST_AMOUNT = re.compile(r"^Post \d{2} \S.*\s\d[\d ]*(?:,\d+)?\s*$")
MAX_WRAP = 4  # label lines before the amount


@dataclass
class Row:
    label: str
    cells: list[Cell]
    start: int
    end: int


@dataclass
class SpaceTable:
    columns: list[str]
    rows: list[Row]
    start: int  # offset of the unit line or header
    end: int
    next: int  # index of the first body line after the table
    unit: str | None = None
    notes: list[str] = field(default_factory=list)


def _headerless_budget(blines: list[BodyLine], i: int) -> bool:
    """`Post 60 … 12 420,00` lines closed by `Sum …`: a budget table printed without its header row."""
    if not _POST_AMOUNT.match(blines[i].text) or (i > 0 and _POST_AMOUNT.match(blines[i - 1].text)):
        return False
    for bl in blines[i + 1:i + 1 + 2 * MAX_WRAP]:
        if _SUM.match(bl.text) and _AMOUNT.search(bl.text):
            return True
        if bl.para and not bl.debris and not _POST_AMOUNT.match(bl.text):
            return False
    return False


def is_table_start(blines: list[BodyLine], i: int) -> bool:
    t = blines[i].text
    if _HEADER.match(t) or _headerless_budget(blines, i):
        return True
    return bool(_UNIT_LINE.match(t)) and i + 1 < len(blines) and bool(_HEADER.match(blines[i + 1].text))


def read_space_table(blines: list[BodyLine], i: int, kap: str | None = None) -> SpaceTable | None:
    """The table starting at body line `i`; `kap` ("291") prefixes `Post NN` row labels."""
    start = blines[i].line.cstart
    unit = None
    if m := _UNIT_LINE.match(blines[i].text):
        unit = {"mill.": "mill. kroner", "mrd.": "mrd. kroner"}.get(m.group("unit"), "1000 kroner")
        i += 1
    h = _HEADER.match(blines[i].text)
    if h:
        dates = h.group("label") == "Type rapportering"
        values = h.group("rest").split() if dates else [h.group("rest")]
        columns = [h.group("label"), *values]
        j = i + 1
    elif _headerless_budget(blines, i):
        dates, columns, j = False, ["Post Betegnelse", ""], i
    else:
        return None
    rows: list[Row] = []
    frag: list[BodyLine] = []
    end_j = j
    first_row = j
    while j < len(blines):
        bl = blines[j]
        if bl.para and not bl.debris and j != first_row:
            break
        m = (_TWO_DATES if dates else _AMOUNT).search(bl.text)
        if m is None:
            frag.append(bl)
            if len(frag) > MAX_WRAP:
                break
            j += 1
            continue
        head = bl.text[:m.start()].strip()
        label = " ".join([*(f.text for f in frag), head]).strip()
        if not label:
            break
        first = frag[0] if frag else bl
        cells = [Cell(text=m.group("d1")), Cell(text=m.group("d2"))] if dates else [_amount_cell(m)]
        rows.append(Row(_label(label, kap), cells, first.line.cstart, bl.line.cend))
        frag = []
        j += 1
        end_j = j
        if _SUM.match(label):
            break
    if not rows:
        return None
    if not dates:
        unit = unit or _infer_unit(rows)
        for r in rows:
            for c in r.cells:
                c.unit = c.unit or unit
    return SpaceTable(columns, rows, start, rows[-1].end, end_j, unit)


def _amount_cell(m: re.Match[str]) -> Cell:
    text = m.group(0).strip()
    cell = parse_cell(text)
    if cell.value is None:
        cell = Cell(text=text)
    return cell


def _infer_unit(rows: list[Row]) -> str:
    """Budget tables in the main letter give mill. kroner with a decimal comma; grant lists give whole kroner."""
    values = [c for r in rows for c in r.cells if c.value is not None]
    if any(c.unit for c in values):
        return "kroner"
    if values and all(c.value >= 100_000 and "," not in c.text for c in values):  # type: ignore[operator]
        return "kroner"
    return "mill. kroner"


def _label(label: str, kap: str | None) -> str:
    """`291/60 X` and `291, 60 X` -> `Kap. 291 Post 60 X`; `Post 60 X` under `Kap. 291` gets the chapter."""
    label = re.sub(r"\s+", " ", label).strip()
    if m := _KAP_POST.match(label):
        return f"Kap. {m.group('kap')} Post {m.group('post')} {m.group('name')}"
    if kap and label.startswith("Post "):
        return f"Kap. {kap} {label}"
    return label


def linearise(caption: str | None, columns: list[str], rows: list[Row], unit: str | None = None) -> str:
    """`caption | header | rows`, one row per line, so a search hit shows the row with its amount."""
    out = []
    if caption:
        out.append(caption + (f" ({unit})" if unit and unit not in caption else ""))
    out.append(" | ".join(columns))
    for r in rows:
        cells = []
        for c in r.cells:
            shown = c.text
            if c.unit and c.value is not None and not re.search(r"[a-zA-Z%]", c.text):
                shown = f"{c.text} {c.unit}"
            cells.append(shown)
        out.append(" | ".join([r.label, *cells]))
    return "\n".join(out)


# -- Vedlegg 2: statistics with X marks for half-year / annual reporting -------------------------

_GOAL = re.compile(r"^Virksomhetsspesifikt mål \d+:", re.I)
_STAT_ROW = re.compile(r"^(?P<no>\d{1,2}) (?:(?P<sub>[A-C]): )?(?P<text>\S.*)$")
_SUB_ROW = re.compile(r"^(?P<sub>[A-C]): (?P<text>\S.*)$")
_X = re.compile(r"^X(?: X)?$")


@dataclass
class StatGroup:
    title: str  # "Virksomhetsspesifikt mål 1: … – Kompetansekartlegging", "Tolk"
    start: int  # the goal or group header line
    rows: list[Row] = field(default_factory=list)


@dataclass
class XGrid:
    columns: list[str]
    groups: list[StatGroup]
    start: int
    end: int
    next: int


@dataclass
class _StatRow:
    no: str
    parts: list[str]
    start: int
    end: int
    marks: tuple[str, str] = ("", "")


def read_xgrid(blines: list[BodyLine], i: int) -> XGrid | None:
    """Rows `N text` (sub-rows `A:`/`B:`) with one X line per row, anywhere inside the row's text.

    The X's column is told by its indent: `X X` is both, ` X ` (indented) only the
    right-hand Årlig, `X  ` (flush left) only Halvårlig. Sub-rows share the row's marks.
    """
    columns: list[str] = []
    goal = ""  # a `Virksomhetsspesifikt mål N:` header, given to the next group only
    goal_start: int | None = None
    groups: list[StatGroup] = []
    rows: list[tuple[StatGroup, _StatRow]] = []
    wrapping: str | None = None  # "goal" or "group" while their title wraps
    j = i
    while j < len(blines):
        bl = blines[j]
        t = bl.text
        row = _STAT_ROW.match(t)
        sub = _SUB_ROW.match(t)
        if t == "Halvårlig Årlig":
            columns = ["Tabellnr. og statistikk", "Halvårlig", "Årlig"]
        elif t.startswith("Tabellnr"):
            wrapping = None
        elif _X.match(t) and rows:
            marks = ("X", "X") if " X" in t else (("", "X") if bl.line.raw.startswith(" ") else ("X", ""))
            for _, r in rows:
                if r.no == rows[-1][1].no:
                    r.marks = marks
            rows[-1][1].end = max(rows[-1][1].end, bl.line.cend)
            wrapping = None
        elif _GOAL.match(t):
            goal, goal_start, wrapping = t, bl.line.cstart, "goal"
        elif row or (sub and rows):
            if row:
                no = row.group("no")
                label = f"{no} {row.group('sub')}: {row.group('text')}" if row.group("sub") else t
                marks: tuple[str, str] = ("", "")
            else:
                no = rows[-1][1].no
                label = f"{no} {t}"
                marks = rows[-1][1].marks
            if not groups:
                groups.append(StatGroup(goal, goal_start if goal_start is not None else bl.line.cstart))
            rows.append((groups[-1], _StatRow(no, [label], bl.line.cstart, bl.line.cend, marks)))
            wrapping = None
        elif bl.line.lead1 and t[:1].isupper():  # a group header: ` Kompetansekartlegging`, ` Tolk`
            start = goal_start if goal and goal_start is not None else bl.line.cstart
            groups.append(StatGroup(f"{goal} – {t}" if goal else t, start))
            goal, goal_start, wrapping = "", None, "group"
        elif wrapping == "goal" and not bl.para:
            goal = f"{goal} {t}"
        elif wrapping == "group" and not bl.para:
            groups[-1].title = f"{groups[-1].title} {t}"
        elif rows and (not bl.para or t[:1].islower() or t.startswith("(")):
            rows[-1][1].parts.append(t)
            rows[-1][1].end = bl.line.cend
        else:
            break
        j += 1
    if not rows or not columns:
        return None
    for g, r in rows:
        label = re.sub(r"\s+", " ", " ".join(r.parts)).strip()
        g.rows.append(Row(label, [Cell(text=r.marks[0]), Cell(text=r.marks[1])], r.start, r.end))
    groups = [g for g in groups if g.rows]
    return XGrid(columns, groups, blines[i].line.cstart, max(r.end for _, r in rows), j)


# -- Vedlegg 3: the calendar ---------------------------------------------------------------------

_CAL_HEADER = re.compile(r"^(Dato og tidspunkt) (Type møte eller rapport)$")
_CAL_ROW = re.compile(
    r"^(?P<when>(?:Innen )?\d{1,2}\. [a-zæøå]+(?: \d{4})?|Ikke avklart)\s+(?P<what>[A-ZÆØÅ].*)$")


def read_calendar(blines: list[BodyLine], i: int) -> SpaceTable | None:
    h = _CAL_HEADER.match(blines[i].text)
    if not h:
        return None
    rows: list[Row] = []
    j = i + 1
    while j < len(blines):
        bl = blines[j]
        if m := _CAL_ROW.match(bl.text):
            rows.append(Row(m.group("when"), [Cell(text=m.group("what"))], bl.line.cstart, bl.line.cend))
        elif rows and not bl.para:
            r = rows[-1]
            r.cells = [Cell(text=f"{r.cells[0].text} {bl.text}")]
            r.end = bl.line.cend
        else:
            break
        j += 1
    if not rows:
        return None
    return SpaceTable([h.group(1), h.group(2)], rows, blines[i].line.cstart, rows[-1].end, j)
