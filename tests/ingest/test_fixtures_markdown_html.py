"""Markdown+HTML exports in the style of the 2020 report, with other headings, tables and TOC pages."""


from tests.ingest.fixturecases import (
    cases,
    parsed,
)

CASES = cases("markdown_html")  # every fixture also runs the common checks in test_fixtures.py


def test_infographic_number_is_not_a_section():
    doc, _, _ = parsed(CASES[0])
    assert "5 622" not in [s.title for s in doc.sections]
    assert any("5 622" in b.text for b in doc.blocks)


def test_html_is_stripped_from_cells_and_footnotes_are_blocks():
    doc, _, _ = parsed(CASES[0])
    sp = next(t for t in doc.tables if t.title == "Resultatkrav")
    assert [r.label for r in sp.rows] == ["SP1: Andel bosatt innen 6 måneder",
                                          "SP2: Andel enslige mindreårige bosatt innen 3 måneder"]
    assert [c.value for c in sp.rows[1].cells] == [33, 80, 58]
    assert sum(b.kind == "footnote" for b in doc.blocks) == 3

