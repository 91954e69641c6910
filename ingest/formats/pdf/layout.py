"""PDF page layout: text lines with their font style, document font statistics, running headers/footers."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from text.clean import join_lines
from text.numbers import parse_cell

# Word gaps relative to the font size: pdfplumber's fixed 3 pt glues words of tightly
# justified small text together ("Permissionisgrantedtocopy") when a PDF has no space glyphs.
TEXT_TOLERANCE: dict[str, float] = {"x_tolerance_ratio": 0.15}
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|\bdemi", re.I)
# A gap wider than this many font sizes separates two table-like columns on one line.
_COLUMN_GAP_EM = 0.9
_PAGE_NUMBER = re.compile(r"^(?:(?:side|s\.|page)\s*)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:av|/|of)\s*\d{1,4})?$", re.I)
# "IMDi årsrapport – side 3", "Årsrapport 2020 | s. 4": a running line that ends in its page number
_PAGE_LABEL = re.compile(r"(?:^|[\s–—|-])(?:side|s\.|page)\s*\d{1,4}(?:\s*(?:av|/|of)\s*\d{1,4})?$", re.I)
_MISSING_CELL = {"-", "–", "—", "..", "...", ":", "x", "*"}
# "-\n og" keeps its hyphen: "integrerings- og mangfoldsdirektoratet"
_SUSPENDED_HYPHEN = re.compile(r"(\w)-[ \t]*\n[ \t]*(?=(?:og|eller|samt|til|enn)\b)")
# "Nord-\nNorge", "IMDi-\nkontor": the hyphen belongs to the word
_KEPT_HYPHEN = re.compile(r"(\w)-[ \t]*\n[ \t]*(?=[A-ZÆØÅ0-9])")
# "IMDi-\nkontor", "2020-\ntallet": after an acronym or a number the hyphen is a real one
_ACRONYM_HYPHEN = re.compile(r"(\b\w+[A-ZÆØÅ0-9]\w*)-[ \t]*\n[ \t]*(?=\w)")


@dataclass
class Segment:
    """A run of text on a line with no wide gap inside: a cell candidate for unruled tables."""

    x0: float
    x1: float
    text: str

    @property
    def numeric(self) -> bool:
        t = self.text.strip()
        return t in _MISSING_CELL or parse_cell(t).value is not None


@dataclass
class Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    segments: list[Segment] = field(default_factory=list)
    furniture: bool = False  # running header/footer or a bare page number
    band: int = 0  # on a two-column page: the stretch between full-width lines
    column: int = 0  # 0 left (or the only column), 1 right, 2 a full-width line ending its band

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)

    @property
    def style(self) -> tuple[float, bool]:
        return (round(self.size * 2) / 2, self.bold)


def is_bold(fontname: str) -> bool:
    # Subset prefixes ("MPDFAA+DejaVuSans-Bold") do not matter for the search.
    return bool(_BOLD_FONT.search(fontname or ""))


def make_line(page_no: int, raw: dict[str, Any]) -> Line | None:
    """A `Line` from one `extract_text_lines` entry (with its chars), or None for a blank line."""
    text = raw["text"].strip()
    chars = [c for c in raw.get("chars", []) if not c["text"].isspace()]
    if not text or not chars:
        return None
    size = statistics.median(float(c["size"]) for c in chars)
    bold = sum(is_bold(c.get("fontname", "")) for c in chars) >= 0.7 * len(chars)
    return Line(page=page_no, text=text, x0=float(raw["x0"]), x1=float(raw["x1"]), top=float(raw["top"]),
                bottom=float(raw["bottom"]), size=size, bold=bold,
                segments=segments(raw.get("chars", []), size))


def segments(chars: list[dict[str, Any]], size: float) -> list[Segment]:
    """Split a line's chars where the horizontal gap is wider than a column gap."""
    out: list[Segment] = []
    cur: list[dict[str, Any]] = []
    limit = _COLUMN_GAP_EM * size
    for ch in sorted(chars, key=lambda c: c["x0"]):
        if cur and ch["x0"] - cur[-1]["x1"] > limit:
            out.append(_segment(cur))
            cur = []
        cur.append(ch)
    if cur:
        out.append(_segment(cur))
    return [s for s in out if s.text]


def _segment(chars: list[dict[str, Any]]) -> Segment:
    ink = [c for c in chars if not c["text"].isspace()] or chars
    return Segment(x0=min(c["x0"] for c in ink), x1=max(c["x1"] for c in ink),
                   text="".join(c["text"] for c in chars).strip())


# -- document statistics ------------------------------------------------------

@dataclass
class FontStats:
    body_size: float  # the size most characters are set in
    pitch: dict[float, float]  # typical distance top-to-top between lines of one paragraph, per size

    def line_pitch(self, size: float) -> float:
        key = round(size * 2) / 2
        return self.pitch.get(key, 1.25 * size)


def font_stats(pages: list[list[Line]]) -> FontStats:
    weight: Counter[float] = Counter()
    for lines in pages:
        for ln in lines:
            weight[round(ln.size * 2) / 2] += len(ln.text)
    body = weight.most_common(1)[0][0] if weight else 10.0
    steps: dict[float, list[float]] = defaultdict(list)
    for lines in pages:
        for a, b in zip(lines, lines[1:], strict=False):
            if abs(a.size - b.size) < 0.3 and 0 < b.top - a.top < 3 * a.size:
                steps[round(a.size * 2) / 2].append(b.top - a.top)
    # The lower quartile: most line steps inside a paragraph are the tightest ones.
    pitch = {k: _quantile(v, 0.25) for k, v in steps.items() if len(v) >= 2}
    return FontStats(body_size=body, pitch=pitch)


