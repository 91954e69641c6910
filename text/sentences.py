"""Sentences of cleaned text: where a passage's sentences and list lines start and end.

Written by hand rather than with spaCy's sentencizer: the cleaned exports keep a line break only
between list items and table rows, which must end a sentence, and Norwegian abbreviations
("kap.", "mill.", "1. oktober") must not; both are one regex and a word list.
"""

from __future__ import annotations

import re

MONTHS = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
_BOUNDARY = re.compile(r"[.!?](?=\s|$)|\n")
ABBREVIATIONS = frozenset("kap nr mill mrd jf bl.a ca pkt st dvs f.eks inkl ev mv osv evt iht pst".split())
_MONTH_AHEAD = re.compile(rf"\s+({MONTHS})\b", re.I)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line of `text`, leading spaces left out.

    A full stop after a day number ("1. oktober") or a short abbreviation ("kap.", "mill.") ends nothing.
    """
    out, pos = [], 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0) == ".":
            before = text[max(pos, m.start() - 8):m.start()].split()
            word = before[-1].lower() if before else ""
            if word in ABBREVIATIONS or (word.isdigit() and len(word) <= 2 and _MONTH_AHEAD.match(text, m.end())):
                continue
            if m.end() < len(text) and text[m.end():m.end() + 3].strip()[:1].islower():
                continue  # "ca. 20", "mill. kroner": the sentence goes on
        end = m.start() if m.group(0) == "\n" else m.end()
        if text[pos:end].strip():
            lead = len(text[pos:end]) - len(text[pos:end].lstrip())
            out.append((pos + lead, end))
        pos = m.end()
    if text[pos:].strip():
        lead = len(text[pos:]) - len(text[pos:].lstrip())
        out.append((pos + lead, len(text)))
    return out
