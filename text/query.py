"""What kind of question a query is: the years it names, whether it asks for a figure, its language, its length.

Shared by search (fusion weights per query type, the year prior) and answers (which build their
intent on it), so that both stages read a question the same way. Rules, not a model: staff
questions are short and formulaic, and a wrong guess here must be explainable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from text import lang as langdetect
from text.terms import YEAR_RE

# Unit families a question can ask for; fact units map onto the same families (answer/intent.py).
PERCENT, COUNT, MONEY, MONTHS, FTE, POINTS = "%", "antall", "kroner", "måneder", "årsverk", "prosentpoeng"

UNIT_CUES: list[tuple[str, re.Pattern[str]]] = [
    (POINTS, re.compile(r"\b(prosentpoeng|prosenteiningar|percentage points?)\b")),
    # -andel/-grad/-del are often compound tails: lønnsandel, utnyttelsesgrad, kvinnedelen
    (PERCENT, re.compile(r"(andel|del|grad|prosent)(en|a)?\b|\b(pst|del(en)?|share|percent(age)?|proportion|"
                         r"rate)\b|%")),
    (MONTHS, re.compile(r"\b(ventetid(a|en)?|hvor lenge|kor lenge|how long|waiting time|måneder|månader)\b")),
    (FTE, re.compile(r"\b(årsverk|full[- ]time)\b")),
    # "hvor mange søknader om tilskudd" counts applications: the question phrase outranks a money word after it
    (COUNT, re.compile(r"\b(hvor mange|kor mange|how many|number of)\b")),
    # money words are often the tail of a compound: integreringstilskudd, driftsbevilgning
    (MONEY, re.compile(
        r"\b(kroner|kr|mill|millioner|milliarder|mrd|tildelt|beløp(et)?|utgifter|kostnad(er)?|funding|grant|"
        r"budget|money|cost|nok|hvor mye|kor mykje|how much)\b|"
        r"(tilskudd|tilskot|tildeling|bevilgning|løyving|budsjett)|\bramme(n|a)?\b")),
    (COUNT, re.compile(
        r"\b(hvor mange|kor mange|how many|antall(et)?|talet på|tal på|number of|count)\b")),
]
# An explanation, a name or a list is wanted, not a figure
PASSAGE_CUE = re.compile(
    r"^\s*(hvorfor|korfor|kvifor|hvordan|korleis|hvilke[nt]?|kva for|kven|hvem|why|which|who|what (is|are|does|did)|"
    r"how (does|do|did|is|are|can)|hva (er|gjør|gjorde|skal|betyr|handler|var formålet|var målet|var bakgrunnen)|"
    r"kva (er|gjer|gjorde|skal|betyr)|beskriv|forklar|describe|explain|når|when)\b",
    re.I,
)
_QUESTION_WORD = re.compile(r"^\s*(hv\w*|kv\w*|kor\w*|kven|når|why|what|which|who|how|when|where|is|are|do|does)\b",
                            re.I)
YEAR_RANGE_RE = re.compile(rf"{YEAR_RE.pattern}\s*[-–]\s*{YEAR_RE.pattern}")
SHORT_WORDS = 4  # a keyword query: this many words or fewer and no question word


class QueryType(StrEnum):
    """The groups fusion weights are fitted for (index/settings.py SearchSettings)."""

    number = "number"  # asks for a figure
    english = "english"
    keyword = "keyword"  # a few words typed as a search, no question
    passage = "passage"  # a Norwegian question wanting a sentence, a name, an explanation


@dataclass(frozen=True)
class QueryInfo:
    years: tuple[int, ...]
    unit: str | None  # the unit family asked for, None when the question names none
    asks_passage: bool
    lang: str  # nb | nn | en
    short: bool

    @property
    def is_numeric(self) -> bool:
        """A figure is wanted: the question names a unit, or is a bare noun phrase ("sidevisninger nora")."""
        return self.unit is not None or not self.asks_passage

    @property
    def type(self) -> QueryType:
        # English first: the language decides more than the form (the keyword retriever is blind to it)
        if self.lang == "en":
            return QueryType.english
        if self.short:
            return QueryType.keyword
        if self.unit is not None:
            return QueryType.number
        return QueryType.passage


def years_named(q: str) -> list[int]:
    """Years a query names, a range `2019–2021` spelled out."""
    years: list[int] = []
    for m in YEAR_RANGE_RE.finditer(q):
        lo, hi = sorted((int(m.group(1)), int(m.group(2))))
        years.extend(range(lo, hi + 1))
    years.extend(int(y) for y in YEAR_RE.findall(q))
    return sorted(set(years))


def unit_asked(q: str) -> str | None:
    """The unit family the (lower-cased) question asks for, the first cue in UNIT_CUES order."""
    for family, pat in UNIT_CUES:
        if pat.search(q):
            return family
    return None


def classify(query: str) -> QueryInfo:
    q = query.lower()
    words = q.split()
    return QueryInfo(
        years=tuple(years_named(q)),
        unit=unit_asked(q),
        asks_passage=bool(PASSAGE_CUE.search(q)),
        lang=langdetect.detect(q, default="nb", min_votes=1) or "nb",
        short=len(words) <= SHORT_WORDS and not _QUESTION_WORD.search(q),
    )
