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
from text.terms import (
    CONTENT_WORD,
    QUALIFIERS,
    group_in,
    is_year_value,
    qualifier_in,
    says_half,
    single_year,
    title_adds,
    unit_in,
)
from text.years import YEAR, YEAR_RE

_DASH = re.compile(r"^\s*[-–—‐‑−]\s*")
_SUBROW = re.compile(r"^\s*([-–—‐‑−]|av (disse|desse)\b|herav\b|hvorav\b|derav\b)", re.I)
_YEAR_LABEL = re.compile(rf"^\s*({YEAR})\s*\**\s*$")
_HEADER_LABELS = re.compile(r"^\s*(år|ar|kohort|year)\s*$", re.I)
_NOTE_COLUMN = re.compile(r"^\s*(note|noter|note nr\.?|nr\.?|post|kap\.?|konto)\s*$", re.I)
# `Gsk: 25 % Vgo: 15 %`, `61 % Kvinner: 49 % Menn: 71 %`: several labelled shares in one cell
_PAIR = re.compile(r"\s*(?:(?P<label>[A-Za-zÆØÅæøå][\w .-]{0,24}?)\s*:\s*)?"
                   r"(?P<num>\d{1,3}(?:,\d+)?)\s*(?P<unit>%|prosent)(?:\s*[¹²³⁴⁵⁶⁷⁸⁹\d](?=\s|$))?")
# A header the parser could not recover (`kolonne 3`): a value under it has no name, so it is no fact
_UNNAMED = re.compile(r"^\s*kolonne\s+\d+\s*$", re.I)
# Chapter/post and account codes in the label column (`291/62`, `0290 01`, `60088701`): references, not names
_CODE_LABEL = re.compile(r"^\s*\d{2,}(?:\s?[/ .]\s?\d{1,3})*\s*$")
# A note reference left at the end of a row label when the note column merged into it (`Andre innbetalingar 1`)
_NOTE_TAIL = re.compile(r"\s+\d{1,2}[A-Z]?(?:\s?,\s?\d{1,2}[A-Z]?)*$")
# A sum closes the group above it (a `Totalt` row opens a group of members: `Totalt`, `Einslege mindreårige`)
_SUM_LABEL = re.compile(r"^\s*(sum|netto)\b", re.I)
# A row that is only a total: which total it is, only the group row it closes says
_BARE_TOTAL = re.compile(r"^\s*(sum|sum i alt|totalt?|i alt|samla|samlet)\s*:?\s*$", re.I)
# Statements of the annual accounts: their amounts are kroner unless the caption says otherwise
_ACCOUNTS = re.compile(r"bevilgningsrapport|løyvingsrapport|artskonto|kapitalkonto|kapitalregnskap|avregning med|"
                       r"avrekning med|mellomvær|^\s*note\s*[0-9A-Z]+\b|årsregnskap|årsrekneskap|regnskapsår|"
                       r"rekneskapsår|balanse|resultatregnskap", re.I)
# `Overføring fra 2019`: the year the money comes from, not the year it is for
_FROM_YEAR = re.compile(r"\b(overføring|overført|overføringar)\s+(fra|frå)\s+(19|20)\d\d\b", re.I)
# Row labels that say nothing without the table's subject (`Totalt`, `Andre voksne`, `Kategori D: Grunnemne`)
_GENERIC = re.compile(r"^\s*(totalt?|sum\b|i alt|andre|anna|kategori|gruppe|rett|barnefamili|einslege|enslige|"
                      r"kvinner|menn|gutter|jenter|arbeid|utdanning|øvrige|ukjent|bosatte? totalt)", re.I)
# Caption sentences that give the unit or the span, not the subject (`Antall personer.`, `2016–2020.`)
_NOT_SUBJECT = re.compile(r"^\s*(antall( personer)?|tal( på personar)?|(antall personer|tal på personar) og .*|"
                          r"tall i .*|prosent|i mill.*|i 1 ?000.*|(19|20)\d\d.*|kilde.*|kjelde.*|forel.*|førebels.*|"
                          r"måneder|månader|støttebeløp.*|beløp|tal og prosentdel)\s*$", re.I)
# Counted people named at the start of a label or caption: a cell without a unit counts them
_PEOPLE = re.compile(r"^\s*(deltakere|deltakarar|personer|personar|bosatte|busette|asylsøkere|asylsøkjarar|"
                     r"flyktninger|flyktningar|mottaksbeboere|mottaksbebuarar|innvandrere|innvandrarar|ansatte|"
                     r"tilsette|tolker|tolkar)\b", re.I)
