"""Markdown exports in the style of the FoU appendix: TOC tab table, report summaries, bullets."""

import pytest

from tests.ingest.fixturecases import (
    cases,
    check_exact_pages_right,
    check_figures,
    check_page_labels,
    check_pages_possible,
    check_sections,
    check_style,
    check_tables,
    parsed,
)

CASES = cases("markdown")
ids = [p.name for p in CASES]


@pytest.mark.parametrize("path", CASES, ids=ids)
@pytest.mark.parametrize("check", [check_style, check_sections, check_tables, check_figures, check_pages_possible,
                                   check_exact_pages_right, check_page_labels])
def test_fixture(path, check):
    check(path)


def test_toc_is_not_a_table_and_summaries_take_toc_pages():
    doc, _, _ = parsed(CASES[0])
    assert doc.tables == []
    assert [p.number for p in doc.pages] == [3, 5, 7, 9, 11]


def test_bullets_stay_lists():
    doc, _, _ = parsed(CASES[0])
    lists = [b.text for b in doc.blocks if b.kind == "list"]
    assert any("86 prosent av kommunene" in t for t in lists)

