"""Page estimates on the bundled corpus: held-out anchors of the 2022 report, and every citation's bound."""

from __future__ import annotations

import numpy as np
import pytest

from core.records import PageCertainty
from eval.page_error import corpus_extrapolation, corpus_loo, parse_corpus
from ingest.pages import estimate_document


@pytest.fixture(scope="module")
def report_2022():
    return parse_corpus(["imdi-arsrapport-2022"])


def test_held_out_footers_of_the_2022_report_are_estimated_within_two_pages(report_2022):
    samples = corpus_loo(report_2022)
    density = [s["error"] for s in samples if s["method"] == "density"]
    line = [s["error"] for s in samples if s["method"] == "line"]
    assert len(density) == len(line) >= 6  # a side of a footer with an exact block next to it: one sample
    assert np.percentile(density, 90) <= 2 and sum(density) <= sum(line)


def test_held_out_page_breaks_of_the_2022_report_median_one_page(report_2022):
    # both sides of every footer, estimated from the other six and the pages' first lines
    breaks = [s["error"] for s in corpus_loo(report_2022) if s["source"] == "break" and s["method"] == "density"]
    assert len(breaks) == 14 and np.median(breaks) <= 1 and max(breaks) <= 2


def test_every_block_of_the_2022_report_gets_an_estimate_no_wider_than_five_pages(report_2022):
    fmt, text, parsed = report_2022["imdi-arsrapport-2022"]
    estimate_document(parsed, text, fmt)
    refs = [b.page for b in parsed.blocks]
    assert all(r.certainty != PageCertainty.range for r in refs)
    estimated = [r for r in refs if r.certainty == PageCertainty.estimated]
    assert len(estimated) > 600 and all(r.error is not None and r.error <= 5 for r in estimated)
    # the estimates run forward through the report, page after page
    pages = [b.page.turn_to for b in sorted(parsed.blocks, key=lambda b: b.span.start) if b.page.turn_to]
    assert sum(1 for a, b in zip(pages, pages[1:], strict=False) if b < a) <= 3
    assert {p.number for p in parsed.pages} >= set(range(5, 120, 10))


def test_every_part_of_the_letter_bundle_gets_a_bounded_page_and_a_long_table_its_rows_pages():
    """Each letter and appendix is estimated from its own page starts; Vedlegg 2's rows below its footer `5`
    lie on its pp. 6 ff. although the table they belong to begins on pp. 1–5."""
    fmt, text, parsed = parse_corpus(["kd-tildelingsbrev-2020"])["kd-tildelingsbrev-2020"]
    estimate_document(parsed, text, fmt)
    assert all(b.page.certainty == PageCertainty.exact or b.page.error is not None for b in parsed.blocks)
    assert all((b.page.error or 0) <= 5 for b in parsed.blocks)
    five = text.index("\n5 \n", text.index("Statistikkrapportering 2020"))
    table = next(t for t in parsed.tables if t.span.start < five < t.span.end)
    assert table.page.first == 1
    below = [r.page.turn_to for r in table.rows if r.span is not None and r.span.start > five]
    above = [r.page.turn_to for r in table.rows if r.span is not None and r.span.end < five]
    assert below and min(below) >= 6 and max(above) <= 5


def test_text_past_the_last_page_number_is_extrapolated_within_two_pages_when_measured():
    """The evidence cut off at each exact anchor of the OCR report: the exact pages up to 12 pages beyond it
    are estimated from what is left, 90 % of them within ±2 (as the notes after its page 112 are)."""
    samples = corpus_extrapolation(parse_corpus(["imdi-arsrapport-2024"]))
    density = [s["error"] for s in samples if s["method"] == "density" and s["mode"] == "extrapolated"]
    assert len(density) >= 12 and np.percentile(density, 90) <= 2
