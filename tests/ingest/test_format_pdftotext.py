"""The pdftotext parser on the 2022 annual report, plus a small generic export.

The report is described in corpus/NOTES.md, "imdi-arsrapport-2022-nn.txt".
"""

from __future__ import annotations

import re

from core.records import Document, DocumentMeta, PageCertainty
from ingest.formats.pdftotext.cells import fits, split_row
from ingest.formats.pdftotext.lines import find_anchors, split_lines
from ingest.formats.pdftotext.pages import page_flow_starts
from ingest.formats.pdftotext.parser import parse

DOC = "imdi-arsrapport-2022"



def _table(doc, number: str):
    hits = [t for t in doc.tables if t.number == number]
    assert len(hits) == 1, [t.number for t in doc.tables]
    return hits[0]


def _row(table, label: str):
    hits = [r for r in table.rows if r.label == label]
    assert len(hits) == 1, [r.label for r in table.rows]
    return hits[0]


def _values(row) -> list[float | None]:
    return [c.value for c in row.cells]


def _offset(source: str, text: str, nth: int = 0) -> int:
    return [m.start() for m in re.finditer(re.escape(text), source)][nth]


# -- tables ---------------------------------------------------------------------------------

def test_busette_totalt_splits_into_five_year_columns(doc):
    t = _table(doc, "3-1-1")
    assert t.columns == ["År", "2018", "2019", "2020", "2021", "2022"]
    row = _row(t, "Busette totalt")  # footnote marker "totalt1" removed from the label
    assert _values(row) == [4903, 4822, 2819, 4489, 31258]
    assert [c.text for c in row.cells][-1] == "31 258"
    assert t.style == "space"


def test_multi_line_label_row_is_one_row(doc):
    t = _table(doc, "3-1-1")
    label = "Mottaksbebuarar (inkl. overføringsflyktningar i mottak) som ventar på busetting (per 31.12.)"
    row = _row(t, label)
    assert _values(row) == [582, 386, 222, 405, 3322]
    after = _row(t, "Overføringsflyktningar i utlandet med inngått avtale om busetting i ein kommune (per 31.12.)")
    assert _values(after) == [158, 169, 1742, 690, 510]


def test_table_3_1_1_notes_and_source_come_before_its_rows(doc, source):
    t = _table(doc, "3-1-1")
    assert t.caption.startswith("Tabell 3-1-1. Nøkkeltal for busetting.") and t.caption.endswith("2018–2022")
    assert t.title.startswith("Nøkkeltal for busetting")
    assert [n.split()[0] for n in t.notes] == ["1", "2", "3", "4", "5"]
    assert t.notes[4].endswith("oppdatert frå 1 420 til 690, for å inkludere berre overføringsflyktningar med "
                               "saksstatus søkt ut.")
    assert t.source == "Kjelde: IMDi"
    assert len(t.rows) == 16  # 8 counts, 6 waiting times, 2 wrapped-label rows
    # the waiting-time rows keep the group line they stand under, with months as their unit
    wait = _row(t, "Busette: Gjennomsnittleg ventetid frå vedtak om opphald/innreiseløyve til busetting "
                   "(månader) – Totalt")
    assert _values(wait) == [4.9, 3.3, 8.5, 6.3, 2.3] and {c.unit for c in wait.cells} == {"måneder"}
    assert source[t.span.start:t.span.end].startswith("Tabell 3-1-1.")
    assert "158 169 1 742 690 510" in source[t.span.start:t.span.end]


def test_all_named_tables_and_figures(doc):
    tables = sorted(f.number for f in doc.figures if f.kind == "tabell")
    figures = sorted(f.number for f in doc.figures if f.kind == "figur")
    assert tables == sorted(["3-1-1", "3-1-2", "3-1-3", "3-1-4", "3-1-5", "3-1-6", "3-1-7", "3-2-1", "3-2-2",
                             "3-2-3", "3-2-4", "3-2-5", "3-3-1", "3-3-2", "3-4-1", "4-1", "4-2"])
    assert figures == ["3-1-1", "3-1-2", "3-2-1"]
    by_id = {t.id: t for t in doc.tables}
    for f in doc.figures:
        if f.kind == "tabell":
            assert by_id[f.table_id].number == f.number and by_id[f.table_id].rows, f.number
        else:
            assert f.table_id is None
    captions = [b for b in doc.blocks if b.kind == "caption"]
    assert [b.text.split(".")[0] for b in captions] == ["Figur 3-1-1", "Figur 3-1-2", "Figur 3-2-1"]
    assert all(b.figure_id for b in captions)


