"""Snippets with the query's terms in **bold**, and quotes trimmed for citations."""

from __future__ import annotations

import re

from text.tokenizer import NorwegianTokenizer

_WS = re.compile(r"\s+")


def matches(text: str, terms: set[str], tokenizer: NorwegianTokenizer) -> list[tuple[int, int]]:
    """Character ranges in `text` whose tokens are query terms (for text without stored offsets)."""
    return [(s, e) for tok, s, e in tokenizer.analyze(text) if tok in terms]


def merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges, joined when only spaces separate them (so "**bosatt innen**" is one bold run)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and (out[-1][1] >= s or not text[out[-1][1]:s].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def snippet(text: str, spans: list[tuple[int, int]], width: int = 280) -> str:
    """About `width` characters around the densest run of the matched `spans`, those in **bold**."""
    spans = merge(text, spans)
    if not spans:
        start, end = 0, min(len(text), width)
    else:
        best, best_count = 0, -1
        j = 0
        for i, (s, _) in enumerate(spans):  # window [s, s + width): count the matches inside
            j = max(j, i)
            while j + 1 < len(spans) and spans[j + 1][1] <= s + width:
                j += 1
            if j - i + 1 > best_count:
                best, best_count = i, j - i + 1
        lead = min(60, width // 4)
        start = max(0, spans[best][0] - lead)
        end = min(len(text), start + width)
    start, end = _cut(text, start, end)
    parts: list[str] = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts += [text[pos:s], "**", text[s:e], "**"]
        pos = e
    parts.append(text[pos:end])
    body = _WS.sub(" ", "".join(parts)).strip()
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


def trim_quote(text: str, limit: int = 400, focus: int | None = None) -> str:
    """The source passage, cut at a word boundary near `limit` characters; where what is cited stands past that
    (`focus`, an offset into `text`), about `limit` characters around it instead, so the quote shows it."""
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    head = cut if cut > limit // 2 else limit
    if focus is None or focus - lead < head - limit // 8:
        return text[:head].rstrip() + " …"
    at = focus - lead
    lo = max(0, at - limit // 2)
    space = text.find(" ", lo, at)
    start = space + 1 if lo and space >= 0 else lo
    end = text.rfind(" ", at, start + limit)
    end = end if end > at else min(len(text), start + limit)
    return ("… " if start > 0 else "") + text[start:end].strip() + (" …" if end < len(text) else "")
