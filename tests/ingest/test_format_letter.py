"""The letter parser on the tildelingsbrev 2020 bundle (corpus/NOTES.md, kd-tildelingsbrev-imdi-2020.txt)."""

from __future__ import annotations

import re

import pytest

from core.records import PageCertainty, PageRef
from ingest.formats.letter.lines import mark_debris, split_lines
from ingest.formats.letter.pages import build_page_map
from ingest.formats.letter.parser import parse
from ingest.formats.letter.parts import split_parts

DOC = "kd-tildelingsbrev-2020"



def _line_offset(source: str, line: str, nth: int = 0) -> int:
    """Offset of the `nth` source line whose stripped text is `line`."""
    hits = [m.start() for m in re.finditer(r"(?m)^[ \t]*" + re.escape(line) + r"[ \t]*$", source)]
    return hits[nth]


def _block_at(doc, offset: int):
    return next(b for b in doc.blocks if b.span.start <= offset < b.span.end)


def _section(doc, prefix: str):
    hits = [s for s in doc.sections if s.title.startswith(prefix)]
    assert len(hits) == 1, [s.title for s in hits]
    return hits[0]


# -- the bundle's letters ------------------------------------------------------------------

def test_letters_are_level_one_sections_in_order(doc):
    top = [s.title for s in doc.sections if s.level == 1]
    assert len(top) == 12
    assert top[0].startswith("Tildelingsbrev 2020")
    assert top[1].startswith("Vedlegg 1: Kunnskapsdepartementets instruks for økonomi- og virksomhetsstyring")
    assert top[2].startswith("Vedlegg 2: Statistikkrapportering 2020")
    assert top[3].startswith("Vedlegg 3: KALENDER FOR STYRINGSDIALOGEN")
    assert [int(re.match(r"Tillegg nr\.\s*(\d+)", t).group(1)) for t in top[4:]] == list(range(1, 9))


def test_tillegg_3_found_without_its_title_line(doc, source):
    t3 = _section(doc, "Tillegg nr. 3 ")
    assert "tittellinjen mangler" in t3.title and "20. mai 2020" in t3.title
    # it starts where the text does: the upper-case goal heading after tillegg 2's signature
    first_child = next(s for s in doc.sections if s.parent_id == t3.id)
    assert first_child.title == "MÅL, STYRINGSPARAMETERE OG OPPDRAG FOR 2020"
    assert source.rindex("Ingvild Sandvik", 0, first_child.span.start) > source.index("Tillegg nr. 2 til")
    assert any(s.title.startswith("Oppdrag nr 2020-12 Prosjekt om hurtigbosetting") and t3.title in s.path[0]
               for s in doc.sections)


@pytest.mark.parametrize("number, date", [(1, "25. februar 2020"), (4, "22. juni 2020"), (5, "11. august 2020"),
                                          (7, "11. desember 2020")])
def test_letter_date_kept_in_title(doc, number, date):
    sec = next(s for s in doc.sections if s.level == 1 and re.match(rf"Tillegg nr\.\s*{number} ", s.title))
    assert f"brev datert {date}" in sec.title
    assert "sidetall gjelder dette brevet" in sec.title


# -- headings and structured blocks ----------------------------------------------------------

def test_numbered_headings_nest_below_the_letter(doc):
    sec = _section(doc, "Utvikling av IKT-systemer")
    assert (sec.number, sec.level) == ("4.2.1", 4)
    assert sec.path[0].startswith("Tildelingsbrev 2020")
    assert sec.path[1:3] == ["4 Mål, styringsparametere, resultatkrav og oppdrag for 2020",
                             "4.2 Andre oppdrag, rapportering og styringsinformasjon"]
    # a numbered list inside 4.2.11 is no heading
    assert not any(s.title.startswith("Har IMDi") for s in doc.sections)
    assert any(b.text.startswith("IMDi skal i årsrapporten for 2020 rapportere om følgende:\n1. Har IMDi")
               for b in doc.blocks)


