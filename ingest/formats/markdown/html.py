"""Markdown export with HTML in text and cells and tab-separated tables (IMDi årsrapport 2020).

The source file is described in corpus/NOTES.md, "imdi-arsrapport-2020.txt".

What this profile handles beyond plain markdown:
* `# 2 819`, `# 9,6 mnd.`, `# 63 %` headings are infographic key numbers: one paragraph with their lead
  and label lines ("Det ble bosatt til sammen 2 819 personer i norske kommuner i 2020"), not sections.
* A chapter's divider page repeats its heading (`# 3.1 …` then `## 3.1 …`): one section, re-entered.
* Section numbers exist only at chapter level (`3.1`); unnumbered headings nest under the last number.
* The leading TOC is not body text; its pages give chapter ranges, and the repeated header rows of the
  result tables mark the page breaks inside "Resultatkrav" (pp. 13–21).
"""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz

from core.records import PageRef, ParsedDocument, Section
from ingest.formats.markdown.lex import Chunk, lex
from ingest.formats.markdown.tables import is_header, rows_of
from ingest.formats.markdown.text import caption_text, footnote_number, inline, is_note, terminated
from ingest.formats.markdown.toc import Heading, TocEntry, find_toc, match_headings, norm, split_number
from ingest.formats.markdown.walk import Walker, merge_continuations
from ingest.pages import PageMap

KEY_NUMBER = re.compile(
    r"^[-–]?\d[\d\s.,]*(?:%|prosent|mnd\.?|måneder|år|mill\.?\s*kr\.?|mrd\.?\s*kr\.?|personer)?\s*$", re.I
)
MAX_LEAD = 40  # "Det ble bosatt til sammen"; a hard-wrapped lead may run to 100 characters


def parse(text: str, doc_id: str) -> ParsedDocument:
    chunks = lex(text)
    entries, covered = find_toc(chunks, len(text))
    for k in covered:
        chunks[k].tag = "skip"
    toc_end = max((chunks[k].end for k in covered), default=0)
    chunks = merge_continuations(group_key_numbers(chunks, text), text)
    walker = Walker(text, doc_id, _Policy(entries, toc_end))
    builder = walker.run(chunks)
    return builder.finish(page_map(text, chunks, entries, toc_end), source=text)


class _Policy:
    """Sections from numbered headings (divider duplicates re-entered) and unnumbered ones nested below."""

    def __init__(self, entries: list[TocEntry], toc_end: int):
        self.toc_end = toc_end
        self.toc_titles = {e.number: e.title for e in entries if e.number}
        self.by_number: dict[str, Section] = {}

    def heading(self, w: Walker, index: int, chunk: Chunk) -> None:
        title = inline(chunk.heading_text)
        if chunk.start < self.toc_end:
            w.block("heading", title, chunk)  # the cover's name, before the TOC
            return
        number, rest = split_number(title)
        if number is None:
            level = w.leveller.anchored(1) if chunk.level == 1 else w.leveller.relative(chunk.level)
            w.section(title, level, chunk)
            return
        sec = self.by_number.get(number)
        if sec is not None:
            w.b.enter(sec)
            w.leveller.anchored(sec.level)
            self._retitle(w, sec, number, rest)
            return
        toc = self.toc_titles.get(number)
        if toc and fuzz.ratio(norm(toc), norm(rest)) >= 80:
            rest = toc  # the divider pages carry typos ("virksamheten og hovetall") the TOC does not
        self.by_number[number] = w.section(rest, w.leveller.anchored(number.count(".") + 1), chunk, number)

    @staticmethod
    def _retitle(w: Walker, sec: Section, number: str, title: str) -> None:
        """The body heading's wording wins over the divider's while nothing hangs under the section yet."""
        if norm(title) == norm(sec.title) or w.b.sections[-1] is not sec:
            return
        if any(b.section_id == sec.id for b in w.b.blocks):
            return
        sec.title = title
        sec.path[-1] = f"{number} {title}"


def group_key_numbers(chunks: list[Chunk], text: str) -> list[Chunk]:
    """An infographic number with its lead and label lines -> one paragraph chunk:
    `Det ble bosatt` / `# 1 523` / `overførings- flyktninger`, or `**83,3**` / `MILL. KR` / `Tilskudd til …`."""
    out: list[Chunk] = []
    i = 0
    while i < len(chunks):
        c = chunks[i]
        number = _key_number(c, text)
        if number is None:
            out.append(c)
            i += 1
            continue
        members: list[Chunk] = []
        pieces: list[str] = []
        if out and _is_lead(out[-1], text):
            lead = out.pop()
            members.append(lead)
            pieces.append(inline(lead.raw(text)))
        members.append(c)
        pieces.append(number)
        j = i + 1
        while j < len(chunks) and _is_label(chunks[j], text) and len(members) < 5:
            label = inline(chunks[j].raw(text))
            members.append(chunks[j])
            pieces.append(label)
            j += 1
            if not label.isupper():
                break  # a unit in capitals (`MILL. KR`) may be followed by its label; a label ends it
        out.append(Chunk("para", members[0].lines, parts=members[1:], tag="keynum", text=" ".join(pieces)))
        i = j
    return out


