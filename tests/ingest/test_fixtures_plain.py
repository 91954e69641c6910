"""Plain text of no export style: the general parser finds numbered headings, a tab table and lists."""


from tests.ingest.fixturecases import (
    cases,
    parsed,
)

CASES = cases("plain")  # every fixture also runs the common checks in test_fixtures.py


def test_no_page_evidence_means_unknown_pages_and_a_warning():
    doc, _, _ = parsed(CASES[0])
    assert doc.pages == [] and all(b.page.label() == "side ukjent" for b in doc.blocks)
    assert any("no page evidence" in w for w in doc.warnings)


def test_tab_table_cells_and_list():
    doc, _, _ = parsed(CASES[0])
    t = doc.tables[0]
    assert t.columns == ["Sektor", "Oppdrag 2020", "Oppdrag 2021"]
    assert [(r.label, [c.value for c in r.cells]) for r in t.rows][0] == ("Helse", [180400, 195200])
    assert any(b.kind == "list" and b.text.count("nivå") == 3 for b in doc.blocks)



def test_pipe_table_and_three_level_number():
    doc, _, _ = parsed(CASES[0])
    sec = next(s for s in doc.sections if s.number == "2.2.1")
    assert sec.level == 3 and sec.path[:2] == ["2 Bruk av tolk", "2.2 Kvalifikasjoner"]
    t = doc.tables[1]
    assert t.columns == ["Språk", "Tolker 2020", "Tolker 2021"] and t.section_id == sec.id
    assert [r.label for r in t.rows] == ["Arabisk", "Tigrinja", "Ukrainsk"]
