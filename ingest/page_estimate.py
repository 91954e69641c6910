"""Best-estimate pages between page anchors, from text density calibrated per document.

A document's page evidence is reduced to pins: "page P begins at source offset X". Exact pins
come from two exact pages printed next to each other (a footer, a page number with the header
after it); soft pins from evidence that gives a page start but not for certain (a TOC entry,
a repeated table header, a counted page start). Between two pins the page advances in
proportion to a weighted text mass, whose weights are fitted by least squares on the stretches
between exact pins of the same document: tables, figures (seen only as captions) and headings
take space differently from running prose. Outside the pins the fitted pages-per-mass rate
extrapolates. The error bound of an estimate is the measured 90th percentile for its kind of
stretch (`eval/page_error.py` writes `ingest/page_error.json`).
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

ERROR_TABLE = Path(__file__).parent / "page_error.json"

# Text mass of one block: characters by kind plus a fixed cost per block, figure and heading.
FEATURES = ("text", "footnote", "table", "block", "figure", "table_block", "heading", "gap", "lines")
# Characters-of-prose equivalents each feature is worth before fitting (a figure image is about
# a third of a page with only its caption left in the text).
# Source line breaks count too: exports that keep the printed lines (pdftotext, OCR) show the
# vertical space a short line or a blank line takes.
PRIOR = np.array([1.0, 0.75, 1.2, 60.0, 900.0, 250.0, 150.0, 0.2, 30.0])
RIDGE = 4.0  # pages²: how much a stretch must disagree before a weight moves far from its prior
CHARS_PER_PAGE = 2800.0  # a rate for a document without any stretch to calibrate on
SOFT_SLACK = 2  # pages a soft pin may be off: the measured p90 of stretches next to one (ingest/page_error.json)
BUCKETS = (1, 3, 6, 12)  # pages from the nearest pin; farther is the last bucket "inf"


@dataclass(frozen=True)
class Item:
    """One block of text (or a heading) with its source span."""

    start: int
    end: int
    kind: str  # paragraph, list, footnote, table, caption, heading
    chars: int

    def features(self) -> np.ndarray:
        f = np.zeros(len(FEATURES))
        if self.kind == "footnote":
            f[1] = self.chars
        elif self.kind == "table":
            f[2] = self.chars
            f[5] = 1
        else:
            f[0] = self.chars
        f[3] = 1
        if self.kind == "caption":
            f[4] = 1
        if self.kind == "heading":
            f[6] = 1
        return f


@dataclass(frozen=True)
class Pin:
    """Page `page` begins at source offset `offset`; `source` is the evidence (exact, bottom, soft)."""

    offset: int
    page: int
    exact: bool
    source: str = ""

    @property
    def kind(self) -> str:
        return "exact" if self.exact else (self.source or "soft")


@dataclass(frozen=True)
class Estimate:
    coord: float  # continuous page position: 63.4 is 40 % down page 63
    mode: str  # "exact" (between two exact pins), "soft" (a soft pin on a side), "extrapolated", "none",
    # "spread" (before the first pin, with more text than the pages before it hold at the rate: see _coords)
    # (snapped page bottoms refine the position but do not name the stretch)
    distance: float  # pages to the nearest pin used
    # the pages the evidence itself leaves open: after the pin before (or page 1), up to the pin after
    # (or the document's last page, where it is known); no bound shown claims more than this
    lo: int = 1
    hi: int | None = None

    @property
    def page(self) -> int:
        page = max(self.lo, math.floor(self.coord + 1e-6))  # a passage opening a page is on that page
        return page if self.hi is None else min(page, self.hi)

    def bounded(self, bound: int) -> int:
        """The measured bound, narrowed to the pages the evidence leaves open around this estimate."""
        if self.hi is None:
            return bound
        return min(bound, max(self.page - self.lo, self.hi - self.page))

    @property
    def bucket(self) -> str:
        return bucket_of(self.distance)


def newline_offsets(text: str) -> np.ndarray:
    """Offsets of every line break in `text`, for the line feature."""
    return np.flatnonzero(np.frombuffer(text.encode("utf-32-le"), dtype="<u4") == 10)


def bucket_of(distance: float) -> str:
    for b in BUCKETS:
        if distance <= b:
            return str(b)
    return "inf"


class Mass:
    """Cumulative feature vectors along the source: F(x) sums every item's features up to offset x."""

    def __init__(self, items: Sequence[Item], n_chars: int, newlines: np.ndarray | None = None):
        items = sorted((i for i in items if i.end > i.start), key=lambda i: i.start)
        self.starts = np.array([i.start for i in items], dtype=float)
        self.ends = np.array([i.end for i in items], dtype=float)
        self.feats = np.array([i.features() for i in items]).reshape(len(items), len(FEATURES))
        # covered characters, to count the gaps between items (blank lines, figure debris, furniture)
        merged: list[list[int]] = []
        for i in items:
            if merged and i.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], i.end)
            else:
                merged.append([i.start, i.end])
        self.cov = np.array(merged, dtype=float).reshape(-1, 2)
        self.n_chars = n_chars
        self.newlines = np.zeros(0) if newlines is None else newlines

    def at(self, offsets: Sequence[int] | np.ndarray) -> np.ndarray:
        x = np.asarray(offsets, dtype=float)[:, None]
        frac = np.clip((x - self.starts) / np.maximum(self.ends - self.starts, 1.0), 0.0, 1.0)
        out = frac @ self.feats
        covered = np.clip(x - self.cov[:, 0], 0.0, self.cov[:, 1] - self.cov[:, 0]).sum(axis=1)
        out[:, FEATURES.index("gap")] = x[:, 0] - covered
        out[:, FEATURES.index("lines")] = np.searchsorted(self.newlines, x[:, 0])
        return out


