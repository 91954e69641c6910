"""Page evidence for pdftotext exports: footer anchors plus footnote page bottoms.

Rules (corpus/NOTES.md, imdi-arsrapport-2022-nn.txt, "Pages"):

* An anchor's footer number N is the last line of page N; what follows it is page N+1.
  The paragraph touching the anchor on either side is exact; a few lines further are estimated.
* Each footnote area is the bottom of one page. Between anchors A and B with k such
  bottoms, bottom i lies on a page in [A+i, B-(k-i)], so every stretch of text gets an
  honest first..last range. Other whitespace-only lines (images, layout gaps) are not
  counted: nothing shows they end a page.
* After the last anchor there is no upper bound: pages stay unknown beyond the estimate.
"""

from __future__ import annotations

import bisect

from core.records import Page, PageCertainty, PageRef, Span
from ingest.formats.pdftotext.lines import Anchor, FootnoteArea, Line
from ingest.pages import PageMap

NEAR_LINES = 12  # non-blank lines next to an anchor that get an estimate (about ±1 page)


def _range(first: int, last: int | None) -> PageRef:
    if last is None:
        return PageRef.unknown()
    if first >= last:
        return PageRef.estimated(last, last, last)
    return PageRef(certainty=PageCertainty.range, first=first, last=last)


def _chunk_after(lines: list[Line], i: int, stop: int) -> int:
    """Index of the last line of the first text chunk at or after `i` (bounded by `stop`)."""
    while i < stop and lines[i].blank:
        i += 1
    while i + 1 < stop and not lines[i + 1].blank:
        i += 1
    return i


def _chunk_before(lines: list[Line], i: int, stop: int) -> int:
    """Index of the first line of the last text chunk at or before `i` (bounded by `stop`)."""
    while i > stop and lines[i].blank:
        i -= 1
    while i - 1 > stop and not lines[i - 1].blank:
        i -= 1
    return i


def _near(lines: list[Line], i: int, step: int, stop: int) -> int:
    """Walk NEAR_LINES non-blank lines from `i` in direction `step`, not past `stop`."""
    seen = 0
    while (i + step - stop) * step <= 0 and seen < NEAR_LINES:
        i += step
        if not lines[i].blank:
            seen += 1
    return i


def build_page_map(lines: list[Line], anchors: list[Anchor], areas: list[FootnoteArea],
                   first_page: int = 1) -> PageMap:
    refs: list[PageRef] = [PageRef.unknown()] * len(lines)

    def paint(a: int, b: int, ref: PageRef) -> None:
        for k in range(max(a, 0), min(b, len(lines) - 1) + 1):
            refs[k] = ref

    anchors = sorted(anchors, key=lambda x: x.first)
    bounds: list[tuple[Anchor | None, Anchor | None]] = list(zip([None, *anchors], [*anchors, None], strict=True))
    for a, b in bounds:
        lo_line = a.last + 1 if a else 0
        hi_line = b.first - 1 if b else len(lines) - 1
        if lo_line > hi_line:
            continue
        p0 = a.number + 1 if a else first_page
        p1 = b.number if b else None
        inner = [ar for ar in areas if lo_line <= ar.marker <= hi_line]
        k = len(inner)
        lo = [p0 + i for i in range(k)]
        hi = [(p1 - (k - 1 - i)) if p1 is not None else None for i in range(k)]
        if inner and b is not None and all(ln.blank for ln in lines[inner[-1].last + 1:b.first]):
            lo[-1] = hi[-1] = p1  # footnotes right above the footer: that page
        # Coarse ranges: body before bottom 0, each footnote area, body after each area.
        start = lo_line
        for idx, ar in enumerate(inner):
            first = p0 if idx == 0 else lo[idx - 1] + 1
            paint(start, ar.first - 1, _range(first, hi[idx]))
            paint(ar.first, ar.last, PageRef.exact(p1) if lo[idx] == hi[idx] == p1 and idx == k - 1
                  else _range(lo[idx], hi[idx]))
            start = ar.last + 1
        paint(start, hi_line, _range(lo[-1] + 1 if inner else p0, p1))
        # Refinements next to the anchors.
        if a is not None:
            end_exact = _chunk_after(lines, lo_line, hi_line + 1)
            up = hi[0] if inner else p1
            paint(end_exact + 1, _near(lines, end_exact, 1, hi_line),
                  PageRef.estimated(p0, p0, min(p0 + 1, up) if up is not None else p0 + 1))
            paint(lo_line, end_exact, PageRef.exact(p0))
        if b is not None and p1 is not None:
            j = hi_line
            while j > lo_line and lines[j].blank:
                j -= 1
            tail = inner[-1] if inner and inner[-1].last >= j else None
            first_exact = _chunk_before(lines, (tail.first - 1) if tail else j, lo_line)
            low = lo[-1] if tail else (lo[-1] + 1 if inner else p0)
            paint(_near(lines, first_exact, -1, lo_line), first_exact - 1,
                  PageRef.estimated(p1, max(p1 - 1, low), p1))
            paint(first_exact, hi_line, PageRef.exact(p1))
    # Furniture belongs to the page whose header it is; the footer line to the page it ends.
    for a in anchors:
        paint(a.first, a.number_line, PageRef.exact(a.number))
        paint(a.number_line + 1, a.last, PageRef.exact(a.number + 1))

    pm = PageMap()
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and refs[j + 1] == refs[i]:
            j += 1
        if refs[i].certainty != PageCertainty.unknown:
            end = lines[j + 1].start if j + 1 < len(lines) else lines[j].end
            pm.add(lines[i].start, end, refs[i])
        i = j + 1
    return pm


