"""Fallback for text files of unknown shape: paragraphs by blank lines, numbered headings."""

from __future__ import annotations

import re

from core.records import ParsedDocument, Span
from ingest.builder import DocBuilder
from text.clean import clean

HEADING = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)*)\.?\s+(?P<title>[A-ZÆØÅ][^\n]{2,100})$")


def parse(text: str, doc_id: str) -> ParsedDocument:
    b = DocBuilder(doc_id)
    for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text):
        chunk = m.group(0)
        span = Span(start=m.start(), end=m.end())
        first = chunk.split("\n", 1)[0]
        h = HEADING.match(first)
        if h and len(chunk.splitlines()) == 1 and not first.rstrip().endswith("."):
            b.heading(h.group("title").strip(), level=h.group("num").count(".") + 1, span=span,
                      number=h.group("num"))
            continue
        if len(chunk.splitlines()) == 1 and len(first) < 80 and not b.sections and first[:1].isupper():
            b.heading(first.strip(), level=1, span=span)
            continue
        b.block("paragraph", clean(chunk), span)
    return b.finish()