# A column of differences between two others
_CHANGE = re.compile(r"^\s*(endring|forskjell|differanse|avvik)\b", re.I)
_DISPOSES = re.compile(r"\bdisponerer\b", re.I)
_UNIT_CELL = re.compile(r"^\s*(antall|tal|kroner|prosent|%|mill\. kroner|måneder|månader|årsverk)\s*$", re.I)
# What a header says besides what it measures: dates, years, units in brackets, footnote marks
_HEADER_NOISE = re.compile(rf"\b\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}\b|\b{YEAR}\b|\*+|\((i\s+)?(mill\.?|1 ?000|kroner|kr\.?|"
                           r"tusen|prosent|%|antall|tal)[^)]*\)", re.I)
_TRAILING_LINK = re.compile(r"(\s+(i|per|pr\.?|fra|frå|til|for|og))+\s*$", re.I)
# Header words that say no more than the unit does, or that a header is a comment column
_GENERIC_MEASURE = re.compile(r"^(beløp|antall|tal|tall|kroner|sum|totalt?|verdi|andel|prosentdel|prosent|"
                              r"kommentar(er|ar)?|merknad(er|ar)?)$", re.I)


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
    group: str | None = None
    measure: str | None = None  # what the column says the value is (`Omsøkt beløp`), when the row label does not
    subject: str | None = None  # the table's subject, when the fact's indicator is to start with it


def column_measure(column: str | None, indicator: str) -> str | None:
    """`Omsøkt beløp (mill. kroner)` -> `Omsøkt beløp`: what a column measures, when the header says more than the
    year, the unit and the kind of figure (the qualifier carries `Resultat 2019`, `Tildeling 2020`, `Endring`) and
    the row's indicator does not already say it."""
    if not column or _FROM_YEAR.search(column):
        return None
    measure = _TRAILING_LINK.sub("", re.sub(r"\s+", " ", _HEADER_NOISE.sub(" ", column))).strip(" .,:;-–()")
    beyond_kind = column
    for _, pat in (*QUALIFIERS, ("endring", _CHANGE)):
        beyond_kind = re.sub(rf"\w*(?:{pat.pattern})\w*", " ", beyond_kind, flags=re.I)
    if not any(not _GENERIC_MEASURE.match(w) for w in CONTENT_WORD.findall(_HEADER_NOISE.sub(" ", beyond_kind))):
        return None
    return None if says_half(indicator, measure) else measure


@dataclass
class _State:
    headers: list[str]
    group: str | None = None  # the last value-less row: members follow it
    parent: str | None = None  # the last top-level row with values: `– av disse` rows belong to it
    member: str | None = None  # the last member row of the current group (`Einslege mindreårige`)
    section: str | None = None  # label of the last mid-table header row
    split_member: tuple[str, str] | None = None  # (group, member) of the last `group – member` label the parser joined
    closes: str | None = None  # the last value-less row until a sum closes it: long member rows do not end it
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
        elif cell.value is not None and not comment_cell(cell):
            out.append((j, cell, None))
    return out


def comment_cell(cell: Cell) -> bool:
    """A cell that is a sentence starting with a number (`13 803 personer (foreløpige tall) deltok i …`)."""
    return len(re.findall(r"[A-Za-zÆØÅæøå]{2,}", cell.text)) >= 5


def _caption(table: Table) -> str | None:
    return table.title or table.caption


def is_accounts(table: Table) -> bool:
    """A statement of the annual accounts (by caption or by the chapter it stands in).

    Key figures `fra årsregnskapet` mix counts, shares and kroner: they are no statement.
    """
    if any(re.search(r"nøkkelt|hovudtal|hovedtall", c or "", re.I) for c in (table.title, table.caption)):
        return False
    if any(_ACCOUNTS.search(c or "") for c in (table.title, table.caption)):
        return True
    return bool(table.section_path) and any(_ACCOUNTS.search(p) for p in table.section_path[:1])


def _header_of(headers: list[str], j: int) -> str | None:
    column = headers[j + 1] if j + 1 < len(headers) else None
    return clean_label(column) if column else None


def _coded_name(label: str, row: TableRow, headers: list[str]) -> str:
    """`291/62` + `Tilskudd til jobbsjansen` -> `Tilskudd til jobbsjansen (Kap/post 291/62)`.

    The names come from the row's text cells; the code, and any post or note number
    beside it, stays as a reference in brackets.
    """
    names, refs = [], [f"{clean_label(headers[0]) if headers and headers[0].strip() else 'konto'} {label}".strip()]
    for j, cell in enumerate(row.cells):
        column = _header_of(headers, j) or ""
        text = cell.text.strip()
        if not text or text in {"-", "–"}:
            continue
        if _NOTE_COLUMN.match(column) or re.fullmatch(r"\d{1,3}", text):
            if re.match(r"^\s*post\b", column, re.I) and cell.value is not None:
                refs.append(f"post {text}")
            continue
        named = cell.value is None and re.search(r"[A-Za-zÆØÅæøå]{3,}", text)
        if named and not re.match(r"^\s*stikkord", column, re.I):
            names.append(clean_label(text))
    return f"{' – '.join(names)} ({', '.join(refs)})" if names else f"({', '.join(refs)})"


