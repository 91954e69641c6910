"""Page evidence in the OCR export: a few printed page numbers, a running header, block starts.

* A line holding only a number (`38`) is the footer of that page: what comes
  just before it is on that page (`exact`).
* The running header (`IMDis årsrapport 2024`) after it is the top of the next page.
* A line starting with exactly one space is where the OCR began a new block,
  usually a new page but also after a figure. Counting them is good for a page
  or two next to an anchor (`estimated`); further away the count drifts, so
  the text between two anchors only gets their `range`, and text beyond the
  reach of any anchor stays `unknown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.records import PageRef
from ingest.formats.generic.evidence import is_page_number, plausible_pages
from ingest.pages import PageMap

PAGE_NUMBER = re.compile(r"^(\d{1,3})$")
RUNNING_HEADER = re.compile(r"^\s*IMDis\s+\S{0,2}rsrapport\s+20\d\d\s*$")
REACH = 2  # pages an estimate may lie from its anchor


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str  # without the newline

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def block_start(self) -> bool:
        """Exactly one leading space: the OCR started a new block (often a new page) here."""
        return self.text.startswith(" ") and not self.text.startswith("  ") and bool(self.text.strip())


def split_lines(text: str) -> list[Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def is_running_header(line: Line) -> bool:
    return bool(RUNNING_HEADER.match(line.text))


def anchors(lines: list[Line]) -> list[tuple[int, int]]:
    """(line index, page) of printed page numbers: increasing, not a chart axis value."""
    out: list[tuple[int, int]] = []
    last = 0
    limit = plausible_pages(len(lines), 0)
    for i, ln in enumerate(lines):
        m = PAGE_NUMBER.match(ln.text)
        if not m or int(m.group(1)) <= last or not is_page_number(int(m.group(1)), limit):
            continue
        if _numeric(_neighbour(lines, i, -1)) or _numeric(_neighbour(lines, i, 1)):
            continue  # axis ticks come in runs
        out.append((i, int(m.group(1))))
        last = int(m.group(1))
    return out


def _neighbour(lines: list[Line], i: int, step: int) -> Line | None:
    j = i + step
    while 0 <= j < len(lines):
        if not lines[j].blank:
            return lines[j]
        j += step
    return None


def _numeric(line: Line | None) -> bool:
    return line is not None and bool(re.fullmatch(r"\s*[\d\s.,%]+\s*", line.text))


def page_map(lines: list[Line]) -> tuple[PageMap, list[tuple[int, int]]]:
    """The PageMap the evidence supports, and the anchors it came from."""
    pm = PageMap()
    found = anchors(lines)
    if not found:
        return pm, found
    starts = sorted({i for i, ln in enumerate(lines) if ln.block_start or is_running_header(ln)})
    headers = [i for i, ln in enumerate(lines) if is_running_header(ln)]

    def off(i: int) -> int:
        return lines[i].start if i < len(lines) else lines[-1].end

    guesses: dict[tuple[int, int], set[int]] = {}

    def guess(a: int, b: int, page: int) -> None:
        if b > a:
            guesses.setdefault((a, b), set()).add(page)

    def next_start(i: int, limit: int) -> int:
        return next((s for s in starts if s > i), limit)

    prev_line, prev_page = -1, None
    for k, (line, page) in enumerate(found):
        nxt_line = found[k + 1][0] if k + 1 < len(found) else len(lines)
        # the header just after the number opens the next page
        header = next((h for h in headers if line < h <= line + 8), None)
        if prev_page is not None and page == prev_page + 1:
            first = next((h for h in headers if prev_line < h <= prev_line + 8), prev_line + 1)
            pm.add(off(first), lines[line].end, PageRef.exact(page))
        else:
            top = max([s for s in starts if prev_line < s < line] or [prev_line + 1])
            pm.add(off(top), lines[line].end, PageRef.exact(page))
            # earlier block starts: one page back each, while the count is still trustworthy
            before = [s for s in starts if prev_line < s < top][::-1]
            end = top
            for n, s in enumerate(before[:REACH], start=1):
                if prev_page is not None and page - n <= prev_page:
                    break
                guess(s, end, page - n)
                end = s
            if prev_page is not None and page - prev_page > 1:
                first = prev_line + 1
                pm.add(off(first), lines[line].end, PageRef.span_of(prev_page + 1, page))
        # after the number: the next page, then block starts forward
        if k + 1 < len(found) and found[k + 1][1] == page + 1:
            prev_line, prev_page = line, page
            continue
        begin = header if header is not None else next_start(line, nxt_line)
        if begin < nxt_line:
            stop = next_start(begin, nxt_line)
            if header is not None:
                pm.add(off(begin), off(stop), PageRef.exact(page + 1))
            else:
                guess(begin, stop, page + 1)
            at = stop
            for n in range(2, REACH + 2):
                if at >= nxt_line:
                    break
                if k + 1 < len(found) and page + n >= found[k + 1][1]:
                    break
                stop = next_start(at, nxt_line)
                guess(at, stop, page + n)
                at = stop
        prev_line, prev_page = line, page
    for (a, b), pages in guesses.items():
        ref = PageRef.estimated(next(iter(pages))) if len(pages) == 1 else PageRef.span_of(min(pages), max(pages))
        pm.add(off(a), off(b), ref)
    return pm, found
