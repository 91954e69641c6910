"""Best-estimate pages: labels, the density model against a straight line, snapping, clamping, chunks."""

from __future__ import annotations

import json

import pytest

from core.records import Block, Page, PageCertainty, PageRef, ParsedDocument, Span, Table, TableRow
from eval.ingest_fixtures import FIXTURES
from index.chunking import merge_pages, rows_page
from ingest.formats import get_parser
from ingest.page_estimate import Estimate, Item, PageEstimator, Pin, clean_pins, error_bound, snap_subset
from ingest.pages import PageMap, document_pins, estimate_document, estimate_ref, numbering_runs, page_count

PAGE = 3000  # characters of prose that fill a page in the made-up documents below


def test_label_shows_estimate_and_bound_and_keeps_a_wide_range():
    assert PageRef.span_of(22, 37).with_estimate(25, 2).label() == "ca. s. 25 (±2)"
    wide = PageRef.span_of(22, 37).with_estimate(25, 7)
    assert wide.label() == "s. 22–37" and wide.estimate == 25 and wide.error == 7
    assert PageRef.unknown().with_estimate(9, 7).label() == "ca. s. 9 (±7)"
    assert PageRef.exact(4).with_estimate(9, 3) == PageRef.exact(4)
    assert PageRef.exact(4).turn_to == 4 and PageRef.span_of(22, 37).turn_to is None


def test_a_store_written_before_estimates_still_loads():
    old = {"certainty": "range", "page": None, "first": 22, "last": 37}
    ref = PageRef.model_validate(old)
    assert ref.estimate is None and ref.error is None and ref.label() == "s. 22–37"
    assert PageRef.model_validate(json.loads(ref.with_estimate(30, 1).model_dump_json())).label() == "ca. s. 30 (±1)"