# a caption that only announces the rows below it (`Tilskuddsmidlene skal fordeles som følger`)
_LEAD_IN = re.compile(r"\b(som følger|følgende|følgjande)\b", re.I)


def table_subject(table: Table) -> str | None:
    """What a table is about, from its caption: `Tabell 3.1.9. Mottaksbeboere. Gjennomsnittlig ventetid … 2020–2024.`
    -> `Mottaksbeboere. Gjennomsnittlig ventetid …` (number, unit and span sentences dropped)."""
    text = table.title or table.caption
    if not text:
        return None
    text = re.sub(r"^\s*(tabell|table)\s*[\d.\-–]+\s*[.:]?\s*", "", text, flags=re.I)
    parts = [p.strip() for p in re.split(r"(?<=[a-zæøå)])\.\s+|,\s+(?=(19|20)\d\d)", text) if p and p.strip()]
    parts = [p for p in parts if not _NOT_SUBJECT.match(p)]
    subject = ". ".join(parts).strip(" .,:")
    subject = re.sub(r"\s*\(?(19|20)\d\d\s*[-–]\s*(19|20)?\d\d\)?\.?$", "", subject).strip(" .,:")
    # `Nøkkeltall fra årsregnskapet 2020 2021 2022 2023`: an export that lost the line break put the header row's
    # years after the caption; they are the columns' years, not what the table is about
    subject = re.sub(r"(\s+(19|20)\d\d){2,}$", "", subject).strip(" .,:")
    subject = re.sub(r":\s*(note|noter)$", "", subject, flags=re.I).strip()
    subject = re.sub(r"\s*\((i\s+)?(mill\.?|1 ?000|kroner|tusen)[^)]*\)", "", subject, flags=re.I).strip()
    heading = table.section_path[-1].strip(" .:") if table.section_path else ""
    if subject and _LEAD_IN.search(subject) and heading and title_adds(heading, subject):
        # `Tilskuddsmidlene skal fordeles som følger` only announces the rows: the heading says which grant
        subject = f"{heading} – {subject}"
    return subject or None


def _garbled(label: str) -> bool:
    """An OCR label that is mostly glyph debris (`g;rs‘}:’%‘i'f‘;;irfd`)."""
    odd = sum(1 for ch in label if not (ch.isalnum() or ch.isspace() or ch in "-–().,:/%*"))
    return odd >= 3 and odd > 0.15 * len(label)


def _from_year(column: str | None, doc_year: int | None) -> tuple[int | None, str | None]:
    """(year, qualifier) for a column like `Overføring fra 2019`: the money is for the next year."""
    if not column or not _FROM_YEAR.search(column):
        return None, None
    origin = single_year(column)
    if origin is None:
        return None, None
    year = doc_year if doc_year is not None and doc_year > origin else origin + 1
    return year, f"overført fra {origin}"


def _marked_notes(notes: list[str]) -> dict[str, str]:
    """`* Førebelse tal.` -> {'*': 'foreløpig'}: the kind a table note gives the cells its marker flags.

    Only notes that say the figures are preliminary or forecasts: other notes (`* Noe differanse mellom tildelt og
    regnskapsført beløp`) explain, they do not change what a figure is.
    """
    out: dict[str, str] = {}
    for note in notes:
        m = re.match(r"^\s*(\*+)\s*(.*)", note)
        if m and (kind := qualifier_in(m.group(2))) in ("foreløpig", "prognose"):
            out.setdefault(m.group(1), kind)
    return out


def _marks(text: str | None) -> set[str]:
    return set(re.findall(r"\*+", text or ""))


def _scale_unstated(table: Table) -> bool:
    """Amounts under a bare `Beløp`/`Kroner` with decimals and all below 10 000 (`83,33`, `42,11`): no grant or
    account is a few kroner and øre, so they are millions whose scale the caption left out."""
    values = [c for r in table.rows for c in r.cells if c.value is not None and c.unit in (None, "kroner")
              and not is_year_value(c.value, c.text)]
    return bool(values) and all(abs(c.value) < 10_000 for c in values) and \
        any(re.search(r"\d,\d", c.text) for c in values)