def page_records(pm: PageMap, source: str) -> list[Page]:
    """Pages known to one number: from their exact stretches when there are any, else the estimated ones.

    (PageMap.pages labels a page by its first stretch, which can be an estimate
    lying before the exact one.)
    """
    best: dict[int, tuple[PageCertainty, int, int]] = {}
    for s, e, r in zip(pm.starts, pm.ends, pm.refs, strict=True):
        if r.page is None or r.certainty not in (PageCertainty.exact, PageCertainty.estimated):
            continue
        cur = best.get(r.page)
        if cur is None or (cur[0] == PageCertainty.estimated and r.certainty == PageCertainty.exact):
            best[r.page] = (r.certainty, s, e)
        elif cur[0] == r.certainty:
            best[r.page] = (cur[0], min(cur[1], s), max(cur[2], e))
    return [Page(number=n, certainty=c, span=Span(start=s, end=e), text=source[s:e])
            for n, (c, s, e) in sorted(best.items())]



def page_bottoms(text: str, blocks: list[tuple[int, str]], tables: list[tuple[int, int]] = ()) -> list[int]:
    """Offsets where a page ends without a number: after each whitespace-only line that closes the
    body text of a page, the first block that is not a footnote. `blocks` are (start, kind) in order.
    Where the export shows each page's first line, those instead (`tables`: spans where such a line
    may be a cell).

    Lines inside an anchor's furniture are left out (the anchor says more); the estimator snaps
    these bottoms to whole pages between its pins.
    """
    from ingest.formats.pdftotext.lines import find_anchors, split_lines

    lines = split_lines(text)
    furniture = {k for a in find_anchors(lines) for k in range(a.first, a.last + 1)}
    starts = [s for s, kind in blocks if kind != "footnote"]
    out = set()
    for k, ln in enumerate(lines):
        if ln.space_only and k not in furniture:
            j = bisect.bisect_right(starts, ln.start)
            if j < len(starts):
                out.add(starts[j])
    flows = page_flow_starts(lines, furniture)
    # inside a table a line opening with a space is often a cell: a table may turn a page, but not twice
    # within a page's lines (the accounts tables of the 2022 report)
    line_of = [ln.start for ln in lines]
    flows = [f for k, f in enumerate(flows)
             if not (k > 0 and any(a < f < b for a, b in tables)
                     and bisect.bisect_right(line_of, f) - bisect.bisect_right(line_of, flows[k - 1]) < PAGE_LINES_MIN)]
    # where the export shows every page's first line, those are the page breaks: a footnote area only
    # says some page ended before the next block, which can lie many lines later (a wrong break)
    return flows or sorted(out)


PAGE_LINES_MIN = 20  # lines of a full text page: page starts lie at least this far apart, most of the time


def page_flow_starts(lines: list[Line], furniture: set[int]) -> list[int]:
    """Offsets of lines that open a page: in exports where every page's first line starts with one space
    (the 2022 report: lines `^ \\S` recur every 40–50 lines, mid-paragraph too; corpus/NOTES.md).

    A run of such lines is a column of figure labels, not a page start. The sign is used only where
    these lines lie a page apart (median gap at least PAGE_LINES_MIN lines); elsewhere (a `-layout`
    export indenting its paragraphs) nothing is returned. Extra ones are dropped by the snapping.
    """
    def opens(ln: Line) -> bool:
        return ln.indented and ln.text[1:2] != " "

    found = [ln for k, ln in enumerate(lines) if opens(ln) and k not in furniture
             and not (k > 0 and opens(lines[k - 1])) and not (k + 1 < len(lines) and opens(lines[k + 1]))]
    if len(found) < 3:
        return []
    gaps = sorted(b.i - a.i for a, b in zip(found, found[1:], strict=False))
    if gaps[len(gaps) // 2] < PAGE_LINES_MIN:
        return []
    first_text = next((ln.i for ln in lines if not ln.blank), 0)
    return [ln.start for ln in found if ln.i > first_text]  # the first line opens page 1: no break there