def test_every_styringsparameter_is_a_section(doc):
    sps = [re.match(r"Styringsparameter (SP\d+):", s.title) for s in doc.sections]
    assert sorted(int(m.group(1)[2:]) for m in sps if m) == list(range(1, 16))


def test_sp13_with_its_sub_labels(doc):
    sp13 = _section(doc, "Styringsparameter SP13: Andel flyktninger bosatt innen henholdsvis 3, 6 og 12 måneder")
    assert sp13.path[-2] == "Virksomhetsspesifikt mål 3: Raskt og treffsikkert bosettingsarbeid"
    texts = [b.text for b in doc.blocks if b.section_id == sp13.id]
    assert "Rapportering: Halvårsrapport og Årsrapport" in texts
    assert any(t.startswith("Måleutgangspunkt: Status per 31.10.2019 var at 96 pst. av overføringsflyktningene")
               for t in texts)
    assert any(t.startswith("Resultatkrav: 90 pst. av overføringsflyktningene og voksne fra mottak innen 6 "
                            "måneder og 80 pst.") for t in texts)


def test_resultatkrav_stays_with_its_value(doc):
    sp4 = _section(doc, "Styringsparameter SP4:")
    assert "Resultatkrav: 90 pst." in [b.text for b in doc.blocks if b.section_id == sp4.id]


def test_oppdrag_sections_keep_their_ids(doc):
    o1 = _section(doc, "Oppdrag nr. 2020-001 ")
    assert o1.title == "Oppdrag nr. 2020-001 Innføringen av ny integreringslov og standardiserte elementer"
    assert o1.path[-2].startswith("Virksomhetsspesifikt mål 1:")
    texts = [b.text for b in doc.blocks if b.section_id == o1.id]
    assert texts[0].startswith("Bakgrunn: Regjeringen er i gang med en reform av introduksjonsprogrammet.")
    assert "Frist 1.1.2022" in texts
    ids = {re.match(r"Oppdrag nr\.? ?(\d{4}-\d+)", s.title).group(1) for s in doc.sections
           if s.title.startswith("Oppdrag nr")}
    assert len(ids) == 28  # corpus/NOTES.md: 28 distinct oppdrag ids, spelling varies
    assert {"2020-12", "2020-14", "2020-15", "2020-028"} <= ids


# -- letterhead and page debris ----------------------------------------------------------------

@pytest.mark.parametrize("debris", ["Org.nr.", "Saksbehandler", "Deres ref", "Vår ref", "Postboks", "mailto:",
                                    "Kontoradresse", "Side 2", "22 24 90 90", "19/4491"])
def test_letterhead_is_in_no_block_text(doc, debris):
    assert not [b.text[:60] for b in doc.blocks if debris in b.text]


def test_page_one_footer_is_in_no_block_span(doc, source):
    for label in ("Org.nr.", "Saksbehandler", "Postadresse"):
        found = [m.start() for m in re.finditer(r"(?m)^" + re.escape(label) + r" $", source)]
        assert len(found) == 3  # tillegg nr. 1, 5 and 7 print the footer
        for at in found:
            assert not [b.id for b in doc.blocks if b.span.start <= at < b.span.end], label


def test_page_numbers_are_in_no_block_text(doc, source):
    thirteen = _line_offset(source, "13")
    joined = _block_at(doc, thirteen)  # the sentence runs over the page break
    assert "Det gjelder konkretisering av Integreringsstrategiens hovedgrep 5:" in joined.text
    assert " 13 " not in joined.text


# -- paragraphs ---------------------------------------------------------------------------------

