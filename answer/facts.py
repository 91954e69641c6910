"""Figure candidates: the facts that match a question, each with the evidence the ranker weighs.

A fact's features say how well its words match the question (BM25 over fact
texts, share of question words in its indicator), whether hybrid search found
the passage it sits in, and whether its year, unit, kind (result or target) and
group agree with what the question asks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from answer.intent import COUNT, Intent, unit_family
from core.records import Fact, Hit, Span
from index.retrievers.facts import for_index as fact_index
from index.search import Index
from text.numbers import find_numbers, number_values
from text.terms import GROUP_WORDS
from text.years import is_year

FACT_FEATURES = (
    "keyword", "support", "coverage", "year_match", "year_missing", "year_other", "unit_match", "unit_other",
    "target_mismatch", "value_in_question", "year_as_value", "table", "year_from_context", "numbers_agree",
    "group_extra", "own_year", "context_overlap", "row_cited", "value_votes", "keyword_rank", "subset",
    "semantic",  # set by answer/semantic.py once the candidates are gathered
)
TARGET = re.compile(r"krav|mål|target", re.I)
# Words that make a count a part of a group named before ("133 personer fra disse botiltakene", "hvorav 40
# barn", "av desse", "- herav kvinner"): such a figure answers a question about the whole only by accident.
SUBSET = re.compile(
    r"\b(?:(?:av|fra|frå|blant|ut\s+av)\s+(?:disse|desse|dem|dei|dette|these|those|them)|hvorav|kvorav|herav|"
    r"derav|av\s+dette|of\s+(?:whom|which|these|those)|among\s+(?:them|these|those))\b", re.I)
# clauses: a part is named in the clause that gives its count ("registrert 1 393 vannkraftverk, av disse er 36
# verk over 200 MW": only the 36 is a part); a decimal comma has no space after it
_CLAUSE = re.compile(r"[,;:–]\s|\s-\s|\(|\)")


@lru_cache(maxsize=50_000)  # every candidate span of a sentence asks for the same sentence's clauses
def clauses(sentence: str) -> tuple[tuple[int, int], ...]:
    out, pos = [], 0
    for m in _CLAUSE.finditer(sentence):
        out.append((pos, m.start()))
        pos = m.end()
    return (*out, (pos, len(sentence)))


def subset_at(sentence: str, start: int) -> bool:
    """Whether the clause holding position `start` of `sentence` names a part ("av disse", "hvorav" …)."""
    for a, b in clauses(sentence):
        if a <= start < b or (start == b == len(sentence)):
            return bool(SUBSET.search(sentence[a:b]))
    return False


def is_subset(f: Fact) -> bool:
    """A fact whose count is of a part: its number stands in a clause with a subset marker."""
    return _subset_in(f.sentence or f.indicator or "", f.value)


@lru_cache(maxsize=100_000)  # asked of the same few thousand facts for every question
def _subset_in(text: str, value: float) -> bool:
    if not SUBSET.search(text):
        return False
    at = [a for a, _, v, _ in find_numbers(text) if abs(v - value) < 1e-9]
    # the number not found again (a scaled or spelled-out value): the whole sentence decides
    return any(subset_at(text, a) for a in at) if at else True


@dataclass
class FactCandidate:
    fact: Fact
    features: dict[str, float]
    score: float = 0.0  # probability from the ranker


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def hit_spans(hits: list[Hit], index: Index) -> dict[str, list[tuple[Span, float]]]:
    """Per document, each hit's source span with its weight (1 at rank 1, fading): read once per question, not
    once per candidate fact."""
    out: dict[str, list[tuple[Span, float]]] = {}
    for h in hits:
        out.setdefault(h.doc_id, []).append((index.chunk(h.chunk_id).span, 1.0 / math.sqrt(h.rank)))
    return out


def support(f: Fact, spans: dict[str, list[tuple[Span, float]]]) -> float:
    """How strongly hybrid search backs the passage the fact sits in (`spans`: `hit_spans` of the hits)."""
    return max((w for span, w in spans.get(f.doc_id, ()) if _overlaps(span, f.span)), default=0.0)


_YEAR_TOKEN = re.compile(r"(19|20)\d\d")


def content_tokens(index: Index, text: str) -> frozenset[str]:
    """The index tokens of `text` without years (the question's years are matched apart)."""
    return _content_tokens(index.tokenizer, text)


# every question scores a few hundred facts whose indicator, context and sentence never change: tokenise each once
@lru_cache(maxsize=100_000)
def _content_tokens(tokenizer, text: str) -> frozenset[str]:
    return frozenset(t for t in tokenizer.tokens(text) if not _YEAR_TOKEN.fullmatch(t))


@lru_cache(maxsize=8)
def _group_tokens_for(tokenizer) -> frozenset[str]:
    return frozenset(t for w in GROUP_WORDS for t in tokenizer.tokens(w))


def is_target(f: Fact) -> bool:
    return bool(f.qualifier and TARGET.search(f.qualifier))


def cited_rows(hits: list[Hit]) -> dict[tuple[str, int | None], float]:
    """Search cites one table row per hit (the row holding the question's rarest words): (table, row) -> the
    best hit's weight."""
    out: dict[tuple[str, int | None], float] = {}
    for h in hits:
        c = h.citation
        if c.table_id:
            key = (c.table_id, c.row)
            out[key] = max(out.get(key, 0.0), 1.0 / math.sqrt(h.rank))
    return out


def row_cited(f: Fact, rows: dict[tuple[str, int | None], float]) -> float:
    """Is the fact's row one that search cites (`rows`: `cited_rows` of the hits)?"""
    return rows.get((f.table_id, f.row), 0.0) if f.table_id else 0.0


def features(f: Fact, keyword: float, sup: float, q_tokens: set[str], intent: Intent, index: Index,
             question: str = "") -> dict[str, float]:
    context = " ".join(x for x in (f.column, f.context, f.period) if x)
    context_overlap = len(q_tokens & content_tokens(index, context)) / len(q_tokens) if q_tokens and context else 0.0
    coverage = len(q_tokens & content_tokens(index, f.own_indicator)) / len(q_tokens) if q_tokens else 0.0
    fam = unit_family(f.unit)
    asked = intent.unit
    found = number_values(f.own_indicator)
    if not intent.numbers:
        numbers_agree = 0.0
    elif all(any(abs(n - v) < 1e-9 for v in found) for n in intent.numbers):
        numbers_agree = 0.4  # "innen 6 måneder" stands in the indicator
    else:
        numbers_agree = -0.6 if found else -0.2
    # a sentence names its group once, often before the number, so look at the whole sentence
    extra = (content_tokens(index, f.sentence or f.indicator) & _group_tokens_for(index.tokenizer)) - q_tokens
    return {
        "keyword": keyword,
        "support": sup,
        "coverage": coverage,
        "year_match": float(bool(intent.years) and f.year in intent.years),
        "year_missing": float(bool(intent.years) and f.year is None),
        "year_other": float(bool(intent.years) and f.year is not None and f.year not in intent.years),
        "unit_match": float(asked is not None and fam == asked),
        "unit_other": float(asked is not None and fam != asked),
        "target_mismatch": float(is_target(f) != intent.wants_target),
        "value_in_question": float(any(abs(f.value - n) < 1e-9 for n in intent.numbers)),
        "year_as_value": float(is_year(f.value) and fam == COUNT),
        "table": float(f.source_kind == "table"),
        "year_from_context": float(f.source_kind != "table" and bool(f.qualifier and "år fra" in f.qualifier)),
        "numbers_agree": numbers_agree,
        "group_extra": float(min(2, len(extra))),
        # no year asked: the figure a report gives for its own year, not a comparison year
        "own_year": float(not intent.years and f.year is not None
                          and f.year == index.document(f.doc_id).get("year")),
        "context_overlap": context_overlap,
        # a part ("av disse …") where the question names no part: the total is meant
        "subset": float(is_subset(f) and not SUBSET.search(question)),
    }


def fact_candidates(question: str, intent: Intent, index: Index, hits: list[Hit],
                    top: int = 300) -> list[FactCandidate]:
    """The facts whose words match `question` (already rewritten towards the reports' wording), with features."""
    fi = fact_index(index)
    found = fi.search(question, top=top)
    if not found:
        return []
    best_kw = found[0][1] or 1.0
    q_tokens = content_tokens(index, question)
    out = []
    # one read for all of them: a store keeps the records, fetched by position for the facts ranked only
    records = fi.records([pos for pos, _ in found])
    spans, rows = hit_spans(hits, index), cited_rows(hits)
    for rank, ((_, kw), f) in enumerate(zip(found, records, strict=True), 1):
        feats = features(f, kw / best_kw, support(f, spans), q_tokens, intent, index, question)
        feats["row_cited"] = row_cited(f, rows)
        feats["keyword_rank"] = 1.0 / math.sqrt(rank)
        out.append(FactCandidate(f, feats))
    # the same figure found by several of the best-matching facts (a table and the text saying it again)
    votes: dict[tuple[float, str | None], float] = {}
    for c in out[:30]:
        key = (c.fact.value, c.fact.unit)
        votes[key] = votes.get(key, 0.0) + c.features["keyword"]
    for c in out:
        c.features["value_votes"] = math.log1p(votes.get((c.fact.value, c.fact.unit), 0.0))
    return out
