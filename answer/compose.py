"""Direct answers to number questions: the best-fitting fact, its source, and what else the sources say.

A fact is scored by how well its words match the question (BM25 over fact
texts), whether hybrid search found the passage it sits in, and whether its
year, unit and kind (result or target) agree with what the question asks.
When no fact fits, the best sentence of the best passage answers instead;
when nothing fits, the answer says so.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from answer.intent import COUNT, Intent, indicator_words, parse_question, unit_family
from core.records import Answer, AnswerAlternative, Citation, Fact, Hit, Span
from index.highlight import trim_quote
from index.retrievers.facts import for_index as fact_index
from index.search import Index
from text.formatting import format_value
from text.numbers import find_numbers
from text.terms import GROUP_WORDS
from text.years import is_year

MIN_SCORE = 0.9  # set by hand: below it a fact matches the words but neither year nor unit; not tuned
MAX_ALTERNATIVES = 8

NOT_FOUND = {
    "nb": "Jeg fant ikke noe svar på dette i dokumentene.",
    "nn": "Eg fann ikkje noko svar på dette i dokumenta.",
    "en": "No answer to this was found in the documents.",
}


@dataclass
class Scored:
    fact: Fact
    score: float
    keyword: float
    support: float


def _sentence(f: Fact, value_text: str, citation: Citation, lang: str) -> str:
    """A sentence from the report says it best; a table cell gets 'indicator was value in year (source)'."""
    if f.source_kind == "text" and f.sentence:
        return f"{f.sentence.strip()} ({citation.title}, {citation.page_label})"
    indicator = f.indicator.strip().rstrip(":.")
    indicator = indicator[:1].upper() + indicator[1:]
    when = f" {'in' if lang == 'en' else 'i'} {f.year}" if f.year else ""
    verb = "was" if lang == "en" else "var"
    qual = f"{f.qualifier}; " if f.qualifier else ""
    return f"{indicator} {verb} {value_text}{when} ({qual}{citation.title}, {citation.page_label})."


# -- citations ---------------------------------------------------------------------------------------
def cite_fact(index: Index, f: Fact) -> Citation:
    doc = index.document(f.doc_id)
    source = index.sources.get(f.doc_id)
    return Citation(
        doc_id=f.doc_id, title=doc.get("title", f.doc_id), year=doc.get("year"), doc_type=doc.get("doc_type"),
        page=f.page, page_label=f.page.label(), section_path=list(f.section_path),
        source_file=doc.get("source_file") or f"{f.doc_id}.txt", span=f.span, table_id=f.table_id,
        row=f.row, column=f.column,
        quote=trim_quote(source[f.span.start:f.span.end]) if source is not None else None,
    )


# -- scoring -----------------------------------------------------------------------------------------
def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _support(f: Fact, hits: list[Hit], index: Index) -> float:
    """How strongly hybrid search backs the passage the fact sits in (1 at rank 1, fading)."""
    best = 0.0
    for h in hits:
        if h.doc_id != f.doc_id:
            continue
        if _overlaps(index.chunk(h.chunk_id).span, f.span):
            best = max(best, 1.0 / math.sqrt(h.rank))
    return best


def _content_tokens(index: Index, text: str) -> set[str]:
    return {t for t in index.tokenizer.tokens(text) if not re.fullmatch(r"(19|20)\d\d", t)}


def score_fact(f: Fact, keyword: float, support: float, coverage: float, intent: Intent) -> float:
    """Higher is better; each term is one piece of evidence the question gives (see module docstring)."""
    s = keyword + 0.8 * support + 1.0 * coverage
    if intent.years:
        s += 0.6 if f.year in intent.years else (-0.3 if f.year is None else -1.0)
    if intent.unit is not None:
        fam = unit_family(f.unit)
        s += 0.5 if fam == intent.unit else (-0.2 if intent.unit == COUNT and fam == COUNT else -1.0)
    is_target = bool(f.qualifier and re.search(r"krav|mål|target", f.qualifier, re.I))
    if is_target != intent.wants_target:
        s -= 0.5
    if any(abs(f.value - n) < 1e-9 for n in intent.numbers):
        s -= 1.0  # "innen 6 måneder": the 6 is part of the question, not its answer
    if is_year(f.value) and unit_family(f.unit) == COUNT:
        s -= 0.7  # a year read as a value
    if f.source_kind == "table":
        s += 0.3  # a row and a column header say more exactly what a number is than a sentence does
    elif f.qualifier and "år fra" in f.qualifier:
        s -= 0.3  # the sentence gave no year; it was taken from the context
    return s


def _group_tokens(index: Index) -> frozenset[str]:
    return _group_tokens_for(index.tokenizer)


@lru_cache(maxsize=8)
def _group_tokens_for(tokenizer) -> frozenset[str]:
    return frozenset(t for w in GROUP_WORDS for t in tokenizer.tokens(w))


def _groups_agree(f: Fact, q_tokens: set[str], index: Index) -> float:
    """Penalise a figure for a sub-group (voksne, enslige mindreårige …) the question does not name."""
    # a sentence names its group once, often before the number ("Av de 1 453 overføringsflyktningene … ble
    # 21 prosent bosatt"), so look at the whole sentence, not only the indicator cut from it
    extra = (_content_tokens(index, f.sentence or f.indicator) & _group_tokens(index)) - q_tokens
    return -0.4 * min(2, len(extra))


def _numbers_agree(f: Fact, intent: Intent) -> float:
    """The question's own numbers ("innen 6 måneder") must stand in the indicator, not others."""
    if not intent.numbers:
        return 0.0
    found = {v for _, _, v, _ in find_numbers(f.indicator)}
    if all(any(abs(n - v) < 1e-9 for v in found) for n in intent.numbers):
        return 0.4
    return -0.6 if found else -0.2