def test_wrapped_lines_join_into_paragraphs(doc, source):
    """Every `word\\n\\nword` inside a sentence ends up as `word word` in one block, section title or table row."""
    lines = source.split("\n")
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)
    texts = [(b.span.start, b.span.end, b.text) for b in doc.blocks]
    texts += [(s.span.start, s.span.end, s.title) for s in doc.sections]
    texts += [(r.span.start, r.span.end, r.label) for t in doc.tables for r in t.rows if r.span]
    checked = 0
    for i in range(len(lines) - 2):
        a, gap, c = lines[i], lines[i + 1], lines[i + 2]
        if gap or not re.search(r"[a-zæøå]\s*$", a) or not re.match(r"\s?[a-zæøå]", c):
            continue
        if re.match(r"\s?[a-h]\)\s", c) or c.strip().startswith("http"):
            continue  # a list entry `b) …`; a link annotation
        pair = f"{a.split()[-1]} {c.split()[0]}"
        start, end = offsets[i] + len(a.rstrip()) - 1, offsets[i + 2]
        assert any(s <= start and e > end and pair in t for s, e, t in texts), (i + 1, pair)
        checked += 1
    assert checked > 900


def test_real_breaks_split_paragraphs(doc):
    texts = [b.text for b in doc.blocks]
    assert "Sentrale mål for IMDi er:\n- å støtte kommuner, fylkeskommuner og andre sentrale aktører på en måte " \
           "som sikrer rask og treffsikker bosetting og god kvalifisering." in "\n".join(texts)
    intro = next(t for t in texts if t.startswith("Tildelingsbrevet for 2020 er utarbeidet"))
    assert intro.endswith("Bestemmelser om økonomistyring i staten punkt 1.4.")
    assert "\n" not in "".join(b.text for b in doc.blocks if b.kind == "paragraph")
    # consecutive paragraphs of one section: never a sentence cut in two
    for a, b in zip(doc.blocks, doc.blocks[1:], strict=False):
        if a.section_id == b.section_id and a.kind == b.kind == "paragraph":
            assert not (b.text[:1].islower() and not re.search(r"[.:!?)]$", a.text)), (a.text[-40:], b.text[:40])


def test_run_in_headings_lead_their_paragraph(doc):
    texts = [b.text for b in doc.blocks]
    assert any(t.startswith("Regionreform: De regionale integreringsoppgavene") for t in texts)
    assert any(t == "Post 60 Integreringstilskudd, kan overføres: Bevilgningen reduseres med 70,9 mill. kroner."
               for t in texts)


def test_hyphenated_wrap_mended_only_inside_words(doc):
    text = " ".join(b.text for b in doc.blocks)
    assert "beredskap i kunnskapssektoren skal ligge til grunn" in text
    assert "i form av FoU-anskaffelser" in text
    assert "jf. e-post fra departementet" in text
    assert "delta i arbeids- og samfunnsliv" in text


def test_block_text_comes_from_its_span(doc, source):
    def squeeze(s: str) -> str:
        return re.sub(r"[\s\-–:•\uf0b7]", "", s)

    for b in doc.blocks:
        if b.kind == "table":
            continue
        raw = source[b.span.start:b.span.end]
        assert raw and not raw[0].isspace() and not raw[-1].isspace(), b.id
        it = iter(squeeze(raw))
        assert all(ch in it for ch in squeeze(b.text)), (b.id, b.text[:60])  # a subsequence, in order
    for s in doc.sections:
        if s.span.end == s.span.start:  # a title the source lacks: the main letter's, tillegg nr. 3's
            continue
        printed = re.sub(r"^(?:Vedlegg \d: |Styringsparameter )|\s\([^()]*sidetall gjelder[^()]*\)$", "", s.title)
        it = iter(squeeze(source[s.span.start:s.span.end]).lower())
        assert all(ch in it for ch in squeeze(printed).lower()), s.title


# -- tables -------------------------------------------------------------------------------------

def _row(doc, label: str, letter: str = "Tildelingsbrev 2020"):
    hits = [(t, r) for t in doc.tables for r in t.rows if r.label == label and t.section_path[0].startswith(letter)]
    assert len(hits) == 1, (label, len(hits))
    return hits[0]


