"""The markdown/HTML parser on the real 2020 annual report (corpus/NOTES.md, imdi-arsrapport-2020.txt)."""

from __future__ import annotations

import re

import pytest

from core.records import PageCertainty

DOC = "imdi-arsrapport-2020"



@pytest.fixture(scope="module")
def resultatkrav(doc):
    return next(t for t in doc.tables if t.columns[:1] == ["Styringsparameter"])


def _col(table, name: str) -> int:
    return table.columns.index(name) - 1  # cells are aligned with columns[1:]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{3,}", text.lower())


# -- the Resultatkrav table --------------------------------------------------------------------
def test_sp13_unlabelled_rows_get_their_code_and_values(resultatkrav, source):
    six = [r for r in resultatkrav.rows if r.label.startswith("SP13:") and "innen 6 måneder" in r.label]
    twelve = [r for r in resultatkrav.rows if r.label.startswith("SP13:") and "innen 12 måneder" in r.label]
    assert len(six) == 1 and len(twelve) == 1
    row = six[0]
    # what the file says on that row: 76 %, 83 %, 95 %, 90 %, 49 %
    assert "\t95 %\t90 %\t49 %\t" in source[row.span.start:row.span.end]
    r2020 = row.cells[_col(resultatkrav, "Resultat 2020")]
    r2019 = row.cells[_col(resultatkrav, "Resultat 2019")]
    krav = row.cells[_col(resultatkrav, "Krav 2020")]
    assert (r2020.value, r2020.unit) == (49, "%")
    assert (r2019.value, r2019.unit) == (95, "%")
    assert krav.value == 90
    assert twelve[0].cells[_col(resultatkrav, "Resultat 2020")].value == 92


def test_resultatkrav_is_one_table_over_its_page_breaks(resultatkrav):
    labels = [r.label for r in resultatkrav.rows]
    assert "Styringsparameter" not in labels  # the header repeated at each page top is not data
    codes = [m.group(1) for lbl in labels if (m := re.match(r"(SP[\d.]+):", lbl))]
    assert codes[:3] == ["SP1", "SP2", "SP3"] and codes[-1] == "SP15"
    assert {"SP13.1", "SP13.4", "SP4"} <= set(codes)
    assert resultatkrav.caption == "Resultatkrav i tildelingsbrevet 2020"
    assert resultatkrav.style == "tab"
    # footnotes between the blocks belong to the table
    assert any(n.startswith("[2] Gjelder personer som fikk rett og plikt") for n in resultatkrav.notes)
    sp4 = next(r for r in resultatkrav.rows if r.label.startswith("SP4:"))
    cell = sp4.cells[_col(resultatkrav, "Resultat 2020")]  # `52 % <sup>2</sup>`
    assert (cell.text, cell.value, cell.unit) == ("52 %", 52, "%")
    sp1 = next(r for r in resultatkrav.rows if r.label.startswith("SP1:"))
    assert sp1.cells[_col(resultatkrav, "Krav 2020")].text == "-"
    assert sp1.cells[_col(resultatkrav, "Krav 2020")].value is None


def test_cells_are_clean_and_rows_point_at_their_line(doc, source):
    for t in doc.tables:
        for r in t.rows:
            assert len(r.cells) == len(t.columns) - 1
            for text in [r.label, *(c.text for c in r.cells)]:
                assert not re.search(r"</?(?:p|b|i|sup|u|li|ul)\b", text), text
            if r.label and r.span is not None:
                line = source[r.span.start:r.span.end]
                assert "\n" not in line
                assert not _words(r.label) or _words(r.label)[-1] in line.lower()
    sp6 = next(r for t in doc.tables for r in t.rows if r.label.startswith("SP6:"))
    assert any(c.text.startswith("Gjennomført: 93 % av overføringsflyktninger") for c in sp6.cells)
    oppdrag = next(r for t in doc.tables for r in t.rows if r.label.startswith("2020-013:"))
    assert "Deloppdrag 1:" in oppdrag.label  # <p>…</p> <p>…</p> cells joined


def test_hovedtall_sub_tables_keep_their_own_headers(doc):
    sub = next(t for t in doc.tables if t.columns[:1] == ["Opplæring i norsk og samfunnskunnskap"])
    assert sub.caption == "Hovedtall 2016–2020"
    assert sub.columns[-1] == "Foreløpige tall 2020"
    row = next(r for r in sub.rows if r.label.startswith("Personer med rett og plikt"))
    assert row.cells[-1].value == 23826
    bosetting = next(t for t in doc.tables if t.columns[:1] == ["Bosetting av flyktninger"])
    assert [r.label for r in bosetting.rows][0] == "Bosatte flyktninger (totalt)"
    assert bosetting.rows[0].cells[bosetting.columns.index("2020") - 1].value == 2819
    # a unit column without a header gives the row its unit
    aarsregnskap = next(t for t in doc.tables if t.columns[:1] == ["Nøkkeltall fra årsregnskap"])
    utnyttelse = next(r for r in aarsregnskap.rows if r.label.startswith("Utnyttelsesgrad"))
    assert (utnyttelse.cells[-1].value, utnyttelse.cells[-1].unit) == (83, "%")


