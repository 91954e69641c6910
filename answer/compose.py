"""Direct answers of every type: figures, several figures, names, places, lists, dates and reasons.

`gather` reads the question's type (answer/intent.py), searches once and
collects the candidates of that type: facts for figures (answer/facts.py),
entity and phrase spans for names, places, dates and lists (answer/spans.py),
sentences for reasons (answer/reasons.py). `decide` scores them with the
learned ranker (answer/ranker.py) and builds the answer: the value(s), each
with the exact span it came from, a calibrated confidence, and — below the
fitted threshold — a plain "not found". The two halves are apart so that the
ranker can be fitted on cached candidates without searching again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from answer.facts import FactCandidate, fact_candidates
from answer.intent import Intent, indicator_words, parse_question, place_kind, split_figures, unit_family
from answer.ranker import Ranker, load_ranker
from answer.reasons import SentenceCandidate, sentence_candidates
from answer.semantic import add_semantic
from answer.settings import AnswerSettings
from answer.spans import FITS, NAME_TYPES, Candidate, candidates, capital_by_position, coordination
from core.records import Answer, AnswerAlternative, AnswerType, AnswerValue, Citation, Fact, Hit, Span
from index.highlight import trim_quote
from index.search import Index
from ingest.enrich.gazetteers import place_names
from ingest.enrich.spans import align_words
from text.dates import bare_year, finer_in_year
from text.formatting import format_value, value_key
from text.numbers import find_numbers, hedge_before, number_values, parse_number, unit_after
from text.query import has_words

__all__ = ["answer", "answer_json", "decide", "gather"]

MAX_ALTERNATIVES = 8
NUMBER_TYPES = (AnswerType.number, AnswerType.numbers)

NOT_FOUND = {
    "nb": "Jeg fant ikke noe svar på dette i dokumentene.",
    "nn": "Eg fann ikkje noko svar på dette i dokumenta.",
    "en": "No answer to this was found in the documents.",
}

# said beside a figure of another year than the question asks for: the short answer alone would hide it
OTHER_YEAR = {
    "nb": "Merk: tallet gjelder {found}, ikke {asked}.",
    "nn": "Merk: talet gjeld {found}, ikkje {asked}.",
    "en": "Note: the figure is for {found}, not {asked}.",
}


# -- formatting ---------------------------------------------------------------------------------------
def _sentence(f: Fact, value_text: str, citation: Citation, lang: str) -> str:
    """A sentence from the report says it best; a table cell gets 'indicator was value in year (source)'."""
    post = f"{f.post}; " if f.post else ""  # the sentence may say only `posten`
    if f.source_kind == "text" and f.sentence:
        return f"{f.sentence.strip()} ({post}{citation.title}, {citation.page_label})"
    indicator = f.indicator.strip().rstrip(":.")
    indicator = indicator[:1].upper() + indicator[1:]
    when = f" {'in' if lang == 'en' else 'i'} {f.year}" if f.year else ""
    verb = "was" if lang == "en" else "var"
    qual = f"{f.qualifier}; " if f.qualifier else ""
    return f"{indicator} {verb} {value_text}{when} ({post}{qual}{citation.title}, {citation.page_label})."


# -- citations ---------------------------------------------------------------------------------------
def cite_fact(index: Index, f: Fact) -> Citation:
    doc = index.document(f.doc_id)
    source = index.sources.get(f.doc_id)
    return Citation(
        doc_id=f.doc_id, title=doc.get("title", f.doc_id), year=doc.get("year"), doc_type=doc.get("doc_type"),
        page=f.page, page_label=f.page.label(), section_path=list(f.section_path),
        source_file=doc.get("source_file") or f"{f.doc_id}.txt", span=f.span, table_id=f.table_id,
        row=f.row, column=f.column,
        quote=trim_quote(source[f.span.start:f.span.end], focus=next(iter(figure_offsets(source, f)), None))
        if source is not None else None,
    )


def figure_offsets(source: str, f: Fact) -> list[int]:
    """Where numbers with the fact's value are printed in its span (offsets into the span): a long span's quote is
    cut around the first, and the hedge before the figure is read when there is exactly one."""
    return [a for a, _, v, _ in find_numbers(source[f.span.start:f.span.end]) if v == f.value]


# -- alternatives and disagreement -------------------------------------------------------------------
def _same_indicator(a: Fact, b: Fact) -> bool:
    """Same table row, or indicator texts that are nearly the same (not merely one inside the other)."""
    if unit_family(a.unit) != unit_family(b.unit):
        return False
    if a.table_id and a.table_id == b.table_id and a.row == b.row:
        return True
    # "innen 6 måneder" and "innen 12 måneder" are different indicators however alike the words
    if number_values(a.own_indicator) != number_values(b.own_indicator):
        return False
    return fuzz.token_sort_ratio(_strip_code(a.own_indicator), _strip_code(b.own_indicator)) >= 85


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


def alternatives(best: Fact, ranked: list[FactCandidate], index: Index) -> list[AnswerAlternative]:
    out: list[AnswerAlternative] = []
    seen = {(best.doc_id, best.year, best.value, best.qualifier, best.group)}
    for s in ranked:
        f = s.fact
        key = (f.doc_id, f.year, f.value, f.qualifier, f.group)
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




# -- span citations ----------------------------------------------------------------------------------
def locate(index: Index, hit: Hit, text: str, start: int | None = None, end: int | None = None) -> Citation:
    """The hit's citation narrowed to where `text` stands in the source, inside the passage's span.

    `text` is looked for as written first. Where the cleaning changed it (an OCR repair, markup or a footnote
    between its words) or the answer joined words the passage keeps apart (`354 av 356 kommunar` answered
    `354 kommunar`), its place in the passage, `start`:`end` of the hit's text, is cited by the passage's words
    aligned to the source; only when neither finds it does the whole passage stand as the citation."""
    return _narrowed(index, hit, _located(index, hit, text, start, end))


def _narrowed(index: Index, hit: Hit, found: tuple[Span, bool] | None) -> Citation:
    if found is None:
        return hit.citation
    source = index.sources[hit.doc_id]
    return hit.citation.model_copy(update={"span": found[0], "quote": trim_quote(source[found[0].start:found[0].end])})


def _located(index: Index, hit: Hit, text: str, start: int | None = None,
             end: int | None = None) -> tuple[Span, bool] | None:
    """(source span of `text`, found as written) or None."""
    source = index.sources.get(hit.doc_id)
    try:
        chunk_span = index.chunk(hit.chunk_id).span
    except (KeyError, IndexError):
        chunk_span = hit.citation.span
    if source is None or not text.strip():
        return None
    pattern = r"\s+".join(re.escape(w) for w in text.split())
    m = re.compile(pattern).search(source, chunk_span.start, chunk_span.end)
    if m is not None:
        return Span(start=m.start(), end=m.end()), True
    # a table chunk's text is its rows written out with their headers, not words in the source's order
    if start is None or end is None or {"table", "caption"} & set(hit.kinds):
        return None
    aligned = align_words(hit.text, source, chunk_span)
    inside = [a for a in aligned if a.text_start >= start and a.text_end <= end]
    wanted = [w.start() + start for w in re.finditer(r"\w+", hit.text[start:end]) if len(w[0]) > 1 or w[0].isdigit()]
    # most of its words must be found there, or the span would cite a neighbour of the answer
    if not wanted or 2 * len(inside) < len(wanted):
        return None
    # a first or last word the cleaning changed (`gvrige` read `Øvrige`) is not found, but it stands there: the span
    # takes in as many of the source's words before and after as are missing, up to the nearest words found
    floor = max((a.src_end for a in aligned if a.text_end <= inside[0].text_start), default=chunk_span.start)
    ceiling = min((a.src_start for a in aligned if a.text_start >= inside[-1].text_end), default=chunk_span.end)
    lead = sum(w < inside[0].text_start for w in wanted)
    trail = sum(w >= inside[-1].text_end for w in wanted)
    before = list(re.finditer(r"\S+", source[floor:inside[0].src_start]))[-lead:] if lead else []
    after = list(re.finditer(r"\S+", source[inside[-1].src_end:ceiling]))[:trail] if trail else []
    first = floor + before[0].start() if before else inside[0].src_start
    last = inside[-1].src_end + after[-1].end() if after else inside[-1].src_end
    return Span(start=first, end=last), False


# -- gathering candidates ----------------------------------------------------------------------------
@dataclass
class Pool:
    """Everything one question's answer is chosen from; computing it is the costly part (one search)."""

    question: str
    intent: Intent
    hits: list[Hit]
    facts: list[list[FactCandidate]] = field(default_factory=list)  # one list per figure asked
    spans: list[Candidate] = field(default_factory=list)
    sentences: list[SentenceCandidate] = field(default_factory=list)
    # the candidates in the order gather found them, kept at the first scoring: every scoring sorts from this
    # order, so ties fall the same way however often a pool is scored (the fit scores each one under many rankers)
    gathered: tuple | None = field(default=None, repr=False, compare=False)