def test_budget_row_post_60(doc, source):
    table, row = _row(doc, "Kap. 291 Post 60 Integreringstilskudd, kan overføres")
    assert table.style == "space"
    assert table.columns == ["Post Betegnelse", "Tildeling 2020"]
    assert table.caption == "Kap. 291 Bosetting av flyktninger og tiltak for innvandrere"
    assert (row.cells[0].value, row.cells[0].unit) == (7545.63, "mill. kroner")
    assert source[row.span.start:row.span.end] == "Post 60 Integreringstilskudd, kan overføres 7 545,63"
    assert _row(doc, "Kap. 291 Post 45 Større utstyrsanskaffelser og vedlikehold, kan overføres")[1].cells[0].value \
        == 53.5  # the amount pushed onto a line of its own
    total = next(r for r in table.rows if r.label == "Sum")
    assert total.cells[0].value == 9702.51
    block = next(b for b in doc.blocks if b.table_id == table.id)
    assert "Kap. 291 Post 60 Integreringstilskudd, kan overføres | 7 545,63 mill. kroner" in block.text.split("\n")


def test_grant_list_in_kroner(doc):
    table, row = _row(doc, "Født Fri")
    assert (row.cells[0].value, row.cells[0].unit) == (6_000_000, "kroner")
    rows = {r.label: r.cells[0].value for r in table.rows}
    assert rows["SUM"] == 42_110_000
    assert sum(v for k, v in rows.items() if k != "SUM") == rows["SUM"]  # every row parsed, none split
    assert rows["MiRA – ressurssenter for innvandrer- og flyktningkvinner"] == 3_650_000


def test_same_post_kept_apart_per_letter(doc):
    main = _row(doc, "Kap. 291 Post 60 Integreringstilskudd, kan overføres")[1]
    t4 = _row(doc, "Kap. 291 Post 60 Integreringstilskudd", "Tillegg nr. 4")[1]
    t8 = _row(doc, "Kap. 291 Post 60 Integreringstilskudd", "Tillegg nr. 8")[1]
    assert (main.cells[0].value, t4.cells[0].value, t8.cells[0].value) == (7545.63, 7_724_723_000, 7_068_926_000)
    # RNB and Prop. 127 S changes to the same post sit under their own group heading
    rnb = next(b for b in doc.blocks if b.text.startswith("Post 60 Integreringstilskudd, kan overføres: Bevilgningen "
                                                          "reduseres med 70,9"))
    assert rnb.section_path[0].startswith("Tillegg nr. 4") and "RNB 2020" in rnb.section_path[-2]
    prop = next(b for b in doc.blocks if "økes med 250 mill. kroner til økt bruk av forlenget" in b.text)
    assert "Prop. 127 S" in prop.section_path[-2]


def test_statistics_x_grid(doc):
    table = next(t for t in doc.tables if t.columns == ["Tabellnr. og statistikk", "Halvårlig", "Årlig"])
    numbered = {r.label.split(" ")[0] for r in table.rows}
    assert numbered == {str(n) for n in range(1, 32)}

    def marks(prefix: str) -> list[str]:
        return [c.text for c in next(r for r in table.rows if r.label.startswith(prefix)).cells]

    assert marks("1 Totalt antall personer i mottak") == ["X", "X"]
    assert marks("5 Deltakere i opplæring i norsk") == ["", "X"]  # annual only
    assert marks("15 Fylkesmannens klagebehandling") == ["X", ""]  # half-year report, cf. main letter 4.2.7
    assert marks("4 C: Personer som ble omfattet av plikt") == ["X", "X"]  # sub-rows share the row's marks
    blocks = [b for b in doc.blocks if b.table_id == table.id]
    assert any("– Tolk\n" in b.text and "19 Utstedte bevillinger som statsautoriserte tolker" in b.text for b in blocks)


def test_deadline_and_calendar_tables(doc):
    deadlines = next(t for t in doc.tables if t.columns[0] == "Type rapportering")
    assert [(r.label, [c.text for c in r.cells]) for r in deadlines.rows][1] == \
        ("Halvårsrapportering for 2020", ["30. juni 2020", "20. august 2020"])
    calendar = next(t for t in doc.tables if t.columns[0] == "Dato og tidspunkt")
    assert len(calendar.rows) == 9
    assert calendar.rows[4].cells[0].text == \
        "Frist for å oversende halvårsrapport med regnskapsrapport per 30. juni 2020"


# -- pages --------------------------------------------------------------------------------------

