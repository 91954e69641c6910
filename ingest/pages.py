"""Page evidence: map a source offset to a page with an honest certainty."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.records import WIDEST_ESTIMATE, Page, PageCertainty, PageRef, ParsedDocument, Span
from ingest.page_estimate import Estimate, Item, PageEstimator, Pin, error_bound, newline_offsets


@dataclass
class PageMap:
    """Sorted, non-overlapping source segments, each with the PageRef it lies on.

    Offsets between segments are `unknown`. Parsers add what their evidence
    supports: exact pages between two anchors, estimates next to an anchor,
    chapter ranges from a table of contents.
    """

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    refs: list[PageRef] = field(default_factory=list)
    restarts: list[int] = field(default_factory=list)  # offsets where a part restarts its numbering at p. 1

    def add(self, start: int, end: int, ref: PageRef) -> None:
        if end <= start:
            return
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        self.refs.insert(i, ref)

    def at(self, offset: int) -> PageRef:
        """The innermost segment holding `offset` (finer evidence nests inside coarse ranges)."""
        best: tuple[int, PageRef] | None = None
        for s, e, r in zip(self.starts, self.ends, self.refs, strict=True):
            if s > offset:
                break
            if offset < e and (best is None or e - s < best[0]):
                best = (e - s, r)
        return best[1] if best else PageRef.unknown()

    def for_span(self, span: Span) -> PageRef:
        """Page of a passage: exact when start and end agree, else a range."""
        a = self.at(span.start)
        b = self.at(max(span.start, span.end - 1))
        if a == b:
            return a
        if a.certainty == PageCertainty.unknown or b.certainty == PageCertainty.unknown:
            return a if a.certainty != PageCertainty.unknown else b
        first = a.page if a.page is not None else a.first
        last = b.page if b.page is not None else b.last
        if first is None or last is None:
            return a
        if first == last:
            return a
        return PageRef(certainty=PageCertainty.range, first=min(first, last), last=max(first, last))

    def page_starts(self, source: str) -> list[tuple[int, int, bool]]:
        """Where a page begins by this evidence: a one-page segment right after (blank text between) the
        segment of the page before; exact when both are."""
        singles = [(s, e, r) for s, e, r in zip(self.starts, self.ends, self.refs, strict=True)
                   if r.page is not None and r.certainty in (PageCertainty.exact, PageCertainty.estimated)
                   and r.first in (None, r.page) and r.last in (None, r.page)]
        out = []
        for (_, e1, r1), (s2, _, r2) in zip(singles, singles[1:], strict=False):
            if r2.page == r1.page + 1 and s2 >= e1 and not source[e1:s2].strip():  # type: ignore[operator]
                exact = r1.certainty == PageCertainty.exact and r2.certainty == PageCertainty.exact
                out.append((s2, r2.page, exact))
        return out

    def pages(self, source: str | None = None) -> list[Page]:
        """Pages with an exact or estimated single number, in order."""
        out: dict[int, Page] = {}
        for s, e, r in zip(self.starts, self.ends, self.refs, strict=True):
            if r.page is None or r.certainty not in (PageCertainty.exact, PageCertainty.estimated):
                continue
            prev = out.get(r.page)
            if prev is None:
                out[r.page] = Page(number=r.page, certainty=r.certainty, span=Span(start=s, end=e),
                                   text=source[s:e] if source is not None else None)
            else:
                if prev.span is not None:
                    prev.span = Span(start=min(prev.span.start, s), end=max(prev.span.end, e))
                    if source is not None:
                        prev.text = source[prev.span.start:prev.span.end]
                if r.certainty == PageCertainty.exact:
                    prev.certainty = PageCertainty.exact  # exact evidence anywhere on the page outranks estimates
        return [out[k] for k in sorted(out)]


# -- best estimates --------------------------------------------------------------------------------

TOC_FORMATS = ("markdown_html", "markdown")  # formats whose section ranges start at a TOC page


def document_items(parsed: ParsedDocument) -> list[Item]:
    items = [Item(b.span.start, b.span.end, b.kind, len(b.text)) for b in parsed.blocks]
    items += [Item(s.span.start, s.span.end, "heading", len(s.title)) for s in parsed.sections]
    return items


def document_pins(parsed: ParsedDocument, source: str, fmt: str) -> list[Pin]:
    """Page starts the evidence gives: two neighbouring page records, and TOC section starts."""
    pins: list[Pin] = []
    recs = sorted((p for p in parsed.pages if p.span is not None), key=lambda p: p.span.start)  # type: ignore[union-attr]
    for a, b in zip(recs, recs[1:], strict=False):
        assert a.span is not None and b.span is not None
        if b.number > a.number and b.span.start >= a.span.end and not source[a.span.end:b.span.start].strip():
            both = a.certainty == PageCertainty.exact and b.certainty == PageCertainty.exact
            pins.append(Pin(b.span.start, b.number, both and b.number == a.number + 1))
    if fmt in TOC_FORMATS:
        seen: set[tuple[int | None, int | None]] = set()
        for s in sorted(parsed.sections, key=lambda s: s.span.start):
            r = s.page
            if r.certainty not in (PageCertainty.range, PageCertainty.estimated) or r.first is None:
                continue
            if (r.first, r.last) not in seen:
                seen.add((r.first, r.last))
                pins.append(Pin(s.span.start, r.first, False))
    return pins


def document_bottoms(parsed: ParsedDocument, source: str, fmt: str) -> list[int]:
    """Where a page ends without a number, in the formats whose export shows it (else none)."""
    return list(parsed.page_bottoms) if fmt == "pdftotext" else []


def form_feed_pages(source: str) -> int | None:
    """How many pages an export with form feeds has (pdftotext ends every page with one); None without."""
    if "\f" not in source:
        return None
    return sum(1 for page in source.split("\f") if page.strip())


def page_count(parsed: ParsedDocument, source: str) -> int | None:
    """The document's last page where the export shows it, else None.

    Form feeds count the pages. Without them, a running header or footer on every page 1…k counts them
    when those pages cover the whole text and the last one holds no more text than the longest page
    before it: a page k+1 would show its number like every other page did.
    """
    n = form_feed_pages(source)
    if n is not None:
        return n
    recs = sorted((p for p in parsed.pages if p.span is not None), key=lambda p: p.number)
    if len(recs) < 2 or [p.number for p in recs] != list(range(1, len(recs) + 1)):
        return None
    if any(p.certainty != PageCertainty.exact for p in recs[:-1]):
        return None
    spans = [p.span for p in recs]
    end = len(source.rstrip())
    if source[:spans[0].start].strip() or any(b.start != a.end for a, b in zip(spans, spans[1:], strict=False)):  # type: ignore[union-attr]
        return None  # text outside the counted pages
    if spans[-1].end < end and source[spans[-1].end:].strip():  # type: ignore[union-attr]
        return None
    longest = max(s.end - s.start for s in spans[:-1])  # type: ignore[union-attr]
    tail = end - spans[-1].start  # type: ignore[union-attr]
    return recs[-1].number if tail <= LAST_PAGE_SLACK * longest else None


LAST_PAGE_SLACK = 1.2  # a last page a little fuller than any other is still one page; much fuller is two


def estimate_document(parsed: ParsedDocument, source: str, fmt: str,
                      table: dict[str, dict[str, int]] | None = None) -> RunEstimator:
    """Give every record that is not exact a best-estimate page and its measured error bound.

    A document whose parts restart their page numbering (a letter bundle's letters and appendices)
    is estimated part by part: the first numbering from the document's page records, each later part
    from the page starts its own evidence gives, at the rate calibrated on the first."""
    items, nl = document_items(parsed), newline_offsets(source)
    runs = numbering_runs(parsed, len(source))
    first_end = runs[0][1]
    est = PageEstimator(items, [p for p in document_pins(parsed, source, fmt) if p.offset < first_end], len(source),
                        nl, bottoms=[b for b in document_bottoms(parsed, source, fmt) if b < first_end])
    est.reach = (0, first_end)
    est.last_page = page_count(parsed, source) if len(runs) == 1 else None
    ests = [est]
    for start, end in runs[1:]:
        pins = [Pin(start, 1, False, "counted")]  # a part with its own numbering opens its page 1
        pins += [Pin(o, n, exact, "counted") for o, n, exact in parsed.page_starts if start < o < end]
        run = PageEstimator(items, pins, len(source), nl, theta=est.theta)
        run.reach = (start, end)
        ests.append(run)
    runner = RunEstimator(ests)
    records = [*parsed.blocks, *parsed.sections, *parsed.tables, *parsed.figures]
    records += [r for t in parsed.tables for r in t.rows if r.span is not None]
    estimate_records(records, runner, table)
    parsed.pages = estimated_pages(parsed, source, est, table)  # page numbers name the first numbering's pages
    return runner


class RunEstimator:
    """Estimates from one PageEstimator per numbering run, each answering inside its own stretch."""

    def __init__(self, runs: list[PageEstimator]):
        self.runs = runs
        self.starts = [r.reach[0] for r in runs]
        self.reach = (runs[0].reach[0], runs[-1].reach[1])

    def at(self, offsets: Sequence[int]) -> list[Estimate]:
        out: list[Estimate | None] = [None] * len(offsets)
        by_run: dict[int, list[int]] = {}
        for i, x in enumerate(offsets):
            by_run.setdefault(bisect.bisect_right(self.starts, x) - 1, []).append(i)
        for k, idx in by_run.items():
            run = self.runs[k] if k >= 0 else None
            if run is None or not all(run.reach[0] <= offsets[i] < run.reach[1] for i in idx):
                raise ValueError("an offset outside the document's numbering runs")
            for i, e in zip(idx, run.at([offsets[i] for i in idx]), strict=True):
                out[i] = e
        return out  # type: ignore[return-value]


def estimate_records(records: list, est: PageEstimator | RunEstimator,
                     table: dict[str, dict[str, int]] | None = None) -> None:
    """Each record that is not exact gets the estimate at its span's start, inside its own evidence."""
    lo, hi = est.reach
    todo = [r for r in records if r.page.certainty != PageCertainty.exact and lo <= r.span.start < hi]
    for rec, e in zip(todo, est.at([r.span.start for r in todo]), strict=True):
        ref = estimate_ref(rec.page, e, table)
        if ref is not None:
            rec.page = ref


def numbering_runs(parsed: ParsedDocument, n_chars: int) -> list[tuple[int, int]]:
    """Source stretches with one page numbering each: the format's own part starts where it knows them,
    else the first numbering runs until a block's own evidence falls well below the highest page so
    far (a next letter that restarts at page 1), and the rest is left without estimates."""
    if parsed.numbering_starts:
        cuts = sorted(o for o in set(parsed.numbering_starts) if 0 < o < n_chars)
        return list(zip([0, *cuts], [*cuts, n_chars], strict=True))
    top = None
    for b in sorted(parsed.blocks, key=lambda b: b.span.start):
        p = b.page.page if b.page.page is not None else b.page.first
        if p is None:
            continue
        if top is not None and p < top - RESTART_DROP:
            return [(0, b.span.start)]
        top = p if top is None else max(top, p)
    return [(0, n_chars)]


RESTART_DROP = 5  # pages below the highest so far that mean a new numbering, not a rough range


def estimate_ref(ref: PageRef, e: Estimate, table: dict[str, dict[str, int]] | None = None) -> PageRef | None:
    """The evidence `ref` plus the estimate `e`, kept inside the evidence's own bounds."""
    if e.mode == "none":
        return None
    bound = error_bound(e, table)
    if bound is None:
        return None
    page, bound = e.page, e.bounded(bound)
    lo = ref.first if ref.first is not None else None
    hi = ref.last if ref.last is not None else None
    if ref.certainty == PageCertainty.estimated and ref.page is not None and lo is None:
        # a page counted by the format's own evidence (letter page starts, OCR block starts):
        # an estimate that disagrees with it by more than its bound does not replace it
        if abs(page - ref.page) > bound:
            return None
    if lo is not None and hi is not None:
        page = min(max(page, lo), hi)
        bound = min(bound, max(page - lo, hi - page))
    elif (bound > WIDEST_ESTIMATE and e.hi is not None and ref.certainty == PageCertainty.unknown
          and e.hi - e.lo <= 2 * WIDEST_ESTIMATE):
        # too wide to turn to, but the pins leave few pages open: cite those, with the estimate kept
        return PageRef.span_of(e.lo, e.hi).with_estimate(page, bound)
    return ref.with_estimate(page, bound)


def estimated_pages(parsed: ParsedDocument, source: str, est: PageEstimator,
                    table: dict[str, dict[str, int]] | None = None) -> list[Page]:
    """Page records: the evidence's own, plus each page the estimates place text on, cut out of the
    source at the lines where the estimated page changes (a long table over three pages gives all three)."""
    known = {p.number: p for p in parsed.pages}
    lo, hi = est.reach
    starts = [0] + [k + 1 for k, ch in enumerate(source) if ch == "\n" and k + 1 < len(source)]
    starts = [x for x in starts if lo <= x < hi and source[x:x + 1].strip()]
    spans: dict[int, list[int]] = {}  # page -> [start, end, error]
    for x, e in zip(starts, est.at(starts), strict=True):
        bound = error_bound(e, table)
        bound = None if bound is None else e.bounded(bound)
        if e.mode == "none" or bound is None or bound > WIDEST_ESTIMATE or e.page in known:
            continue
        end = source.find("\n", x)
        end = len(source) if end < 0 else end
        cur = spans.setdefault(e.page, [x, end, bound])
        cur[0], cur[1], cur[2] = min(cur[0], x), max(cur[1], end), max(cur[2], bound)
    for n, (s, e, err) in spans.items():
        known[n] = Page(number=n, certainty=PageCertainty.estimated, span=Span(start=s, end=e),
                        text=source[s:e], error=err)
    return [known[k] for k in sorted(known)]