def test_captionless_key_figure_tables(doc):
    key = [t for t in doc.tables if t.number is None and (t.caption or "").startswith("Hovudtal 2018–2022")]
    assert [t.columns[0] for t in key] == ["Busetting av flyktningar", "Opplæring i norsk og samfunnskunnskap",
                                           "Introduksjonsprogrammet", "Nøkkeltal frå årsrekneskapen"]
    assert key[1].columns[-1] == "2022 (Førebelse tal)"
    assert _values(_row(key[0], "Busette flyktningar (totalt)"))[2] == 2819
    money = _row(key[3], "Samla tildeling Post 01–99 (i 1 000 kroner)")
    assert money.cells[-1].value == 14628878 and money.cells[-1].unit == "1000 kroner"
    pct = _row(key[3], "Utnyttingsgrad post 01–29")
    assert [c.text for c in pct.cells] == ["93 %", "93 %", "83 %", "86 %", "93 %"]


def test_percent_cells_and_year_groups(doc):
    t = _table(doc, "3-2-5")
    assert t.columns[1:] == ["2021 Deltakarar", "2021 Prosentdel", "2022* Deltakarar", "2022* Prosentdel*"]
    row = _row(t, "Fullføre vidaregåande opplæring – under 25 år")
    assert _values(row) == [51, 36, 206, 38] and row.cells[1].unit == "%"
    cohort = _table(doc, "3-2-2")
    assert cohort.columns[0] == "Kohort"
    assert _values(_row(cohort, "2017")) == [11721, 48, 70]


def test_text_table_and_not_available_cell(doc):
    risk = _table(doc, "4-1")
    assert risk.columns == ["Overordna mål", "Risiko", "Risikovurdering (restrisiko etter tiltak)"]
    assert len(risk.rows) == 13
    assert risk.rows[-1].label == "Anna"
    assert [c.text for c in risk.rows[-1].cells] == ["Risiko for dårleg omdømme", "Høg (middels etter tiltak)"]
    grants = _table(doc, "4-2")
    first = grants.rows[0]
    assert first.label.startswith("671/60 Tilskot for busetting")
    assert [c.text for c in first.cells] == ["837", "991", "Ikkje tilgjengeleg", "606"]
    assert first.cells[2].value is None


def test_table_blocks_linearise_rows(doc):
    t = _table(doc, "3-1-2")
    block = next(b for b in doc.blocks if b.table_id == t.id)
    assert block.kind == "table" and block.figure_id
    assert "Personar utanfor mottakssystemet | 2018: 399 | 2019: 406 | 2020: 284 | 2021: 284 | 2022: 10 371" \
        in block.text.splitlines()


# -- text -------------------------------------------------------------------------------------

def test_footnote_markers_are_cut_from_block_text(doc):
    body = " ".join(b.text for b in doc.blocks if b.kind in ("paragraph", "list"))
    assert "starta 65 prosent norskopplæring innan 3 månader" in body
    assert "prosent30" not in body
    assert "vedtok kommunane å busetje til saman 35 705 flyktningar. Det blei busett" in body
    assert "Av desse var 9 997 nye deltakarar." in body  # marker 37 glued to a digit group
    assert "og 6 723 deltakarar svarte" in body
    raw = next(b for b in doc.blocks if b.raw and "prosent30" in b.raw)
    assert "prosent30" not in raw.text


def test_footnotes_are_their_own_blocks(doc):
    notes = [b for b in doc.blocks if b.kind == "footnote" and re.match(r"\d+ ", b.text)]
    assert [int(b.text.split()[0]) for b in notes] == list(range(1, 92))
    assert notes[5].text.startswith("6 Talet på busettingsvedtak per 31.12.2022.")
    assert not any(re.match(r"\d{1,2} [A-ZÆØÅ]", b.text) and b.text.startswith("6 Talet")
                   for b in doc.blocks if b.kind == "paragraph")


def test_paragraph_continues_across_footnotes_and_hyphenation(doc):
    body = [b for b in doc.blocks if b.kind == "paragraph"]
    cut = next(b for b in body if "ta ein telefon til IMDis" in b.text)
    assert "til IMDis kontaktsenter for busetting." in cut.text  # the footnote area between is skipped
    assert any("Digitaliseringa av TAO-kurset" in b.text for b in body)  # a real hyphen stays
    assert any("ukrainsk- og russisktolkar" in b.text for b in body)