def gather(question: str, index: Index, settings: AnswerSettings | None = None) -> Pool:
    """Search once and collect the candidates of the type the question asks for."""
    settings = settings or AnswerSettings()
    if not isinstance(question, str) or not question.strip():
        raise ValueError("the question is empty")
    question = question.strip()
    intent = parse_question(question)
    hits = index.search(question, k=max(10, settings.k_passages), mode="hybrid")
    pool = Pool(question, intent, hits)
    kind = intent.answer_type
    if kind is AnswerType.number:
        pool.facts = [fact_candidates(indicator_words(question), intent, index, hits, settings.fact_pool)]
        pool.spans = candidates(question, kind, hits, index, settings.span_hits, settings.ngram_sentences)
    elif kind is AnswerType.numbers:
        for part in split_figures(question)[: settings.max_values]:
            sub = parse_question(part)
            sub.years = sub.years or intent.years  # "… i 2024 og andel som deltok": the year holds for both
            pool.facts.append(fact_candidates(indicator_words(part), sub, index, hits, settings.fact_pool))
    elif kind is AnswerType.reason:
        pool.sentences = sentence_candidates(question, hits, index, settings.span_hits)
    else:
        item = intent.item_type if kind is AnswerType.list else kind
        pool.spans = candidates(question, item or AnswerType.term, hits, index, settings.span_hits,
                                settings.ngram_sentences)
    add_semantic(question, index, hits, pool.facts, pool.spans)
    return pool


