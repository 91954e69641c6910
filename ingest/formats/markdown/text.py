"""Inline clean-up and line predicates shared by the markdown parsers."""

from __future__ import annotations

import re

from text.captions import CAPTION_RE, SOURCE_RE
from text.clean import clean

# *italic* but not **bold** (handled by textclean) and not an escaped \* note mark
_EMPH = re.compile(r"(?<![\\*\w])\*(?=[^\s*])([^*]+?)(?<=[^\s\\*])\*(?![*\w])")
# HTML tags, also with attributes (`<ul style="...">`); <sup> is left to textclean. Inline tags
# vanish ("«<i>Brukerne" -> "«Brukerne"), block tags leave a space between their contents.
_INLINE_TAG = re.compile(r"</?(?:span|b|i|u|em|strong|small|font|a)(?:\s[^<>]*)?>", re.I)
_BLOCK_TAG = re.compile(r"</?(?:p|ul|ol|li|div|br|sub|table|tr|td|th)(?:\s[^<>]*)?/?>", re.I)
# "stats- autorisasjon": a word broken at a line end in the PDF; "arbeids- og" is a real ellipsis
_HYPHEN_SPACE = re.compile(r"(?<=[a-zæøå]{2})- (?!(?:og|eller|enn|som|til|samt|and|or)\b)(?=[a-zæøå])")
# inside cells the wrap loses its space: "Gjennom-ført", "over-førings-flyktninger"
_HYPHENATED = re.compile(r"\b[^\W\d_]{2,}(?:-[^\W\d_]{2,})+\b")
_WORD = re.compile(r"[^\W\d_]+")
_FOOTNOTE = re.compile(r"^\s*<sup>\s*(\d{1,3})\s*</sup>\s*")
# OCR-damaged source labels still name the agency: "Je: NIR"
_SOURCE_DAMAGED = re.compile(r"^\s*[A-ZÆØÅ][a-zæøå]{0,5}\s*:\s*(?:IMDi|NIR|SSB|UDI|Bufdir|NAV)\b[^.]{0,40}$")
# `[https://a.no/x\\_y](https://a.no/x_y)`: a link whose text is its (over-escaped) address
_URL_LINK = re.compile(r"\[https?://[^\]]*\]\((https?://[^)\s]+)\)")
_BOLD_LINE = re.compile(r"^\s*\*\*(?P<inner>[^*]+?)\*\*\s*$")
_SUP_REF = re.compile(r"<sup>\s*(\d{1,3})\s*</sup>")
_TERMINAL = re.compile(r"[.!?:;…»\"”]\s*$")


def inline(raw: str) -> str:
    """Markdown/HTML passage -> running text: markup gone, wraps and hyphenations joined."""
    t = _EMPH.sub(r"\1", _URL_LINK.sub(r"\1", raw))
    t = _BLOCK_TAG.sub(" ", _INLINE_TAG.sub("", t))
    t = clean(t)
    return _HYPHEN_SPACE.sub("", t)


def vocabulary(text: str) -> frozenset[str]:
    """Lower-cased words of a document, to tell a wrapped word from a real hyphenated one."""
    return frozenset(w.lower() for w in _WORD.findall(text))


def cell_text(raw: str, vocab: frozenset[str] = frozenset()) -> str:
    """A table cell: like `inline`; a hyphen left by the PDF's cell wrap is removed when the
    joined word occurs elsewhere in the document ("Gjennom-ført" -> "Gjennomført", while
    "ikke-finansielle" and "Fafo-rapport" stay)."""

    def join(m: re.Match[str]) -> str:
        word = m.group(0)
        return word.replace("-", "") if word.replace("-", "").lower() in vocab else word

    return _HYPHENATED.sub(join, inline(raw))


def footnote_number(raw: str) -> str | None:
    m = _FOOTNOTE.match(raw)
    return m.group(1) if m else None


def footnote_text(raw: str) -> str:
    """`<sup>4</sup> International ...` -> `[4] International ...`."""
    m = _FOOTNOTE.match(raw)
    if not m:
        return inline(raw)
    return f"[{m.group(1)}] {inline(raw[m.end():])}"


def sup_refs(raw: str) -> set[str]:
    return set(_SUP_REF.findall(raw))


def is_source(line: str, damaged_ok: bool = False) -> bool:
    return bool(SOURCE_RE.match(line) or (damaged_ok and _SOURCE_DAMAGED.match(line)))


def is_note(raw_line: str) -> bool:
    """`\\* Foreløpige tall`, `\\*\\*Videregående ...`: a star note under a table or figure."""
    s = raw_line.lstrip()
    return s.startswith("\\*") or (s.startswith("*") and not s.startswith("**") and not _EMPH.match(s))


def bold_line(raw_line: str) -> str | None:
    """The inner text of a line that is bold and nothing else."""
    m = _BOLD_LINE.match(raw_line)
    return m.group("inner").strip() if m else None


def caption_text(raw: str) -> str | None:
    """The cleaned caption if this one-line passage is a `Tabell N`/`Figur N` caption."""
    if "\n" in raw.strip():
        return None
    t = inline(raw)
    m = CAPTION_RE.match(t)
    if not m or len(t) > 320 or m.group("kind").lower() not in ("tabell", "figur"):
        return None
    return t


def terminated(text: str) -> bool:
    return bool(_TERMINAL.search(text))


def starts_lower(text: str) -> bool:
    return bool(text) and text[0].isalpha() and text[0].islower()


def words(text: str) -> int:
    return len(text.split())
