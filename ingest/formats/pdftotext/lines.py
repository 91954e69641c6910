"""Line layer for pdftotext exports: offsets, page furniture, footnote areas, joining wraps.

pdftotext keeps one physical line per printed line and, in this family of
exports, ends body lines with a space. Page breaks survive only as a footer
number plus running headers, and a line holding a single space marks the
bottom of the body text on pages that carry footnotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.formats.generic.evidence import is_page_number, plausible_pages

# Private-use bullets from Symbol/Wingdings fonts (U+F075 in 003, U+F0B7 elsewhere).
BULLET_RE = re.compile(r"^\s*[\uf075\uf0b7\uf0a7\uf076\u25cf\u2022\u25aa]\s*")
PUA_RE = re.compile(r"[\uf000-\uf8ff\u25cf\u2022\u25aa]")
URL_RE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
PAGE_NUMBER_RE = re.compile(r"^\s*(\d{1,4})\s*$")
FOOTNOTE_RE = re.compile(r"^(\d{1,3}) (\S.*)$")
YEAR_TOKEN_RE = re.compile(r"^(?:19|20)\d\d\*{0,3}$|^\d{1,2}\.\d{1,2}\.(?:19|20)\d\d\*{0,3}$")
# Sentence-final punctuation, allowing closing quotes/brackets after it.
SENTENCE_END_RE = re.compile(r"[.!?][»”\"')\]]*$")
ABBREV_END_RE = re.compile(r"\b(?:kap|nr|jf|ca|pkt|bl\.a|m\.m|f\.eks|mill|mrd|kr|post|s)\.$", re.I)


@dataclass
class Line:
    i: int
    start: int  # offset of the first character
    end: int  # offset after the last character (newline excluded)
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def space_only(self) -> bool:
        """A non-empty line of spaces: a page bottom, image placeholder or layout gap."""
        return bool(self.text) and not self.text.strip()

    @property
    def indented(self) -> bool:
        """Starts with a space and holds text: pdftotext starts a new text flow here."""
        return self.text[:1] == " " and bool(self.text.strip())

    @property
    def trailing(self) -> bool:
        return self.text.endswith(" ") and bool(self.text.strip())

    @property
    def s(self) -> str:
        return self.text.strip()


def split_lines(text: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    for i, raw in enumerate(text.split("\n")):
        body = raw[:-1] if raw.endswith("\r") else raw
        out.append(Line(i, pos, pos + len(body), body))
        pos += len(raw) + 1
    return out


def uses_trailing_space(lines: list[Line]) -> bool:
    """True when body lines of this export end with a space (so a missing one means chart text)."""
    long = [ln for ln in lines if len(ln.s) >= 40 and not URL_RE.match(ln.text)]
    return bool(long) and sum(ln.trailing for ln in long) > 0.6 * len(long)


# -- page furniture ----------------------------------------------------------

@dataclass
class Anchor:
    """A surviving page break: footer number N (last line of page N), then running headers of page N+1."""

    number: int
    first: int  # index of the first furniture line
    last: int  # index of the last furniture line
    number_line: int
    header: str | None = None  # running chapter header, e.g. "3.2 Målretta kvalifisering ..."
    header_line: int | None = None


def _next_nonblank(lines: list[Line], i: int, limit: int = 2) -> int | None:
    j = i + 1
    while j < len(lines) and j <= i + limit + 1:
        if not lines[j].blank:
            return j
        j += 1
    return None


def find_anchors(lines: list[Line]) -> list[Anchor]:
    """Footer number surrounded by blank lines and followed by a repeated running header."""
    counts: dict[str, int] = {}
    for ln in lines:
        if ln.s and len(ln.s) < 80:
            counts[ln.s] = counts.get(ln.s, 0) + 1
    anchors: list[Anchor] = []
    for ln in lines:
        m = PAGE_NUMBER_RE.match(ln.text)
        if not m or ln.i == 0 or not lines[ln.i - 1].blank:
            continue
        j = _next_nonblank(lines, ln.i)
        if j is None or j - ln.i > 2 or counts.get(lines[j].s, 0) < 2 or PAGE_NUMBER_RE.match(lines[j].text):
            continue
        first = ln.i
        for k in (ln.i - 1, ln.i - 2):  # the single-space line pdftotext puts before the footer
            if k >= 0 and lines[k].space_only:
                first = k
                break
        last = j
        header = header_line = None
        h = _next_nonblank(lines, j)
        if h is not None and h - j <= 2 and len(lines[h].s) < 100 and not lines[h].s.endswith("."):
            # The chapter header repeats the heading of the chapter the page belongs to.
            nxt = lines[h + 1] if h + 1 < len(lines) else None
            if nxt is None or nxt.blank:
                header, header_line, last = lines[h].s, h, h
        anchors.append(Anchor(int(m.group(1)), first, last, ln.i, header, header_line))
    return plausible_anchors(anchors, len(lines))


def plausible_anchors(anchors: list[Anchor], n_lines: int) -> list[Anchor]:
    """Only numbers that behave like pages: not 0, not a year, within the text's length, rising through it."""
    limit = plausible_pages(n_lines, 0)
    kept: list[Anchor] = []
    for a in anchors:
        if is_page_number(a.number, limit) and (not kept or a.number > kept[-1].number):
            kept.append(a)
    return kept


