"""The unit written after a number: scale words and currencies (text/units.py, read by text/numbers.py)."""

import pytest

from text.numbers import find_numbers, hedge_before, unit_after


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("en økning på 4,1 milliarder fra 2023", [(4.1, "mrd. kroner")]),  # not the `mill` its letters start with
        ("ein auke på 5,7 mrd. frå 2021", [(5.7, "mrd. kroner")]),
        ("38,9 millioner kroner til Oslo", [(38.9, "mill. kroner")]),
        ("krevd 5,7 milliarder dollar for å få den bygget", [(5.7, "mrd. dollar")]),
        ("nær 8,1 milliarder australske dollar, i underkant av 51 milliarder kroner",
         [(8.1, "mrd. dollar"), (51.0, "mrd. kroner")]),
        ("utkjøpsklausulen er 20 millioner euro (ca 200 millioner kroner)",
         [(20.0, "mill. euro"), (200.0, "mill. kroner")]),
        ("en belønning på 300 dollar", [(300.0, "dollar")]),
    ],
)
def test_the_unit_after_a_number(text, want):
    assert [(v, u) for _, _, v, u in find_numbers(text) if u] == want  # the years have none


@pytest.mark.parametrize(("text", "hedge"), [
    ("totalkostnaden var kommet opp i minst 20 millioner kroner", "minst"),
    ("Zuccarello fikk drøyt 18 minutter på isen", "drøyt"),
    ("viser foreløpige tall at i underkant av 30 prosent har deltatt", "i underkant av"),
    ("det kom om lag 3100 søknader", "om lag"),  # Nynorsk and Bokmål share the word
    ("Det blei busett 31 258 flyktningar i 2022", None),
])
def test_the_hedge_before_a_figure(text, hedge):
    first = next(a for a, _, _, _ in find_numbers(text))
    assert hedge_before(text, first) == hedge


@pytest.mark.parametrize(("after", "unit"), [
    (" km fra kysten", "km"), (" gram kokain", "gram"), (" mill. kroner til", "mill. kroner"),
    (" °C, mens", "°C"), (" poeng bak", "poeng"), (" offisielle språk", None), (" km.", "km"),
])
def test_the_unit_written_after_a_number(after, unit):
    # report units first (text/units.UNITS), then units of measure no fact carries
    assert unit_after(after) == unit
