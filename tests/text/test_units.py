"""The unit written after a number: scale words and currencies (text/units.py, read by text/numbers.py)."""

import pytest

from text.numbers import find_numbers


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