# -- deciding ----------------------------------------------------------------------------------------
def score(pool: Pool, ranker: Ranker) -> None:
    """Each candidate's calibrated probability of being the answer, given its rivals; best first (ties in the
    order gather found them)."""
    if pool.gathered is None:
        pool.gathered = ([list(g) for g in pool.facts], list(pool.spans), list(pool.sentences))
    facts, spans, sentences = pool.gathered
    pool.facts, pool.spans, pool.sentences = [list(g) for g in facts], list(spans), list(sentences)
    for group in pool.facts:
        keys = [value_key(c.fact.value, c.fact.unit) for c in group]
        for c, p in zip(group, ranker.fact.probabilities([c.features for c in group], keys), strict=True):
            c.score = p
        group.sort(key=lambda c: -c.score)
    probs = ranker.span.probabilities([c.features for c in pool.spans], [c.key for c in pool.spans])
    for c, p in zip(pool.spans, probs, strict=True):
        c.score = p
    pool.spans.sort(key=lambda c: -c.score)
    probs = ranker.sentence.probabilities([c.features for c in pool.sentences], [c.text for c in pool.sentences])
    for c, p in zip(pool.sentences, probs, strict=True):
        c.score = p
    pool.sentences.sort(key=lambda c: -c.score)


def decide(pool: Pool, index: Index, ranker: Ranker | None = None, settings: AnswerSettings | None = None) -> Answer:
    """The answer from a gathered pool: the best candidate(s) of the type asked, or 'not found'."""
    ranker = ranker or load_ranker()
    settings = settings or AnswerSettings()
    score(pool, ranker)
    kind = pool.intent.answer_type
    passages = pool.hits[: settings.k_passages]
    built: Answer | None = None
    if kind is AnswerType.number:
        best_fact = pool.facts[0][0] if pool.facts and pool.facts[0] else None
        best_span = pool.spans[0] if pool.spans else None
        if best_fact is not None and (best_span is None or not ranker.prefers_span(best_fact.score, best_span.score)):
            built = _figure_answer(pool, best_fact, index)
        elif best_span is not None:
            built = _span_answer(pool, [best_span], index)
    elif kind is AnswerType.numbers:
        built = _figures_answer(pool, index)
    elif kind is AnswerType.reason:
        built = _reason_answer(pool, index, settings)
    elif kind is AnswerType.list:
        built = _list_answer(pool, index, settings)
    elif pool.spans:
        top = _first_name(pool.spans, index) if kind in NAME_TYPES else pool.spans[0]
        if kind is AnswerType.date:
            top = _finer_date(top, pool.spans)
        elif kind is AnswerType.place and (place := place_kind(pool.question)):
            names = place_names(place)  # `i hvilket land`: a country, not the sea or the town beside it
            top = next((c for c in pool.spans if c.key in names), top)
        built = _span_answer(pool, coordination(top, index) if kind in NAME_TYPES else [top], index)
    if built is None or built.confidence < ranker.threshold:
        lang = pool.intent.lang
        return Answer(question=pool.question, found=False, answer_type=kind, item_type=pool.intent.item_type,
                      text=NOT_FOUND.get(lang, NOT_FOUND["nb"]),
                      confidence=round(built.confidence, 3) if built else 0.0, passages=passages)
    return built.model_copy(update={"passages": passages, "text": _with_year_note(built, pool.intent)})


