"""Parser for the tildelingsbrev bundle (002): pdftotext with every line followed by an empty line.

The bundle holds the main letter, vedlegg 1–3 and tillegg nr. 1–8. Each becomes
a level-1 section; numbered headings, `Virksomhetsspesifikt mål`, styringsparametere
(SP1–SP15), oppdrag and deloppdrag nest below. Letterhead fields, page numbers
and link annotations are dropped; the letter's date goes into its section title.
Budget, grant and deadline tables become `Table` records (style "space") with a
linearised table block. Pages follow corpus/NOTES.md (letter bundle, "Pages"; see `_letter_pages`): each
vedlegg and tillegg counts its own pages, which its section title says, so
`ParsedDocument.pages` lists the main letter's pages only (4–35).
"""

from __future__ import annotations

from core.records import ParsedDocument
from ingest.builder import DocBuilder
from ingest.formats.letter.body import LetterBody
from ingest.formats.letter.lines import mark_debris, split_lines
from ingest.formats.letter.pages import build_page_map
from ingest.formats.letter.parts import MAIN, split_parts


def parse(text: str, doc_id: str) -> ParsedDocument:
    lines = split_lines(text)
    metas = mark_debris(lines)
    parts = split_parts(lines, metas)
    b = DocBuilder(doc_id)
    for part in parts:
        LetterBody(b, lines, part).run()
    parsed = b.finish(build_page_map(lines, parts), source=text)
    # page numbers restart in every vedlegg and tillegg; a document-wide page list can only hold the main letter's
    parsed.pages = build_page_map(lines, parts, kinds=(MAIN,)).pages(text)
    return parsed
