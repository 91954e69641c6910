"""Typed answer candidates from the best passages: names, places, organisations, dates, noun phrases, figures.

A candidate is a span of one sentence of a retrieved passage, with the features
the ranker (answer/ranker.py) scores. Where it comes from:

* the entities on the passage (`Chunk.entities`: the EntityRuler's ORG, GPE, DATE,
  PERCENT …, and PER/ORG/LOC from a trained NER once blocks carry them), kept when
  their label fits the type asked;
* runs of capitalised words, a stand-in for person names until a statistical NER
  labels them (the rules have no PER);
* word n-grams of the sentences that match the question best, for answers no
  entity covers ("generalsekretær", "Avdeling for traumatologi");
* time expressions (`1. oktober 2024`, `i 1990`, `tidligst torsdag morgen`; text/dates.py) for date questions.
"""

from __future__ import annotations

import itertools
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from answer.facts import SUBSET, subset_at
from core.records import NAME_LABELS, AnswerType, Chunk, Hit
from index.search import Index
from text.dates import event_spans, time_spans
from text.sentences import split_sentences

# Entity labels (core.records.ENTITY_LABELS, and NAME for a capitalised run no entity covers) that answer each type:
# exact fits first, then labels that may stand in (a "hvem" is often a firm).
FITS: dict[AnswerType, tuple[frozenset[str], frozenset[str]]] = {
    AnswerType.person: (frozenset({"PER", "NAME"}), frozenset({"ORG"})),
    AnswerType.organisation: (frozenset({"ORG"}), frozenset({"NAME", "PER"})),
    AnswerType.place: (frozenset({"GPE", "LOC"}), frozenset({"NAME", "ORG"})),
    AnswerType.date: (frozenset({"DATE", "YEAR"}), frozenset({"PERIOD", "DURATION"})),
    AnswerType.term: (frozenset(), frozenset({"ORG", "GPE", "LOC", "NAME", "PER", "LAW", "REF"})),
    AnswerType.number: (frozenset({"PERCENT", "MONEY", "QUANTITY", "CARDINAL"}), frozenset({"DURATION"})),
}
NGRAM_TYPES = {AnswerType.term, AnswerType.place, AnswerType.organisation, AnswerType.person, AnswerType.number}

FEATURES = (
    "sent_overlap", "sent_best", "hit_support", "fits", "stands_in", "name_run", "ngram", "length", "proximity",
    "adjacent", "frequency", "in_question", "capitalised", "has_digit", "entity", "sent_len",
    "window", "before", "after", "between", "entity_fit", "one_word", "multi_cap", "sent_pos", "subset",
    "ngram_name", "length_name", "capitalised_term", "length_date",
    "semantic",  # set by answer/semantic.py once the candidates are gathered
)
NAME_TYPES = (AnswerType.person, AnswerType.place, AnswerType.organisation)
WINDOW = 5  # words either side of a span in which the question's words are counted

_WORD = re.compile(r"[\wÆØÅæøå][\w'’\-.,]*[\w%]|[\wÆØÅæøå%]", re.U)
_CAP = r"[A-ZÆØÅÉ][\w\-.’']*"
# Capitalised runs ("Elin Floberghagen", "Norsk Presseforbund", "Tower of London"), joined by small words
# (not "og": "Kristiansand og Trondheim" are two names), never across a line (a signature's name and its role)
_NAME_RUN = re.compile(rf"{_CAP}(?:[^\S\n]+(?:(?:av|for|i|de|van|von|der|den|of|la|le|du)[^\S\n]+)?{_CAP})*")
STOP = frozenset((
    "og i på av for til med er var som det den de en et å at om fra frå har hadde ble blei vart kan skal vil "
    "ikke ikkje seg sin sitt sine han hun ho dei der her så men eller også òg etter før over under mot ved "
    "the of and in on at to a an is was were by for with from that this as it its be has have had"
).split())
# a phrase answer runs up to six words: NorQuAD's term answers are 4.1 words on average, 28 % longer than four
MAX_NGRAM = 6


@dataclass
class Candidate:
    text: str
    kind: AnswerType  # the type this candidate answers
    label: str  # entity label, NAME (capitalised run), NGRAM, DATE, ITEM (a list item cut from a sentence)
    hit: Hit
    start: int  # in the chunk text
    end: int
    sentence: str
    sent_start: int
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0  # set by the ranker: probability that this is the answer

    @property
    def key(self) -> str:
        return " ".join(self.text.casefold().split())


