"""Page evidence for the letter bundle (corpus/NOTES.md, kd-tildelingsbrev-imdi-2020.txt, "Pages").

* Main letter: a line indented by exactly one space starts every page whose
  number was dropped; the surviving footers `13` and `20` close their page, and
  the page after a footer starts unindented. Counting pages from the anchors is
  `exact` between the first and last anchor when the count agrees with both,
  `estimated` where it is extrapolated (p. 4 for `1. Innledning`).
* Vedlegg 1 and tillegg letters restart at page 1. A `Side N` header is exact.
  Page 1 of a letter is exact when its end is confirmed (a `Side 2` header, or
  the page-1 ref/date block right before the next page start); pages counted
  from indented lines alone are `estimated`.
* Vedlegg 2 (table cells are indented too): only the footer `5` is used, for
  the table row it ends (p. 5) and the row it splits (p. 6); the appendix numbers its
  own pages, so the rows above its footer lie on pp. 1–5. Below it the evidence gives no page;
  the estimate runs on from p. 6 (ingest/pages.py).

Every part after the main letter restarts the numbering (`PageMap.restarts`), so the page
estimates work part by part.
"""

from __future__ import annotations

import re

from core.records import PageRef
from ingest.formats.letter.lines import TEXT, Line, side_number
from ingest.formats.letter.parts import CALENDAR, INSTRUCTION, MAIN, STATISTICS, SUPPLEMENT, Part
from ingest.pages import PageMap

_ROW_START = re.compile(r"^\d{1,2} \S")


def build_page_map(lines: list[Line], parts: list[Part], kinds: tuple[str, ...] | None = None) -> PageMap:
    """Page evidence of every part (or only the parts of `kinds`)."""
    pm = PageMap()
    for p in parts:
        if kinds is not None and p.kind not in kinds:
            continue
        if p.kind != MAIN and p.first < len(lines):
            pm.restarts.append(lines[p.first].start)  # every appendix and later letter numbers its own pages
        if p.kind == MAIN:
            _anchored(pm, lines, p)
        elif p.kind in (INSTRUCTION, SUPPLEMENT):
            _per_letter(pm, lines, p)
        elif p.kind == STATISTICS:
            _footer_rows(pm, lines, p)
        elif p.kind == CALENDAR:
            _add(pm, lines, p.first, p.last, PageRef.estimated(1))
    return pm


def _add(pm: PageMap, lines: list[Line], a: int, b: int, ref: PageRef) -> None:
    """Lines a..b-1 lie on one page; the segment runs up to the next line so no offset falls between."""
    end = lines[b].start if b < len(lines) else lines[-1].end
    pm.add(lines[a].start, end, ref)


def _page_starts(lines: list[Line], p: Part) -> list[int]:
    """Source lines where a page begins, from the page-start indent and after kept footers."""
    starts = [p.first]
    after_footer = False
    for ln in lines[p.first:p.last]:
        if ln.kind != TEXT:
            continue
        if ln.debris == "page":
            after_footer = True
            continue
        if ln.no == p.first:
            after_footer = False
            continue
        if after_footer or (ln.lead1 and ln.debris is None):
            starts.append(ln.no)
        after_footer = False
    return sorted(set(starts))


def _anchored(pm: PageMap, lines: list[Line], p: Part) -> None:
    starts = _page_starts(lines, p)
    bounds = list(zip(starts, starts[1:] + [p.last], strict=False))
    anchors: list[tuple[int, int]] = []  # (segment index, page number)
    for k, (a, b) in enumerate(bounds):
        for ln in lines[a:b]:
            if ln.debris == "page":
                anchors.append((k, int(ln.text)))
    if not anchors:
        return
    consistent = all(n2 - n1 == k2 - k1 for (k1, n1), (k2, n2) in zip(anchors, anchors[1:], strict=False))
    lo, hi = (anchors[0][0], anchors[-1][0]) if consistent else (None, None)
    for k, (a, b) in enumerate(bounds):
        ka, na = min(anchors, key=lambda x: abs(x[0] - k))
        page = na + (k - ka)
        if page < 1:
            continue
        exact = k == ka or (lo is not None and hi is not None and lo <= k <= hi)
        _add(pm, lines, a, b, PageRef.exact(page) if exact else PageRef.estimated(page))


def _per_letter(pm: PageMap, lines: list[Line], p: Part) -> None:
    """Pages of one letter, counted from 1; `Side N` headers are exact."""
    starts = _page_starts(lines, p)
    sides = {ln.no: n for ln in lines[p.first:p.last] if (n := side_number(ln)) is not None}
    starts = sorted(set(starts) | set(sides))
    bounds = list(zip(starts, starts[1:] + [p.last], strict=False))
    page = 0
    for k, (a, b) in enumerate(bounds):
        page = sides.get(a, page + 1)
        if a in sides:
            exact = k + 1 == len(bounds)  # no later page start contradicts it
        elif k == 0:
            exact = len(bounds) == 1 or bounds[1][0] in sides or _ends_with_ref_block(lines, a, bounds[1][0])
        else:
            exact = False
        _add(pm, lines, a, b, PageRef.exact(page) if exact else PageRef.estimated(page))


def _ends_with_ref_block(lines: list[Line], a: int, b: int) -> bool:
    """The last text before the next page is the ref/date block KD prints at the foot of page 1."""
    for ln in reversed(lines[a:b]):
        if ln.kind == TEXT:
            return ln.debris in ("ref", "date", "address")
    return False


def _footer_rows(pm: PageMap, lines: list[Line], p: Part) -> None:
    texts = [ln for ln in lines[p.first:p.last] if ln.kind == TEXT]
    first = True
    for i, ln in enumerate(texts):
        if ln.debris != "page":
            continue
        n = int(ln.text)
        j = i - 1
        while j > 0 and not _ROW_START.match(texts[j].text) and texts[j].debris is None:
            j -= 1
        k = i + 1
        while k < len(texts) and not _ROW_START.match(texts[k].text):
            k += 1
        if first and n > 1 and j > 0:
            # the appendix numbers its own pages (a footer 5 cannot continue the main letter's pp. 4–35 or
            # follow Vedlegg 1's counted pages), so everything above its first footer lies on pages 1…n
            pm.add(texts[0].start, texts[j].start, PageRef.span_of(1, n))
        first = False
        pm.add(texts[j].start, ln.end, PageRef.exact(n))
        if i + 1 < len(texts) and k > i + 1:
            pm.add(texts[i + 1].start, texts[k - 1].end, PageRef.exact(n + 1))