def clean_pins(pins: Sequence[Pin]) -> list[Pin]:
    """Pins in source order with strictly increasing pages; an exact pin wins over a soft one it contradicts."""
    out: list[Pin] = []
    for p in sorted(pins, key=lambda p: (p.offset, not p.exact)):
        if out and p.offset == out[-1].offset:
            continue
        if out and p.page <= out[-1].page:
            if p.exact and not out[-1].exact:
                out.pop()
                while out and p.page <= out[-1].page and not out[-1].exact:
                    out.pop()
                if out and p.page <= out[-1].page:
                    continue
            else:
                continue
        out.append(p)
    return out


def fit_weights(mass: Mass, pins: Sequence[Pin], ridge: float = RIDGE, uniform: bool = False) -> np.ndarray:
    """Pages per unit of each feature, from the stretches between consecutive exact pins.

    The overall rate comes from all stretches (soft ones too when there is no exact stretch);
    the relative weights move from PRIOR only as far as the exact stretches ask (ridge).
    `uniform` gives the straight line: every source character weighs the same.
    """
    prior = np.zeros(len(FEATURES))
    if uniform:
        prior[[0, 1, 2, FEATURES.index("gap")]] = 1.0
    else:
        prior = PRIOR.copy()
    pins = clean_pins(pins)
    pairs = [(a, b) for a, b in zip(pins, pins[1:], strict=False) if b.page > a.page]
    exact_pairs = [(a, b) for a, b in pairs if a.exact and b.exact]
    use = exact_pairs or pairs
    if not use:
        return prior / CHARS_PER_PAGE
    f = mass.at([o for a, b in use for o in (a.offset, b.offset)])
    d_f = f[1::2] - f[0::2]
    d_p = np.array([b.page - a.page for a, b in use], dtype=float)
    base = d_f @ prior
    if base.sum() <= 0:
        return prior / CHARS_PER_PAGE
    theta0 = prior * d_p.sum() / base.sum()
    if uniform or len(exact_pairs) < 2:
        return theta0
    x = d_f * theta0  # columns: pages each feature contributes at the prior weights
    active = x.sum(axis=0) > 0
    xa = x[:, active]
    k = xa.shape[1]
    a = np.vstack([xa, math.sqrt(ridge) * np.eye(k)])
    y = np.concatenate([d_p, math.sqrt(ridge) * np.ones(k)])
    r = nonneg_lstsq(a, y)
    mult = np.ones(len(FEATURES))
    mult[active] = r
    return theta0 * mult


