"""Tables of contents in the markdown exports: entries with pages, matched to body headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ingest.formats.markdown.lex import Chunk
from ingest.formats.markdown.text import inline

_PAGE = re.compile(r"^\d{1,3}$")
_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?$")
_NUMBERED_TITLE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=[^\W\d_])(.+)$")
_LEADER = re.compile(r"\s*(?:\.{2,}|\s\.)\s*$")
_TOC_HEADING = re.compile(r"^(innhold|innholdsfortegnelse|innhaldsliste|innhald|contents|table of contents)$", re.I)
_SEPARATOR = re.compile(r"^\s*-{2,}\s*$")


@dataclass
class TocEntry:
    number: str | None
    title: str
    page: int
    level: int  # numbered: depth of the number; bold: 1; plain: 2 (under the chapter above)
    start: int  # offset of the entry's row in the source


@dataclass
class Heading:
    index: int  # chunk index
    start: int
    md_level: int
    number: str | None
    title: str


@dataclass
class Anchor:
    entry: TocEntry
    heading: Heading


def split_number(title: str) -> tuple[str | None, str]:
    """`3.1 Raskt og ...` -> ("3.1", "Raskt og ..."); `2 819` stays a title."""
    m = _NUMBERED_TITLE.match(title)
    return (m.group(1), m.group(2).strip()) if m else (None, title)


def norm(text: str) -> str:
    """Lower case, markup and punctuation gone: for matching headings to TOC entries."""
    return " ".join(re.sub(r"[^\w]+", " ", text.replace("**", "").lower()).split())


def is_toc_heading(text: str) -> bool:
    return bool(_TOC_HEADING.match(norm(text)))


def parse_toc_chunk(chunk: Chunk) -> list[TocEntry] | None:
    """Entries of a tab chunk shaped like a TOC (`[number]\\ttitle\\tpage` rows), else None.

    A number alone on its row (`<b>1</b>\\t`) belongs to the title row that follows.
    """
    if chunk.kind != "tabs":
        return None
    entries: list[TocEntry] = []
    pending: str | None = None
    for line in chunk.lines:
        raw = line.text.split("\t")
        if all(not c.strip() or _SEPARATOR.match(c) for c in raw):
            continue
        tokens = [t for t in (inline(c) for c in raw) if t]
        if len(tokens) == 1 and _NUMBER.match(tokens[0]) and pending is None:
            pending = tokens[0].rstrip(".")
            continue
        if len(tokens) < 2 or len(tokens) > 3 or not _PAGE.match(tokens[-1]):
            return None
        number = pending
        title_tokens = tokens[:-1]
        if number is None and len(title_tokens) == 2 and _NUMBER.match(title_tokens[0]):
            number = title_tokens[0].rstrip(".")
            title_tokens = title_tokens[1:]
        title = _LEADER.sub("", " ".join(title_tokens)).strip()
        if number is None:
            number, title = split_number(title)
        if not re.search(r"[^\W\d_]", title):
            return None
        bold = "<b>" in line.text.split("\t")[0] or "<b>" in "".join(raw[:-1])
        level = number.count(".") + 1 if number else (1 if bold else 2)
        entries.append(TocEntry(number, title, int(tokens[-1]), level, line.start))
        pending = None
    return entries or None


def find_toc(chunks: list[Chunk], text_len: int) -> tuple[list[TocEntry], set[int]]:
    """The TOC's entries and the chunk indices it covers (its heading, tab rows and rules).

    A TOC follows an `Innhold` heading, or opens the document before any numbered heading.
    """
    for i, c in enumerate(chunks):
        if c.kind == "heading" and split_number(inline(c.heading_text))[0]:
            break  # the body has begun
        if c.kind != "tabs" or parse_toc_chunk(c) is None:
            continue
        after_heading = i > 0 and chunks[i - 1].kind == "heading" and is_toc_heading(inline(chunks[i - 1].heading_text))
        if not after_heading and c.start > 0.2 * text_len:
            continue
        covered = {i - 1} if after_heading else set()
        entries: list[TocEntry] = []
        j = i
        while j < len(chunks):
            got = parse_toc_chunk(chunks[j]) if chunks[j].kind == "tabs" else None
            if got is not None:
                entries.extend(got)
            elif chunks[j].kind != "rule":
                break
            covered.add(j)
            j += 1
        return entries, covered
    return [], set()


def match_headings(entries: list[TocEntry], headings: list[Heading]) -> list[Anchor]:
    """Each entry's first body heading, in order: by number, else by title (fuzzy, after normalising)."""
    anchors: list[Anchor] = []
    pos = 0
    for e in entries:
        for k in range(pos, len(headings)):
            h = headings[k]
            if _matches(e, h):
                anchors.append(Anchor(e, h))
                pos = k + 1
                break
    return anchors


def _matches(e: TocEntry, h: Heading) -> bool:
    if e.number is not None:
        return h.number == e.number
    a, b = norm(e.title), norm(h.title)
    if not a or not b:
        return False
    return a == b or fuzz.ratio(a, b) >= 88 or (len(a) >= 8 and b.startswith(a))