def rank_facts(question: str, intent: Intent, index: Index, hits: list[Hit], top: int = 300) -> list[Scored]:
    fi = fact_index(index)
    found = fi.search(question, top=top)
    if not found:
        return []
    best_kw = found[0][1]
    q_tokens = _content_tokens(index, question)
    out = []
    for pos, kw in found:
        f = fi.facts[pos]
        support = _support(f, hits, index)
        coverage = len(q_tokens & _content_tokens(index, f.indicator)) / len(q_tokens) if q_tokens else 0.0
        score = (score_fact(f, kw / best_kw, support, coverage, intent) + _numbers_agree(f, intent)
                 + _groups_agree(f, q_tokens, index))
        if not intent.years and f.year is not None and f.year == index.document(f.doc_id).get("year"):
            score += 0.3  # no year asked: the figure a report gives for its own year, not a comparison year
        out.append(Scored(f, score, kw / best_kw, support))
    out.sort(key=lambda s: -s.score)
    return out


# -- alternatives and disagreement -------------------------------------------------------------------
def _same_indicator(a: Fact, b: Fact) -> bool:
    """Same table row, or indicator texts that are nearly the same (not merely one inside the other)."""
    if unit_family(a.unit) != unit_family(b.unit):
        return False
    if a.table_id and a.table_id == b.table_id and a.row == b.row:
        return True
    # "innen 6 måneder" and "innen 12 måneder" are different indicators however alike the words
    if {v for *_, v, _ in find_numbers(a.indicator)} != {v for *_, v, _ in find_numbers(b.indicator)}:
        return False
    return fuzz.token_sort_ratio(_strip_code(a.indicator), _strip_code(b.indicator)) >= 85


def _strip_code(indicator: str) -> str:
    return re.sub(r"^\s*SP\d+(\.\d+)*:?\s*", "", indicator.lower())


def _relation(best: Fact, other: Fact) -> str:
    if other.qualifier and re.search(r"krav|mål|target", other.qualifier, re.I):
        return "target"
    if other.doc_id != best.doc_id:
        return "other_document"
    if other.year != best.year:
        return "other_year"
    return "other_source"


def alternatives(best: Fact, ranked: list[Scored], index: Index) -> list[AnswerAlternative]:
    out: list[AnswerAlternative] = []
    seen = {(best.doc_id, best.year, best.value, best.qualifier)}
    for s in ranked:
        f = s.fact
        key = (f.doc_id, f.year, f.value, f.qualifier)
        if f is best or key in seen or not _same_indicator(best, f):
            continue
        seen.add(key)
        out.append(AnswerAlternative(
            value=f.value, unit=f.unit, value_text=format_value(f.value, f.unit), year=f.year,
            qualifier=f.qualifier, relation=_relation(best, f), citation=cite_fact(index, f), fact=f))
    order = {"target": 0, "other_document": 1, "other_year": 2, "other_source": 3}
    out.sort(key=lambda a: order.get(a.relation, 9))
    return out[:MAX_ALTERNATIVES]