# -- headings -----------------------------------------------------------------------------------

def test_wrapped_numbered_headings_are_one_section(doc):
    top = [(s.number, s.title) for s in doc.sections if s.level == 1]
    assert top == [("1", "Leiarens fråsegn"), ("2", "Introduksjon til verksemda og hovudtal"),
                   ("3", "Årets aktivitetar og resultat"), ("4", "Styring og kontroll i verksemda"),
                   ("5", "Framtidsutsikter"), ("6", "Årsrekneskap")]
    second = [(s.number, s.title) for s in doc.sections if s.level == 2 and s.number]
    assert second[0] == ("3.1", "Busettinga er rask og treffsikker")
    assert [n for n, _ in second] == ["3.1", "3.2", "3.3", "3.4", "3.5"]


def test_unnumbered_subsections_nest_under_numbered_ones(doc):
    sec = next(s for s in doc.sections if s.title == "Busetting av flyktningar som har budd utanfor mottakssystemet")
    assert sec.number is None
    assert sec.path[:2] == ["3 Årets aktivitetar og resultat", "3.1 Busettinga er rask og treffsikker"]
    assert sec.path[2] == "Kven blei busett?"  # tight heading one level up
    titles = {s.title for s in doc.sections}
    assert "Tverretatleg samarbeid" in titles
    assert not any(t.startswith(("IMDi årsrapport", "Kjelde")) for t in titles)


def test_running_headers_and_page_numbers_are_not_text(doc, source):
    footer = _offset(source, "\n26 \n") + 1
    header = source.index("3.1 Busettinga er rask og treffsikker \n", footer)
    assert header < footer + 60
    covering = [b for b in doc.blocks if b.span.start <= header < b.span.end]
    assert [b.kind for b in covering] == ["paragraph"]  # only the paragraph the page break cuts
    text = covering[0].text
    assert "Av 736 personar i målgruppa for kompetansekartlegging etter busetting hadde 48 prosent" in text
    assert "Busettinga er rask" not in text and " 26 " not in text
    assert not any("IMDi årsrapport 2022" in b.text for b in doc.blocks)
    assert sum(s.title.startswith("Busettinga er rask") for s in doc.sections) == 1


# -- pages ----------------------------------------------------------------------------------------

def test_anchors(source):
    lines = split_lines(source)
    assert [a.number for a in find_anchors(lines)] == [3, 26, 39, 60, 76, 81, 123]


def test_page_first_lines_are_page_breaks_and_label_columns_are_not(source):
    lines = split_lines(source)
    starts = page_flow_starts(lines, set())
    # footers 26 and 39 close pages 27–39: twelve page breaks lie between them, eleven show a first line
    lo, hi = _offset(source, "Av 736 personar i målgruppa for"), _offset(source, "\n39 \n")
    assert len([s for s in starts if lo < s < hi]) == 11
    assert _offset(source, " Faste møtepunkt og tett dialog") + 0 in starts  # mid-paragraph: a page turned
    assert all(not source[s:s + 20].startswith(("Avdeling", " Avdeling")) for s in starts)  # organisation chart


def test_indented_paragraphs_are_not_page_starts():
    text = "".join(f" Avsnitt {k} begynner her med innrykk.\nog fortsetter på neste linje.\n\n" for k in range(40))
    assert page_flow_starts(split_lines(text), set()) == []


def test_text_before_anchor_26_is_page_26_exact(doc, source):
    before = _offset(source, "Av 736 personar i målgruppa for")
    after = _offset(source, "kompetansekartlegging etter busetting hadde 48 prosent")
    pages = {p.number: p for p in doc.pages}
    assert pages[26].certainty == PageCertainty.exact and pages[27].certainty == PageCertainty.exact
    assert pages[26].span.start <= before < pages[26].span.end
    assert pages[27].span.start <= after < pages[27].span.end
    # the paragraph cut by the page break is one block, on pages 26–27
    block = next(b for b in doc.blocks if b.span.start <= before < b.span.end)
    assert after < block.span.end
    assert (block.page.first, block.page.last) == (26, 27)