def table_cell_facts(table: Table, doc_year: int | None) -> list[CellFact]:
    """Every numeric cell of `table` with what its row, column, group and caption say about it."""
    caption = _caption(table)
    caption_year = single_year(table.title) or single_year(table.caption)
    accounts = is_accounts(table)
    accounts_unit = unit_in(caption) if unit_in(caption) not in (None, "antall", "%") else "kroner"
    has_note_column = any(_NOTE_COLUMN.match(clean_label(c)) for c in table.columns if c)
    state = _State(headers=list(table.columns), notes=list(table.notes))
    marked = _marked_notes(table.notes)
    unscaled = _scale_unstated(table) and not re.search(r"\b(kr|kroner)\b", caption or "", re.I)
    out: list[CellFact] = []
    # one `Totalt` is the table's total; with several, each needs the group it closes to say which
    several_totals = sum(bool(_BARE_TOTAL.match(clean_label(r.label))) for r in table.rows) >= 2
    for i, row in enumerate(table.rows):
        label = clean_label(row.label)
        head, _, tail = label.partition(" – ")
        if tail and _SUM_LABEL.match(tail):
            label = tail  # `Driftsutgifter … – Sum utbetalingar til drift`: a sum names itself
        joined_sub = None
        if tail and _SUBROW.match(tail) and state.split_member and state.split_member[0] == head:
            # the parser joined the group to each row (`Ventetid … – Einslege mindreårige`, `Ventetid … – - av desse
            # IMDi`): a sub-row belongs to the member above it, as it does when the group stands on its own row
            joined_sub = f"{head} – {state.split_member[1]} – {_DASH.sub('', tail)}"
        elif tail and not _SUBROW.match(tail) and not _SUM_LABEL.match(tail):
            state.split_member = (head, tail)
        elif tail and _SUBROW.match(tail):
            pass  # a sub-row keeps the member above it for the next sub-row
        else:
            state.split_member = None
        if has_note_column and not _CODE_LABEL.match(label):
            label = _NOTE_TAIL.sub("", label)
        if _is_header_row(row) or (_HEADER_LABELS.match(label) and _is_header_row(row)):
            state.headers = [row.label, *(c.text for c in row.cells)]
            state.section = None if _HEADER_LABELS.match(label) else label or None
            state.group = state.closes = None
            continue
        entries = _numeric_entries(row)
        if not entries:
            if label:
                state.group, state.member, state.closes = label, None, label
            continue
        coded = bool(_CODE_LABEL.match(label)) and not _YEAR_LABEL.match(label)
        sub = bool(_SUBROW.match(label))
        short = len(label.split()) <= 3
        if joined_sub:
            indicator = joined_sub
        elif coded:
            indicator = _coded_name(label, row, state.headers)
        elif sub and state.group and state.member:
            # `– av desse Bufetat` under `Einslege mindreårige` in a waiting-time group
            indicator = f"{state.group} – {state.member} – {_DASH.sub('', label)}"
        elif sub and state.group:
            indicator = f"{state.group} – {_DASH.sub('', label)}"
        elif sub and state.parent:
            indicator = f"{state.parent} – {_DASH.sub('', label)}"
        elif short and state.group and not _YEAR_LABEL.match(label):
            indicator = f"{state.group} – {label}"
            state.member = label
        elif state.closes and several_totals and _BARE_TOTAL.match(label):
            indicator = f"{state.closes} – {label}"  # `Sum` after `Finansielle anleggsmidler` and its long rows
        else:
            indicator = label
            if not _YEAR_LABEL.match(label):
                state.group = None
        dependent = indicator != label and not coded
        if not sub and not dependent:
            state.parent = label
        if _SUM_LABEL.match(label):
            state.group = state.closes = None
        elif _BARE_TOTAL.match(label):
            state.closes = None  # a `Totalt` row may still open a group of members: only the sum it was is closed
        if _garbled(label):
            continue  # nothing readable names the row
        subject = state.section if state.section and not _NOTE_COLUMN.match(state.section) else table_subject(table)
        people = _PEOPLE.match(subject or "")
        # `Totalt` alone could be any table's total, and `Deltakere med bare plikt` any table's participants
        lead = None  # a subject that only names what the row's own words take as known: the fact's indicator says it
        if subject and subject.lower() not in indicator.lower():
            if len(indicator.split()) <= 3 or _GENERIC.match(indicator) or people:
                indicator = f"{subject} – {indicator}"
            elif title_adds(subject, indicator):
                lead = subject
        row_unit = _unit_cell(row.cells)
        row_year = int(_YEAR_LABEL.match(label).group(1)) if _YEAR_LABEL.match(label) else None
        preliminary_row = row_year is not None and "*" in row.label and any(
            re.search(r"forel[øg]pig|førebels", n, re.I) for n in state.notes)
        for j, cell, share in entries:
            column = _header_of(state.headers, j)
            raw_header = state.headers[j + 1] if j + 1 < len(state.headers) else None
            note_kinds = [marked[m] for m in _marks(raw_header) | _marks(row.label) if m in marked]
            assert cell.value is not None
            if column and _NOTE_COLUMN.match(column):
                continue  # note and account numbers are references
            if (column and _UNNAMED.match(column)) or (not column and len(entries) > 1):
                continue  # a lost header: the value cannot be named
            if is_year_value(cell.value, cell.text) and (
                    _HEADER_LABELS.match(label) or (column and _HEADER_LABELS.match(column))):
                continue  # a year in a year column is a key, not a value
            if row_year is not None and column and single_year(column) is not None and re.fullmatch(
                    r"\D{0,3}(19|20)\d\d\W{0,3}", column):
                continue  # years down the rows and across the columns: the header is not the table's
            ind = f"{indicator} – {share}" if share else indicator
            if coded and ind.startswith("(") and column:
                ind = f"{column} {ind}"  # no name in the row: the column says what the amount is
            year = single_year(column)
            moved_year, moved = _from_year(column, caption_year or doc_year)
            if moved_year is not None:
                year = moved_year
            row_lead = lead
            if row_year is not None:
                row_lead = None
                ind = column or indicator  # `Kohort | Antall personer …`: the column says what is counted
                if caption and column and (not unit_in(column) or not _PEOPLE.match(column)):
                    # `Prosentdel som starta … innan 6 månader` says who only with the caption
                    ind = f"{table_subject(table) or caption} – {column}"
                year = row_year
            year_from_doc = False
            change = bool(column and _CHANGE.match(column))
            if change and year is None:
                year = max((y for h in state.headers if (y := single_year(h)) is not None), default=None)
            if year is None:
                year = caption_year
            if year is None and accounts and doc_year is not None:
                year = doc_year  # a statement without a year column is the report's own accounting year
            if year is None and doc_year is not None and len(entries) == 1:
                # one value in the row: the report's own year; several: their columns would differ
                year, year_from_doc = doc_year, True
            counted = column and re.search(r"søknad|søknader|prosjekt|oppdrag|saker|tiltak", column, re.I)
            unit = (cell.unit or ("antall" if counted else None) or unit_in(label) or row_unit or unit_in(column)
                    or (unit_in(state.group) if dependent else None) or unit_in(caption))
            if unit == "antall" and unit_in(caption) not in (None, "antall"):
                unit = unit_in(caption)
            if accounts and (unit is None or (unit == "kroner" and not cell.unit)):
                unit = accounts_unit  # an account statement counts money; its caption may give the scale
            if unit == "kroner" and not cell.unit and unscaled:
                unit = "mill. kroner"
            counts_other = re.search(r"\b(antall|tallet på|talet på|tal på)\s+(barnefamili\w+|husstander|hushald\w*|"
                                     r"kommuner|kommunar|saker|søknader)", ind, re.I)
            if counts_other and unit in (None, "personer", "antall"):
                unit = counts_other.group(2).lower()  # `– antall barnefamilier` counts families, not persons
            if unit is None and (_PEOPLE.match(label) or _PEOPLE.match(column or "") or _PEOPLE.match(caption or "")
                                 or re.search(r"\b(deltakere|deltakarar)\b", column or "", re.I)):
                unit = "personer"
            if moved and _DISPOSES.search(caption or ""):
                moved = "disponibelt etter endringene"  # a repeated `Overføring fra 2019` header over new totals
            qualifiers = [q for q in (qualifier_in(column), moved, "endring" if change else None,
                                      "foreløpig" if preliminary_row else None, *note_kinds,
                                      "år fra dokumentet" if year_from_doc else None) if q]
            context = caption
            if state.section:
                context = f"{caption} – {state.section}" if caption else state.section
            out.append(CellFact(
                row=i, column=column, indicator=ind, value=cell.value, unit=unit, year=year,
                period=column if column and single_year(column) is not None else None,
                qualifier="; ".join(dict.fromkeys(qualifiers)) or None, context=context, cell_text=cell.text,
                # a population, not a kind of figure: its own field (`(inkl. overføringsflyktningar i mottak)`
                # names no group of the row)
                group=group_in(re.sub(r"\([^)]*\)", " ", ind)), measure=column_measure(column, ind), subject=row_lead,
            ))
    return out
