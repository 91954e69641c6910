"""Find where a piece of cleaned block text lies in the source.

Block text is cleaned (markup stripped, wraps and hyphenations joined, OCR
repaired), so an offset into it is not an offset into the source. Instead the
words of the block are aligned, in order, to the block's slice of the source;
words the cleaning changed are skipped and their neighbours carry the span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.records import Span

_WORD = re.compile(r"\w+")
# How far ahead a word may lie from the previous one (markup, URLs, footnotes in between).
_WINDOW = 600


@dataclass(frozen=True)
class Aligned:
    text_start: int
    text_end: int
    src_start: int
    src_end: int


def _find_word(source: str, word: str, lo: int, hi: int) -> int:
    i = source.find(word, lo, hi)
    while i >= 0:
        before = source[i - 1] if i > 0 else " "
        after = source[i + len(word)] if i + len(word) < len(source) else " "
        if not before.isalnum() and not after.isalnum():
            return i
        i = source.find(word, i + 1, hi)
    return -1


def align_words(text: str, source: str, span: Span) -> list[Aligned]:
    """Words of `text` found in order in `source[span.start:span.end]`."""
    out: list[Aligned] = []
    cur = span.start
    for m in _WORD.finditer(text):
        word = m.group(0)
        if len(word) < 2 and not word.isdigit():
            continue  # one-letter words match anywhere and would drag the cursor
        j = _find_word(source, word, cur, min(span.end, cur + _WINDOW))
        if j < 0:
            continue
        out.append(Aligned(m.start(), m.end(), j, j + len(word)))
        cur = j + len(word)
    return out


def locate(aligned: list[Aligned], start: int, end: int) -> Span | None:
    """Source span of the aligned words inside text[start:end], or None when none aligned."""
    inside = [a for a in aligned if a.text_start >= start and a.text_end <= end]
    if not inside:
        return None
    return Span(start=inside[0].src_start, end=inside[-1].src_end)


def covers_number(aligned: list[Aligned], start: int, end: int, number_text: str) -> bool:
    """True when every digit group of the number at text[start:end] was found in the source."""
    groups = re.findall(r"\d+", number_text)
    found = [a for a in aligned if a.text_start >= start and a.text_end <= end]
    return len(found) == len(groups) and bool(groups)
