"""Lines of the letter export (002): offsets, the blank-line pattern, and letterhead debris.

pdftotext wrote every text line followed by one empty line; a line holding only
spaces is what survives of a real paragraph break, and a page starts with a line
indented by exactly one space. Letterhead fields, page numbers and link
annotations are interleaved with the text and are marked here as debris.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text.sentences import MONTHS

EMPTY, SPACE, TEXT = "empty", "space", "text"


@dataclass
class Line:
    no: int  # 0-based line number in the source
    start: int  # offset of the raw line
    end: int  # offset of the line end (newline excluded)
    raw: str
    kind: str  # EMPTY, SPACE (only white space: a paragraph break) or TEXT
    cstart: int = 0  # first non-space character
    cend: int = 0  # just past the last non-space character
    text: str = ""  # white space folded
    debris: str | None = None  # why the line is not document text: page, side, letterhead, ...

    @property
    def lead1(self) -> bool:
        """Indented by exactly one space: the first line of a page in this export."""
        return self.kind == TEXT and self.raw.startswith(" ") and not self.raw.startswith("  ")

    @property
    def trailing2(self) -> bool:
        """Ends with two spaces: Word's paragraph mark survived as an extra space."""
        return self.raw.endswith("  ")


def split_lines(text: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    for no, raw in enumerate(text.split("\n")):
        end = pos + len(raw)
        if not raw:
            out.append(Line(no, pos, end, raw, EMPTY, pos, pos))
        elif not raw.strip():
            out.append(Line(no, pos, end, raw, SPACE, pos, pos))
        else:
            lead = len(raw) - len(raw.lstrip())
            trail = len(raw) - len(raw.rstrip())
            folded = re.sub(r"\s+", " ", raw.strip())
            out.append(Line(no, pos, end, raw, TEXT, pos + lead, end - trail, folded))
        pos = end + 1
    return out


# -- debris -------------------------------------------------------------------

_PAGE_NO = re.compile(r"^\d{1,3}$")
_SIDE = re.compile(r"^Side (\d{1,2})$")
_URL = re.compile(r"^(?:https?://|mailto:)\S+$")
_PHONE = re.compile(r"^\d{2} \d{2} \d{2} \d{2}$")
_POSTCODE = re.compile(r"^\d{4} [A-ZÆØÅa-zæøå]+$")
_REF = re.compile(r"^\d{2}/\d+(?:-\d*)?$")
DATE = re.compile(rf"^\d{{1,2}}\. (?:{MONTHS}) \d{{4}}$")


@dataclass
class LetterMeta:
    """What the letterhead of one letter said (found while dropping it)."""

    date: str | None = None  # "25. februar 2020"
    date_line: int | None = None
    ref: str | None = None  # "19/4491-9"


def mark_debris(lines: list[Line]) -> list[LetterMeta]:
    """Set `Line.debris` on letterhead, page-number and link lines; return the ref/date blocks found."""
    texts = [ln for ln in lines if ln.kind == TEXT]
    metas: list[LetterMeta] = []
    i = 0
    while i < len(texts):
        ln = texts[i]
        t = ln.text
        if _is_page_number(lines, ln):
            ln.debris = "page"
        elif _SIDE.match(t):
            ln.debris = "side"
        elif _URL.match(t) and not t.endswith(")"):
            ln.debris = "url"  # a link annotation printed at the foot of the page
        elif t == "Postadresse":
            i = _footer(texts, i)
            continue
        elif t == "Integrerings- og mangfoldsdirektoratet" and i + 1 < len(texts) \
                and texts[i + 1].text.startswith("Postboks"):
            ln.debris = texts[i + 1].debris = "address"
            i += 2
            if i < len(texts) and _POSTCODE.match(texts[i].text):
                texts[i].debris = "address"
                i += 1
            continue
        elif t == "Deres ref":
            meta, i = _ref_block(texts, i)
            metas.append(meta)
            continue
        i += 1
    return metas


def _is_page_number(lines: list[Line], ln: Line) -> bool:
    """A bare number after two empty lines: the footer pdftotext kept."""
    if not _PAGE_NO.match(ln.text) or ln.no < 2:
        return False
    return lines[ln.no - 1].kind == EMPTY and lines[ln.no - 2].kind == EMPTY


def _footer(texts: list[Line], i: int) -> int:
    """Postadresse … Saksbehandler <name> <phone>: the page-1 footer of a KD letter."""
    j = i
    while j < len(texts) and j - i < 20 and texts[j].text != "Saksbehandler":
        texts[j].debris = "letterhead"
        j += 1
    if j < len(texts) and texts[j].text == "Saksbehandler":
        texts[j].debris = "letterhead"
        j += 1
        if j < len(texts):  # the case officer's name
            texts[j].debris = "letterhead"
            j += 1
        if j < len(texts) and _PHONE.match(texts[j].text):
            texts[j].debris = "letterhead"
            j += 1
    return j


def _ref_block(texts: list[Line], i: int) -> tuple[LetterMeta, int]:
    """Deres ref / Vår ref <ref> / Dato <date>; values may be missing."""
    meta = LetterMeta()
    texts[i].debris = "ref"
    j = i + 1
    for label in ("Vår ref", "Dato"):
        if j < len(texts) and texts[j].text == label:
            texts[j].debris = "ref"
            j += 1
            if j >= len(texts):
                break
            if label == "Vår ref" and _REF.match(texts[j].text):
                meta.ref = texts[j].text
                texts[j].debris = "ref"
                j += 1
            elif label == "Dato" and DATE.match(texts[j].text):
                meta.date, meta.date_line = texts[j].text, texts[j].no
                texts[j].debris = "date"
                j += 1
    return meta, j


def side_number(ln: Line) -> int | None:
    m = _SIDE.match(ln.text)
    return int(m.group(1)) if m else None


@dataclass
class BodyLine:
    """A kept text line with what separated it from the previous kept line."""

    line: Line
    para: bool  # a white-space-only line came between: a paragraph break in the source
    debris: bool  # dropped lines (page number, letterhead, links) came between
    footnote: bool  # the separator was a long run of spaces: a footnote follows

    @property
    def text(self) -> str:
        return self.line.text


def body_lines(lines: list[Line], first: int, last: int) -> list[BodyLine]:
    out: list[BodyLine] = []
    para = debris = footnote = False
    for ln in lines[first:last]:
        if ln.kind == SPACE:
            para = True
            footnote = footnote or len(ln.raw) >= 20
        elif ln.kind == TEXT and ln.debris:
            debris = True
        elif ln.kind == TEXT:
            out.append(BodyLine(ln, para, debris, footnote))
            para = debris = footnote = False
    return out
