"""The span features' position helpers (bisection over a sentence's ascending match positions) agree with the plain
definitions they replace: the nearest question word outside a span (and whether it is adjacent), and whether one stands
in a range."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from answer.spans import _gap_outside, _has_between

positions = st.lists(st.integers(0, 40), max_size=12, unique=True).map(sorted)


@given(positions, st.integers(0, 40), st.integers(0, 8))
def test_the_gap_to_the_nearest_match_outside_a_span(ms, lo, width):
    hi = lo + width
    outside = [min(abs(m - lo), abs(m - hi)) for m in ms if m < lo or m > hi]
    assert _gap_outside(ms, lo, hi, 10) == (min(outside) if outside else 10)
    # the span's `adjacent` feature reads a gap of 1: a question word right before or after it
    assert (_gap_outside(ms, lo, hi, 10) == 1) == any(m in (lo - 1, hi + 1) for m in ms)


@given(positions, st.integers(-3, 43), st.integers(0, 4))
def test_a_match_within_a_range(ms, lo, width):
    assert _has_between(ms, lo, lo + width) == any(lo <= m <= lo + width for m in ms)


def test_examples():
    assert _gap_outside([0, 8, 10], 3, 4, 10) == 3  # `Prisen … [Kristiansand kommune] … arbeidet`
    assert _gap_outside([3, 4], 3, 4, 10) == 10  # every match inside the span
    assert _has_between([2, 9], 3, 8) is False
