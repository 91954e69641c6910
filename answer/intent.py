"""What a number question asks for: years, unit, target vs result, the indicator words.

Rules, not a model: staff questions are short and formulaic (`hva var andel …
i 2020`, `kor mange vart busette`, `how many …`), and a wrong guess here must
be explainable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from text.numbers import find_numbers
from text.query import classify
from text.units import Family, family_of
from text.years import is_year

# Unit families a question can ask for (text/units.py); fact units map onto the same families.
PERCENT, COUNT, MONEY, MONTHS, FTE, POINTS = (Family.percent, Family.count, Family.money, Family.months, Family.fte,
                                              Family.points)
_TARGET = re.compile(r"\b(krav(et)?|mål(et|settinga?|settingen)?|resultatkrav|target|goal|måltall)\b")
_PRELIM = re.compile(r"\b(foreløpig\w*|førebels|preliminary)\b")


@dataclass
class Intent:
    question: str
    years: list[int] = field(default_factory=list)
    unit: str | None = None  # one of the families above, None when the question does not say
    wants_target: bool = False
    wants_preliminary: bool = False
    numbers: list[float] = field(default_factory=list)  # non-year numbers in the question ("6 måneder")
    lang: str = "nb"
    asks_passage: bool = False  # "hvorfor …", "hva er …", "which …": an explanation, not a figure

    @property
    def is_numeric(self) -> bool:
        """A figure is wanted: the question names a unit, or is a bare noun phrase ("sidevisninger nora")."""
        return self.unit is not None or not self.asks_passage


# Phrasings that mean the same indicator word as the reports use.
_REWRITES = [
    (re.compile(r"\b(hvor|kor|how) (stor|big|large) (del|andel|share)\b", re.I), "andel"),
    (re.compile(r"\b(hvor|kor) mange prosent\b", re.I), "andel prosent"),
    (re.compile(r"\bshare\b|\bproportion\b|\bpercentage\b", re.I), "andel"),
    # the unit cue is read by parse_question; as indicator words "mange" would match any sentence saying "mange"
    (re.compile(r"\b(hvor|kor|how) (mange|mye|mykje|many|much)\b", re.I), ""),
]


def indicator_words(question: str) -> str:
    """The question rewritten towards the reports' wording ("kor stor del" -> "andel")."""
    q = question
    for pat, repl in _REWRITES:
        q = pat.sub(repl, q)
    return " ".join(q.split())


def parse_question(question: str) -> Intent:
    """Years, unit, language and passage-vs-figure from text/query.py (search reads a question the same way);
    target, preliminary and the non-year numbers here."""
    q = question.lower()
    info = classify(question)
    numbers = [v for _, _, v, _ in find_numbers(q) if not is_year(v)]
    return Intent(
        question=question,
        years=list(info.years),
        unit=info.unit,
        wants_target=bool(_TARGET.search(q)),
        wants_preliminary=bool(_PRELIM.search(q)),
        numbers=numbers,
        asks_passage=info.asks_passage,
        lang=info.lang,
    )


def unit_family(unit: str | None) -> str:
    """The family of a fact's unit: `mill. kroner` -> kroner, `personer`/None -> antall."""
    return family_of(unit)
