"""Page evidence any text export may carry: form feeds, and numbers that behave like page numbers.

A number is taken as a page only when it behaves like one: it stands in a
line that repeats through the document with only the number changing (a
running footer or header, `12 / Årsrapport 2013`, `Side 4`), the numbers rise,
lie within the document's plausible length, and none is 0 or a year. Form
feeds are exact page breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text.years import is_year

# A running footer or header: the same line apart from its page number (`12 / Årsrapport 2013`, `Side 4 av 9`).
NUMBERED_FURNITURE_RE = re.compile(r"^(?:(?P<a>\d{1,4})\s*(?:/|\||–|-)?\s*(?P<t1>.*?)|(?P<t2>.*?)\s*(?:/|\||–|-)?\s*"
                                   r"(?P<b>\d{1,4})(?:\s+(?:av|of|/)\s+\d{1,4})?)$")
LINES_PER_PAGE_MIN = 8  # even a sparse page holds this many printed lines


@dataclass
class PageMark:
    line: int  # index of the footer/header line
    number: int
    kind: str  # "footer" (ends its page) or "header" (starts it)


def plausible_pages(n_lines: int, form_feeds: int) -> int:
    """The most pages a text of this length can hold."""
    if form_feeds:
        return form_feeds + 1
    return max(1, n_lines // LINES_PER_PAGE_MIN + 1)


def is_page_number(num: int, limit: int) -> bool:
    return 0 < num <= limit and not is_year(num)


def furniture_key(line: str) -> tuple[str, int] | None:
    """(the line with its number masked, the number) for a short line that could be a running footer."""
    s = line.strip().strip("-–— ")  # `- 3 -`
    if not s or len(s) > 80:
        return None
    m = NUMBERED_FURNITURE_RE.match(s)
    if not m:
        return None
    text = (m.group("t1") if m.group("a") else m.group("t2")) or ""
    if text and not re.search(r"[^\W\d_]", text):
        return None  # `2011 2012 2013`: a table header, not a footer
    return re.sub(r"\d", "#", text.strip()), int(m.group("a") or m.group("b"))


def furniture_marks(lines: list[str], limit: int) -> list[PageMark]:
    """Running footer/header lines whose numbers rise through the document, one per page."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for i, ln in enumerate(lines):
        got = furniture_key(ln)
        if got:
            groups.setdefault(got[0], []).append((i, got[1]))
    best: list[tuple[int, int]] = []
    for key, hits in groups.items():
        # a bare number needs more repeats than a titled footer to count as furniture
        if len(hits) < (4 if not key else 2):
            continue
        kept = [(i, n) for i, n in hits if is_page_number(n, limit)]
        rising = [kept[0]] if kept else []
        for i, n in kept[1:]:
            if n > rising[-1][1]:
                rising.append((i, n))
        if len(rising) >= 2 and len(rising) >= 0.8 * len(hits) and len(rising) > len(best):
            best = rising
    return [PageMark(i, n, "footer") for i, n in best]