def nonneg_lstsq(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares with every coefficient ≥ 0 (a weight of negative pages per character means nothing)."""
    free = np.ones(a.shape[1], dtype=bool)
    r = np.zeros(a.shape[1])
    while free.any():
        sol, *_ = np.linalg.lstsq(a[:, free], y, rcond=None)
        if (sol >= 0).all():
            r[free] = sol
            break
        idx = np.flatnonzero(free)
        free[idx[sol < 0]] = False
    return r


class PageEstimator:
    """Continuous page position of any source offset from a document's pins and fitted weights.

    `bottoms` are offsets where some page ends (a footnote area closes it) without a number: once
    the pins have placed them roughly, each is snapped to a whole page boundary (increasing, and
    between its neighbouring pins) and becomes a pin of its own.
    """

    def __init__(self, items: Sequence[Item], pins: Sequence[Pin], n_chars: int, newlines: np.ndarray | None = None,
                 uniform: bool = False, bottoms: Sequence[int] = (), theta: np.ndarray | None = None):
        self.mass = Mass(items, n_chars, newlines)
        # `theta`: weights fitted elsewhere in the same document, for a stretch with too few pins of its own
        self.theta = fit_weights(self.mass, pins, uniform=uniform) if theta is None else theta
        self._set_pins(clean_pins(pins))
        self.anchors = list(self.pins)
        self.reach = (0, 2**62)  # the source stretch whose page numbering the pins speak for
        self.last_page: int | None = None  # the document's last page, where the export shows it (form feeds)
        self.anchor_offsets = [p.offset for p in self.anchors]
        if bottoms and self.pins:
            snapped = self._snap(sorted(set(bottoms)))
            if snapped:
                self._set_pins(clean_pins([*self.pins, *snapped]))

    def _set_pins(self, pins: list[Pin]) -> None:
        self.pins = pins
        self.pin_mass = self.mass.at([p.offset for p in pins]) @ self.theta if pins else np.zeros(0)
        self.pin_offsets = [p.offset for p in pins]

    def _snap(self, bottoms: list[int]) -> list[Pin]:
        """Whole page numbers for the bottoms between each pair of pins (least squares, increasing)."""
        out: list[Pin] = []
        coords = self._coords(bottoms)
        bounds = [None, *self.pins, None]
        for a, b in zip(bounds, bounds[1:], strict=False):
            lo_off = a.offset if a else -1
            hi_off = b.offset if b else math.inf
            idx = [i for i, o in enumerate(bottoms) if lo_off < o < hi_off - MIN_GAP]
            if not idx:
                continue
            lo = (a.page + 1) if a else 2
            cs = [coords[i] for i in idx]
            hi = (b.page - 1) if b else math.ceil(max(cs)) + len(idx) + 2
            pages = snap_subset(cs, lo, hi, DROP_COST)
            # a sign that fits no page near its estimate is not a page break (a figure label, an indent)
            out += [Pin(bottoms[i], m, False, "bottom") for i, m in zip(idx, pages, strict=True) if m is not None]
        return out

    def at(self, offsets: Sequence[int]) -> list[Estimate]:
        """Estimates at `offsets`: position from all pins (snapped bottoms too); the kind of stretch and the
        distance from the pins the evidence itself gave (a snapped bottom is only as good as they are)."""
        if not self.pins:
            return [Estimate(0.0, "none", math.inf) for _ in offsets]
        coords = self._coords(offsets)
        exact = [p for p in self.anchors if p.exact]
        out = []
        for x, coord in zip(offsets, coords, strict=True):
            j = bisect.bisect_right(self.anchor_offsets, x)
            a = self.anchors[j - 1] if j > 0 else None
            b = self.anchors[j] if j < len(self.anchors) else None
            lo, hi = self._open_pages(x, exact)
            if a is not None and b is not None:
                mode = "exact" if a.exact and b.exact else "soft"
                out.append(Estimate(coord, mode, max(0.0, min(coord - a.page, b.page - coord)), lo, hi))
            else:
                near = a if a is not None else b
                assert near is not None
                mode = "spread" if a is None and self.front_spread() else "extrapolated"
                out.append(Estimate(coord, mode, abs(coord - near.page), lo, hi))
        return out

    def _open_pages(self, x: int, exact: list[Pin]) -> tuple[int, int | None]:
        """The pages the evidence leaves open at `x`: from the page start before it (or page 1) to the page
        before the page start after it (or the last page, where known). A soft pin (a TOC entry, a counted
        page) is an estimate itself: it narrows only by its own measured slack."""
        j = bisect.bisect_right([p.offset for p in exact], x)
        lo = exact[j - 1].page if j > 0 else 1
        hi = exact[j].page - 1 if j < len(exact) else self.last_page
        k = bisect.bisect_right(self.anchor_offsets, x)
        if k > 0 and not self.anchors[k - 1].exact:
            lo = max(lo, self.anchors[k - 1].page - SOFT_SLACK)
        if k < len(self.anchors) and not self.anchors[k].exact:
            soft_hi = self.anchors[k].page + SOFT_SLACK
            hi = soft_hi if hi is None else min(hi, soft_hi)
        return lo, None if hi is None else max(hi, lo)

    def front_spread(self) -> bool:
        """The text before the first pin is more than the pages that pin leaves before it hold at the fitted rate."""
        return bool(self.pins) and self.pin_mass[0] > 0 and self.pins[0].page - self.pin_mass[0] < 1.0

    def _coords(self, offsets: Sequence[int]) -> list[float]:
        m = self.mass.at(list(offsets)) @ self.theta
        out = []
        for x, mx in zip(offsets, m, strict=True):
            j = bisect.bisect_right(self.pin_offsets, x)  # pins[j-1].offset <= x < pins[j].offset
            a = self.pins[j - 1] if j > 0 else None
            b = self.pins[j] if j < len(self.pins) else None
            if a is not None and b is not None:
                ma, mb = self.pin_mass[j - 1], self.pin_mass[j]
                t = (mx - ma) / (mb - ma) if mb > ma else 0.0
                coord = a.page + (b.page - a.page) * min(max(t, 0.0), 1.0)
                out.append(min(coord, b.page - 1e-6) if b.page > a.page else coord)
            elif a is not None:
                out.append(a.page + max(0.0, mx - self.pin_mass[j - 1]))
            else:
                assert b is not None
                before = self.pin_mass[j]  # pages' worth of text before the first pin
                if self.front_spread():
                    # more text than those pages hold at the rate fitted elsewhere (denser front matter: key
                    # figure tables, small type): squeeze it evenly into them rather than pile the excess on p. 1
                    out.append(1.0 + (b.page - 1.0) * max(0.0, mx) / before)
                else:
                    out.append(max(b.page - max(0.0, before - mx), 1.0))
        if self.last_page is not None:  # extrapolation never runs past the page count the export gives
            out = [min(c, self.last_page + 0.999) for c in out]
        return out


MIN_GAP = 200  # a bottom this close before a pin is that pin's own page end


DROP_COST = 25  # pages²: a page-break sign is dropped rather than moved about 5 pages from its estimate


def snap_subset(coords: Sequence[float], lo: int, hi: int | float, drop: float) -> list[int | None]:
    """Strictly increasing integers in [lo, hi] nearest (least squares) to `coords`, each coordinate either
    placed or dropped (None) at cost `drop`: more signs than pages, or a sign far off, drops some."""
    k = len(coords)
    hi = int(hi)
    if k == 0:
        return []
    values = np.arange(lo - 1, hi + 1)  # value lo-1: nothing placed yet
    n = len(values)
    inf = np.inf
    cost = np.full(n, inf)
    cost[0] = 0.0
    # choice[i][v]: -1 dropped (last placed value stays v), else the previous state index
    choice = np.full((k, n), -2, dtype=int)
    for i in range(k):
        new = cost + drop
        choice[i] = np.where(np.isfinite(new), -1, -2)
        best, arg = inf, -1
        for v in range(1, n):
            if cost[v - 1] < best:
                best, arg = cost[v - 1], v - 1
            placed = best + (values[v] - coords[i]) ** 2
            if placed < new[v]:
                new[v] = placed
                choice[i][v] = arg
        cost = new
    v = int(np.argmin(cost))
    out: list[int | None] = [None] * k
    for i in range(k - 1, -1, -1):
        c = int(choice[i][v])
        if c == -1:
            continue
        out[i] = int(values[v])
        v = c
    return out


# -- measured error bounds ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def error_table() -> dict[str, dict[str, int]]:
    """Measured 90th-percentile error (pages) by mode and distance bucket; empty when not yet measured."""
    if not ERROR_TABLE.exists():
        return {}
    data = json.loads(ERROR_TABLE.read_text(encoding="utf-8"))
    return {mode: {b: int(v["p90"]) for b, v in buckets.items()} for mode, buckets in data["p90"].items()}


def error_bound(est: Estimate, table: dict[str, dict[str, int]] | None = None) -> int | None:
    """The measured bound for this kind of stretch; a farther bucket's when this one was never measured."""
    if est.mode == "spread":
        # the fitted rate is known to be wrong there and nothing measures by how much, so the bound is every
        # page the first pin leaves open
        return None if est.hi is None else est.hi - est.lo
    table = error_table() if table is None else table
    row = table.get(est.mode)
    if not row:
        return None
    order = [*map(str, BUCKETS), "inf"]
    for b in order[order.index(est.bucket):]:
        if b in row:
            return row[b]
    return None
