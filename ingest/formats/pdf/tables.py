"""Tables in a PDF page: ruled ones from drawn lines, unruled ones only where lines look like a numeric grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.formats.pdf.layout import TEXT_TOLERANCE, Line, join_wrapped
from text.numbers import parse_cell

# Text-strategy settings for a crop that holds only the candidate rows: blanks kept so
# "6 120" and "Andel bosatt innen 6 måneder" stay one word each.
_TEXT_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "text",
    "horizontal_strategy": "text",
    "text_keep_blank_chars": True,
    "text_x_tolerance_ratio": TEXT_TOLERANCE["x_tolerance_ratio"],
}
_LONG_CELL = 200  # characters: a "table" of such cells is a bordered text box


@dataclass
class Grid:
    """A table found on a page: cleaned cell texts, first row the header."""

    page: int
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom
    rows: list[list[str]]
    ruled: bool

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]


def clean_rows(raw: list[list[str | None]]) -> list[list[str]]:
    """Cell texts joined across wraps; empty rows and columns dropped."""
    rows = [[join_wrapped((c or "").splitlines()) for c in r] for r in raw]
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    keep = [j for j in range(width) if any(r[j] for r in rows)]
    return [[r[j] for j in keep] for r in rows]


def ruled_tables(page: Any, page_no: int) -> list[Grid]:
    """Tables drawn with lines or filled cells (pdfplumber's default strategy)."""
    out = []
    for t in page.find_tables():
        rows = clean_rows(t.extract(**TEXT_TOLERANCE))
        if _plausible_ruled(rows):
            out.append(Grid(page=page_no, bbox=tuple(t.bbox), rows=rows, ruled=True))
    return out


def _plausible_ruled(rows: list[list[str]]) -> bool:
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    cells = [c for r in rows for c in r if c]
    # a frame around prose, not a table
    return sum(len(c) > _LONG_CELL for c in cells) <= 0.3 * len(cells)


def unruled_tables(page: Any, page_no: int, lines: list[Line], n_pages: int) -> list[Grid]:
    """Tables without borders, only where consecutive lines split into aligned, mostly numeric columns."""
    out = []
    for run in _candidate_runs(lines):
        x0 = min(ln.x0 for ln in run) - 1
        x1 = max(ln.x1 for ln in run) + 1
        top = min(ln.top for ln in run) - 1
        bottom = max(ln.bottom for ln in run) + 1
        bbox = (max(x0, page.bbox[0]), max(top, page.bbox[1]), min(x1, page.bbox[2]), min(bottom, page.bbox[3]))
        for t in page.crop(bbox).find_tables(_TEXT_SETTINGS):
            rows = clean_rows(t.extract(**TEXT_TOLERANCE))
            if _plausible_grid(rows, n_pages):
                out.append(Grid(page=page_no, bbox=tuple(t.bbox), rows=rows, ruled=False))
    return out


def _row_like(ln: Line) -> bool:
    return len(ln.segments) >= 2 and any(s.numeric for s in ln.segments[1:])


def _aligned(a: Line, b: Line) -> bool:
    """Every value column of `b` overlaps a value column of `a` (left, right or centre aligned)."""
    cols = a.segments[1:]
    return all(any(s.x0 - 2 <= c.x1 and c.x0 - 2 <= s.x1 for c in cols) for s in b.segments[1:])


def _candidate_runs(lines: list[Line]) -> list[list[Line]]:
    runs: list[list[Line]] = []
    cur: list[Line] = []
    for ln in lines:
        if ln.furniture:
            continue
        close = bool(cur) and ln.top - cur[-1].bottom < 2.5 * ln.height
        if _row_like(ln) and (not cur or (close and _aligned(cur[-1], ln))):
            cur.append(ln)
            continue
        if len(cur) >= 2:
            runs.append(cur)
        cur = [ln] if _row_like(ln) else []
    if len(cur) >= 2:
        runs.append(cur)
    # a text header row ("Gruppe  Kvinner  Menn") just above the numeric rows
    for run in runs:
        i = lines.index(run[0])
        if i > 0:
            head = lines[i - 1]
            if (len(head.segments) >= 2 and not head.furniture and run[0].top - head.bottom < 2.5 * head.height
                    and _aligned(head, run[0])):
                run.insert(0, head)
    return runs


def _plausible_grid(rows: list[list[str]], n_pages: int) -> bool:
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    data = [c for r in rows[1:] for c in r[1:] if c]
    numeric = [c for c in data if parse_cell(c).value is not None or c in {"-", "–", ".."}]
    if len(numeric) < 2 or len(numeric) < 0.5 * len(data):
        return False
    return not _looks_like_toc(rows, n_pages)


def _looks_like_toc(rows: list[list[str]], n_pages: int) -> bool:
    """A table of contents without dot leaders: one column of rising page numbers."""
    if len(rows[0]) != 2:
        return False
    values = [parse_cell(r[1]).value for r in rows]
    if any(v is None or v != int(v) for v in values):
        return False
    ints = [int(v) for v in values if v is not None]
    return ints == sorted(ints) and max(ints) <= n_pages


def inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    """Whether a char's centre lies in one of the boxes."""
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)


def linearise(rows: list[list[str]]) -> str:
    """Readable table text: each row as 'label – column: value, column: value'."""
    header, body = rows[0], rows[1:]
    out = []
    for r in body:
        pairs = [f"{h}: {c}" if h else c for h, c in zip(header[1:], r[1:], strict=True) if c]
        label = r[0] or header[0]
        out.append(f"{label} – {', '.join(pairs)}" if pairs else label)
    return "\n".join(out)