def _first_name(spans: list[Candidate], index: Index) -> Candidate:
    """The best candidate for a name, passing over capitals that come from a sentence start or a heading."""
    return next((c for c in spans if not capital_by_position(c, index)), spans[0])


def _finer_date(top: Candidate, spans: list[Candidate]) -> Candidate:
    """A bare year (`I 2024`) gives way to a month or a day of that year in the same passage (`1. oktober 2024`):
    the passage says when, not only which year."""
    year = bare_year(top.text)
    finer = next((c for c in spans if c.hit.chunk_id == top.hit.chunk_id and finer_in_year(c.text, year)),
                 None) if year else None
    # as sure as the year it makes precise: both say the same time
    return top if finer is None else replace(finer, score=max(finer.score, top.score))


def _with_year_note(built: Answer, intent: Intent) -> str:
    """The answer's text, with a note when its first figure is dated to a year the question did not ask for."""
    year = built.values[0].year if built.values else None
    if not intent.years or year is None or year in intent.years:
        return built.text
    asked = " / ".join(str(y) for y in intent.years)
    return f"{built.text} {OTHER_YEAR.get(intent.lang, OTHER_YEAR['nb']).format(found=year, asked=asked)}"


def fact_hedge(index: Index, f: Fact) -> str | None:
    """The hedge the source writes before a text fact's figure (`minst 20 millioner kroner`): a figure said to be
    at least, about or just over a value is not that value, so the answer keeps the word."""
    source = index.sources.get(f.doc_id)
    if source is None or f.source_kind != "text" or not f.span_exact:
        return None
    # the fact's span is its sentence: the figure is the one number there with the fact's value
    at = figure_offsets(source, f)
    return hedge_before(source, f.span.start + at[0]) if len(at) == 1 else None


def figure_text(index: Index, f: Fact) -> str:
    """A fact's figure as the answer shows it: the value with its unit, after the source's hedge if it has one."""
    hedge = fact_hedge(index, f)
    return f"{hedge} {format_value(f.value, f.unit)}" if hedge else format_value(f.value, f.unit)


