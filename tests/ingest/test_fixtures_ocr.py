"""OCR-damaged exports in the style of the 2024 report: no æøå, page-number lines, merged table cells."""

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
    page_labels,
    parsed,
)

CASES = cases("ocr")
ids = [p.name for p in CASES]


@pytest.mark.parametrize("path", CASES, ids=ids)
@pytest.mark.parametrize("check", [check_style, check_sections, check_tables, check_figures, check_pages_possible,
                                   check_exact_pages_right, check_page_labels])
def test_fixture(path, check):
    check(path)


def test_page_numbers_are_exact_next_to_their_lines():
    labels = page_labels(CASES[0])
    assert labels["1 Leders beretning"] == "s. 3"
    assert labels["Kartlegging"] == "s. 5"
    assert labels["5 Vurdering av framtidsutsikter"] == "s. 7"


def test_merged_cells_are_split_and_words_repaired():
    doc, _, _ = parsed(CASES[0])
    t = next(t for t in doc.tables if t.number == "3-1-1")
    assert [c.value for c in t.rows[0].cells] == [4489, 31258, 33701]
    assert any("økning" in b.text for b in doc.blocks)

