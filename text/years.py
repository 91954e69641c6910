"""Which numbers are years: one window for report figures (1950 to 2049), and the calendar years of running text."""

from __future__ import annotations

import re

YEAR_MIN, YEAR_MAX = 1950, 2049
YEAR = r"(?:19[5-9]\d|20[0-4]\d)"  # regex source for YEAR_MIN..YEAR_MAX, to embed in larger patterns
YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
YEAR_WORD_RE = re.compile(rf"\b({YEAR})\b")
YEAR_RANGE_RE = re.compile(rf"\b({YEAR})\s*[-–]\s*({YEAR})\b")
# Any year 1000–2099, for time expressions in running text (history, sport, news): wider than the report window
CALENDAR_YEAR = r"(?:1[0-9]|20)\d{2}"


def is_year(value: float) -> bool:
    """A whole number inside the window (whether it *is* a year depends on its context)."""
    return float(value).is_integer() and YEAR_MIN <= value <= YEAR_MAX
