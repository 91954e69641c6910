"""Reading-order items of a pdftotext export: headings, paragraphs, lists, chart text, tables, footnotes.

The walker looks at one *piece* at a time (lines up to a blank line, a
whitespace-only line, or a line that starts a new indented text flow) and
decides what it is. Unnumbered subsection headings are recognised by shape:
short capitalised lines without a final period that are followed by body
text. Headings printed tight against their text (no blank line) are a level
above those followed by a blank line — pdftotext keeps that spacing
difference of the larger heading font.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.formats.pdftotext.cells import is_data_line, is_year_header, tail_start, tokens
from ingest.formats.pdftotext.lines import (
    ABBREV_END_RE,
    BULLET_RE,
    SENTENCE_END_RE,
    URL_RE,
    Anchor,
    FootnoteArea,
    Line,
)
from ingest.formats.pdftotext.tables import CAPTION_RE, TableData, parse_table, parse_text_table

NUM_HEADING_RE = re.compile(
    r"^\s*(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?P<dot>\.?)\s+(?P<title>[A-ZÆØÅ«][^\n]*?)\s*$")
# A heading line that ends like this continues on the next line.
OPEN_END_RE = re.compile(
    r"(?:[,–\-:]|\b(?:og|i|for|av|med|til|frå|fra|om|på|som|eller|der|etter|utan|uten|mot|ved|under|"
    r"mellom|samt|the|and|of|ein|eit|ei|en|et|dei|de|det|den))$", re.I)
SHORT = 66  # a tight heading line is shorter than this (body lines run to ~90–100)
LONG_BODY = 60  # the first body line under a tight heading is at least this long
MAX_HEADING_LINE = 92


@dataclass
class Item:
    kind: str  # heading, paragraph, list, infographic, caption, table, footnote, urls
    lines: list[int]
    number: str | None = None  # heading number / footnote number
    level: int = 0
    tight: bool = False
    table: TableData | None = None
    caption: list[int] = field(default_factory=list)  # caption (or title) lines of a table
    title: str | None = None  # inherited title of a captionless table
    page_line: int | None = None  # a heading known only from running headers: where its text starts

    @property
    def first(self) -> int:
        return min(self.lines + self.caption)

    @property
    def last(self) -> int:
        return max(self.lines + self.caption)


def _num_tuple(num: str) -> tuple[int, ...]:
    return tuple(int(p) for p in num.split("."))


class Walker:
    def __init__(self, lines: list[Line], furniture: set[int], areas: list[FootnoteArea],
                 anchors: list[Anchor], trailing: bool):
        self.lines = lines
        self.furniture = furniture
        self.areas = {a.first: a for a in areas}
        self.area_lines = {k for a in areas for k in range(a.first, a.last + 1)}
        self.anchors = anchors
        self.trailing = trailing
        self.items: list[Item] = []
        self.last_num: tuple[int, ...] = ()
        self.num_level = 0

    # -- helpers ---------------------------------------------------------------
    def blocked(self, i: int) -> bool:
        return i in self.furniture or i in self.area_lines

    def _stop(self, i: int) -> bool:
        return self.blocked(i) or self._numbered(i) is not None

    def piece(self, i: int) -> list[int]:
        out = [i]
        k = i + 1
        while k < len(self.lines) and not self.lines[k].blank and not self.blocked(k) \
                and not self.lines[k].indented:
            out.append(k)
            k += 1
        return out

    def next_piece(self, i: int, cross_space: bool = False) -> list[int] | None:
        """The piece after line `i`, over blank lines only (whitespace-only lines mean an image or a page end)."""
        k = i + 1
        while k < len(self.lines) and self.lines[k].blank and (cross_space or not self.lines[k].space_only):
            k += 1
        if k >= len(self.lines) or self.lines[k].blank or self.blocked(k):
            return None
        return self.piece(k)

    def _numbered(self, i: int) -> re.Match[str] | None:
        ln = self.lines[i]
        m = NUM_HEADING_RE.match(ln.text)
        if not m or (not m.group("dot") and "." not in m.group("num")):
            return None
        title = m.group("title")
        if title.endswith(".") or len(title) > 110 or is_data_line(ln.text) or sum(c.isalpha() for c in title) < 3:
            return None
        return m

    def is_prose(self, piece: list[int] | None) -> bool:
        if not piece:
            return False
        first = self.lines[piece[0]]
        if BULLET_RE.match(first.text) or CAPTION_RE.match(first.text) or self._numbered(piece[0]):
            return False
        if self._infographic(piece) or is_year_header(first.s):
            return False
        if sum(is_data_line(self.lines[k].s) for k in piece) > len(piece) / 2:
            return False
        return any(len(self.lines[k].s) >= LONG_BODY for k in piece) or bool(SENTENCE_END_RE.search(first.s))

    def _infographic(self, piece: list[int]) -> bool:
        if not self.trailing:
            return False
        bare = [k for k in piece if (not self.lines[k].trailing or len(self.lines[k].s) <= 8)
                and not URL_RE.match(self.lines[k].text)]
        return len(bare) >= 0.6 * len(piece)

    # -- walking -----------------------------------------------------------------
    def walk(self) -> list[Item]:
        i = 0
        n = len(self.lines)
        while i < n:
            ln = self.lines[i]
            if i in self.areas:
                i = self._footnotes(self.areas[i])
                continue
            if ln.blank or i in self.furniture:
                i += 1
                continue
            i = self._step(i)
        return self.items

    def _footnotes(self, area: FootnoteArea) -> int:
        for d in area.defs:
            self.items.append(Item("footnote", list(d.lines), number=str(d.number)))
        if area.urls:
            self.items.append(Item("urls", list(area.urls)))
        return area.last + 1

    def _step(self, i: int) -> int:
        piece = self.piece(i)
        first = self.lines[i]
        if CAPTION_RE.match(first.text):
            return self._caption(piece)
        for k, h in enumerate(piece):
            if is_year_header(self.lines[h].s) and not is_data_line(self.lines[h].s) and k <= 2:
                nxt = self._captionless(piece[:k], h)
                if nxt is not None:
                    return nxt
        m = self._numbered(i)
        if m is not None:
            nxt = self._numbered_heading(piece, m)
            if nxt is not None:
                return nxt
        if BULLET_RE.match(first.text):
            return self._list(i)
        nxt = self._headings(piece)
        if nxt is not None:
            return nxt
        if self._infographic(piece):
            return self._chart_text(i)
        self.items.append(Item("paragraph", piece))
        return piece[-1] + 1

    def _caption(self, piece: list[int]) -> int:
        text = self.lines[piece[0]].s
        if not text.lower().startswith("tab"):
            self.items.append(Item("caption", piece))
            return piece[-1] + 1
        start = piece[-1] + 1
        td = parse_table(self.lines, start, self._stop, self.trailing)
        if td is None:
            td = parse_text_table(self.lines, start, self._stop, self.trailing)
        if td is None:
            td = TableData(n=0, last=piece[-1], style="text")
        self.items.append(Item("table", list(range(start, td.last + 1)) or [piece[-1]], table=td, caption=piece))
        return self._siblings(td, None)

    def _captionless(self, title: list[int], header: int) -> int | None:
        start = header
        while title and OPEN_END_RE.search(self.lines[title[-1]].s):
            start = title.pop()  # "Opplæring i norsk og" / "samfunnskunnskap 2018 ...": one header cell
        td = parse_table(self.lines, start, self._stop, self.trailing, header_line=header)
        if td is None or len(td.rows) < 2:
            return None
        if not title and self.items and (self.items[-1].kind == "paragraph" or (
                # a one-word title (`Hovudtal`) is short enough to pass for chart text
                self.items[-1].kind == "infographic" and len(self.items[-1].lines) == 1
                and re.fullmatch(r"[A-ZÆØÅ][^\W\d_]{3,}", self.lines[self.items[-1].first].s))):
            prev = self.items[-1]
            gap = range(prev.last + 1, header)
            if len(prev.lines) <= 2 and all(self.lines[k].blank for k in gap) \
                    and not SENTENCE_END_RE.search(self.lines[prev.last].s) and len(self.lines[prev.first].s) < 80:
                title = self.items.pop().lines  # a short line above the header names the table
        if title:
            text = " ".join(self.lines[k].s for k in title)
            if text[:1].isupper() and len(text) <= 100 and not SENTENCE_END_RE.search(text):
                # the table's title is also the heading of the passage it stands in
                tight = not any(self.lines[k].blank for k in range(title[-1] + 1, start))
                self.items.append(Item("heading", list(title), level=self.num_level + (1 if tight else 2),
                                       tight=tight))
        self.items.append(Item("table", list(range(start, td.last + 1)), table=td, caption=title))
        return self._siblings(td, title)

    def _siblings(self, td: TableData, title: list[int] | None) -> int:
        """Tables printed back to back under one title, each with its own period header."""
        i = td.last + 1
        while td.next_header:
            k = i
            while k < len(self.lines) and self.lines[k].blank:
                k += 1
            piece = self.piece(k) if k < len(self.lines) and not self.blocked(k) else []
            hdr = next((h for h in piece[:3] if is_year_header(self.lines[h].s)), None)
            if hdr is None:
                break
            nxt = parse_table(self.lines, k, self._stop, self.trailing, header_line=hdr)
            if nxt is None or not nxt.rows:
                break
            item = Item("table", list(range(k, nxt.last + 1)), table=nxt)
            src = self.items[-1]
            item.title = src.title or (" ".join(self.lines[t].s for t in src.caption) if src.caption else None)
            self.items.append(item)
            td, i = nxt, nxt.last + 1
        return i

    def _numbered_heading(self, piece: list[int], m: re.Match[str]) -> int | None:
        num = m.group("num")
        tup = _num_tuple(num)
        if tup <= self.last_num:
            return None
        head = [piece[0]]
        for k in piece[1:]:
            s = self.lines[k].s
            if s[:1].islower() or s[:1] in "(–" or OPEN_END_RE.search(self.lines[head[-1]].s):
                head.append(k)
            else:
                break
        rest = piece[len(head):]
        follow = rest if rest else self.next_piece(head[-1])
        if follow is None or BULLET_RE.match(self.lines[follow[0]].text):
            return None
        child = self._numbered(follow[0])
        if child is not None and not child.group("num").startswith(num.rstrip(".") + "."):
            return None  # two numbered lines in a row: a list, unless the second opens the first's subsection
        if self._infographic(follow):
            return None
        prev = self._prev_text()
        if prev is not None and prev.endswith(":"):
            return None
        self.last_num = tup
        self.num_level = len(tup)
        self.items.append(Item("heading", head, number=num, level=len(tup)))
        return head[-1] + 1

    def _prev_text(self) -> str | None:
        for it in reversed(self.items):
            if it.kind in ("paragraph", "list", "heading"):
                return self.lines[it.last].s
            if it.kind not in ("footnote", "urls"):
                return None
        return None

    def _headings(self, piece: list[int]) -> int | None:
        """Unnumbered heading lines at the start of a piece, if followed by body text."""
        lines = self.lines
        run: list[int] = []
        for k in piece:
            ln = lines[k]
            s = ln.s
            if (self.trailing and not ln.trailing) or URL_RE.match(ln.text) or len(s) > MAX_HEADING_LINE:
                break
            if run and len(s) >= SHORT:
                break  # a full-width line: the body starts here
            run.append(k)
        if not run:
            return None
        s0 = lines[run[0]].s
        if not (s0[:1].isupper() or s0[:1] == "«"):
            return None
        if any(re.search(r"[.!?] [A-ZÆØÅ]", lines[k].s) for k in run):
            return None  # two sentences: running text, not a heading
        tight_body = len(run) < len(piece)
        if tight_body:
            body = lines[piece[len(run)]].s
            if any(len(lines[k].s) >= SHORT for k in run) or len(body) < LONG_BODY or not body[:1].isalnum() \
                    or _row_like(body):
                return None
        else:
            follow = self.next_piece(run[-1])
            if not self.is_prose(follow) or lines[follow[0]].s[:1].islower():  # type: ignore[index]
                return None
            if sum(len(lines[k].s) for k in run) > 200 or len(run) > 4:
                return None
        last = lines[run[-1]].s
        if re.search(r"[.;:,]$", last) or _row_like(last) or BULLET_RE.match(lines[run[0]].text):
            return None
        if self._prev_text() is not None and self._prev_text().endswith(":"):  # type: ignore[union-attr]
            return None
        groups: list[list[int]] = [[run[0]]]
        for k in run[1:]:
            s = lines[k].s
            prev = lines[groups[-1][-1]].s
            if (s[:1].isupper() or s[:1] == "«") and not OPEN_END_RE.search(prev) and not prev.endswith("("):
                groups.append([k])
            else:
                groups[-1].append(k)
        if any(len(g) > 3 for g in groups):
            return None
        base = self.num_level
        for g_i, g in enumerate(groups):
            tight = g_i < len(groups) - 1 or tight_body
            self.items.append(Item("heading", g, level=base + (1 if tight else 2), tight=tight))
        return run[-1] + 1

    def _list(self, i: int) -> int:
        """Bullet items with their wrapped lines; a lowercase line after a blank still continues an item."""
        lines = self.lines
        out = [i]
        k = i + 1
        while k < len(lines) and not self.blocked(k):
            ln = lines[k]
            if ln.blank:
                j = k
                while j < len(lines) and lines[j].blank and not lines[j].space_only:
                    j += 1
                if j < len(lines) and not self.blocked(j) and not lines[j].blank and (
                        BULLET_RE.match(lines[j].text) or lines[j].s[:1].islower()):
                    k = j
                    continue
                break
            if ln.indented and not BULLET_RE.match(ln.text):
                break
            if CAPTION_RE.match(ln.text) or self._numbered(k):
                break
            out.append(k)
            k += 1
        self.items.append(Item("list", out))
        return out[-1] + 1

    def _chart_text(self, i: int) -> int:
        """Consecutive pieces of chart or infographic text, kept together as one paragraph."""
        out: list[int] = []
        k = i
        while k < len(self.lines) and not self.blocked(k):
            if self.lines[k].blank:
                k += 1
                continue
            p = self.piece(k)
            short = all(len(self.lines[j].s) <= 45 for j in p)
            if not (self._infographic(p) or (out and short)) or CAPTION_RE.match(self.lines[k].text) \
                    or self._numbered(k) or (out and any(is_year_header(self.lines[j].s) for j in p)):
                break
            out.extend(p)
            k = p[-1] + 1
        self.items.append(Item("infographic", out))
        return out[-1] + 1


def _row_like(text: str) -> bool:
    """Ends in two or more values, like a table row (`§ 11` or a year alone may end a heading)."""
    toks = tokens(text)
    return is_data_line(text) and len(toks) - tail_start(toks) >= 2


def merge_paragraphs(items: list[Item], lines: list[Line], skippable: set[int]) -> list[Item]:
    """Join a paragraph cut by a page break, a footnote area or a new text flow.

    The first part must end open (no sentence-final punctuation) or the second
    start in lower case; only blank lines, page furniture and footnote areas may
    lie between them (a whitespace-only line elsewhere stands for an image).
    """
    out: list[Item] = []
    for it in items:
        if it.kind == "paragraph":
            j = len(out) - 1
            while j >= 0 and out[j].kind in ("footnote", "urls"):
                j -= 1
            if j >= 0 and out[j].kind == "paragraph":
                prev = out[j]
                end = lines[prev.last].s
                start = lines[it.first].s
                gap = range(prev.last + 1, it.first)
                if _continues(end, start) and not any(
                        k not in skippable and _content_between(lines, k, out[j + 1:]) for k in gap):
                    prev.lines.extend(it.lines)
                    continue
        out.append(it)
    return out


def _continues(end: str, start: str) -> bool:
    if not start:
        return False
    end = re.sub(r"(?<=[.!?»”)])\d{1,3}$", "", end)  # a footnote marker after the full stop
    if start[:1].islower():
        return True
    open_end = not SENTENCE_END_RE.search(end) or bool(ABBREV_END_RE.search(end))
    return open_end and not end.endswith(":") and (start[:1].isdigit() or start[:1].isupper() or start[:1] in "(«")


def _content_between(lines: list[Line], k: int, between: list[Item]) -> bool:
    """Line `k` holds text (or an image gap) that is not one of the footnote items between two parts."""
    if not lines[k].text:
        return False
    return not any(k in it.lines for it in between)
