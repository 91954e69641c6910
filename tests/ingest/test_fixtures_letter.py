"""Letter bundles in the style of the 2020 tildelingsbrev: blank line after every line, tillegg letters."""


from tests.ingest.fixturecases import (
    cases,
    page_labels,
    parsed,
)

CASES = cases("letter")  # every fixture also runs the common checks in test_fixtures.py


def test_surviving_page_number_and_side_header():
    labels = page_labels(CASES[0])
    assert labels["2.2 Kvalifisering og arbeid"] == "s. 7"
    assert labels["3 Budsjett"] == "ca. s. 8"
    assert labels["2 Budsjett"] == "s. 2"  # the tillegg letter counts its own pages


def test_budget_without_header_row_is_a_table():
    doc, _, _ = parsed(CASES[0])
    t = doc.tables[1]
    assert t.section_path[-1] == "2 Budsjett"
    assert [(r.label, r.cells[0].value) for r in t.rows] == [
        ("Post 60 Integreringstilskudd, kan overføres", 12420.0), ("Sum", 12420.0)]