def test_table_blocks_read_as_text(doc, resultatkrav):
    block = next(b for b in doc.blocks if b.table_id == resultatkrav.id)
    assert block.kind == "table"
    assert block.text.startswith("Resultatkrav i tildelingsbrevet 2020\nStyringsparameter | Resultat 2017")
    assert "| Resultat 2020: 49 % |" in block.text
    assert len([b for b in doc.blocks if b.kind == "table"]) == len(doc.tables)


# -- named tables and figures ------------------------------------------------------------------
def test_named_figures_all_numbering_styles(doc):
    tabeller = [f for f in doc.figures if f.kind == "tabell"]
    figurer = [f for f in doc.figures if f.kind == "figur"]
    assert len(tabeller) == 10 and len(figurer) == 15
    by_label = {f.label: f for f in doc.figures}
    assert by_label["Tabell 3-1-1"].number == "3-1-1"
    assert by_label["Tabell 3.3.3"].number == "3-3-3"
    assert by_label["Tabell 4.1"].number == "4-1"
    assert by_label["Tabell 4-2"].number == "4-2"
    assert by_label["Figur 3-3-5"].number == "3-3-5"
    assert {f.number for f in figurer} >= {"3-1-1", "3-1-6", "3-2-5", "3-3-4"}
    tables = {t.id: t for t in doc.tables}
    for f in tabeller:  # every named table heads a parsed table with the same number
        assert f.table_id is not None and tables[f.table_id].number == f.number
        assert tables[f.table_id].caption.startswith(f.label)


def test_figure_notes_and_source(doc):
    fig = next(f for f in doc.figures if f.label == "Figur 3-1-1")
    assert fig.title.startswith("Anmodning, bosettingsvedtak og bosetting av flyktninger")
    assert fig.notes and fig.notes[0].startswith("*Prognoser per juni")
    assert fig.source == "Kilde: IMDi"
    assert fig.table_id is None
    caption = next(b for b in doc.blocks if b.figure_id == fig.id)
    assert caption.kind == "caption" and caption.text.endswith("Kilde: IMDi")
    t311 = next(t for t in doc.tables if t.number == "3-1-1")
    assert t311.source == "Kilde: IMDi" and len(t311.notes) == 3
    row = next(r for r in t311.rows if r.label == "Bosatte enslige mindreårige – av disse IMDi")
    assert row.cells[-1].value == 56
    wait = next(r for r in t311.rows if r.label.endswith("– barnefamilier"))
    assert (wait.cells[-1].value, wait.cells[-1].unit) == (9.6, "måneder")


# -- sections -------------------------------------------------------------------------------------
def test_infographic_numbers_are_paragraphs_not_sections(doc, source):
    assert not [s for s in doc.sections if re.match(r"^[\d\s,.]+(%|mnd\.?)?$", s.title)]
    block = next(b for b in doc.blocks if "2 819 personer i norske kommuner" in b.text)
    assert block.kind == "paragraph"
    assert block.text == "Det ble bosatt til sammen 2 819 personer i norske kommuner i 2020"
    assert "# 2 819" in source[block.span.start:block.span.end]
    assert any(b.text == "Gjennomsnittlig ventetid fra vedtak om opphold/innreisetillatelse til bosetting "
               "9,6 mnd. for barnefamilier" for b in doc.blocks)
    assert any(b.text == "Det er 1 653 tolker i nasjonalt tolkeregister" for b in doc.blocks)


def test_divider_pages_do_not_duplicate_chapters(doc):
    numbered = [s.number for s in doc.sections if s.number]
    assert sorted(numbered) == sorted(set(numbered))
    assert set(numbered) >= {"1", "2", "2.1", "2.2", "3", "3.1", "3.2", "3.3", "4", "5", "6"}
    chapters = [s for s in doc.sections if s.level == 1]
    assert [s.number for s in chapters] == ["1", "2", "3", "4", "5", "6", None]
    assert chapters[-1].title == "Vedleggsoversikt"
    two = next(s for s in doc.sections if s.number == "2")
    assert two.title == "Introduksjon til virksomheten og hovedtall"  # the TOC's spelling, not the divider's typo
    by_id = {s.id: s for s in doc.sections}
    assert by_id[next(s for s in doc.sections if s.number == "3.1").parent_id].number == "3"
    # the 3.1 divider page's key numbers and its body share the section
    leaders = [b for b in doc.blocks if b.section_path[-1:] == ["1 Leders beretning"]]
    assert len(leaders) > 10


