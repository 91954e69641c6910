"""Structure from any text export: numbered headings, a TOC, tables from columns, lists, honest pages.

Used for exports no specific parser was written for (plain text, and
pdftotext output without the 2022 report's trailing-space convention). It
trusts only what the text shows: a numbered heading must fit the numbering
sequence or be listed in the TOC; a table needs aligned columns, tabs or pipes
with numbers in them; a page needs a form feed or a running footer that
behaves like one (see `evidence`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.records import Cell, PageCertainty, PageRef, ParsedDocument, Span, TableRow
from ingest.builder import DocBuilder
from ingest.formats.generic.evidence import PageMark, furniture_marks, plausible_pages
from ingest.formats.pdftotext.cells import is_year_header, split_row
from ingest.pages import PageMap
from text.captions import LINE_CAPTION_RE, SOURCE_RE, normalise_number, parse_caption
from text.numbers import parse_cell

NUM_HEADING_RE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[A-ZÆØÅ«][^\n]{1,110})$")
CHAPTER_RE = re.compile(r"^(?:Kapittel|KAPITTEL|Del|DEL)\s+(?P<num>\d{1,2})(?:\.?\s*[:–-]?\s+(?P<title>[A-ZÆØÅ«].*))?$")
TOC_LINE_RE = re.compile(r"^(?:(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+)?(?P<title>\S.*?)\s*"
                         r"(?:(?:[.…]\s?){3,}|…+|\s{2,}|\t)\s*(?P<page>\d{1,4})$")  # leaders, a gap or a tab
TOC_LEADER_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+)?\S.*?\s*(?:[.…]\s?){4,}$")
TOC_TITLE_RE = re.compile(r"^(?:innhold|innhald|innholdsfortegnelse|innhaldsliste|contents)\s*$", re.I)
BULLET_RE = re.compile(r"^(?:[-–•▪◦●■◆♦*\uf0b7\uf0a7]\s+|[a-zæøå]\)\s+|\d{1,2}\)\s+)")
OPEN_END_RE = re.compile(r"(?:[,–-]|\b(?:og|i|for|av|med|til|frå|fra|om|på|som|eller|der|etter|mot|ved))$", re.I)
COLUMN_GAP_RE = re.compile(r"\s{2,}")
FOOTNOTE_RE = re.compile(r"^(\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,2}) ?[A-ZÆØÅa-zæøå]")  # `3 Tall …`, `¹ Tall …`


def is_number(cell: str) -> bool:
    """A cell holding one number (with its unit): `2 819`, `9,6`, `49 %`."""
    return parse_cell(cell).value is not None


@dataclass
class Ln:
    i: int
    start: int
    end: int
    text: str
    page_index: int  # form-feed segment, from 0

    @property
    def s(self) -> str:
        return self.text.strip()


def split(text: str) -> list[Ln]:
    out: list[Ln] = []
    pos = 0
    page = 0
    for raw in text.split("\n"):
        body = raw
        while body.startswith("\f"):
            page += 1
            body = body[1:]
            pos += 1
        seg_page = page
        page += body.count("\f")
        clean = body.replace("\f", "").rstrip("\r")
        out.append(Ln(len(out), pos, pos + len(clean), clean, seg_page))
        pos += len(body) + 1
    return out


def gutter(lines: list[Ln]) -> int | None:
    """The start column of a right-hand text column, when most long lines have a gap right before it."""
    long = [ln for ln in lines if len(ln.text) > 60]
    if len(long) < 6:
        return None
    starts: dict[int, int] = {}
    for ln in long:
        for m in re.finditer(r"\S {3,}(?=\S)", ln.text):
            starts[m.end()] = starts.get(m.end(), 0) + 1
    if not starts:
        return None
    col, count = max(starts.items(), key=lambda kv: kv[1])
    near = sum(v for c, v in starts.items() if abs(c - col) <= 1)
    if near < 0.6 * len(long) or col < 20:
        return None
    split = [ln for ln in long if len(ln.text) > col + 1 and ln.text[col - 1] == " "]

    def prose(part: str) -> bool:
        return len(part) >= 12 and sum(ch.isalpha() for ch in part) >= 0.6 * len(part)

    # both sides must read as running text: numbers or page numbers at the right are a table or a TOC
    both = sum(prose(ln.text[:col].strip()) and prose(ln.text[col:].strip()) for ln in split)
    return col if both >= 0.6 * len(long) else None


def unfold_page(page: list[Ln], col: int) -> list[Ln]:
    """One two-column page in reading order: each run of split lines as its left halves, then its right halves."""
    out: list[Ln] = []
    left: list[Ln] = []
    right: list[Ln] = []
    for ln in page:
        t = ln.text
        split_here = len(t) > col and t[col - 1:col] == " " and t[col:col + 1].strip() and (
            not t[:col].strip() or t[col - 2:col] == "  ")
        if split_here:
            lt = t[:col].rstrip()
            left.append(Ln(0, ln.start, ln.start + len(lt), lt, ln.page_index))
            right.append(Ln(0, ln.start + col, ln.end, t[col:], ln.page_index))
        elif len(t) <= col and (left or right) and t.strip():
            left.append(ln)  # a short last line of the left column
        else:
            out.extend(left + right)
            left, right = [], []
            out.append(ln)
    return out + left + right


def unfold_columns(lines: list[Ln]) -> list[Ln]:
    """Two-column pages (pdftotext -layout) read column by column; other pages as they are."""
    pages: dict[int, list[Ln]] = {}
    for ln in lines:
        pages.setdefault(ln.page_index, []).append(ln)
    out: list[Ln] = []
    for page in pages.values():
        col = gutter(page)
        out.extend(page if col is None else unfold_page(page, col))
    for k, ln in enumerate(out):
        ln.i = k
    return out


@dataclass
class TocEntry:
    number: str | None
    title: str
    page: int


def key(title: str) -> str:
    return re.sub(r"[^\w]+", " ", title.lower()).strip()


class Reader:
    def __init__(self, text: str, doc_id: str):
        self.text = text
        self.lines = unfold_columns(split(text))
        self.b = DocBuilder(doc_id)
        self.form_feeds = text.count("\f")
        self.limit = plausible_pages(len(self.lines), self.form_feeds)
        self.marks = furniture_marks([ln.text for ln in self.lines], self.limit)
        self.furniture = {m.line for m in self.marks}
        self.toc: list[TocEntry] = []
        self.toc_lines: set[int] = set()
        self.last_num: tuple[int, ...] = ()
        self.level = 0

    # -- pages ---------------------------------------------------------------------
    def page_map(self) -> PageMap:
        pm = PageMap()
        lines = self.lines
        if self.form_feeds:
            offset = self._printed_offset()
            segs: dict[int, list[Ln]] = {}
            for ln in lines:
                segs.setdefault(ln.page_index, []).append(ln)
            for idx, seg in segs.items():
                page = idx + 1 + offset
                if page >= 1 and any(ln.s for ln in seg):  # pdftotext ends with a form feed: no empty last page
                    pm.add(seg[0].start, seg[-1].end + 1, PageRef.exact(page))
            return pm
        if self.marks and not any(ln.s for ln in lines[:self.marks[0].line]):
            return self.header_pages(pm)
        prev: PageMark | None = None
        for m in self.marks:
            a = lines[prev.line + 1].start if prev else 0
            b = lines[m.line].end
            if prev is not None and m.number == prev.number + 1:
                pm.add(a, b, PageRef.exact(m.number))
            elif prev is None and m.number == 1:
                pm.add(a, b, PageRef.exact(1))
            else:
                first = prev.number + 1 if prev else 1
                pm.add(a, b, PageRef.span_of(first, m.number) if first < m.number else PageRef.exact(m.number))
            prev = m
        return pm

    def header_pages(self, pm: PageMap) -> PageMap:
        """Numbers in a running header (nothing printed above the first): each starts its page."""
        lines = self.lines
        for m, nxt in zip(self.marks, [*self.marks[1:], None], strict=True):
            a = lines[m.line].start
            b = lines[nxt.line].start if nxt else lines[-1].end + 1
            if nxt is None:
                ref = PageRef.estimated(m.number)  # later pages may have lost their header
            elif nxt.number == m.number + 1:
                ref = PageRef.exact(m.number)
            else:
                ref = PageRef.span_of(m.number, nxt.number - 1)
            pm.add(a, b, ref)
        return pm

    def _printed_offset(self) -> int:
        """Printed page number minus physical page, when every running footer agrees on it."""
        diffs = {m.number - (self.lines[m.line].page_index + 1) for m in self.marks}
        return diffs.pop() if len(diffs) == 1 else 0

    # -- TOC -----------------------------------------------------------------------
    def toc_entry(self, i: int) -> tuple[TocEntry, list[int]] | None:
        """A TOC line at i: `2.1 Title ..... 4` on one line, or the leaders' page number on the next line."""
        s = self.lines[i].s
        m = TOC_LINE_RE.match(s)
        used = [i]
        if not m:
            lead = TOC_LEADER_RE.match(s)
            nxt = self.next_text(i)
            if not lead or nxt is None or not re.fullmatch(r"\d{1,4}", self.lines[nxt].s):
                return None
            m = TOC_LINE_RE.match(f"{s} {self.lines[nxt].s}")
            used = list(range(i, nxt + 1))
        if not m or not re.search(r"[^\W\d_]{3}", m.group("title")) or not 0 < int(m.group("page")) <= self.limit * 3:
            return None
        return TocEntry(m.group("num"), m.group("title").strip(" ."), int(m.group("page"))), used

    def find_toc(self) -> None:
        """The longest run of TOC lines near the top whose page numbers never fall."""
        lines = self.lines
        top = min(len(lines), 300)
        run: list[tuple[list[int], TocEntry]] = []
        best: list[tuple[list[int], TocEntry]] = []
        i = 0
        while i < top:
            got = self.toc_entry(i)
            if got:
                run.append((got[1], got[0]))
                i = got[1][-1] + 1
                continue
            if lines[i].s and not TOC_TITLE_RE.match(lines[i].s):
                best, run = (run if len(run) > len(best) else best), []
            i += 1
        best = run if len(run) > len(best) else best
        if len(best) >= 3 and all(b.page >= a.page for (_, a), (_, b) in zip(best, best[1:], strict=False)):
            self.toc = [e for _, e in best]
            self.toc_lines = {k for used, _ in best for k in used}

    def in_toc(self, number: str | None, title: str) -> bool:
        k = key(title)
        return any((number and e.number == number) or key(e.title) == k for e in self.toc)

    # -- headings ------------------------------------------------------------------
    def numbered(self, i: int) -> tuple[str, str, list[int]] | None:
        ln = self.lines[i]
        s = ln.s
        m = CHAPTER_RE.match(s)
        if m and self.fits_sequence((int(m.group("num")),)):
            title = m.group("title")
            used = [i]
            if not title:
                nxt = self.next_text(i)
                if nxt is None:
                    return None
                title, used = self.lines[nxt].s, [i, nxt]
            return m.group("num"), title.strip(), used
        m = NUM_HEADING_RE.match(s)
        if not m or s.endswith((".", ":", ",")) or len(s) > 100 or COLUMN_GAP_RE.search(m.group("title")):
            return None  # (`1.  Sammendrag`: a wide gap after the number is fine, inside the title it is a row)
        num, title = m.group("num"), m.group("title").strip()
        if sum(c.isalpha() for c in title) < 3 or re.search(r"\d[\d ]*\s*%?$", title) and not self.in_toc(num, title):
            return None
        tup = tuple(int(p) for p in num.split("."))
        if not (self.in_toc(num, title) or self.fits_sequence(tup)):
            return None
        used = [i]
        nxt = i + 1
        if OPEN_END_RE.search(s) and nxt < len(self.lines) and self.lines[nxt].s and len(self.lines[nxt].s) < 60:
            title = f"{title} {self.lines[nxt].s}"
            used.append(nxt)
        return num, title, used

    def fits_sequence(self, tup: tuple[int, ...]) -> bool:
        """Next sibling, first child, or the next number at a higher level of the last numbered heading."""
        last = self.last_num
        if not last:
            return tup in ((1,), (1, 1)) or (len(tup) == 1 and tup[0] <= 2)
        if tup == last + (1,):
            return True
        for k in range(len(last), 0, -1):
            if tup == last[:k - 1] + (last[k - 1] + 1,):
                return True
        return False

    def next_text(self, i: int) -> int | None:
        for k in range(i + 1, min(len(self.lines), i + 3)):
            if self.lines[k].s:
                return k
        return None

    def unnumbered(self, i: int) -> bool:
        """A short capitalised line standing alone, with prose after it."""
        lines = self.lines
        s = lines[i].s
        if not s or len(s) > 70 or not (s[0].isupper() or s[0] == "«") or s.endswith((".", ",", ";", ":")):
            return False
        if parse_caption(s) or BULLET_RE.match(s) or COLUMN_GAP_RE.search(s) or SOURCE_RE.match(s):
            return False
        if re.search(r"\d\s*%?$", s) and not self.in_toc(None, s):
            return False
        before_blank = i == 0 or not lines[i - 1].s or lines[i - 1].page_index != lines[i].page_index
        nxt = i + 1
        after_blank = nxt >= len(lines) or not lines[nxt].s
        if not before_blank:
            return False
        follow = self.next_text(i) if after_blank else nxt
        if follow is None:
            return False
        body = lines[follow].s
        prose = len(body) >= 50 or body.endswith(".")
        return prose and (after_blank or len(body) > len(s) + 15) and not self.numbered_peek(follow)

    def numbered_peek(self, i: int) -> bool:
        return self.numbered(i) is not None

    # -- tables --------------------------------------------------------------------
    def table_rows(self, i: int) -> tuple[list[list[str]], int] | None:
        """Rows of a tab, pipe or aligned-column table starting at line i, and the line after it."""
        lines = self.lines
        rows: list[list[str]] = []
        k = i
        while k < len(lines) and lines[k].s and k not in self.furniture:
            s = lines[k].s
            if "\t" in lines[k].text:
                cells = [c.strip() for c in lines[k].text.strip("\n").split("\t")]
            elif s.count("|") >= 2 or (s.count("|") >= 1 and rows and "|" in "".join(rows[0])):
                cells = [c.strip() for c in s.strip("|").split("|")]
            else:
                cells = [c.strip() for c in COLUMN_GAP_RE.split(s)]
            if len(cells) < 2:
                break
            rows.append(cells)
            k += 1
        if len(rows) < 2:
            return None
        numeric = sum(any(is_number(c) for c in r[1:]) for r in rows)
        ncols = max(len(r) for r in rows)
        if numeric < max(1, len(rows) // 2) or sum(len(r) == ncols for r in rows) < 0.6 * len(rows):
            return None  # two columns of prose, not a table
        return rows, k

    def spaced_table(self, i: int) -> tuple[list[list[str]], int] | None:
        """A year header (`Gruppe 2011 2012 2013`) and rows split by its column count (raw pdftotext)."""
        lines = self.lines
        head = lines[i].s
        if not is_year_header(head):
            return None
        toks = head.split()
        years = [t for t in toks if re.match(r"^(?:19|20)\d\d$", t)]
        n = len(years)
        label = " ".join(toks[:len(toks) - n])
        rows = [[label, *years]]
        k = end = i + 1
        while k < len(lines) and k not in self.furniture:
            if not lines[k].s:
                k += 1  # pdftotext often leaves a blank line between rows
                continue
            got = split_row(lines[k].s, n)
            if got is None or not got[0] or lines[k].s.endswith("."):
                break
            rows.append([got[0], *[" ".join(c) for c in got[1]]])
            k = end = k + 1
        return (rows, end) if len(rows) >= 3 else None

    def linear_table(self, i: int) -> tuple[list[list[str]], int] | None:
        """A table printed one cell per line (raw pdftotext, OCR): label, then the same count of values per row.

        Only tried right under a caption, where a run of short lines cannot be prose.
        """
        lines = self.lines
        cells: list[int] = []
        k = i
        while k < len(lines) and k not in self.furniture and len(cells) < 400:
            s = lines[k].s
            if s:
                if len(s) > 60 or s.endswith(".") or self.numbered_peek(k) or LINE_CAPTION_RE.match(s):
                    break
                cells.append(k)
            k += 1
        texts = [lines[c].s for c in cells]
        value = [bool(is_number(t)) for t in texts]
        labels = [j for j, v in enumerate(value) if not v]
        gaps = [b - a - 1 for a, b in zip(labels, labels[1:], strict=False)]
        data_gaps = [g for g in gaps if g > 0]
        if len(data_gaps) < 2:
            return None
        n = max(set(data_gaps), key=data_gaps.count)
        # the header: a label and n column names (words or years), then rows of a label and n values
        header_len = n + 1
        if len(texts) < header_len + 2 * (n + 1):
            return None
        rows = [texts[:header_len]]
        j = header_len
        while j + n < len(texts) and not value[j] and all(value[j + 1:j + 1 + n]):
            rows.append(texts[j:j + 1 + n])
            j += n + 1
        if len(rows) < 3:
            return None
        return rows, cells[j - 1] + 1

    # -- walk ----------------------------------------------------------------------
    def parse(self) -> ParsedDocument:
        self.find_toc()
        lines = self.lines
        i = 0
        caption: tuple[str, Span] | None = None
        while i < len(lines):
            ln = lines[i]
            if not ln.s or i in self.furniture:
                i += 1
                continue
            if i in self.toc_lines or (TOC_TITLE_RE.match(ln.s) and self.toc and self.next_text(i) in self.toc_lines):
                j = i
                while j < len(lines) and j not in self.furniture and (
                        j in self.toc_lines or not lines[j].s or TOC_TITLE_RE.match(lines[j].s)):
                    j += 1
                while not lines[j - 1].s:
                    j -= 1
                self.b.block("list", "\n".join(lines[k].s for k in range(i, j) if lines[k].s), self.span(i, j - 1))
                i = j
                continue
            got = self.numbered(i)
            if got:
                num, title, used = got
                tup = tuple(int(p) for p in num.split("."))
                self.last_num, self.level = tup, len(tup)
                self.b.heading(title, len(tup), self.span(used[0], used[-1]), number=num)
                caption = None
                i = used[-1] + 1
                continue
            cap = parse_caption(ln.s) if LINE_CAPTION_RE.match(ln.s) else None
            if cap:
                caption = (ln.s, self.span(i, i))
                if cap[0] == "figur":
                    fig = self.b.figure(ln.s, caption[1])
                    self.b.block("caption", ln.s, caption[1], figure_id=fig.id if fig else None)
                    caption = None
                i += 1
                continue
            tab = self.table_rows(i) or self.spaced_table(i) or (self.linear_table(i) if caption else None)
            if tab:
                rows, nxt = tab
                i = self.emit_table(rows, i, nxt, caption)
                caption = None
                continue
            if caption is not None:  # a table caption with no table under it
                fig = self.b.figure(caption[0], caption[1])
                self.b.block("caption", caption[0], caption[1], figure_id=fig.id if fig else None)
                caption = None
            if self.unnumbered(i):
                self.b.heading(ln.s, self.level + 1, self.span(i, i))
                i += 1
                continue
            if BULLET_RE.match(ln.s):
                j = i
                while j < len(lines) and lines[j].s and j not in self.furniture and (
                        BULLET_RE.match(lines[j].s) or lines[j].text.startswith(" ")):
                    j += 1
                j = max(j, i + 1)
                self.b.block("list", "\n".join(lines[k].s for k in range(i, j)), self.span(i, j - 1))
                i = j
                continue
            j = i
            while j < len(lines) and lines[j].s and j not in self.furniture and (j == i or not (
                    self.numbered_peek(j) or BULLET_RE.match(lines[j].s) or LINE_CAPTION_RE.match(lines[j].s)
                    or lines[j].page_index != lines[j - 1].page_index)):
                j += 1
            kind = "footnote" if self.footnote_like(i, j) else "paragraph"
            text = join(lines[k].s for k in range(i, j))
            prev = self.b.blocks[-1] if self.b.blocks else None
            if kind == "paragraph" and prev is not None and prev.kind == "paragraph" and text[:1].islower() \
                    and not re.search(r"[.!?:]$", prev.text) and prev.section_id == (self.b.current.id if self.b.current
                                                                                      else None):
                # a sentence running on into the next column or page
                prev.text = join([prev.text, text])
                prev.span = Span(start=prev.span.start, end=self.span(i, j - 1).end)
            else:
                self.b.block(kind, text, self.span(i, j - 1))
            i = j
        if not self.marks and not self.form_feeds:
            self.b.warnings.append("no page evidence (form feeds or running page numbers): pages are unknown")
        parsed = self.b.finish(self.page_map(), source=self.text)
        self.match_toc(parsed)
        return parsed

    def match_toc(self, parsed: ParsedDocument) -> None:
        """Headings the TOC lists take its page where nothing better is known; unlisted TOC entries are reported."""
        found = set()
        for sec in parsed.sections:
            entry = next((e for e in self.toc if key(e.title) == key(sec.title) and e.number == sec.number), None)
            if entry is None:
                continue
            found.add(id(entry))
            ref, p = sec.page, entry.page
            if ref.certainty == PageCertainty.unknown and p <= self.limit:
                sec.page = PageRef.estimated(p)
            elif ref.certainty == PageCertainty.range and ref.first is not None and ref.first <= p <= (ref.last or p):
                sec.page = PageRef.estimated(p, ref.first, ref.last)
        missing = [f"{e.number or ''} {e.title}".strip() for e in self.toc if id(e) not in found]
        if missing:
            parsed.warnings.append(f"the table of contents lists {len(missing)} heading(s) not found in the text: "
                                   + "; ".join(missing[:5]))

    def footnote_like(self, i: int, j: int) -> bool:
        """`3 Text …` at the foot of a page: after a rule or small lines, right before the page ends."""
        m = FOOTNOTE_RE.match(self.lines[i].s)
        if not m or not self.b.sections or j - i > 3:
            return False
        k = j
        while k < len(self.lines) and not self.lines[k].s:
            k += 1
        page_ends = k >= len(self.lines) or k in self.furniture or self.lines[k].page_index != self.lines[i].page_index
        return page_ends or (k < len(self.lines) and bool(FOOTNOTE_RE.match(self.lines[k].s)) and
                             self.footnote_like(k, k + 1))

    def emit_table(self, rows: list[list[str]], i: int, nxt: int, caption: tuple[str, Span] | None) -> int:
        ncols = max(len(r) for r in rows)
        header, body = rows[0], rows[1:]
        header = header + [""] * (ncols - len(header))
        out_rows = []
        for k, r in enumerate(body):
            r = r + [""] * (ncols - len(r))
            cells = [parse_cell(c) if c else Cell(text="") for c in r[1:]]
            out_rows.append(TableRow(label=r[0], cells=cells, span=self.span(i + 1 + k, i + 1 + k)))
        source = None
        end = nxt
        k = nxt
        while k < len(self.lines) and not self.lines[k].s:
            k += 1
        if k < len(self.lines) and SOURCE_RE.match(self.lines[k].s):
            source, end = self.lines[k].s, k + 1
        cap_text = caption[0] if caption else None
        parsed = parse_caption(cap_text) if cap_text else None
        span = Span(start=caption[1].start if caption else self.lines[i].start, end=self.lines[end - 1].end)
        table = self.b.table(span, number=normalise_number(parsed[1]) if parsed else None, caption=cap_text,
                             title=parsed[3] if parsed else None, columns=header, rows=out_rows, source=source,
                             style="tab" if any("\t" in self.lines[x].text for x in range(i, nxt)) else "space")
        fig = self.b.figure(cap_text, caption[1], source=source, table_id=table.id) if parsed and caption else None
        text = "\n".join(" | ".join(c for c in r if c) for r in rows)
        self.b.block("table", f"{cap_text}\n{text}" if cap_text else text, span, table_id=table.id,
                     figure_id=fig.id if fig else None)
        return end

    def span(self, a: int, b: int) -> Span:
        first, last = self.lines[a], self.lines[b]
        start = first.start + len(first.text) - len(first.text.lstrip())
        end = last.end - (len(last.text) - len(last.text.rstrip()))
        return Span(start=start, end=max(start, end))


def join(parts) -> str:
    out = ""
    for p in parts:
        if out.endswith("-") and out[-2:-1].islower() and p[:1].islower():
            out = out[:-1] + p  # a word cut by a hyphen at the line end
        else:
            out = f"{out} {p}" if out else p
    return re.sub(r"\s+", " ", out)


def parse(text: str, doc_id: str) -> ParsedDocument:
    return Reader(text, doc_id).parse()
