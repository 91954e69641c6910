"""OCR-damaged exports in the style of the 2024 report: no æøå, page-number lines, merged table cells."""


from tests.ingest.fixturecases import (
    cases,
    page_labels,
    parsed,
)

CASES = cases("ocr")  # every fixture also runs the common checks in test_fixtures.py


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

