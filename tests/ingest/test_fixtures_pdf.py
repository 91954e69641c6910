"""PDFs generated in two layouts: a report with TOC, aligned tables and footers on some pages; a two-column note."""


from tests.ingest.fixturecases import (
    cases,
    parsed,
)

CASES = cases("pdf")  # every fixture also runs the common checks in test_fixtures.py


def case(name: str):
    return next(p for p in CASES if p.name == name)


def test_every_page_is_exact():
    for p in CASES:
        doc, _, _ = parsed(p)
        assert [pg.number for pg in doc.pages] == list(range(1, len(doc.pages) + 1))
        assert all(b.page.certainty.value == "exact" for b in doc.blocks)


def test_unruled_aligned_table_cells():
    doc, _, _ = parsed(case("arsrapport-2013.pdf"))
    t = next(t for t in doc.tables if t.number == "3-1")
    assert t.columns == ["Kommunegruppe", "Deltakere", "I arbeid", "Andel"]
    assert [c.value for c in t.rows[2].cells] == [3114, 1650, 53]


def test_two_columns_read_column_by_column():
    doc, _, _ = parsed(case("notat-2019-tospalta.pdf"))
    paras = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert len(paras) == 3
    for k, text in enumerate(paras, start=1):
        assert text.endswith(f"Slutten på kapittel {k}.") and text.count("Slutten") == 1
    assert paras[0].startswith("Notatet samanfattar korleis busettinga gjekk i 2019.")



def test_page_foot_note_is_a_footnote():
    doc, _, _ = parsed(case("arsrapport-2013.pdf"))
    notes = [b for b in doc.blocks if b.kind == "footnote"]
    assert [(n.text, n.page.label()) for n in notes] == [("1 Tallene er hentet fra IMDis statistikk per 31.12.2013.",
                                                          "s. 3")]
