"""PDF ingestion on real multi-page Norwegian PDFs built with fpdf2 at test time."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pdf_factory import (
    PAGE2_PHRASE,
    ReportPDF,
    captions_pdf,
    chapter_heads_pdf,
    encrypted_pdf,
    report_pdf,
    scanned_pdf,
    toc_pdf,
    unruled_table_pdf,
)

from core.errors import IngestError
from core.records import PageCertainty, ParsedDocument
from ingest.formats.pdf.layout import join_wrapped
from ingest.formats.pdf.parser import parse_pdf


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[str, ParsedDocument]:
    path = tmp_path_factory.mktemp("pdf") / "arsrapport.pdf"
    path.write_bytes(report_pdf())
    return parse_pdf(path, "rapport")


@pytest.fixture(scope="module")
def unruled(tmp_path_factory) -> tuple[str, ParsedDocument]:
    path = tmp_path_factory.mktemp("pdf") / "uten-linjer.pdf"
    path.write_bytes(unruled_table_pdf())
    return parse_pdf(path, "uten")


# -- pages and spans --------------------------------------------------------------

def test_pages_are_exact_and_tile_the_source(report):
    text, doc = report
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    assert all(p.certainty == PageCertainty.exact for p in doc.pages)
    assert text.split("\f") == [p.text for p in doc.pages]
    for p in doc.pages:
        assert text[p.span.start:p.span.end] == p.text


def test_every_record_has_an_exact_page_inside_its_span(report):
    text, doc = report
    by_number = {p.number: p for p in doc.pages}
    for rec in [*doc.sections, *doc.blocks, *doc.tables, *doc.figures]:
        assert rec.page.certainty == PageCertainty.exact, rec
        page = by_number[rec.page.page]
        assert page.span.start <= rec.span.start < rec.span.end <= page.span.end, rec


def test_phrase_is_found_on_page_two(report):
    text, doc = report
    hits = [b for b in doc.blocks if PAGE2_PHRASE in b.text]
    assert len(hits) == 1
    assert hits[0].page.page == 2 and hits[0].page.label() == "s. 2"
    assert PAGE2_PHRASE in _ws(text[hits[0].span.start:hits[0].span.end])


def test_spans_index_the_extracted_text(report):
    text, doc = report
    for b in doc.blocks:
        passage = text[b.span.start:b.span.end]
        if b.kind == "table":
            t = next(t for t in doc.tables if t.id == b.table_id)
            assert passage.split("\n") == [" | ".join([t.columns[0], *t.columns[1:]])] + [
                " | ".join([r.label, *(c.text for c in r.cells)]) for r in t.rows]
        else:
            assert join_wrapped(passage.split("\n")) == b.text, b
    for s in doc.sections:
        assert _ws(text[s.span.start:s.span.end]).endswith(s.title)


def test_norwegian_letters_survive(report):
    text, doc = report
    assert unicodedata.is_normalized("NFC", text)
    body = " ".join(b.text for b in doc.blocks)
    for word in ("Færre", "løpet", "året", "måneder", "Årsrapport"):
        assert word in body or word in " ".join(s.title for s in doc.sections), word
    assert "(cid:" not in text


def test_glyphs_printed_twice_for_fake_bold_are_read_once(tmp_path):
    pdf = ReportPDF()
    pdf.add_page()
    pdf.set_font("DejaVu", "", 16)
    for dx in (0, 0.2):  # a heading "made bold" by printing it twice
        pdf.set_xy(20 + dx, 20)
        pdf.cell(0, 10, "Økonomi og årsverk")
    pdf.set_xy(20, 40)
    pdf.add_para("Direktoratet brukte færre årsverk enn planlagt.")
    path = tmp_path / "dobbel.pdf"
    path.write_bytes(bytes(pdf.output()))
    _, doc = parse_pdf(path, "dobbel")
    assert doc.sections[0].title == "Økonomi og årsverk"


def test_hyphenated_line_end_is_joined(report):
    _, doc = report
    assert any("integreringsarbeidet i kommunene" in b.text for b in doc.blocks)
    assert not any("integrerings- arbeidet" in b.text for b in doc.blocks)


# -- running footer -----------------------------------------------------------------

def test_running_footer_is_dropped_from_blocks_but_kept_in_the_page_text(report):
    text, doc = report
    assert text.count("IMDi årsrapport – side") == 4
    assert not [b.text for b in doc.blocks if "årsrapport – side" in b.text]
    assert "IMDi årsrapport – side 3" in doc.pages[2].text


def test_chapter_running_heads_are_dropped(tmp_path):
    path = tmp_path / "kapitler.pdf"
    path.write_bytes(chapter_heads_pdf())
    text, doc = parse_pdf(path, "kapitler")
    assert text.count("Kapittel 3 Resultater") == 2
    assert not [b.text for b in doc.blocks if "Kapittel" in b.text]
    assert [s.title for s in doc.sections] == ["Leders beretning", "Introduksjon", "Resultater", "Styring og kontroll"]


# -- headings -----------------------------------------------------------------------

def test_big_bold_title_is_the_first_section(report):
    _, doc = report
    first = doc.sections[0]
    assert first.title == "Årsrapport 2020 for Integrerings- og mangfoldsdirektoratet"
    assert first.level == 1 and first.number is None and first.page.page == 1


def test_numbered_heading_has_number_level_and_parent(report):
    _, doc = report
    sec = next(s for s in doc.sections if s.number == "3.1")
    assert sec.title == "Bosetting av flyktninger"
    assert sec.level == 2
    assert sec.path == ["3 Resultater", "3.1 Bosetting av flyktninger"]
    assert sec.page.page == 2
    phrase_block = next(b for b in doc.blocks if PAGE2_PHRASE in b.text)
    assert phrase_block.section_id == sec.id
    assert [s.number for s in doc.sections] == [None, "1", "3", "3.1", "3.2", "4"]


# -- tables -------------------------------------------------------------------------

def test_ruled_table_is_parsed_with_units(report):
    _, doc = report
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert t.style == "pdf" and t.page.page == 2
    assert t.columns == ["Indikator", "2019", "2020"]
    row = next(r for r in t.rows if r.label == "Andel bosatt innen 6 måneder")
    cell = row.cells[t.columns.index("2020") - 1]
    assert (cell.value, cell.unit) == (49.0, "%")
    assert next(r for r in t.rows if r.label.startswith("Antall")).cells[0].value == 4903.0
    assert t.source == "Kilde: IMDi"


def test_table_text_is_one_table_block_not_paragraphs(report):
    text, doc = report
    t = doc.tables[0]
    blocks = [b for b in doc.blocks if b.table_id == t.id]
    assert len(blocks) == 1 and blocks[0].kind == "table"
    assert "Andel bosatt innen 6 måneder – 2019: 95 %, 2020: 49 %" in blocks[0].text
    assert not [b for b in doc.blocks if b.kind != "table" and "innen 6 måneder" in b.text]
    for row in t.rows:
        assert text[row.span.start:row.span.end].startswith(row.label)


def test_caption_becomes_a_named_figure_linked_to_the_table(report):
    _, doc = report
    t = doc.tables[0]
    assert (t.number, t.title) == ("3-1", "Bosetting")
    fig = next(f for f in doc.figures if f.number == "3-1")
    assert fig.kind == "tabell" and fig.table_id == t.id and fig.page.page == 2
    cap = next(b for b in doc.blocks if b.figure_id == fig.id)
    assert cap.kind == "caption" and cap.text == "Tabell 3-1 Bosetting"
    # reading order: caption, then the table
    kinds = [b.kind for b in doc.blocks]
    assert kinds[kinds.index("caption") + 1] == "table"


def test_caption_below_a_table_and_a_figure_caption(tmp_path):
    path = tmp_path / "figurer.pdf"
    path.write_bytes(captions_pdf())
    _, doc = parse_pdf(path, "fig")
    [t] = doc.tables
    assert (t.number, t.title, t.columns) == ("4-1", "Årsverk og lønn", ["Nøkkeltall", "2019", "2020"])
    assert t.rows[1].cells[1].value == 54.0 and t.rows[1].cells[1].unit == "%"
    tab, fig = sorted(doc.figures, key=lambda f: f.kind, reverse=True)
    assert (tab.kind, tab.number, tab.table_id) == ("tabell", "4-1", t.id)
    assert (fig.kind, fig.number, fig.title, fig.table_id) == ("figur", "2", "Bosatte flyktninger per år", None)
    assert fig.source == "Kilde: IMDi"
    # a sentence that mentions a figure is not its caption
    assert any(b.kind == "paragraph" and b.text.startswith("Figur 2 viser") for b in doc.blocks)
    assert [b.kind for b in doc.blocks].count("caption") == 2


def test_unruled_numeric_table_is_found(unruled):
    text, doc = unruled
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert t.columns == ["Gruppe", "2019", "2020"]
    assert [r.label for r in t.rows] == ["Kvinner", "Menn", "Totalt"]
    assert t.rows[0].cells[1].value == 5310.0 and t.rows[2].cells[0].value == 12010.0
    assert t.number == "2-1"
    assert not [b for b in doc.blocks if b.kind == "paragraph" and "Kvinner" in b.text]


def test_prose_and_a_table_of_contents_are_not_tables(report, tmp_path):
    _, doc = report
    assert len(doc.tables) == 1  # the ruled one; body text with numbers is not a grid
    path = tmp_path / "innhold.pdf"
    path.write_bytes(toc_pdf())
    text, toc = parse_pdf(path, "innhold")
    assert toc.tables == []
    assert any("2 Introduksjon og hovedtall 3" in b.text for b in toc.blocks)


def test_single_page_footer_with_page_label_is_dropped(unruled):
    _, doc = unruled
    assert not [b for b in doc.blocks if "side 1" in b.text]


# -- bad PDFs -----------------------------------------------------------------------

def _reason(path: Path) -> str:
    with pytest.raises(IngestError) as err:
        parse_pdf(path, "bad")
    assert err.value.path == str(path)
    return err.value.reason


def test_empty_pdf(tmp_path):
    p = tmp_path / "tom.pdf"
    p.write_bytes(b"")
    assert "empty" in _reason(p)


def test_text_file_renamed_pdf(tmp_path):
    p = tmp_path / "notat.pdf"
    p.write_text("Dette er et notat om bosetting, ikke en PDF.\n", encoding="utf-8")
    reason = _reason(p)
    assert reason.startswith("not a PDF:") and "text file" in reason


def test_encrypted_pdf(tmp_path):
    p = tmp_path / "last.pdf"
    p.write_bytes(encrypted_pdf())
    assert _reason(p) == "encrypted; remove the password first"


def test_owner_password_only_pdf_is_readable(tmp_path):
    pdf = ReportPDF()
    pdf.set_encryption(owner_password="eier")  # restricts editing, not reading
    pdf.add_page()
    pdf.add_para("Åpen rapport om introduksjonsprogrammet.")
    p = tmp_path / "apen.pdf"
    p.write_bytes(bytes(pdf.output()))
    _, doc = parse_pdf(p, "apen")
    assert doc.blocks[0].text == "Åpen rapport om introduksjonsprogrammet."


def test_truncated_pdf(tmp_path):
    data = report_pdf()
    p = tmp_path / "halv.pdf"
    p.write_bytes(data[: len(data) // 2])
    assert _reason(p).startswith("damaged or truncated PDF")


def test_corrupt_pdf_with_an_end_marker(tmp_path):
    data = report_pdf()
    p = tmp_path / "skadet.pdf"
    p.write_bytes(data[: len(data) // 2] + data[-300:])  # %%EOF present, the objects are not
    assert _reason(p).startswith("damaged or truncated PDF")


def test_scanned_pages_in_a_text_pdf_are_empty_pages_with_a_warning(tmp_path):
    p = tmp_path / "med-vedlegg.pdf"
    p.write_bytes(scanned_pdf(text_page=True))
    text, doc = parse_pdf(p, "vedlegg")
    assert [(pg.number, pg.text) for pg in doc.pages] == [(1, "Vedlegget under er skannet."), (2, ""), (3, "")]
    assert text == "Vedlegget under er skannet.\f\f"
    assert doc.warnings == [f"page {n} has no text layer (a scanned image?); it is left empty" for n in (2, 3)]


def test_an_unreadable_page_is_left_empty_with_a_warning(tmp_path, monkeypatch):
    import ingest.formats.pdf.parser

    real = ingest.formats.pdf.parser._read_page

    def flaky(page, number, n_pages):
        if number == 3:
            raise KeyError("XObject")  # what pdfminer raises on a dangling reference
        return real(page, number, n_pages)

    monkeypatch.setattr(ingest.formats.pdf.parser, "_read_page", flaky)
    p = tmp_path / "rapport.pdf"
    p.write_bytes(report_pdf())
    text, doc = parse_pdf(p, "rapport")
    assert [pg.text == "" for pg in doc.pages] == [False, False, True, False]
    assert doc.warnings == ["page 3 could not be read (KeyError: 'XObject'); it is left empty"]
    assert not [s for s in doc.sections if s.number == "3.2"]


def test_scanned_pdf_without_text_layer(tmp_path):
    p = tmp_path / "skannet.pdf"
    p.write_bytes(scanned_pdf())
    assert _reason(p) == "no text layer; run OCR first"