def _figure_value(f: Fact, index: Index, score: float, label: str | None = None) -> AnswerValue:
    cite = cite_fact(index, f)
    return AnswerValue(text=figure_text(index, f), value=f.value, unit=f.unit, year=f.year,
                       label=label or f.column or f.qualifier, citation=cite, fact=f, confidence=round(score, 3))


def _cited_fact(top: FactCandidate, group: list[FactCandidate]) -> Fact:
    """The same figure (value, unit, year) found as a table cell cites better than a sentence: its row and
    column say exactly what the number is. Only a cell the ranker rates nearly as well takes the top's place."""
    f = top.fact
    if f.source_kind == "table":
        return f
    for c in group:
        g = c.fact
        if (g.source_kind == "table" and g.value == f.value and g.unit == f.unit and g.year == f.year
                and c.score >= 0.5 * top.score):
            return g
    return f


def _figure_answer(pool: Pool, top: FactCandidate, index: Index) -> Answer:
    f = _cited_fact(top, pool.facts[0])
    values = [_figure_value(f, index, top.score)]
    cite, value_text = values[0].citation, values[0].text  # read from the source once, for the value and the text
    alts = alternatives(f, pool.facts[0], index)
    # a result is read beside its target: "49 % (krav 90 %)"
    target = next((a for a in alts if a.relation == "target" and a.year == f.year), None)
    if target is not None and target.fact is not None and not pool.intent.wants_target:
        values.append(_figure_value(target.fact, index, 0.0, label="krav"))
    return Answer(
        question=pool.question, found=True, answer_type=AnswerType.number, value=f.value, unit=f.unit,
        value_text=value_text, short_answer=value_text, values=values,
        text=_sentence(f, value_text, cite, pool.intent.lang), confidence=round(top.score, 3), citation=cite,
        fact=f, alternatives=alts, disagreement=disagreement(f, cite, alts),
    )


def _figures_answer(pool: Pool, index: Index) -> Answer | None:
    """Every figure the question asks for, each from its own fact and with its own citation."""
    chosen: list[FactCandidate] = []
    for group in pool.facts:
        best = next((c for c in group if all(c.fact is not o.fact for o in chosen)), None)
        if best is not None:
            chosen.append(best)
    if not chosen:
        return None
    values = [_figure_value(c.fact, index, c.score) for c in chosen]
    first = chosen[0].fact
    cite = values[0].citation
    texts = [v.text for v in values]
    sentences = [_sentence(c.fact, v.text, v.citation, pool.intent.lang) for c, v in zip(chosen, values, strict=True)]
    return Answer(
        question=pool.question, found=True, answer_type=AnswerType.numbers, value=first.value, unit=first.unit,
        # two figures of one sentence (`frå 1 948 … til 2 245 …`) show it once
        value_text=" · ".join(texts), short_answer="; ".join(texts), values=values,
        text=" ".join(dict.fromkeys(sentences)),
        # the mean: one weak part should not hide the figures found well (each value keeps its own confidence)
        confidence=round(sum(c.score for c in chosen) / len(chosen), 3), citation=cite, fact=first,
        alternatives=alternatives(first, pool.facts[0], index),
    )


def _span_value(c: Candidate, index: Index, facts: list[Fact]) -> AnswerValue:
    found = _located(index, c.hit, c.text, c.start, c.end)
    cite = _narrowed(index, c.hit, found)
    number = _number_in(c.text) if c.kind in NUMBER_TYPES else None
    years = span_years(facts, cite, number) if number is not None else set()
    # a year only when the ingest read the figure there as one year's
    year = next(iter(years)) if len(years) == 1 else None
    # what stands around the figure in the source is known only where it was found as written
    as_written = found is not None and found[1]
    return AnswerValue(text=_figure_span_text(c, cite, index) if number is not None and as_written else c.text,
                       label=c.label, year=year, citation=cite, confidence=round(c.score, 3))


