"""Which numbers are years: one window for the whole program (reports from 1950 to 2049)."""

from __future__ import annotations

import re

YEAR_MIN, YEAR_MAX = 1950, 2049
YEAR = r"(?:19[5-9]\d|20[0-4]\d)"  # regex source for YEAR_MIN..YEAR_MAX, to embed in larger patterns
YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
YEAR_WORD_RE = re.compile(rf"\b({YEAR})\b")
YEAR_RANGE_RE = re.compile(rf"\b({YEAR})\s*[-–]\s*({YEAR})\b")


def is_year(value: float) -> bool:
    """A whole number inside the window (whether it *is* a year depends on its context)."""
    return float(value).is_integer() and YEAR_MIN <= value <= YEAR_MAX
