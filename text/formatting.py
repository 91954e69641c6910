"""Numbers written back as text: the one formatter, in three named styles.

Babel knows the Norwegian conventions (comma decimals, grouped thousands); the only local choice is a plain
space as group separator, because the reports and the staff who search them write `2 819`, not `2\u00a0819`.
"""

from __future__ import annotations

import decimal
from enum import StrEnum
from functools import lru_cache

from babel.numbers import format_decimal

from text.units import BY_NAME


class NumberStyle(StrEnum):
    display = "display"  # for people: `2 819`, `7 545,63`, at most two decimals
    plain = "plain"  # Norwegian without grouping, all significant decimals: `7545,63` (entity values)
    machine = "machine"  # no grouping, decimal point: `7545.63` (comparisons, JSON keys)


_PATTERNS = {NumberStyle.display: ("#,##0.##", "nb_NO"), NumberStyle.plain: ("0.######", "nb_NO"),
             NumberStyle.machine: ("0.######", "en")}


# answers format the value of every candidate fact (a few hundred per question) to group equal values
@lru_cache(maxsize=65_536)
def format_number(value: float, style: NumberStyle | str = NumberStyle.display) -> str:
    """`2819.0` -> `2 819`; `9.6` -> `9,6` (display, plain) or `9.6` (machine)."""
    pattern, locale = _PATTERNS[NumberStyle(style)]
    with decimal.localcontext() as ctx:
        ctx.prec = 60  # OCR and table runs can glue digits into 20+ digit numbers; the default 28 overflows
        text = format_decimal(value, format=pattern, locale=locale)
    return text.replace("\u00a0", " ").replace("\u2212", "-")


def format_value(value: float, unit: str | None) -> str:
    """A value with its unit for people: `49 %`, `31 258 personer`, `282` (a bare count), `298 458 tusen kroner`."""
    number = format_number(value)
    known = BY_NAME.get(unit) if unit else None
    shown = known.shown if known is not None and known.shown is not None else unit
    return f"{number} {shown}" if shown else number


def value_key(value: float, unit: str | None) -> str:
    """The same figure, as answers group candidates: the displayed number and the unit as stored."""
    number = format_number(value)
    return f"{number} {unit}" if unit else number