def _figure_span_text(c: Candidate, cite: Citation, index: Index) -> str:
    """A figure quoted from a passage, with the hedge written before it and, for a bare number, the unit of
    measure written after it (`drøyt 18 minutter`, `37 km`): without them the figure says something else."""
    source = index.sources[c.hit.doc_id]
    unit = unit_after(source[cite.span.end:cite.span.end + 40]) if parse_number(c.text) is not None else None
    return " ".join(p for p in (hedge_before(source, cite.span.start), c.text, unit) if p)


def facts_at(facts: list[Fact], cite: Citation) -> list[Fact]:
    """The extracted figures whose sentence (or table row) holds the cited span.

    A figure answered from its passage rather than from its fact still has what the ingest read about it: the
    post it is on (the sentence often says only `posten`) and the year it is for. `facts` are the question's
    fact candidates, so this is the same with either store."""
    return [f for f in facts
            if f.doc_id == cite.doc_id and f.span.start <= cite.span.start and cite.span.end <= f.span.end]


def post_at(facts: list[Fact], cite: Citation) -> str | None:
    """The budget post of the extracted figure whose sentence holds the cited span, if the ingest read one."""
    return next((f.post for f in facts_at(facts, cite) if f.post), None)


def span_years(facts: list[Fact], cite: Citation, number: float) -> set[int | None]:
    """The years the ingest gave the figure `number` at the cited span; empty when no fact reads it there."""
    return {f.year for f in facts_at(facts, cite) if f.value == number}


def _span_answer(pool: Pool, chosen: list[Candidate], index: Index) -> Answer:
    top = chosen[0]
    facts = [c.fact for group in pool.facts for c in group]
    values = [_span_value(c, index, facts) for c in chosen]
    sentence = " ".join(top.sentence.split())
    cite = values[0].citation
    number = _number_in(top.text) if pool.intent.answer_type in NUMBER_TYPES else None
    post = post_at(facts, cite) if number is not None else None
    where = f"{post}; " if post else ""
    return Answer(
        question=pool.question, found=True, answer_type=pool.intent.answer_type, item_type=pool.intent.item_type,
        value=number, value_text=values[0].text if number is not None else None,
        short_answer=", ".join(v.text for v in values), values=values,
        text=f"{sentence} ({where}{cite.title}, {cite.page_label})", confidence=round(top.score, 3), citation=cite,
    )


def _number_in(text: str) -> float | None:
    found = find_numbers(text)
    return found[0][2] if found else None


def _overlapping(a: Candidate, b: Candidate) -> bool:
    return a.hit.chunk_id == b.hit.chunk_id and a.start < b.end and b.start < a.end


_ITEM_SPLIT = re.compile(r"\s*(?:,|;|\bog\b|\band\b|\beller\b|\bsamt\b)\s*")
_LIST_VERB = re.compile(r"\b(var|er|ble|blei|vart|blir|vert|is|are|was|were|inkluderer|omfatter|omfattar)\b", re.I)
# a run of items in brackets (`i tre språk (estisk, nordsamisk og volof)`): the list is what the brackets hold
_BRACKETED_ITEMS = re.compile(r"\(([^()]*?(?:,|\bog\b|\band\b)[^()]*)\)")