# -- footnote areas ----------------------------------------------------------

@dataclass
class FootnoteDef:
    number: int
    lines: list[int] = field(default_factory=list)


@dataclass
class FootnoteArea:
    """Footnotes at the bottom of one page: the bottom marker, definitions and link lines."""

    marker: int  # index of the whitespace-only line ending the body text
    first: int
    last: int
    defs: list[FootnoteDef] = field(default_factory=list)
    urls: list[int] = field(default_factory=list)


def find_footnote_areas(lines: list[Line], furniture: set[int]) -> list[FootnoteArea]:
    """Areas opened by a whitespace-only line and numbered in one sequence through the document."""
    areas: list[FootnoteArea] = []
    expected = 1
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if not ln.space_only or i in furniture:
            i += 1
            continue
        j = i + 1
        while j < n and lines[j].blank and j - i <= 3:
            j += 1
        m = FOOTNOTE_RE.match(lines[j].text) if j < n else None
        if not m or not expected <= int(m.group(1)) <= expected + 2:
            i += 1
            continue
        area = FootnoteArea(marker=i, first=i, last=j)
        k = j
        while k < n and k not in furniture:
            cur = lines[k]
            if cur.indented or cur.space_only:
                break  # body text resumes, or the next page bottom / anchor begins
            fm = FOOTNOTE_RE.match(cur.text)
            if fm and int(fm.group(1)) in (expected, expected + 1, expected + 2) and (
                    not area.defs or int(fm.group(1)) > area.defs[-1].number):
                area.defs.append(FootnoteDef(int(fm.group(1)), [k]))
                expected = int(fm.group(1)) + 1
            elif URL_RE.match(cur.text):
                area.urls.append(k)
            elif cur.s and area.urls and area.urls[-1] == k - 1 and not lines[k - 1].trailing and " " not in cur.s:
                area.urls.append(k)  # a link wrapped inside its path
            elif cur.blank:
                pass
            elif area.defs and not area.urls:
                area.defs[-1].lines.append(k)
            else:
                break
            area.last = k
            k += 1
        while area.last > area.first and lines[area.last].blank:
            area.last -= 1
        areas.append(area)
        i = area.last + 1
    return areas


# -- text ----------------------------------------------------------------------

def line_text(line: Line, mask: list[tuple[int, int]] | None = None) -> str:
    """The line with masked source ranges (footnote markers) cut out."""
    if not mask:
        return line.text
    out = []
    pos = line.start
    for a, b in mask:
        if b <= line.start or a >= line.end:
            continue
        out.append(line.text[pos - line.start:max(pos, a) - line.start])
        pos = max(pos, b)
    out.append(line.text[pos - line.start:])
    return "".join(out)


def join_lines(parts: list[str], glue_cut_words: bool = False) -> str:
    """Join wrapped lines: soft hyphens between lowercase letters vanish, other dashes stay glued.

    A line that ends with a space ends with a whole word (`ukrainsk- og`
    keeps its space). `glue_cut_words` joins a line without a trailing space to
    a one- or two-letter lowercase continuation (pdftotext cut inside a word
    in narrow table cells: `Deltakara` + `r`).
    """
    out = ""
    prev_trailing = True
    for raw in parts:
        raw = PUA_RE.sub(" ", raw)
        piece = raw.strip()
        if not piece:
            continue
        if not out:
            out = piece
        elif not prev_trailing and out[-1] in "-\u2010" and out[-2:-1].islower() and piece[:1].islower():
            out = out[:-1] + piece  # soft hyphenation: "introduksjons-" + "program"
        elif not prev_trailing and out[-1] in "-\u2010\u2013" and out[-2:-1].strip():
            out = out + piece  # "TAO-" + "kurset", "2021\u2013" + "2024)"
        elif glue_cut_words and not prev_trailing and out[-1:].isalpha() and piece[:1].islower() \
                and len(piece.split()[0]) <= 2:
            out = out + piece
        else:
            out = out + " " + piece
        prev_trailing = raw.endswith((" ", "\t")) or not raw.rstrip()
    return re.sub(r"[ \t\u00a0]+", " ", out).strip()
