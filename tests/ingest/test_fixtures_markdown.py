"""Markdown exports in the style of the FoU appendix: TOC tab table, report summaries, bullets."""


from tests.ingest.fixturecases import (
    cases,
    parsed,
)

CASES = cases("markdown")  # every fixture also runs the common checks in test_fixtures.py


def test_toc_is_not_a_table_and_summaries_take_toc_pages():
    doc, _, _ = parsed(CASES[0])
    assert doc.tables == []
    assert [p.number for p in doc.pages] == [3, 5, 7, 9, 11]


def test_bullets_stay_lists():
    doc, _, _ = parsed(CASES[0])
    lists = [b.text for b in doc.blocks if b.kind == "list"]
    assert any("86 prosent av kommunene" in t for t in lists)