def _quantile(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


# -- running headers and footers ---------------------------------------------

def _furniture_key(text: str) -> str:
    """Header/footer identity modulo page numbers: 'IMDi årsrapport – side 3' -> 'imdi årsrapport – side #'."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def mark_furniture(pages: list[list[Line]], heights: list[float], zone: float = 0.09, edge_lines: int = 3) -> None:
    """Flag running headers/footers and bare page numbers at the top or bottom of pages.

    A candidate must be among the first/last `edge_lines` lines of its page and
    within the top/bottom `zone` of the page height, so body text that happens
    to repeat is left alone. It is furniture when its text (digits aside)
    recurs on three pages (two in a short document), or when it ends in the
    printed page number on three pages with the same offset to the PDF page:
    chapter running heads ("Kapittel 3 Resultater 23") change text, not offset.
    """
    def edge(lines: list[Line], height: float) -> list[Line]:
        top = [ln for ln in lines[:edge_lines] if ln.bottom <= zone * height]
        bottom = [ln for ln in lines[-edge_lines:] if ln.top >= (1 - zone) * height]
        return top + [ln for ln in bottom if ln not in top]

    candidates = [edge(lines, h) for lines, h in zip(pages, heights, strict=True)]
    counts: Counter[str] = Counter()
    offsets: Counter[int] = Counter()
    for lines in candidates:
        counts.update({_furniture_key(ln.text) for ln in lines})
        offsets.update({off for ln in lines if (off := _page_offset(ln)) is not None})
    n = len(pages)
    for lines in candidates:
        for ln in lines:
            c = counts[_furniture_key(ln.text)]
            text = ln.text.strip()
            off = _page_offset(ln)
            if (_PAGE_NUMBER.match(text) or _PAGE_LABEL.search(text) or c >= 3 or (n >= 2 and c >= 2 and c >= 0.4 * n)
                    or (off is not None and offsets[off] >= 3)):
                ln.furniture = True


def _page_offset(ln: Line) -> int | None:
    """PDF page minus the number a line ends with (the printed page number, if it is one)."""
    m = re.search(r"(?<![\d.,])(\d{1,4})$", ln.text.strip())
    return ln.page - int(m.group(1)) if m else None


# -- text clean-up ------------------------------------------------------------

def join_wrapped(lines: list[str]) -> str:
    """Join a paragraph's lines: hyphenated line ends joined, suspended hyphens and 'Nord-Norge' kept."""
    t = "\n".join(s.strip() for s in lines).replace("\u00ad\n", "").replace("\u00ad", "")
    t = _SUSPENDED_HYPHEN.sub(r"\1- ", t)
    t = _KEPT_HYPHEN.sub(r"\1-", t)
    t = _ACRONYM_HYPHEN.sub(r"\1-", t)
    return join_lines(t)


# -- two text columns ------------------------------------------------------------

def _prose(seg: Segment) -> bool:
    return len(seg.text) >= 12 and sum(ch.isalpha() for ch in seg.text) >= 0.6 * len(seg.text)


def gutter(lines: list[Line]) -> float | None:
    """The x between two text columns, when many lines are two runs of prose with a wide gap between."""
    pairs = [ln for ln in lines if len(ln.segments) == 2 and all(_prose(g) for g in ln.segments)]
    long = [ln for ln in lines if len(ln.text) > 30]
    if len(pairs) < 5 or len(pairs) < 0.4 * len(long):
        return None
    mids = sorted((ln.segments[0].x1 + ln.segments[1].x0) / 2 for ln in pairs)
    return mids[len(mids) // 2]


def _cut_after(text: str, ink: int) -> int:
    """Index in `text` just after its first `ink` printed characters (segment texts lack the spaces)."""
    seen = 0
    for k, ch in enumerate(text):
        if not ch.isspace():
            seen += 1
            if seen == ink:
                return k + 1
    return len(text)


def split_columns(lines: list[Line]) -> list[Line]:
    """Lines of a two-column page cut at the gutter and given a reading order (band, column, top).

    pdfplumber reads a line across both columns; cutting it at the gutter and
    reading each band's left column before its right one restores the text.
    """
    x = gutter(lines)
    if x is None:
        return lines
    out: list[Line] = []
    for ln in lines:
        segs = ln.segments
        if len(segs) >= 2 and segs[0].x1 < x < segs[-1].x0 and not any(g.x0 < x < g.x1 for g in segs):
            left = [g for g in segs if g.x1 < x]
            right = [g for g in segs if g.x0 > x]
            cut = _cut_after(ln.text, sum(len(g.text.replace(" ", "")) for g in left))
            for col, part, text in ((0, left, ln.text[:cut]), (1, right, ln.text[cut:])):
                out.append(replace(ln, text=text.strip(), x0=part[0].x0, x1=part[-1].x1, segments=part, column=col))
        else:
            col = 0 if ln.x1 <= x else 1 if ln.x0 >= x else 2
            out.append(replace(ln, column=col))
    full = sorted(ln.top for ln in out if ln.column == 2)
    for ln in out:
        ln.band = sum(t < ln.top for t in full)
    return out
