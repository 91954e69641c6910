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
from text.units import Family, question_family
from text.years import YEAR_RANGE_RE, YEAR_WORD_RE

# An explanation, a name or a list is wanted, not a figure
PASSAGE_CUE = re.compile(
    r"^\s*(hvorfor|korfor|kvifor|hvordan|korleis|hvilke[nt]?|kva for|kven|hvem|why|which|who|what (is|are|does|did)|"
    r"how (does|do|did|is|are|can)|hva (er|gjør|gjorde|skal|betyr|handler|var formålet|var målet|var bakgrunnen)|"
    r"kva (er|gjer|gjorde|skal|betyr)|beskriv|forklar|describe|explain|når|when)\b",
    re.I,
)
_QUESTION_WORD = re.compile(r"^\s*(hv\w*|kv\w*|kor\w*|kven|når|why|what|which|who|how|when|where|is|are|do|does)\b",
                            re.I)
SHORT_WORDS = 4  # a keyword query: this many words or fewer and no question word
# the longest query taken (characters), by the API and the library alike: past it a query is pasted text, and
# the embedding model reads only its first 512 tokens anyway
MAX_QUERY = 1000


def too_long(text: str) -> str | None:
    """What is wrong with a trimmed query past MAX_QUERY (the API and the library say it alike), else None."""
    return f"is {len(text)} characters long; at most {MAX_QUERY} are allowed" if len(text) > MAX_QUERY else None


class QueryType(StrEnum):
    """The groups fusion weights are fitted for (index/settings.py SearchSettings)."""

    number = "number"  # asks for a figure
    english = "english"
    keyword = "keyword"  # a few words typed as a search, no question
    passage = "passage"  # a Norwegian question wanting a sentence, a name, an explanation


@dataclass(frozen=True)
class QueryInfo:
    years: tuple[int, ...]
    unit: Family | None  # the unit family asked for (text/units.py), None when the question names none
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


def has_words(query: str) -> bool:
    """Whether a query holds a letter or a digit: zero-width spaces, a BOM or punctuation alone search for nothing
    and would return arbitrary hits."""
    return any(ch.isalnum() for ch in query)


def years_named(q: str) -> list[int]:
    """Years a query names, a range `2019–2021` spelled out."""
    years: list[int] = []
    for a, b in YEAR_RANGE_RE.findall(q):
        lo, hi = sorted((int(a), int(b)))
        years.extend(range(lo, hi + 1))
    years.extend(int(y) for y in YEAR_WORD_RE.findall(q))
    return sorted(set(years))


def classify(query: str) -> QueryInfo:
    q = query.lower()
    words = q.split()
    return QueryInfo(
        years=tuple(years_named(q)),
        unit=question_family(q),
        asks_passage=bool(PASSAGE_CUE.search(q)),
        lang=langdetect.detect(q, default="nb", min_votes=1) or "nb",
        short=len(words) <= SHORT_WORDS and not _QUESTION_WORD.search(q),
    )