def test_page_ranges_between_anchors_are_honest(doc, source):
    # between footers 26 and 39 text is on pages 27–39; never a page outside that
    off = _offset(source, "Integreringsmottak \n")
    sec = next(s for s in doc.sections if s.title == "Integreringsmottak")
    assert sec.span.start == off
    assert sec.page.certainty == PageCertainty.range and 27 <= sec.page.first < sec.page.last <= 39
    for b in doc.blocks:
        if b.page.certainty == PageCertainty.range:
            assert b.page.first < b.page.last
    assert sum(b.page.certainty == PageCertainty.unknown for b in doc.blocks) <= 5


# -- spans ----------------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-zÆØÅæøå]{4,}", text)


def test_spans_slice_the_source(doc, source):
    for b in doc.blocks:
        piece = source[b.span.start:b.span.end]
        assert piece == piece.strip()
        pos = 0
        text = b.text
        if b.kind == "table":  # the first line may repeat an inherited title printed above the span
            text = "\n".join(r.label for t in doc.tables if t.id == b.table_id for r in t.rows)
        for w in _words(text)[:40]:
            k = piece.find(w, pos)
            if k < 0:  # a soft hyphen joined across the line break
                k = re.sub(r"-\s*\n", "", piece).find(w)
                assert k >= 0, (b.id, w)
                continue
            pos = k
    for s in doc.sections:
        heading = re.sub(r"\s+", " ", source[s.span.start:s.span.end]).strip()
        assert heading.endswith(s.title[-12:]) or s.title in heading, (heading, s.title)
    def squash(x: str) -> str:
        return re.sub(r"[\s\-]", "", x)

    for t in doc.tables:
        for r in t.rows:
            piece = squash(source[r.span.start:r.span.end])
            assert all(squash(c.text) in piece for c in r.cells if c.text), (t.number, r.label)


def test_sections_detect_as_nynorsk(doc, source):
    from ingest.pipeline import detect_languages

    meta = DocumentMeta(id=DOC, title="IMDi årsrapport 2022", source_file="x", sha256="0", format="pdftotext")
    full = Document(meta=meta, sections=[s.model_copy() for s in doc.sections],
                    blocks=[b.model_copy() for b in doc.blocks])
    detect_languages(full)
    assert full.meta.lang_detected == "nn"
    assert {s.lang for s in full.sections} == {"nn"}
    # Bokmål chart text stays inside the chapter it opens
    tolk = next(b for b in full.blocks if "ble utført av kvalifisert tolk" in b.text)
    assert tolk.section_path[-1] == "3.4 Tolking i offentleg sektor"


# -- generic behaviour -----------------------------------------------------------------------------

def test_split_row_by_column_count():
    assert split_row("Busette totalt1 4 903 4 822 2 819 4 489 31 258", 5)[1][-1] == ["31", "258"]
    label, cells = split_row("2017 11 721 48 % 70 %", 3)
    assert label == "2017" and cells == [["11", "721"], ["48", "%"], ["70", "%"]]
    assert split_row("Sum innbetalingar frå drift 0 1 122 064", 2)[1] == [["0"], ["1", "122", "064"]]
    assert split_row("Skuldig skattetrekk –8 036 877 –7 334 385", 2)[1][0] == ["–8", "036", "877"]
    assert not fits("Fullføre grunnskulen 37 26 % 118 22 %", 3) and fits("Fullføre grunnskulen 37 26 % 118 22 %", 4)


def test_generic_export():
    text = (
        "1. Innleiing \n\nDette er ein lang avsnitt som held fram over fleire linjer og er delt med bindestrek i "
        "kommune-\nsektoren, slik pdftotext gjer det. \n\nTabell 1. Busette. Tal på personar \n\n"
        "År 2021 2022 \n\nBusette totalt 4 489 31 258 \nAndre vaksne 775 10 576 \n\n"
        "Kjelde: IMDi \n\n2. Vidare arbeid \n\nEit nytt avsnitt som sluttar med punktum og er langt nok til å "
        "vere brødtekst. \n"
    )
    d = parse(text, "x")
    assert [(s.number, s.title) for s in d.sections] == [("1", "Innleiing"), ("2", "Vidare arbeid")]
    assert "kommunesektoren" in d.blocks[0].text
    t = d.tables[0]
    assert t.number == "1" and t.columns == ["År", "2021", "2022"] and t.source == "Kjelde: IMDi"
    assert [c.value for c in t.rows[0].cells] == [4489, 31258]
    assert d.pages == [] and all(b.page.certainty == PageCertainty.unknown for b in d.blocks)