def _list_answer(pool: Pool, index: Index, settings: AnswerSettings) -> Answer | None:
    """Every item of the type asked in the sentence the best item stands in (names and places as entities,
    other items as the comma- or og-separated parts of that sentence)."""
    if not pool.spans:
        return None
    item = pool.intent.item_type or AnswerType.term
    top = _first_name(pool.spans, index) if item in NAME_TYPES else pool.spans[0]
    exact, stand_in = FITS.get(item, (frozenset(), frozenset()))
    chosen = [top]
    allowed = exact if top.label in exact else exact | stand_in  # "kontorer": places, not the ORG beside them
    if item is not AnswerType.term:
        for c in pool.spans:
            if c is top or capital_by_position(c, index):
                continue
            same = c.hit.chunk_id == top.hit.chunk_id and c.sent_start == top.sent_start
            if (same and c.label in allowed and c.score >= settings.list_ratio * top.score
                    and not any(_overlapping(c, o) or c.key == o.key for o in chosen)):
                chosen.append(c)
    else:
        at = top.start - top.sent_start
        bracket = next((m for m in _BRACKETED_ITEMS.finditer(top.sentence) if m.start(1) <= at < m.end(1)), None)
        tail = bracket.group(1) if bracket else top.sentence.split(":", 1)[-1]
        parts = [p.strip(" .-•–") for p in _ITEM_SPLIT.split(tail)]
        if parts and (verb := list(_LIST_VERB.finditer(parts[0]))):
            # `De mest etterspurte tolkespråkene var arabisk, …`: the list starts after the clause's verb
            rest = parts[0][verb[-1].end():].strip()
            if rest and len(rest.split()) <= 3:
                parts[0] = rest
        for i, part in enumerate(parts[1:], 1):
            # `…, norsk tegnspråk og somali var de mest etterspurte …`: the list ends at the verb after its last item
            verb = _LIST_VERB.search(part)
            if verb and verb.start() > 0 and len(part[:verb.start()].split()) <= 3:
                parts = [*parts[:i], part[:verb.start()].strip()]
                break
        # a part with no letter or digit (`/` between two tables' words) is debris, not an item
        parts = [p for p in parts if has_words(p) and len(p.split()) <= settings.max_item_words]
        if len(parts) >= 2:
            offset = top.sentence.find(tail)
            chosen = [Candidate(p, item, "ITEM", top.hit, top.sent_start + offset, top.sent_start + len(top.sentence),
                                top.sentence, top.sent_start, score=top.score) for p in parts]
    if item in NAME_TYPES and len(together := coordination(top, index)) > 1:
        chosen = together  # names joined by commas and `og` are the list the sentence gives
    chosen = sorted(chosen[: settings.max_list_items], key=lambda c: c.start)
    return _span_answer(pool, chosen, index)


def _reason_answer(pool: Pool, index: Index, settings: AnswerSettings) -> Answer | None:
    """The best sentence, and the one after it when it goes on explaining (same passage, scored nearly as well)."""
    if not pool.sentences:
        return None
    top = pool.sentences[0]
    chosen = [top]
    nxt = next((c for c in pool.sentences[1:] if c.hit.chunk_id == top.hit.chunk_id
                and c.sentence.start == top.sentence.end), None)
    if nxt is not None and nxt.score >= settings.second_sentence_ratio * top.score:
        chosen.append(nxt)
    text = " ".join(c.text for c in chosen)
    cite = locate(index, top.hit, text, top.sentence.start, chosen[-1].sentence.end)
    if cite is top.hit.citation:
        cite = locate(index, top.hit, top.text, top.sentence.start, top.sentence.end)
    values = [AnswerValue(text=c.text, label="SENT", confidence=round(c.score, 3),
                          citation=locate(index, c.hit, c.text, c.sentence.start, c.sentence.end)) for c in chosen]
    return Answer(question=pool.question, found=True, answer_type=AnswerType.reason, short_answer=text,
                  values=values, text=f"{text} ({cite.title}, {cite.page_label})", confidence=round(top.score, 3),
                  citation=cite)


# -- the answer --------------------------------------------------------------------------------------
def answer(question: str, index: Index, k_passages: int = 5, ranker: Ranker | None = None,
           settings: AnswerSettings | None = None) -> Answer:
    """Answer `question` from the index: the value(s) of the type asked with their sources, or 'not found'."""
    settings = (settings or AnswerSettings()).model_copy(update={"k_passages": k_passages})
    return decide(gather(question, index, settings), index, ranker, settings)


def answer_json(a: Answer) -> str:
    return json.dumps(a.model_dump(mode="json"), ensure_ascii=False, indent=2)