def test_unnumbered_subsection_nests_under_numbered_section(doc):
    block = next(b for b in doc.blocks if b.text.startswith("Antallet overføringsflyktninger Norge skal ta imot"))
    assert block.section_path[-2:] == [
        "3.1 Raskt og treffsikkert bosettingsarbeid",
        "Uttak og bosetting av overføringsflyktninger",
    ]
    sec = next(s for s in doc.sections if s.id == block.section_id)
    assert sec.number is None and sec.level == 3


def test_toc_is_not_body_text(doc, source):
    first_chapter = source.index("# 1 Leders beretning")
    early = [b for b in doc.blocks if b.span.start < first_chapter]
    assert [b.text for b in early] == ["IMDi", "Integrerings- og mangfoldsdirektoratet"]
    assert not any(b.text.startswith("Leders beretning 3") for b in doc.blocks)


# -- blocks ---------------------------------------------------------------------------------------
def test_markup_is_stripped(doc):
    for b in doc.blocks:
        assert not re.search(r"<(?:b|sup|p|i|u)>|\*\*[^*\n]+\*\*|\\\*|\]\(#\)|<https?:", b.text), (b.id, b.text[:80])


def test_block_spans_slice_the_source(doc, source):
    for b in doc.blocks:
        assert 0 <= b.span.start < b.span.end <= len(source)
        # hyphenated line breaks are joined in the text ("overførings-  \nflyktninger")
        passage = re.sub(r"[-\s]+", "", source[b.span.start:b.span.end].lower())
        words = _words(b.text)
        if b.kind == "table" or not words:
            continue
        found = sum(w in passage for w in words)
        assert found >= 0.9 * len(words), (b.id, b.text[:80])
    starts = [b.span.start for b in doc.blocks]
    assert starts == sorted(starts)


def test_page_break_continuation_is_joined(doc):
    block = next(b for b in doc.blocks if b.text.startswith("Som følge av regionreformen ble IMDi regionkontor"))
    assert "For å bidra til god ivaretagelse av oppgavene og etablere et godt samarbeid" in block.text
    foot = next(b for b in doc.blocks if b.text.startswith("[4] International Organization for Migration"))
    assert foot.kind == "footnote"
    assert block.span.start < foot.span.start < block.span.end  # the page-bottom footnote sits inside


def test_lists(doc):
    block = next(b for b in doc.blocks if b.text.startswith("Høy risiko for:"))
    assert block.kind == "list"
    first_item = "- Redusert overgang til arbeid og utdanning etter gjennomført introduksjonsprogram"
    assert block.text.splitlines()[1] == first_item
    nested = next(b for b in doc.blocks if "IMDis koordineringsansvar i koronasituasjonen" in b.text)
    assert "\n  - hvilke informasjonskanaler" in nested.text
    assert all(len(b.text.split()) <= 400 for b in doc.blocks if b.kind == "list")


# -- pages ----------------------------------------------------------------------------------------
def test_toc_gives_chapter_ranges(doc):
    block = next(b for b in doc.blocks if b.text.startswith("Antallet overføringsflyktninger Norge skal ta imot"))
    assert block.page.certainty == PageCertainty.range
    assert (block.page.first, block.page.last) == (22, 37)
    sec = {s.number: s for s in doc.sections if s.number}
    assert (sec["3.2"].page.first, sec["3.2"].page.last) == (38, 59)
    assert (sec["4"].page.first, sec["4"].page.last) == (91, 102)
    assert (sec["1"].page.first, sec["1"].page.last) == (3, 6)
    hovedtall = next(t for t in doc.tables if t.columns[:1] == ["Bosetting av flyktninger"])
    assert hovedtall.page.page == 11  # Hovedtall 2016-2020: p. 11 to the chapter 3 divider on p. 12


def test_repeated_table_headers_mark_pages_13_to_21(doc, resultatkrav):
    pages = {p.number: p for p in doc.pages}
    assert set(range(13, 22)) <= set(pages)
    assert all(pages[n].certainty == PageCertainty.estimated for n in range(13, 22))
    rows = {r.label.split(":")[0]: r for r in resultatkrav.rows}
    assert pages[13].span.start <= rows["SP1"].span.start < pages[13].span.end
    assert pages[14].span.start <= rows["SP4"].span.start < pages[14].span.end
    assert pages[16].span.start <= rows["SP15"].span.start < pages[16].span.end
    assert resultatkrav.page.certainty == PageCertainty.range
    assert (resultatkrav.page.first, resultatkrav.page.last) == (13, 16)
    tidligere = next(t for t in doc.tables if t.columns[:1] == ["Oppdrag gitt i tidligere tildelingsbrev"])
    assert tidligere.page.certainty == PageCertainty.estimated and tidligere.page.page == 21
    # nothing in the body of chapter 3.1 claims a single page
    assert all(b.page.certainty != PageCertainty.exact for b in doc.blocks)
