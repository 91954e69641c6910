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

from ingest.formats.detect import NUMBERED_FURNITURE_RE

YEAR_RE = re.compile(r"^(?:1[89]|20)\d\d$")
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
    return 0 < num <= limit and not YEAR_RE.match(str(num))


def furniture_marks(lines: list[str], limit: int) -> list[PageMark]:
    """Running footer/header lines whose numbers rise through the document, one per page."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for i, ln in enumerate(lines):
        s = ln.strip()
        if not s or len(s) > 80:
            continue
        m = NUMBERED_FURNITURE_RE.match(s)
        if not m:
            continue
        num = int(m.group("a") or m.group("b"))
        text = (m.group("t1") if m.group("a") else m.group("t2")) or ""
        if text and not re.search(r"[^\W\d_]", text):
            continue  # `2011 2012 2013`: a table header, not a footer
        groups.setdefault(re.sub(r"\d", "#", text.strip()), []).append((i, num))
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


def assign_footer_side(lines: list[str], marks: list[PageMark]) -> list[PageMark]:
    """A mark followed by more of its page's text than precedes it is a header, else a footer."""
    out = []
    for m in marks:
        before = next((k for k in range(m.line - 1, max(-1, m.line - 4), -1) if lines[k].strip()), None)
        after = next((k for k in range(m.line + 1, min(len(lines), m.line + 4)) if lines[k].strip()), None)
        kind = "header" if before is None and after is not None else "footer"
        out.append(PageMark(m.line, m.number, kind))
    return out