def disagreement(best: Fact, best_cite: Citation, alts: list[AnswerAlternative]) -> str | None:
    """Other documents (or other letters of one bundle) giving another value for the same indicator and year."""
    def elsewhere(a: AnswerAlternative) -> bool:
        # another document, or another letter of the same bundle (a supplementary letter revising a post)
        return a.relation == "other_document" or (
            a.relation == "other_source" and a.citation.section_path[:1] != best_cite.section_path[:1])

    differing = [a for a in alts if elsewhere(a) and a.year == best.year
                 and best.year is not None and abs(a.value - best.value) > 1e-9 and a.unit == best.unit]
    if not differing:
        return None
    parts = [f"{best_cite.title} › {_root(best_cite)} ({best_cite.page_label}): {format_value(best.value, best.unit)}"]
    parts += [f"{a.citation.title} › {_root(a.citation)} ({a.citation.page_label}): {a.value_text}" for a in differing]
    return f"Kildene oppgir ulike tall for {best.year}: " + "; ".join(parts) + "."


def _root(c: Citation) -> str:
    return c.section_path[0] if c.section_path else ""


# -- fallback: the best sentence of the best passage --------------------------------------------------
_SENT = re.compile(r"[^.!?\n]+(?:[.!?](?!\d)|$)")


def best_sentence(question: str, intent: Intent, hits: list[Hit], index: Index) -> tuple[Hit, str, int] | None:
    q = set(index.tokenizer.tokens(question))
    if not q:
        return None
    best = None
    for h in hits[:3]:
        for m in _SENT.finditer(h.text):
            sent = m.group(0).strip()
            if len(sent) < 20:
                continue
            overlap = len(q & set(index.tokenizer.tokens(sent)))
            score = overlap + (0.5 if intent.is_numeric and re.search(r"\d", sent) else 0) - 0.1 * (h.rank - 1)
            if best is None or score > best[2]:
                best = (h, sent, score)
    if best is None:
        return None
    h, sent, score = best
    needed = max(1, math.ceil(0.5 * len(q)))
    return (h, sent, int(score)) if score >= needed else None


# -- the answer --------------------------------------------------------------------------------------
def answer(question: str, index: Index, k_passages: int = 5) -> Answer:
    """Answer `question` from the index: a fact with its source, else a passage, else a plain 'not found'."""
    if not isinstance(question, str) or not question.strip():
        raise ValueError("the question is empty")
    question = question.strip()
    intent = parse_question(question)
    hits = index.search(question, k=max(10, k_passages), mode="hybrid")
    passages = hits[:k_passages]
    ranked = rank_facts(indicator_words(question), intent, index, hits) if intent.is_numeric else []
    if ranked and ranked[0].score >= MIN_SCORE:
        top = ranked[0]
        f = top.fact
        cite = cite_fact(index, f)
        value_text = format_value(f.value, f.unit)
        alts = alternatives(f, ranked, index)
        runner_up = next((s.score for s in ranked[1:] if s.fact.value != f.value), None)
        margin = top.score - runner_up if runner_up is not None else 1.0
        confidence = max(0.05, min(0.99, 0.25 + 0.25 * min(top.score, 2.0) + 0.25 * min(margin, 1.0)))
        return Answer(
            question=question, found=True, value=f.value, unit=f.unit, value_text=value_text,
            text=_sentence(f, value_text, cite, intent.lang), confidence=round(confidence, 3), citation=cite,
            fact=f, alternatives=alts, disagreement=disagreement(f, cite, alts), passages=passages,
        )
    sentence = best_sentence(question, intent, hits, index)
    if sentence is not None:
        h, sent, overlap = sentence
        return Answer(
            question=question, found=True, text=sent, confidence=round(min(0.6, 0.1 * overlap), 3),
            citation=h.citation, passages=passages,
        )
    return Answer(question=question, found=False, text=NOT_FOUND.get(intent.lang, NOT_FOUND["nb"]),
                  confidence=0.0, passages=passages)


def answer_json(a: Answer) -> str:
    return json.dumps(a.model_dump(mode="json"), ensure_ascii=False, indent=2)