def test_main_letter_pages(doc, source):
    assert [p.number for p in doc.pages] == list(range(4, 36))
    assert [p.number for p in doc.pages if p.certainty == PageCertainty.exact] == list(range(13, 21))
    innledning = doc.sections[1]
    assert innledning.title == "Innledning"
    assert (innledning.page.certainty, innledning.page.page) == (PageCertainty.estimated, 4)
    # `13` is the footer of page 13: what follows it is page 14
    thirteen = _line_offset(source, "13")
    after = next(b for b in doc.blocks if b.span.start > thirteen)
    assert after.text.startswith("Beskrivelse: IMDi skal utrede behov for")
    assert (after.page.certainty, after.page.page) == (PageCertainty.exact, 14)
    across = _block_at(doc, thirteen)
    assert (across.page.first, across.page.last) == (13, 14)
    styring = _block_at(doc, source.index("IV. Styring og kontroll i virksomheten"))
    assert (styring.page.first, styring.page.last) == (34, 35)  # the list runs onto p. 35


def test_tillegg_pages_restart_per_letter(doc, source):
    t1_first = next(b for b in doc.blocks if b.text == "Vi viser til tildelingsbrev til IMDi for 2020.")
    assert (t1_first.page.certainty, t1_first.page.page) == (PageCertainty.exact, 1)
    after_side2 = _block_at(doc, source.index("Oppdraget skal gjennomføres i samarbeid med Bufdir."))
    assert (after_side2.page.certainty, after_side2.page.page) == (PageCertainty.exact, 2)
    # pages counted from indented page starts alone are estimates
    t4_table = _row(doc, "Kap. 291 Post 60 Integreringstilskudd", "Tillegg nr. 4")[0]
    assert (t4_table.page.certainty, t4_table.page.page) == (PageCertainty.estimated, 9)


def test_statistics_pages_only_next_to_their_footer(source):
    """Vedlegg 2's footer `5` dates the row it ends (p. 5) and the row it splits (p. 6); the rows above it lie
    on the appendix's own pp. 1–5, the rows below on no page the evidence gives."""
    lines = split_lines(source)
    parts = split_parts(lines, mark_debris(lines))
    pages = build_page_map(lines, parts)
    five = _line_offset(source, "5")
    row_13a = source.rindex("13 A: Deltakere registrert i NIR", 0, five)
    row_13b = source.index("B: Deltakere registrert i NIR", five)
    assert pages.at(row_13a) == PageRef.exact(5)
    assert pages.at(row_13b) == PageRef.exact(6)
    assert pages.at(source.index("14 Deltakere registrert i NIR")).certainty == PageCertainty.unknown
    assert pages.at(source.index("1 Totalt antall personer i mottak")) == PageRef.span_of(1, 5)


def test_each_part_restarts_its_numbering_with_page_starts_of_its_own(doc, source):
    """The parser says where a part with its own numbering begins, and which page starts its evidence
    gives inside it (Vedlegg 2's footer `5`: page 6 begins after it, exact on both sides)."""
    assert len(doc.numbering_starts) == 11  # vedlegg 1–3 and tillegg nr. 1–8
    assert source[doc.numbering_starts[1]:].lstrip().startswith("Statistikkrapportering 2020")
    five = _line_offset(source, "5")
    assert (source.index("B: Deltakere registrert i NIR", five), 6, True) in doc.page_starts


def test_other_letter_shaped_text_gets_no_bundle_structure():
    """Auto-detection may send any double-spaced export here: no tillegg/vedlegg are invented."""
    text = "Tilbud om kurs \n\nVi viser til møtet i mars. Kurset holdes i \n\nOslo. \n\n \n\n1. Praktisk \n\nMøt opp.\n"
    doc = parse(text, "user-letter")
    assert [(s.title, s.level) for s in doc.sections] == [("Tilbud om kurs", 1), ("Praktisk", 2)]
    assert [b.text for b in doc.blocks] == ["Vi viser til møtet i mars. Kurset holdes i Oslo.", "Møt opp."]
    assert parse("", "empty").blocks == []