def _doc(pages: int, figure_every: int) -> tuple[list[Item], list[int]]:
    """Prose pages, and every `figure_every`-th page a figure over two thirds of it with 1000 chars of text."""
    items, starts, pos = [], [], 0
    for p in range(1, pages + 1):
        starts.append(pos)
        figure = figure_every and p % figure_every == 0
        if figure:
            items.append(Item(pos, pos + 80, "caption", 80))
            pos += 81
            n = 1000 - 81
        else:
            n = PAGE
        for _ in range(n // 500):
            items.append(Item(pos, pos + 499, "paragraph", 499))
            pos += 500
    return items, starts


def _errors(est: PageEstimator, items: list[Item], starts: list[int]) -> list[int]:
    truth = [sum(1 for s in starts if s <= i.start) for i in items]
    return [abs(e.page - t) for e, t in zip(est.at([i.start for i in items]), truth, strict=True)]


def test_density_model_beats_a_straight_line_where_figures_take_space():
    items, starts = _doc(60, figure_every=3)
    pins = [Pin(starts[p - 1], p, True) for p in (1, 7, 22, 31, 45, 52, 60)]
    n = items[-1].end
    density = _errors(PageEstimator(items, pins, n), items, starts)
    line = _errors(PageEstimator(items, pins, n, uniform=True), items, starts)
    assert sum(density) < sum(line)
    assert sorted(density)[len(density) // 2] == 0 and max(density) <= 1


def test_uniform_prose_is_placed_on_the_right_page_between_two_pins():
    items, starts = _doc(30, figure_every=0)
    est = PageEstimator(items, [Pin(starts[0], 1, True), Pin(starts[29], 30, True)], items[-1].end)
    assert max(_errors(est, items, starts)) == 0


def test_extrapolation_uses_the_fitted_rate_and_says_so():
    items, starts = _doc(40, figure_every=0)
    est = PageEstimator(items, [Pin(starts[p - 1], p, True) for p in (1, 10, 20)], items[-1].end)
    e = est.at([starts[34] + 10])[0]
    assert e.mode == "extrapolated" and e.page == 35 and 14 < e.distance < 16


def test_more_text_before_the_first_pin_than_its_pages_hold_is_squeezed_into_them_with_all_as_bound():
    """Page 4 begins after six pages' worth of text at the fitted rate (denser front matter): that text is
    squeezed into pages 1–3, not piled on page 1, and no measured bound is claimed for it."""
    items, starts = _doc(13, figure_every=0)
    est = PageEstimator(items, [Pin(starts[6], 4, True), Pin(starts[9], 7, True)], items[-1].end)
    first, middle, last = est.at([starts[0], starts[3], starts[6] - 1])
    assert est.front_spread() and {first.mode, middle.mode, last.mode} == {"spread"}
    assert (first.page, middle.page, last.page) == (1, 2, 3)
    assert error_bound(middle, TABLE) == 2  # pages 1–3 left open by the pin
    assert estimate_ref(PageRef.unknown(), middle, TABLE).label() == "ca. s. 2 (±1)"
    # text that fits: ordinary extrapolation, with its measured bound
    plain = PageEstimator(items, [Pin(starts[6], 10, True), Pin(starts[9], 13, True)], items[-1].end)
    assert not plain.front_spread() and plain.at([starts[1]])[0].mode == "extrapolated"


def test_pins_must_rise_and_an_exact_pin_beats_a_soft_one():
    pins = clean_pins([Pin(0, 3, False), Pin(100, 2, False), Pin(200, 5, False), Pin(300, 4, True), Pin(400, 6, True)])
    assert [(p.offset, p.page) for p in pins] == [(0, 3), (300, 4), (400, 6)]


def test_page_bottoms_snap_to_increasing_whole_pages():
    assert snap_subset([1.2, 1.4, 3.9], 1, 6, 25.0) == [1, 2, 4]
    assert snap_subset([2.0, 2.0, 2.0], 1, 2, 25.0) == [1, 2, None]  # three breaks cannot fit two pages: one goes
    # a sign far from where the density puts it is dropped when that is cheaper than moving it
    assert snap_subset([3.0, 4.0, 30.0, 5.0], 1, 9, 4.0) == [3, 4, None, 5]


def test_bottoms_correct_a_drifting_estimate():
    # the middle pages are half empty (chapter ends), which no text shows; their footnote bottoms do
    items, starts, pos = [], [], 0
    for p in range(1, 21):
        starts.append(pos)
        n = 1500 if 8 <= p <= 12 else PAGE
        for _ in range(n // 500):
            items.append(Item(pos, pos + 499, "paragraph", 499))
            pos += 500
    pins = [Pin(starts[0], 1, True), Pin(starts[19], 20, True)]
    bottoms = [starts[p - 1] for p in range(2, 20)]
    plain = _errors(PageEstimator(items, pins, pos), items, starts)
    snapped = _errors(PageEstimator(items, pins, pos, bottoms=bottoms), items, starts)
    assert max(snapped) == 0 < max(plain)


TABLE = {"exact": {"1": 0, "3": 1, "6": 2, "inf": 3}, "extrapolated": {"3": 2, "inf": 6}}


def test_error_bound_is_the_measured_value_for_the_stretch_or_a_farther_one():
    assert error_bound(Estimate(10.5, "exact", 0.5), TABLE) == 0
    assert error_bound(Estimate(10.5, "exact", 8.0), TABLE) == 3
    assert error_bound(Estimate(10.5, "extrapolated", 0.2), TABLE) == 2  # bucket 1 never measured: bucket 3's
    assert error_bound(Estimate(10.5, "soft", 1.0), TABLE) is None


def test_estimate_stays_inside_the_evidence_and_the_bound_shrinks_to_it():
    ref = estimate_ref(PageRef.span_of(26, 27), Estimate(29.3, "exact", 8.0), TABLE)
    assert ref is not None and ref.page == 27 and ref.error == 1 and ref.certainty == PageCertainty.estimated
    assert ref.first == 26 and ref.last == 27


def test_extrapolation_stops_at_the_last_page_and_the_bound_at_the_pages_left_open():
    items, starts = _doc(12, figure_every=0)
    est = PageEstimator(items, [Pin(starts[p - 1], p, True) for p in (3, 6)], items[-1].end)
    before, after = est.at([starts[0] + 10, starts[11] + 10])
    assert (before.lo, before.hi, after.lo, after.hi) == (1, 2, 6, None)
    assert before.bounded(6) == 1 and after.bounded(6) == 6  # pages 1–2 before page 3; nothing known after 6
    est.last_page = 8  # the export shows eight pages: text that would run on to page 12 stays on page 8
    late = est.at([starts[11] + 10])[0]
    assert late.page == 8 and late.bounded(6) == 2


def test_an_estimate_too_wide_to_turn_to_becomes_the_range_its_pins_leave_open():
    far = Estimate(1.2, "extrapolated", 8.0, lo=1, hi=11)  # before a counted page 9 (±2): pages 1–11
    ref = estimate_ref(PageRef.unknown(), far, TABLE)
    assert ref is not None and ref.label() == "s. 1–11" and (ref.estimate, ref.error) == (1, 6)
    assert estimate_ref(PageRef.unknown(), Estimate(1.2, "extrapolated", 8.0), TABLE).label() == "ca. s. 1 (±6)"
    wide_open = Estimate(1.2, "extrapolated", 8.0, lo=1, hi=38)  # a range of 38 pages says less than ±6
    assert estimate_ref(PageRef.unknown(), wide_open, TABLE).label() == "ca. s. 1 (±6)"


def test_a_soft_pin_narrows_the_open_pages_only_by_its_slack():
    items, starts = _doc(30, figure_every=0)
    est = PageEstimator(items, [Pin(starts[8], 9, False), Pin(starts[20], 21, True)], items[-1].end)
    before, between = est.at([starts[1] + 10, starts[12] + 10])
    assert (before.lo, before.hi) == (1, 11) and (between.lo, between.hi) == (7, 20)


def test_page_count_without_form_feeds_needs_a_number_on_every_page_and_a_last_page_of_one_page():
    text = (FIXTURES / "pdftotext" / "arsrapport-2017-nord-noff.txt").read_text(encoding="utf-8")
    assert page_count(get_parser("pdftotext")(text, "x"), text) == 3  # headers 1, 2, 3 and a short page 3
    longer = text + "\nRegionkontoret vil prioritere samarbeid med arbeidslivet og kommunene i nord." * 20
    assert page_count(get_parser("pdftotext")(longer, "x"), longer) is None  # page 3 would hold three pages
    assert page_count(ParsedDocument(), "tekst\fmer tekst\f") == 2


def test_a_counted_page_is_not_replaced_by_an_estimate_that_disagrees():
    counted = PageRef.estimated(2)  # a letter's own page count, numbering restarted
    assert estimate_ref(counted, Estimate(43.2, "extrapolated", 8.0), TABLE) is None
    near = estimate_ref(counted, Estimate(3.2, "extrapolated", 2.0), TABLE)
    assert near is not None and near.page == 3 and near.error == 2


@pytest.mark.parametrize(("refs", "label"), [
    ([PageRef.span_of(22, 37).with_estimate(25, 2), PageRef.span_of(22, 37).with_estimate(26, 1)], "ca. s. 25 (±2)"),
    ([PageRef.exact(13), PageRef.span_of(13, 20).with_estimate(14, 1)], "ca. s. 13 (±1)"),
    ([PageRef.exact(13), PageRef.exact(14)], "s. 13–14"),
    ([PageRef.span_of(22, 37), PageRef.span_of(22, 37).with_estimate(25, 2)], "s. 22–37"),
])
def test_a_chunk_turns_to_where_it_begins_with_its_widest_bound(refs, label):
    assert merge_pages(refs).label() == label



def _block(i: int, start: int, end: int, ref: PageRef, kind: str = "paragraph") -> Block:
    return Block(id=f"d:b{i}", doc_id="d", kind=kind, text="x" * (end - start), span=Span(start=start, end=end),
                 page=ref)


def test_pins_come_from_neighbouring_page_records_and_exact_only_when_both_are():
    source = "a" * 300
    parsed = ParsedDocument(pages=[
        Page(number=3, certainty=PageCertainty.exact, span=Span(start=0, end=100)),
        Page(number=4, certainty=PageCertainty.exact, span=Span(start=100, end=200)),
        Page(number=5, certainty=PageCertainty.estimated, span=Span(start=200, end=300)),
    ])
    pins = document_pins(parsed, source, "pdftotext")
    assert [(p.offset, p.page, p.exact) for p in pins] == [(100, 4, True), (200, 5, False)]


def test_estimates_stop_where_the_next_letter_restarts_at_page_one():
    blocks = [_block(0, 0, 100, PageRef.exact(20)), _block(1, 100, 200, PageRef.estimated(21)),
              _block(2, 200, 300, PageRef.estimated(1))]
    assert numbering_runs(ParsedDocument(blocks=blocks), 300) == [(0, 200)]  # the rest: no estimates
    # a rough range a few pages below the highest page is not a new numbering
    rough = [_block(0, 0, 100, PageRef.exact(20)), _block(1, 100, 200, PageRef.span_of(17, 21))]
    assert numbering_runs(ParsedDocument(blocks=rough), 200) == [(0, 200)]


def test_parts_the_format_numbers_apart_are_estimated_each_from_its_own_page_starts():
    """Three pages of prose, then an appendix numbered from 1 whose page 3 begins at a known offset: its text
    past that is extrapolated from page 3 of the appendix, not from the main document's pages."""
    main = [_block(i, i * PAGE, (i + 1) * PAGE, PageRef.exact(i + 1)) for i in range(3)]
    appendix = [_block(3 + i, (3 + i) * PAGE, (4 + i) * PAGE, PageRef.unknown()) for i in range(4)]
    source = "x" * (7 * PAGE)
    parsed = ParsedDocument(
        blocks=main + appendix,
        pages=[Page(number=i + 1, certainty=PageCertainty.exact, span=Span(start=i * PAGE, end=(i + 1) * PAGE))
               for i in range(3)],
        numbering_starts=[3 * PAGE], page_starts=[(5 * PAGE, 3, True)])
    assert numbering_runs(parsed, len(source)) == [(0, 3 * PAGE), (3 * PAGE, 7 * PAGE)]
    estimate_document(parsed, source, "text")
    assert [b.page.turn_to for b in appendix] == [1, 2, 3, 4]
    assert all(b.page.error is not None for b in appendix)
    assert [b.page.turn_to for b in main] == [1, 2, 3]


def test_page_starts_of_a_page_map_need_the_page_before_right_above():
    pm = PageMap()
    source = "a" * 100 + "\n \n" + "b" * 100 + "c" * 100
    pm.add(0, 100, PageRef.exact(5))
    pm.add(103, 203, PageRef.exact(6))
    pm.add(203, 303, PageRef.estimated(8))  # a page skipped: no start
    pm.add(0, 303, PageRef.span_of(1, 9))  # a range is no page start
    assert pm.page_starts(source) == [(103, 6, True)]


def test_a_group_of_table_rows_cites_where_its_rows_lie_not_where_the_table_begins():
    rows = [TableRow(label=f"r{i}", cells=[], span=Span(start=i * 10, end=i * 10 + 9)) for i in range(4)]
    table = Table(id="d:t000", doc_id="d", rows=rows, span=Span(start=0, end=40), page=PageRef.span_of(1, 5))
    assert rows_page(table, [2, 3]) is table.page  # rows without pages of their own: the table's
    rows[2].page = PageRef.exact(6)
    rows[3].page = PageRef.unknown().with_estimate(7, 2)
    assert rows_page(table, [2, 3]) == PageRef.exact(6)  # where the group begins
    assert rows_page(table, [3]).label() == "ca. s. 7 (±2)"