@dataclass
class Sentence:
    hit: Hit
    start: int
    end: int
    text: str
    overlap: float  # share of the question's content words in the sentence
    matches: list[int] = field(default_factory=list)  # word positions that are question words
    matched: dict[int, frozenset[str]] = field(default_factory=dict)  # those positions' question terms
    position: int = 0  # the sentence's place in its passage (0: the first)


@lru_cache(maxsize=50_000)  # a sentence's words are read for its match and again for its candidates
def words(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text))


# a signature's role lines under a name (`Direktør`, `Integrerings- og mangfoldsdirektoratet`): short, no figure,
# no sentence mark; at most this many are read with the name
SIGNATURE_LINES = 3
_ROLE_WORDS = 6


def _whole_line(text: str, a: int, b: int) -> bool:
    return (a == 0 or text[a - 1] == "\n") and (b == len(text) or text[b] == "\n")


def _role_line(line: str) -> bool:
    line = line.strip(" *_")
    return 0 < len(line.split()) <= _ROLE_WORDS and not any(ch.isdigit() for ch in line) and line[-1] not in ".!?:;"


def signature_units(text: str, bounds: list[tuple[int, int]], persons: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`bounds` with each line that is one person's name joined to the short role lines right under it: a
    signature (`Libe Rieber-Mohn` / `Direktør`) says who holds the role only when read as one unit."""
    out, i = [], 0
    while i < len(bounds):
        a, b = bounds[i]
        j = i
        core = text[a:b].strip(" *_")
        lo = a + text[a:b].index(core) if core else a
        if core and _whole_line(text, a, b) and any(x <= lo and lo + len(core) <= y for x, y in persons):
            while (j + 1 < len(bounds) and j - i < SIGNATURE_LINES and _whole_line(text, *bounds[j + 1])
                   and _role_line(text[bounds[j + 1][0]:bounds[j + 1][1]])):
                j += 1
        out.append((a, bounds[j][1]))
        i = j + 1
    return out


def sentences(hits: list[Hit], q_terms: set[str], index: Index, top_hits: int) -> list[Sentence]:
    """Every sentence (or table line) of the first passages, with how well it matches the question."""
    out = []
    for h in hits[:top_hits]:
        chunk = _chunk(index, h)
        persons = tuple((e.start, e.end) for e in (chunk.entities if chunk else []) if e.label == "PER")
        for position, u in enumerate(_units(index.tokenizer, h.text, persons)):
            overlap = len(q_terms & u.terms) / len(q_terms) if q_terms else 0.0
            matched: dict[int, set[str]] = {}
            for t in q_terms & u.positions.keys():
                for i in u.positions[t]:
                    matched.setdefault(i, set()).add(t)
            frozen = {i: frozenset(matched[i]) for i in sorted(matched)}
            out.append(Sentence(h, u.start, u.end, u.text, overlap, list(frozen), frozen, position))
    return out


@dataclass(frozen=True)
class _Unit:
    """A sentence of a passage with what the question does not change: its index terms and where each stands."""
    start: int
    end: int
    text: str
    terms: frozenset[str]
    positions: dict[str, tuple[int, ...]]  # term -> positions of the words (`words`) that hold it


# the same passages come back question after question (the bundled corpus has ~1 300): split and tokenise each once
@lru_cache(maxsize=4096)
def _units(tokenizer, text: str, persons: tuple[tuple[int, int], ...]) -> tuple[_Unit, ...]:
    out = []
    for start, end in signature_units(text, split_sentences(text), list(persons)):
        unit = text[start:end]
        if len(unit.strip()) < 8:
            continue
        positions: dict[str, list[int]] = {}
        for i, (_, _, w) in enumerate(words(unit)):
            for t in _word_terms(tokenizer, w):
                positions.setdefault(t, []).append(i)
        out.append(_Unit(start, end, unit, frozenset(tokenizer.tokens(unit)),
                         {t: tuple(v) for t, v in positions.items()}))
    return tuple(out)


# the passages of one question share most of their words with those of the next: tokenise each word once
@lru_cache(maxsize=200_000)
def _word_terms(tokenizer, word: str) -> frozenset[str]:
    return frozenset(tokenizer.tokens(word))


def _inside(ws: tuple[tuple[int, int, str], ...], starts: list[int], a: int, b: int) -> range:
    """Positions of the words wholly inside [a, b): words neither overlap nor go back, so they are one run."""
    lo = bisect_left(starts, a)
    hi = lo
    while hi < len(ws) and ws[hi][1] <= b:
        hi += 1
    return range(lo, hi)


def _chunk(index: Index, hit: Hit) -> Chunk | None:
    try:
        return index.chunk(hit.chunk_id)
    except (KeyError, IndexError):
        return None


def candidates(question: str, kind: AnswerType, hits: list[Hit], index: Index, top_hits: int = 5,
               ngram_sentences: int = 3) -> list[Candidate]:
    """Every span of the first passages that could answer a question of type `kind`, with its features."""
    q_terms = set(index.tokenizer.tokens(question))
    q_words = {w.casefold() for _, _, w in words(question)}
    q_subset = bool(SUBSET.search(question))
    sents = sentences(hits, q_terms, index, top_hits)
    if not sents:
        return []
    order = sorted(range(len(sents)), key=lambda i: -sents[i].overlap)
    sent_rank = {i: r for r, i in enumerate(order)}
    exact, stand_in = FITS.get(kind, (frozenset(), frozenset()))
    out: list[Candidate] = []
    for si, s in enumerate(sents):
        base = s.start
        ws = words(s.text)
        starts = [w[0] for w in ws]
        spans: list[tuple[int, int, str]] = []  # (start, end) in the sentence, label
        chunk = _chunk(index, s.hit)
        for e in chunk.entities if chunk is not None else []:
            if base <= e.start and e.end <= s.end and (e.label in exact or e.label in stand_in):
                spans.append((e.start - base, e.end - base, e.label))
        if kind in (AnswerType.person, AnswerType.organisation, AnswerType.place, AnswerType.term):
            for m in _NAME_RUN.finditer(s.text):
                if m.start() == len(s.text) - len(s.text.lstrip()) and " " not in m.group(0):
                    continue  # a capital that only opens the sentence
                spans.append((m.start(), m.end(), "NAME"))
        if kind is AnswerType.date:
            spans += [(a, b, "DATE") for a, b in (*time_spans(s.text), *event_spans(s.text))]
        if kind in NGRAM_TYPES and sent_rank[si] < ngram_sentences:
            for i in range(len(ws)):
                for n in range(1, MAX_NGRAM + 1):
                    if i + n > len(ws):
                        break
                    first, last = ws[i][2].casefold(), ws[i + n - 1][2].casefold()
                    if first in STOP or last in STOP:
                        continue
                    if kind is AnswerType.number and not any(ch.isdigit() for ch in s.text[ws[i][0]:ws[i + n - 1][1]]):
                        continue
                    spans.append((ws[i][0], ws[i + n - 1][1], "NGRAM"))
        # what every span of this sentence reads: whether each word is one of the question's
        asked = [_asked(w.casefold(), q_words) for _, _, w in ws]
        seen: set[tuple[int, int]] = set()
        for a, b, label in spans:
            text = s.text[a:b].strip(" ,.;:()«»\"'")
            if not text or (a, b) in seen:
                continue
            seen.add((a, b))
            c = Candidate(text, kind, label, s.hit, base + a, base + b, s.text, base)
            inside = _inside(ws, starts, a, b)
            c.features = _features(c, s, ws, inside, asked, q_words, sent_rank[si], exact, stand_in)
            c.features.update(_alignment(c, s, inside, a, len(q_terms), q_subset, exact))
            # one family scores every type; these let a name, a term and a date weigh shape differently
            name, f = kind in NAME_TYPES, c.features
            f["ngram_name"] = f["ngram"] * name
            f["length_name"] = f["length"] * name
            f["capitalised_term"] = f["capitalised"] * (kind is AnswerType.term)
            f["length_date"] = f["length"] * (kind is AnswerType.date)
            out.append(c)
    _add_frequency(out)
    return [c for c in out if c.features["in_question"] < 1.0]


# the names a list of names is made of: the readers' name labels but a law's title, and capitalised runs
_ITEM_LABELS = (frozenset(NAME_LABELS) - {"LAW"}) | {"NAME"}
# what may stand between two coordinated names: a comma, a conjunction, or both (`A, B og C`; `A and B`)
_COORD_GAP = re.compile(r"\s*,\s*|\s*(?:,\s*)?\b(?:og|and|eller|or|samt)\s+", re.I)
_CONJUNCTION = re.compile(r"\b(?:og|and|eller|or|samt)\b", re.I)


def _name_items(c: Candidate, index: Index) -> list[tuple[int, int, str]]:
    """The names of a candidate's sentence as (start, end, label) in it: the chunk's name entities first, then the
    capitalised runs no entity overlaps, each without a leading small word (`I Kristiansand`)."""
    base, text = c.sent_start, c.sentence
    chunk = _chunk(index, c.hit)
    items = [(e.start - base, e.end - base, e.label) for e in (chunk.entities if chunk else [])
             if e.label in _ITEM_LABELS and base <= e.start and e.end <= base + len(text)]
    for m in _NAME_RUN.finditer(text):
        a, b = m.start(), m.end()
        first = text[a:b].split(" ", 1)
        if len(first) == 2 and first[0].casefold() in STOP:
            a += len(first[0]) + 1
        if not any(x < b and a < y for x, y, _ in items):
            items.append((a, b, "NAME"))
    return sorted(items)


def coordination(c: Candidate, index: Index) -> list[Candidate]:
    """The names coordinated with a name candidate in its sentence (`Kristiansand, Gjøvik og Trondheim`): names
    joined only by commas and a conjunction fill the role together. Just `c` when it stands in no such run."""
    items = _name_items(c, index)
    a, b = c.start - c.sent_start, c.end - c.sent_start
    runs: list[list[tuple[int, int, str]]] = []
    for item in items:
        gap = c.sentence[runs[-1][-1][1]:item[0]] if runs else ""
        if runs and item[0] >= runs[-1][-1][1] and _COORD_GAP.fullmatch(gap):
            runs[-1].append(item)
        else:
            runs.append([item])
    for run in runs:
        gaps = "".join(c.sentence[x[1]:y[0]] for x, y in itertools.pairwise(run))
        # names of one kind (`Kristiansand, Gjøvik og Trondheim`), not a firm beside a person
        if (len(run) >= 2 and _CONJUNCTION.search(gaps) and len({label for _, _, label in run}) == 1
                and any(x < b and a < y for x, y, _ in run)):
            return [Candidate(c.sentence[x:y], c.kind, label, c.hit, c.sent_start + x, c.sent_start + y,
                              c.sentence, c.sent_start, dict(c.features), c.score) for x, y, label in run]
    return [c]


def _features(c: Candidate, s: Sentence, ws: tuple[tuple[int, int, str], ...], inside: range, asked: list[bool],
              q_words: set[str], sent_rank: int, exact: frozenset[str], stand_in: frozenset[str]) -> dict[str, float]:
    """`asked`: per word of the sentence, whether it is one of the question's (`_asked`)."""
    n_words = len(inside) or 1
    if inside:
        lo, hi = inside[0], inside[-1]
        dist = _gap_outside(s.matches, lo, hi, 10)
        adjacent = float(dist == 1)  # a question word right before or after the span
        in_q = sum(asked[i] for i in inside) / n_words
    else:
        dist, adjacent = 10, 0.0
        in_q = float(_asked(c.text.casefold(), q_words))
    return {
        "sent_overlap": s.overlap,
        "sent_best": 1.0 / (1 + sent_rank),
        "hit_support": 1.0 / math.sqrt(s.hit.rank),
        "fits": float(c.label in exact),
        "stands_in": float(c.label in stand_in and c.label not in exact),
        "name_run": float(c.label == "NAME"),
        "ngram": float(c.label == "NGRAM"),
        "length": min(n_words, 6) / 6,
        "proximity": 1.0 / (1 + dist),
        "adjacent": adjacent,
        "frequency": 0.0,
        "in_question": in_q,
        "capitalised": float(any(w[:1].isupper() for w in c.text.split())),
        "has_digit": float(any(ch.isdigit() for ch in c.text)),
        "entity": float(c.label not in ("NAME", "NGRAM", "DATE")),
        "sent_len": min(len(ws), 60) / 60,
    }


# a word in lower case, not a part of an address (`www.bufdir.no`, `rapport.pdf`, `post@imdi.no`)
_LOWER_WORD = re.compile(r"(?<![\w\-./@])[a-zæøåéü][a-zæøåéü]+(?![\w\-@/]|\.\w)")


@lru_cache(maxsize=64)  # one word set per document source, read for every name answer
def _lower_words(source: str) -> frozenset[str]:
    return frozenset(_LOWER_WORD.findall(source))


def capital_by_position(c: Candidate, index: Index) -> bool:
    """A lone capitalised word (no entity) that its document also writes in lower case, or that opens a field
    (`Kommentar:`): the capital comes from where it stands (`Deltakelse i …`, a title's `Den`), not from a name
    (`Fafo` never is)."""
    word = c.text.strip(".,:;()«»\"'")
    source = index.sources.get(c.hit.doc_id)
    if c.label != "NAME" or " " in word or len(word) < 2 or not word[:1].isupper() or not source:
        return False
    # a field's label (`Kommentar: Fafo-notat …`, `Kilde:`, `Frist:`) is capitalised because it opens the field
    label = c.sentence[c.end - c.sent_start:c.end - c.sent_start + 2].lstrip().startswith(":")
    return label or word.lower() in _lower_words(source)


def _asked(word: str, q_words: set[str]) -> bool:
    """The word is one of the question's, or its genitive (`IMDis`, `Norges`, `Oslo's`): who leads IMDi is not IMDi."""
    if word in q_words:
        return True
    for ending in ("'s", "’s", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 1 and word[:-len(ending)] in q_words:
            return True
    return False


def _alignment(c: Candidate, s: Sentence, inside: range, a: int, n_terms: int, q_subset: bool,
               exact: frozenset[str]) -> dict[str, float]:
    """Where the span sits among the words the question shares with its sentence: an answer stands next to
    them (the question is the sentence with the answer taken out), not in a part of the sentence they miss."""
    near: set[str] = set()
    before = after = between = False
    if inside:
        lo, hi = inside[0], inside[-1]
        ms = s.matches  # ascending
        for i in ms[bisect_left(ms, lo - WINDOW):bisect_left(ms, lo)]:
            near |= s.matched[i]
        for i in ms[bisect_right(ms, hi):bisect_right(ms, hi + WINDOW)]:
            near |= s.matched[i]
        before = _has_between(ms, lo - 3, lo - 1)
        after = _has_between(ms, hi + 1, hi + 3)
        between = bool(ms) and ms[0] < lo and ms[-1] > hi
    n_words = len(c.text.split())
    return {
        "window": len(near) / n_terms if n_terms else 0.0,
        "before": float(before),
        "after": float(after),
        "between": float(between),
        # a statistical NER's label that is the type asked (PER for hvem, GPE/LOC for hvor)
        "entity_fit": float(c.label in exact and c.label not in ("NAME", "NGRAM", "DATE")),
        "one_word": float(n_words == 1),
        "multi_cap": float(n_words >= 2 and sum(w[:1].isupper() for w in c.text.split()) >= 2),
        "sent_pos": 1.0 / (1 + s.position),
        # a count of a part ("133 personer fra disse botiltakene") where the question names no part
        "subset": float(any(ch.isdigit() for ch in c.text) and subset_at(s.text, a) and not q_subset),
    }


def _gap_outside(ascending: list[int], lo: int, hi: int, none: int) -> int:
    """How far the nearest value outside [lo, hi] lies from that range (`none` when every value is inside)."""
    left, right = bisect_left(ascending, lo), bisect_right(ascending, hi)
    gaps = [lo - ascending[left - 1]] if left > 0 else []
    if right < len(ascending):
        gaps.append(ascending[right] - hi)
    return min(gaps) if gaps else none


def _has_between(ascending: list[int], lo: int, hi: int) -> bool:
    """Is some value of the ascending list within [lo, hi]?"""
    i = bisect_left(ascending, lo)
    return i < len(ascending) and ascending[i] <= hi


def _add_frequency(cands: list[Candidate]) -> None:
    """How often a candidate's text recurs in the passages: an answer is often repeated."""
    counts: dict[str, set[str]] = {}
    for c in cands:
        counts.setdefault(c.key, set()).add(f"{c.hit.chunk_id}:{c.sent_start}")
    for c in cands:
        c.features["frequency"] = math.log1p(len(counts[c.key]) - 1)


def vector(c: Candidate) -> list[float]:
    return [c.features[f] for f in FEATURES]
