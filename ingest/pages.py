"""Page evidence: map a source offset to a page with an honest certainty."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from core.records import Page, PageCertainty, PageRef, Span


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
