"""Markdown: any user .md file, and the FoU-prosjekter 2020 export (corpus/NOTES.md, imdi-fou-prosjekter-2020.txt).

Headings become sections by the order of their `#` levels (a `###` straight under a `#` is level 2).
When the file has a table of contents (an `Innhold` heading over `title .....\\tpage` rows), the
headings it lists fix the levels instead: its numbered chapters are level 1 and the entries under
them level 2, however many `#` the export gave them; other headings nest below the last listed one.
The TOC also gives pages: a passage is on about the page its listed section starts on.
Paragraphs, lists, pipe tables (`| a | b |`) and tab tables are read as in the other markdown export.
"""

from __future__ import annotations

from core.records import PageRef, ParsedDocument
from ingest.formats.markdown.lex import Chunk, lex
from ingest.formats.markdown.text import inline
from ingest.formats.markdown.toc import Anchor, Heading, TocEntry, find_toc, match_headings, split_number
from ingest.formats.markdown.walk import Walker, merge_continuations
from ingest.pages import PageMap


def parse(text: str, doc_id: str) -> ParsedDocument:
    chunks = lex(text)
    entries, covered = find_toc(chunks, len(text))
    for k in covered:
        chunks[k].tag = "skip"
    chunks = merge_continuations(chunks, text)
    heads = [
        Heading(i, c.start, c.level, *split_number(inline(c.heading_text)))
        for i, c in enumerate(chunks)
        if c.kind == "heading" and not c.tag
    ]
    anchors = match_headings(entries, heads)
    walker = Walker(text, doc_id, _Policy({a.heading.index: a.entry for a in anchors}))
    builder = walker.run(chunks)
    return builder.finish(page_map(text, anchors), source=text)


class _Policy:
    def __init__(self, listed: dict[int, TocEntry]):
        self.listed = listed  # chunk index -> the TOC entry naming that heading

    def heading(self, w: Walker, index: int, chunk: Chunk) -> None:
        title = inline(chunk.heading_text)
        number, rest = split_number(title)
        entry = self.listed.get(index)
        level = w.leveller.anchored(entry.level) if entry else w.leveller.relative(chunk.level)
        w.section(rest, level, chunk, number)


def page_map(text: str, anchors: list[Anchor]) -> PageMap | None:
    """Each listed section from its heading to the next: about its TOC page (`estimated`), bounded by
    the next listed section's page, since a summary runs one to two pages. No TOC: no page claims."""
    if not anchors:
        return None
    pm = PageMap()
    first = anchors[0].entry.page
    if first > 1:
        pm.add(0, anchors[0].heading.start, PageRef.span_of(1, first - 1))
    for k, a in enumerate(anchors):
        page = a.entry.page
        if k + 1 < len(anchors):
            end, nxt = anchors[k + 1].heading.start, anchors[k + 1].entry.page
        else:
            end, nxt = len(text), page + 1
        pm.add(a.heading.start, end, PageRef.estimated(page, page, max(page, nxt)))
    return pm
