"""Run a question set through a search index (and optionally the answer module) and score it.

Gold location: each question's `support` passage is located in the source text of the
ingested documents (the named document first, else every document), verbatim first,
then with whitespace normalised and mapped back to exact source offsets. A hit is
relevant when its citation span covers at least half of that support span.

Any object with `search(question, k=..., mode=..., filters=None)` returning hits that
carry `doc_id` and `citation.span` can be evaluated (the real index, the BM25 window
baseline, a fake in tests).

Denominators: every question line counts, so an invalid line or an unlocatable support
is a miss in every figure. Answer accuracy is over questions with `answer_values` (plus
the failed lines); citation accuracy is over all lines. Answer accuracy scores the short
answer only (the value(s), name(s) or list items; at most 12 words unless a list, a
reason's first sentence), never the supporting sentence.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from core.records import Span
from eval import metrics
from eval.questions_format import Question, QuestionError, QuestionFile

_WS = re.compile(r"\s+")


class Searcher(Protocol):
    def search(self, question: str, k: int = 10, mode: str = "hybrid", filters: Any = None) -> list[Any]: ...


# -- gold location -----------------------------------------------------------------------------


@dataclass
class SourceDoc:
    """One document's source text and the names a question file may call it by."""

    doc_id: str
    text: str
    names: frozenset[str] = frozenset()

    @cached_property
    def _normalised(self) -> tuple[str, list[int]]:
        return normalise_with_map(self.text)

    def locate(self, support: str) -> list[Span]:
        return locate_support(self.text, support, self._normalised)

    def known_as(self, name: str) -> bool:
        return name.casefold() in self.names or name == self.doc_id


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """`text` with every whitespace run as one space, and each output char's offset in `text`."""
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _WS.finditer(text):
        out.append(text[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        out.append(" ")
        offsets.append(m.start())
        pos = m.end()
    out.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return "".join(out), offsets


def locate_support(text: str, support: str, normalised: tuple[str, list[int]] | None = None) -> list[Span]:
    """Every span of `support` in `text`: verbatim matches, else whitespace-normalised ones.

    A normalised match is mapped back to the source offsets of its first and last
    character, so `text[span.start:span.end]` is the passage as it stands in the file
    (line breaks, trailing spaces and blank lines included).
    """
    if not support.strip():
        return []
    spans = [Span(start=i, end=i + len(support)) for i in _find_all(text, support)]
    if spans:
        return spans
    norm, offsets = normalised or normalise_with_map(text)
    needle = _WS.sub(" ", support).strip()
    return [Span(start=offsets[i], end=offsets[i + len(needle) - 1] + 1) for i in _find_all(norm, needle)]


def _find_all(hay: str, needle: str) -> Iterable[int]:
    i = hay.find(needle)
    while i >= 0:
        yield i
        i = hay.find(needle, i + 1)


@dataclass
class Gold:
    doc_id: str
    spans: list[Span]


def locate_gold(question: Question, docs: Sequence[SourceDoc]) -> Gold | None:
    """Where the question's support lies: in the named document if it is there, else anywhere.

    When no document is named (or the named one does not hold it), the first document
    that holds a passage is the gold document. With a list of supports, the gold spans
    are every located span of every one of them in that document.
    """
    named = [d for d in docs if question.doc and d.known_as(question.doc)]
    for group in (named, [d for d in docs if d not in named]):
        for d in group:
            spans = [s for support in question.supports for s in d.locate(support)]
            if spans:
                return Gold(d.doc_id, spans)
    return None


def sources_from_store(data: Path) -> list[SourceDoc]:
    """The ingested documents of a data folder."""
    from ingest.store import DocumentStore

    store = DocumentStore(data)
    docs = []
    for doc_id in store.ids():
        meta = store.meta(doc_id)
        names = {doc_id, meta.source_file, Path(meta.source_file).name}
        if meta.original_name:
            names.add(meta.original_name)
        docs.append(SourceDoc(doc_id, store.source(doc_id), frozenset(n.casefold() for n in names)))
    return docs


def sources_from_corpus(corpus_dir: Path | None = None) -> list[SourceDoc]:
    """The raw files of the bundled corpus, named as in the manifest (no ingest needed)."""
    from core.config import CORPUS_DIR
    from ingest.manifest import load_manifest

    root = Path(corpus_dir or CORPUS_DIR)
    docs = []
    for e in load_manifest(root / "manifest.toml"):
        text = (root / e.source).read_bytes().decode("utf-8-sig")
        names = frozenset(n.casefold() for n in (e.id, e.source, e.original))
        docs.append(SourceDoc(e.id, text, names))
    return docs


# -- running -----------------------------------------------------------------------------------


@dataclass
class Retrieved:
    rank: int
    doc_id: str
    span: Span
    page: str = ""
    text: str = ""
    relevant: bool = False


@dataclass
class QuestionResult:
    id: str
    line: int
    question: str = ""
    kind: str | None = None
    lang: str | None = None
    doc: str | None = None  # gold doc id, else the named doc
    status: str = "ok"  # ok | invalid | no_support | error
    message: str = ""
    gold: Gold | None = None
    rank: int | None = None  # first relevant hit, 1-based
    hits: list[Retrieved] = field(default_factory=list)
    latency_ms: float | None = None


@dataclass
class AnswerResult:
    id: str
    scored: bool  # has answer_values (or is an invalid line, which counts as wrong)
    correct: bool = False
    cites_gold: bool = False
    text: str = ""
    short: str = ""  # the short answer as scored (see metrics.short_answer_text)
    answer_type: str | None = None  # the question's type: its `answer_type`, else the answer module's reading
    confidence: float | None = None
    message: str = ""


def prepare(qf: QuestionFile, docs: Sequence[SourceDoc]) -> list[QuestionResult]:
    """Locate every question's gold span; invalid lines and unfound supports become failed results."""
    out: list[QuestionResult] = []
    for err in qf.errors:
        out.append(QuestionResult(id=err.id, line=err.line, status="invalid", message=err.message))
    for q in qf.questions:
        r = QuestionResult(id=q.id, line=q.line, question=q.question, kind=q.kind, lang=q.lang, doc=q.doc)
        gold = locate_gold(q, docs)
        if gold is None:
            r.status = "no_support"
            where = f"document {q.doc!r}" if q.doc else "any document"
            r.message = f"support not found in {where}"
        else:
            r.gold, r.doc = gold, gold.doc_id
        out.append(r)
    out.sort(key=lambda r: r.line)
    return out


def _hit_span(hit: Any) -> Span:
    s = hit.citation.span
    return s if isinstance(s, Span) else Span(start=s.start, end=s.end)


def run_search(
    searcher: Searcher,
    prepared: Sequence[QuestionResult],
    k: int = 10,
    mode: str = "hybrid",
    on_progress: Callable[[], None] | None = None,
) -> list[QuestionResult]:
    """Search every locatable question once; returns fresh results (the input is not changed)."""
    out = []
    for p in prepared:
        r = QuestionResult(**{**p.__dict__, "hits": []})
        if r.status == "ok" and r.gold is not None:
            t0 = time.perf_counter()
            try:
                hits = searcher.search(r.question, k=k, mode=mode, filters=None)
            except Exception as exc:  # noqa: BLE001 - one failing query must not end the run
                r.status, r.message = "error", f"search failed: {type(exc).__name__}: {exc}"
                hits = []
            r.latency_ms = (time.perf_counter() - t0) * 1000
            for i, h in enumerate(hits[:k], start=1):
                span = _hit_span(h)
                rel = h.doc_id == r.gold.doc_id and any(metrics.is_relevant(span, g) for g in r.gold.spans)
                page = getattr(h.citation, "page_label", "") or ""
                r.hits.append(Retrieved(i, h.doc_id, span, page, (getattr(h, "text", "") or "")[:160], rel))
            r.rank = metrics.first_relevant_rank([x.relevant for x in r.hits])
        out.append(r)
        if on_progress:
            on_progress()
    return out


def run_answers(
    answer_fn: Callable[[str], Any],
    questions: Sequence[Question],
    prepared: Sequence[QuestionResult],
) -> list[AnswerResult]:
    """Ask the answer module every question; score values and the cited document."""
    by_id = {q.id: q for q in questions}
    out = []
    for p in prepared:
        q = by_id.get(p.id) if p.status != "invalid" else None
        if q is None or p.gold is None:
            out.append(AnswerResult(p.id, scored=True, message=p.message or "not asked"))
            continue
        res = AnswerResult(q.id, scored=bool(q.answer_values), answer_type=q.answer_type)
        try:
            a = answer_fn(q.question)
        except Exception as exc:  # noqa: BLE001
            res.message = f"answer failed: {type(exc).__name__}: {exc}"
            out.append(res)
            continue
        res.text = a.text or ""
        found = getattr(a, "found", True)
        res.answer_type = q.answer_type or _type_name(getattr(a, "answer_type", None))
        res.short = short_answer(a)
        res.confidence = getattr(a, "confidence", None)
        # only the short answer counts: the value(s), name(s) or list items, never the supporting sentence
        res.correct = bool(found) and bool(res.short) and metrics.answer_matches(q.answer_values, res.short)
        res.cites_gold = a.citation is not None and a.citation.doc_id == p.gold.doc_id
        out.append(res)
    return out


def _type_name(t: Any) -> str | None:
    return None if t is None else str(getattr(t, "value", t))


def short_answer(a: Any) -> str:
    """The part of an answer that accuracy scores: `short_answer`, else the value text or the number."""
    short = getattr(a, "short_answer", None) or getattr(a, "value_text", None)
    if not short and getattr(a, "value", None) is not None:
        short = metrics.format_value(a.value)
    return metrics.short_answer_text(short, _type_name(getattr(a, "answer_type", None)))


# -- summaries ---------------------------------------------------------------------------------

MISS_HITS = 3  # retrieved hits shown for each miss


def figures(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """n, recall@1/5/10, mrr@10, ndcg@10 over results (failed ones count as misses).

    The cut-offs are fixed (the JSON keys name them); with `--k` below 10 the hits
    beyond k were never retrieved, so recall@10 is then recall@k.
    """
    ranks = [r.rank for r in results]
    return {"n": len(results), **{key: round(v, 4) for key, v in metrics.rank_metrics(ranks, 10).items()}}


def breakdown(results: Sequence[QuestionResult], key: Callable[[QuestionResult], str | None]) -> dict[str, dict]:
    groups: dict[str, list[QuestionResult]] = {}
    for r in results:
        groups.setdefault(key(r) or "(none)", []).append(r)
    return {g: figures(rs) for g, rs in sorted(groups.items())}


def misses(results: Sequence[QuestionResult]) -> list[dict[str, Any]]:
    """Questions with no relevant hit in the top k, with what was retrieved instead."""
    out = []
    for r in results:
        if r.rank is not None:
            continue
        reason = {"invalid": "invalid line", "no_support": "support not found", "error": "search error"}.get(
            r.status, "not retrieved")
        item: dict[str, Any] = {"id": r.id, "line": r.line, "question": r.question, "reason": reason}
        if r.message:
            item["message"] = r.message
        if r.gold:
            item["gold"] = {"doc": r.gold.doc_id, "span": [r.gold.spans[0].start, r.gold.spans[0].end]}
        item["retrieved"] = [
            {"rank": h.rank, "doc": h.doc_id, "span": [h.span.start, h.span.end], "page": h.page, "text": h.text}
            for h in r.hits[:MISS_HITS]
        ]
        out.append(item)
    return out


def summarise(results: Sequence[QuestionResult], k: int = 10) -> dict[str, Any]:
    """The figures of one mode: rank metrics, latency, breakdowns, misses."""
    lat = [r.latency_ms for r in results if r.latency_ms is not None]
    return {
        **figures(results),
        "latency_ms": metrics.latency_summary(lat),
        "by_kind": breakdown(results, lambda r: r.kind),
        "by_lang": breakdown(results, lambda r: r.lang),
        "by_doc": breakdown(results, lambda r: r.doc),
        "misses": misses(results),
        "recall_curve": [round(x, 4) for x in metrics.recall_curve([r.rank for r in results], k)],
    }


def answer_figures(answers: Sequence[AnswerResult] | None) -> tuple[float | None, float | None]:
    """(answer accuracy, citation accuracy); both None when answers were not run."""
    if answers is None:
        return None, None
    scored = [a for a in answers if a.scored]
    acc = metrics.mean(1.0 if a.correct else 0.0 for a in scored) if scored else None
    cit = metrics.mean(1.0 if a.cites_gold else 0.0 for a in answers) if answers else None
    return (round(acc, 4) if acc is not None else None), (round(cit, 4) if cit is not None else None)


def answer_breakdown(answers: Sequence[AnswerResult] | None) -> dict[str, dict[str, Any]] | None:
    """Answer accuracy per answer type over the scored questions: {type: {n, answer_accuracy}}."""
    if answers is None:
        return None
    groups: dict[str, list[AnswerResult]] = {}
    for a in answers:
        if a.scored:
            groups.setdefault(a.answer_type or "(none)", []).append(a)
    return {t: {"n": len(rs), "answer_accuracy": round(metrics.mean(1.0 if r.correct else 0.0 for r in rs), 4)}
            for t, rs in sorted(groups.items())}


def answer_items(answers: Sequence[AnswerResult] | None) -> list[dict[str, Any]] | None:
    """Each scored question's short answer, type, confidence and verdict (for reading failures and calibration)."""
    if answers is None:
        return None
    return [{"id": a.id, "answer_type": a.answer_type, "short_answer": a.short, "confidence": a.confidence,
             "correct": a.correct} for a in answers if a.scored]


TOP_KEYS = ("n", "recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "answer_accuracy",
            "citation_accuracy", "latency_ms", "by_kind", "by_lang", "by_doc", "misses", "modes", "settings",
            "answer_accuracy_by_type", "answers", "answer_settings")


def build_report(
    per_mode: dict[str, dict[str, Any]],
    top_mode: str,
    answers: Sequence[AnswerResult] | None = None,
    settings: dict[str, Any] | None = None,
    answer_settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The `--json` object: the top-level figures are those of `top_mode`; `modes` holds every mode run;
    `settings` the index's build and search settings the figures were measured with (None for a fake)."""
    top = per_mode[top_mode]
    acc, cit = answer_figures(answers)
    out = {
        "n": top["n"],
        "recall@1": top["recall@1"],
        "recall@5": top["recall@5"],
        "recall@10": top["recall@10"],
        "mrr@10": top["mrr@10"],
        "ndcg@10": top["ndcg@10"],
        "answer_accuracy": acc,
        "citation_accuracy": cit,
        "latency_ms": top["latency_ms"],
        "by_kind": top["by_kind"],
        "by_lang": top["by_lang"],
        "by_doc": top["by_doc"],
        "misses": top["misses"],
        "modes": per_mode,
        "settings": settings,
        "answer_accuracy_by_type": answer_breakdown(answers),
        "answers": answer_items(answers),
        "answer_settings": answer_settings if answers is not None else None,
    }
    assert tuple(out) == TOP_KEYS
    return out


def evaluate(
    qf: QuestionFile,
    docs: Sequence[SourceDoc],
    searchers: dict[str, tuple[Searcher, str]],
    k: int = 10,
    top_mode: str | None = None,
    answer_fn: Callable[[str], Any] | None = None,
    on_progress: Callable[[], None] | None = None,
    answer_settings: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, list[QuestionResult]]]:
    """Score every named searcher (name -> (searcher, mode passed to search)) on one question file."""
    prepared = prepare(qf, docs)
    settings = settings_of(searchers)  # before any mode runs: each mode's index is released after its run
    results = {}
    for name, (searcher, mode) in searchers.items():
        results[name] = run_search(searcher, prepared, k, mode, on_progress)
        if hasattr(searcher, "release"):  # let a per-mode index copy go before the next mode loads its own
            searcher.release()
    per_mode = {name: summarise(rs, k) for name, rs in results.items()}
    answers = run_answers(answer_fn, qf.questions, prepared) if answer_fn else None
    report = build_report(per_mode, top_mode or next(iter(searchers)), answers, settings, answer_settings)
    return report, results


def settings_of(searchers: dict[str, tuple[Searcher, str]]) -> dict[str, Any] | None:
    """The settings recorded with the first searcher that has them (a real index: its manifest's settings and
    the search settings actually used)."""
    for searcher, _ in searchers.values():
        record = getattr(searcher, "settings_record", None)
        if callable(record):
            return record()
    return None


__all__ = [
    "Gold", "QuestionError", "QuestionResult", "Searcher", "SourceDoc", "build_report", "evaluate",
    "locate_gold", "locate_support", "prepare", "run_answers", "run_search", "sources_from_corpus",
    "sources_from_store", "summarise",
]