def _key_number(c: Chunk, text: str) -> str | None:
    """`# 2 819`, `# 63 %`, or a paragraph holding only a (bold) number such as `**1 653**`."""
    if c.tag or c.parts:
        return None
    if c.kind == "heading":
        t = inline(c.heading_text)
    elif c.kind == "para" and len(c.lines) == 1:
        t = inline(c.raw(text))
    else:
        return None
    return t if KEY_NUMBER.match(t.rstrip("*").strip()) else None


def _is_label(c: Chunk, text: str) -> bool:
    if c.kind != "para" or c.tag or _key_number(c, text) is not None:
        return False
    raw = c.raw(text)
    return not footnote_number(raw) and not caption_text(raw) and len(inline(raw)) <= 160


def _is_lead(c: Chunk, text: str) -> bool:
    if c.kind != "para" or c.tag or c.text is not None or c.parts:
        return False
    t = inline(c.raw(text))
    if not t or not t[0].isalpha() or t.isupper() or terminated(t) or caption_text(c.raw(text)):
        return False
    return len(t) <= MAX_LEAD or (len(c.lines) > 1 and len(t) <= 100)


# -- pages ---------------------------------------------------------------------------------------
def page_map(text: str, chunks: list[Chunk], entries: list[TocEntry], toc_end: int) -> PageMap:
    """Chapter ranges from the TOC; inside a range, table header rows that start pages, if they fit."""
    heads = [
        Heading(i, c.start, c.level, *split_number(inline(c.heading_text)))
        for i, c in enumerate(chunks)
        if c.kind == "heading" and not c.tag and c.start >= toc_end
    ]
    anchors = match_headings(entries, heads)
    pm = PageMap()
    if not anchors:
        return pm
    numbers = Counter(h.number for h in heads if h.number)

    def opens_page(h: Heading) -> bool:
        # a `#` heading or a numbered one printed twice is a divider page: it starts a new page
        return h.md_level == 1 or (h.number is not None and numbers[h.number] > 1)

    if anchors[0].entry.page > 1:
        pm.add(0, anchors[0].heading.start, PageRef.span_of(1, anchors[0].entry.page - 1))
    for k, a in enumerate(anchors):
        first = a.entry.page
        if k + 1 < len(anchors):
            nxt = anchors[k + 1]
            end = nxt.heading.start
            last = nxt.entry.page - 1 if opens_page(nxt.heading) else nxt.entry.page
        else:
            end, last = len(text), first  # the last entry (a short appendix list) gets its start page only
        last = max(first, last)
        pm.add(a.heading.start, end, PageRef.span_of(first, last))
        _table_page_breaks(pm, text, chunks, a.heading.start, end, first, last)
    return pm


def _table_page_breaks(pm: PageMap, text: str, chunks: list[Chunk], start: int, end: int,
                       first: int, last: int) -> None:
    """Tables printed across pages repeat their header row at each page top. When a TOC range
    opens with such a table and holds exactly one header-led tab block per page, block i is on
    page first + i. Anything else (a count that does not fit) adds no claim."""
    blocks = [c for c in chunks if c.kind == "tabs" and start <= c.start < end and _header_led(c)]
    n_pages = last - first + 1
    if n_pages < 2 or len(blocks) != n_pages or len(text[start:blocks[0].start].strip()) > 500:
        return

    def est(p: int) -> PageRef:
        return PageRef.estimated(p, max(first, p - 1), min(last, p + 1))

    for i, blk in enumerate(blocks):
        p = first + i
        seg_start = start if i == 0 else blk.start
        if i + 1 == len(blocks):
            pm.add(seg_start, end, est(p))
            continue
        nxt = blocks[i + 1]
        # page-bottom footnotes stay on this page; a heading or text before the next table may be on either
        gap = [c for c in chunks if blk.end <= c.start < nxt.start and not _page_bottom(c, text)]
        if gap:
            pm.add(seg_start, gap[0].start, est(p))
            pm.add(gap[0].start, nxt.start, PageRef.span_of(p, p + 1))
        else:
            pm.add(seg_start, nxt.start, est(p))


def _header_led(c: Chunk) -> bool:
    rows = rows_of(c)
    return bool(rows) and is_header(rows[0])


def _page_bottom(c: Chunk, text: str) -> bool:
    if c.kind in ("rule", "tabs"):
        return True
    return c.kind == "para" and (footnote_number(c.raw(text)) is not None or is_note(c.lines[0].text))
