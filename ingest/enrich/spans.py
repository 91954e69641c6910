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
# After an interruption longer than that, the alignment goes on where this many words after the lost one stand
# in order, each within _NEAR characters of the one before.
_RESYNC = 3
_NEAR = 40


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
        # a footnote mark printed onto a word (`mottak7`, `prosent47`) does not make it another word
        if not before.isalnum() and (not after.isalnum() or (after.isdigit() and word.isalpha())):
            return i
        i = source.find(word, i + 1, hi)
    return -1


def align_words(text: str, source: str, span: Span) -> list[Aligned]:
    """Words of `text` found in order in `source[span.start:span.end]`."""
    # one-letter words match anywhere and would drag the cursor
    words = [m for m in _WORD.finditer(text) if len(m.group(0)) > 1 or m.group(0).isdigit()]
    out: list[Aligned] = []
    cur = span.start
    for i, m in enumerate(words):
        word = m.group(0)
        j = _find_word(source, word, cur, min(span.end, cur + _WINDOW))
        if j < 0:
            j = _resync(source, [w.group(0) for w in words[i:i + 1 + _RESYNC]], cur, span.end)
        if j < 0:
            continue
        out.append(Aligned(m.start(), m.end(), j, j + len(word)))
        cur = j + len(word)
    return out


def _resync(source: str, run: list[str], cur: int, end: int) -> int:
    """Where the text goes on after a long interruption (a page's footnotes and links inside a paragraph):
    the first place past the window where `run` (this word and the next few) stands in order, word after
    word. Only when the next word is not found near the cursor either, so a word the cleaning changed
    does not send the alignment to a later repetition of its phrase."""
    if len(run) <= _RESYNC:
        return -1  # too near the end to be sure of the place
    if _find_word(source, run[1], cur, min(end, cur + _WINDOW)) >= 0:
        return -1
    j = _find_word(source, run[0], cur + _WINDOW, end)
    while j >= 0:
        k = j + len(run[0])
        for word in run[1:]:
            at = _find_word(source, word, k, min(end, k + _NEAR))
            if at < 0:
                break
            k = at + len(word)
        else:
            return j
        j = _find_word(source, run[0], j + 1, end)
    return -1


def locate(aligned: list[Aligned], start: int, end: int) -> Span | None:
    """Source span of the aligned words inside text[start:end], or None when none aligned."""
    inside = [a for a in aligned if a.text_start >= start and a.text_end <= end]
    if not inside:
        return None
    return Span(start=inside[0].src_start, end=inside[-1].src_end)


def covers_number(aligned: list[Aligned], start: int, end: int, number_text: str) -> bool:
    """True when every digit group of the number at text[start:end] was found in the source."""
    groups = re.findall(r"\d+", number_text)
    # only the digit groups count: a range's word (`1 500 og 1 700`, `15 til 18`) is aligned too
    found = [a for a in aligned if a.text_start >= start and a.text_end <= end
             and number_text[a.text_start - start:a.text_end - start].isdigit()]
    return len(found) == len(groups) and bool(groups)
