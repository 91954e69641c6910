"""Fit the hybrid search settings by k-fold cross-validation, and measure each component on and off.

`python -m eval.fusion_fit --set dev=eval/questions/dev.jsonl:data --set outside=<questions>:<data> --out DIR`

Every retriever is asked once per question (to depth `SearchSettings.pool`, the query vectors from a
batch pass or a cache file); everything after that — fusion method and weights per query type, the
year prior, the second stage, the duplicate collapse — is ranked in-process from those cached lists,
so a setting costs milliseconds, not a re-run. The objective weighs every question set equally:
mean over sets of (recall@5 + MRR@10) / 2.

Cross-validation: each set is cut into K folds by a hash of the question id; fold f of every set is
held out together, the settings are fitted on the rest, and the held-out questions are ranked with
them. The CV figures pool the held-out ranks; the in-sample figures fit and score on everything.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from eval import metrics
from eval.harness import prepare, sources_from_store
from eval.questions_format import load_questions
from index.rerank import Candidates
from index.settings import FusionWeights, RerankSettings, SearchSettings
from text.query import QueryType

RETRIEVERS = ("keyword", "semantic", "facts")
K_FOLDS = 5
KEYWORD_GRID = (0.0, 0.5, 1.0, 2.0, 4.0)  # relative to semantic = 1; plus keyword alone
FACTS_GRID = (0.0, 0.5, 1.0)
FUSION_GRID = (("rrf", 5), ("rrf", 20), ("rrf", 60), ("score", 60))
YEAR_GRID = (0.0, 0.1, 0.3, 0.6)
RERANK_GRID = (0.0, 0.1, 0.25, 0.5, 1.0)


# The "before" row: the hand settings this replaced (RRF k=60, equal weights, facts for
# figure questions, year prior 0.3, no second stage). Fixed here so a re-run does not start from its own result.
HAND = SearchSettings(
    fusion="rrf", rrf_k=60, year_prior=0.3,
    weights={t: FusionWeights(keyword=1.0, semantic=1.0, facts=1.0 if t in (QueryType.number, QueryType.keyword)
                              else 0.0) for t in QueryType},
    rerank=RerankSettings(enabled=False, proximity=0.0, section=0.0, dedup=False),
)

# The fit's starting point: RRF k=60, every retriever at weight 1 but facts off, year prior 0.3, second stage on
# with zero weights. Fixed here so that a re-run does not start from its own result.
START = SearchSettings(fusion="rrf", rrf_k=60, year_prior=0.3, weights={t: FusionWeights() for t in QueryType},
                       rerank=RerankSettings(enabled=True, proximity=0.0, section=0.0, sentence=0.0, dedup=False))


@dataclass
class Item:
    """One question of one set, ready to rank: its cached candidates and which rows count as relevant."""

    qid: str
    set_name: str
    qtype: QueryType | None  # None: invalid or unlocatable line, a miss whatever the settings
    cands: Candidates | None = None
    relevant: set[int] = field(default_factory=set)
    fold: int = 0


@dataclass
class Sets:
    items: list[Item]
    names: list[str]
    retrieve_ms: dict[str, dict[str, float]]  # set -> retriever -> mean ms per query (cached query vectors)
    embed_ms: dict[str, float]  # set -> mean ms per query embedding, in a batch


def fold_of(qid: str, k: int = K_FOLDS) -> int:
    return int(hashlib.sha256(qid.encode()).hexdigest(), 16) % k


def load_query_vectors(path: Path | None, idx: Any, questions: list[str]) -> float:
    """Put every question's vector into the index's query cache (from `path` when it holds them, else one batch
    pass); returns the embedding time per query in ms (0 when read from the file)."""
    if path is not None and path.exists():
        z = np.load(path, allow_pickle=True)
        cached = dict(zip(z["questions"].tolist(), z["vectors"], strict=True))
        if all(q in cached for q in questions):
            idx.prime_query_cache({q: cached[q] for q in questions})
            return float(z["ms_per_query"]) if "ms_per_query" in z else 0.0
    t0 = time.perf_counter()
    vecs = idx.embedder.embed_queries(questions)
    ms = (time.perf_counter() - t0) * 1000 / max(1, len(questions))
    idx.prime_query_cache(dict(zip(questions, vecs, strict=True)))
    if path is not None:
        np.savez(path, questions=np.array(questions, dtype=object), vectors=np.asarray(vecs), ms_per_query=ms)
    return ms


def collect(set_name: str, questions_path: Path, data: Path, vectors: Path | None = None,
            tokenizer_patch: Callable[[Any], None] | None = None) -> tuple[list[Item], dict[str, float], float]:
    """Candidates and relevance for every question of one set."""
    from index.search import open_index

    idx = open_index(data)
    if tokenizer_patch:
        tokenizer_patch(idx)
    qf = load_questions(questions_path)
    prepared = prepare(qf, sources_from_store(data))
    embed_ms = load_query_vectors(vectors, idx, [p.question.strip() for p in prepared if p.status == "ok"])
    depth = max(idx.search_settings.pool, idx.search_settings.rerank.pool)
    items: list[Item] = []
    spent = dict.fromkeys(RETRIEVERS, 0.0)
    asked = 0
    for p in prepared:
        if p.status != "ok" or p.gold is None:
            items.append(Item(p.id, set_name, None, fold=fold_of(p.id)))
            continue
        cands = Candidates(p.question, None, np.zeros(0, np.int32), {})  # type: ignore[arg-type]
        for name in RETRIEVERS:
            t0 = time.perf_counter()
            one = idx.candidates(p.question, depth, retrievers=(name,))
            spent[name] += (time.perf_counter() - t0) * 1000
            cands.info, cands.term_ids = one.info, one.term_ids
            cands.lists.update(one.lists)
        cands.qvec = idx.embed_query(p.question.strip())  # cached: embedded once, for the sentence feature
        asked += 1
        rows = {int(r) for ids, _ in cands.lists.values() for r in ids}
        relevant = set()
        for row in rows:
            c = idx.chunks[row]
            if c.doc_id != p.gold.doc_id:
                continue
            span = idx.cite(c, idx.offsets.matches(row, cands.term_ids)).span
            if any(metrics.is_relevant(span, g) for g in p.gold.spans):
                relevant.add(row)
        items.append(Item(p.id, set_name, cands.info.type, cands, relevant, fold_of(p.id)))
    items_ranker[set_name] = idx.ranker
    return items, {n: v / max(1, asked) for n, v in spent.items()}, embed_ms


items_ranker: dict[str, Any] = {}  # set -> the Ranker of its index (features are index-specific)


# -- scoring -----------------------------------------------------------------------------------------


def rank_of(item: Item, s: SearchSettings, k: int = 10) -> int | None:
    if item.cands is None:
        return None
    ranked = items_ranker[item.set_name].rank(item.cands, k, s)
    for i, r in enumerate(ranked, 1):
        if r.row in item.relevant:
            return i
    return None


def figures(ranks: list[int | None]) -> dict[str, float]:
    m = metrics.rank_metrics(ranks, 10)
    return {"n": len(ranks), "recall@1": m["recall@1"], "recall@5": m["recall@5"], "mrr@10": m["mrr@10"]}


def objective(items: Iterable[Item], s: SearchSettings, sets: list[str]) -> float:
    """Mean over sets of (recall@5 + MRR@10) / 2, each set weighing the same whatever its size."""
    per: dict[str, list[int | None]] = {n: [] for n in sets}
    for it in items:
        per[it.set_name].append(rank_of(it, s))
    vals = [(metrics.mean(metrics.recall_at(r, 5) for r in rs) + metrics.mean(metrics.reciprocal_rank(r) for r in rs))
            / 2 for rs in per.values() if rs]
    return float(np.mean(vals)) if vals else 0.0


def _weighted(items: list[Item], s: SearchSettings, set_sizes: dict[str, int]) -> float:
    """The objective's contribution of a subset (one query type): per-question values weighted by 1/set size."""
    total = 0.0
    for it in items:
        r = rank_of(it, s)
        total += (metrics.recall_at(r, 5) + metrics.reciprocal_rank(r)) / 2 / set_sizes[it.set_name]
    return total


# -- fitting -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Space:
    """What the fit may change; an ablation pins a component off."""

    facts: bool = True
    year_prior: bool = True
    per_type: bool = True
    fusion: tuple[tuple[str, int], ...] = FUSION_GRID
    rerank: bool = True
    sentence: bool = True  # the best-matching sentence (when the index has sentence vectors)
    dedup: bool | None = None  # None: fitted; True/False: pinned
    both_sets: bool = True  # facts and year prior kept only where no set does worse (keep_where_both_help)


def weight_grid(space: Space) -> list[FusionWeights]:
    out = [FusionWeights(keyword=1.0, semantic=0.0, facts=f) for f in (FACTS_GRID if space.facts else (0.0,))]
    for kw, f in itertools.product(KEYWORD_GRID, FACTS_GRID if space.facts else (0.0,)):
        out.append(FusionWeights(keyword=kw, semantic=1.0, facts=f))
    return out


def fit(items: list[Item], sets: list[str], space: Space, start: SearchSettings | None = None) -> SearchSettings:
    """Coordinate ascent, one pass: the weights of each query type (separable: a question has one type), the
    fusion method, the weights again (they depend on the method), then year prior and second stage."""
    s = start or START
    if not space.facts:
        s = replace(s, weights={t: replace(w, facts=0.0) for t, w in s.weights.items()})
    if not space.year_prior:
        s = replace(s, year_prior=0.0)
    if not space.rerank:
        s = replace(s, rerank=replace(s.rerank, proximity=0.0, section=0.0, sentence=0.0))
    if not space.sentence:  # the "− best-matching sentence" row
        s = replace(s, rerank=replace(s.rerank, sentence=0.0))
    if space.dedup is not None:
        s = replace(s, rerank=replace(s.rerank, dedup=space.dedup))
    sizes = {n: sum(1 for it in items if it.set_name == n) for n in sets}
    grid = weight_grid(space)
    by_type = {t: [it for it in items if it.qtype is t] for t in QueryType}
    for step in range(2):
        if space.per_type:
            new = dict(s.weights)
            for t in QueryType:
                if not by_type[t]:
                    continue
                new[t] = max(grid, key=lambda w, t=t: _weighted(by_type[t], replace(s, weights={**new, t: w}), sizes))
            s = replace(s, weights=new)
        else:
            best = max(grid, key=lambda w: objective(items, replace(s, weights=dict.fromkeys(QueryType, w)), sets))
            s = replace(s, weights=dict.fromkeys(QueryType, best))
        if step == 0:
            candidates: list[SearchSettings] = [replace(s, fusion=f, rrf_k=k) for f, k in space.fusion]
            s = max(candidates, key=lambda c: objective(items, c, sets))
            continue
        if space.year_prior:
            s = max((replace(s, year_prior=y) for y in YEAR_GRID), key=lambda c: objective(items, c, sets))
        if space.rerank:
            for name in ("proximity", "section", "sentence") if space.sentence else ("proximity", "section"):
                s = max((replace(s, rerank=replace(s.rerank, **{name: v})) for v in RERANK_GRID),
                        key=lambda c: objective(items, c, sets))
        if space.dedup is None:
            s = max((replace(s, rerank=replace(s.rerank, dedup=d)) for d in (False, True)),
                    key=lambda c: objective(items, c, sets))
    return keep_where_both_help(items, sets, s, by_type) if space.both_sets else s


def per_set(items: Iterable[Item], s: SearchSettings) -> dict[str, float]:
    """Summed (recall@5 + reciprocal rank) / 2 per set, for comparing two settings on the same questions."""
    out: dict[str, float] = {}
    for it in items:
        r = rank_of(it, s)
        out[it.set_name] = out.get(it.set_name, 0.0) + (metrics.recall_at(r, 5) + metrics.reciprocal_rank(r)) / 2
    return out


def keep_where_both_help(items: list[Item], sets: list[str], s: SearchSettings,
                         by_type: dict[QueryType, list[Item]]) -> SearchSettings:
    """The facts retriever (per query type) and the year prior stay only where no set does worse with them:
    a gain on one set may not be bought with a loss on another."""
    for t, its in by_type.items():
        w = s.weights[t]
        if w.facts > 0 and its:
            off = replace(s, weights={**s.weights, t: replace(w, facts=0.0)})
            on_fig, off_fig = per_set(its, s), per_set(its, off)
            if any(off_fig[n] > on_fig[n] + 1e-9 for n in on_fig):
                s = off
    if s.year_prior > 0:
        off = replace(s, year_prior=0.0)
        on_fig, off_fig = per_set(items, s), per_set(items, off)
        if any(off_fig[n] > on_fig[n] + 1e-9 for n in on_fig):
            s = off
    return s


def cross_validate(items: list[Item], sets: list[str], space: Space) -> dict[str, list[int | None]]:
    """Held-out ranks of every question, per set: fold f ranked with settings fitted on the other folds."""
    held: dict[str, list[int | None]] = {n: [] for n in sets}
    for f in range(K_FOLDS):
        train = [it for it in items if it.fold != f]
        s = fit(train, sets, space)
        for it in items:
            if it.fold == f:
                held[it.set_name].append(rank_of(it, s))
    return held


def in_sample(items: list[Item], sets: list[str], s: SearchSettings) -> dict[str, list[int | None]]:
    out: dict[str, list[int | None]] = {n: [] for n in sets}
    for it in items:
        out[it.set_name].append(rank_of(it, s))
    return out


def ranking_ms(items: list[Item], s: SearchSettings) -> float:
    """Mean ms to fuse and re-rank one query's cached lists (second-stage features computed fresh)."""
    live = [it for it in items if it.cands is not None]
    t0 = time.perf_counter()
    for it in live:
        it.cands.proximity.clear()
        it.cands.section.clear()
        it.cands.sentence.clear()
        rank_of(it, s)
    return (time.perf_counter() - t0) * 1000 / max(1, len(live))


def single_mode(items: list[Item], sets: list[str], retriever: str) -> dict[str, list[int | None]]:
    """Ranks of one retriever alone (its cached list as is)."""
    out: dict[str, list[int | None]] = {n: [] for n in sets}
    for it in items:
        r = None
        if it.cands is not None:
            ids = it.cands.lists[retriever][0][:10].tolist()
            r = next((i for i, row in enumerate(ids, 1) if row in it.relevant), None)
        out[it.set_name].append(r)
    return out


ABLATIONS: dict[str, Space] = {
    "fitted (all components)": Space(),
    "fitted on the mean only (facts/year prior may trade one set for the other)": Space(both_sets=False),
    "− facts retriever": Space(facts=False),
    "− year prior": Space(year_prior=False),
    "− weights per query type (one set for all)": Space(per_type=False),
    "− RRF (score fusion only)": Space(fusion=tuple(f for f in FUSION_GRID if f[0] == "score")),
    "− second stage (proximity, section/caption, sentence)": Space(rerank=False),
    "− best-matching sentence": Space(sentence=False),
    "+ duplicate collapse forced on": Space(dedup=True),
}


def no_glossary(idx: Any) -> None:
    """Queries tokenized without the English glossary (the documents keep their tokens: a query-side ablation)."""
    from text.tokenizer import NorwegianTokenizer

    tok = NorwegianTokenizer(replace(idx.settings.tokenizer, english_glossary=False))
    idx.tokenizer = idx.keyword.tokenizer = idx.ranker.tokenizer = tok


def run_row(items: list[Item], names: list[str], space: Space) -> dict[str, Any]:
    s = fit(items, names, space)
    ins = {n: figures(v) for n, v in in_sample(items, names, s).items()}
    cv = {n: figures(v) for n, v in cross_validate(items, names, space).items()}
    return {"settings": s.as_dict(), "in_sample": ins, "cv": cv, "rank_ms": ranking_ms(items, s)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", action="append", required=True,
                    help="name=questions.jsonl:data_dir[:query_vectors.npz] (repeat for each set)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--no-ablation", action="store_true")
    ap.add_argument("--only", action="append", help="run only these ablation rows (labels), plus 'glossary'")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    items: list[Item] = []
    names: list[str] = []
    retrieve, embed = {}, {}
    specs = []
    for spec in args.set:
        name, rest = spec.split("=", 1)
        parts = rest.split(":")
        vec = Path(parts[2]) if len(parts) > 2 else args.out / f"qv_{name}.npz"
        specs.append((name, Path(parts[0]), Path(parts[1]), vec))
        got, ms, ems = collect(name, Path(parts[0]), Path(parts[1]), vec)
        items += got
        names.append(name)
        retrieve[name], embed[name] = ms, ems
        print(f"{name}: {len(got)} questions, retrieval ms/query {ms}, embedding ms/query {ems:.1f}", flush=True)
    result: dict[str, Any] = {"sets": names, "retrieve_ms": retrieve, "embed_ms": embed, "k_folds": K_FOLDS}
    result["single"] = {r: {n: figures(v) for n, v in single_mode(items, names, r).items()} for r in RETRIEVERS}
    result["hand"] = {n: figures(v) for n, v in in_sample(items, names, HAND).items()}
    rows = {}
    wanted = [label for label in ABLATIONS if not args.only or label in args.only]
    if args.no_ablation:
        wanted = wanted[:1]
    for label in wanted:
        t0 = time.perf_counter()
        rows[label] = run_row(items, names, ABLATIONS[label])
        print(label, json.dumps({"in": rows[label]["in_sample"], "cv": rows[label]["cv"]}),
              f"{time.perf_counter() - t0:.0f}s", flush=True)
        (args.out / "fusion_fit.json").write_text(json.dumps({**result, "rows": rows}, indent=2, ensure_ascii=False))
    if not args.no_ablation and (not args.only or "glossary" in args.only):
        plain = [it for name, q, data, vec in specs for it in collect(name, q, data, vec, no_glossary)[0]]
        rows["− English glossary (query side)"] = run_row(plain, names, Space())
        print("glossary", json.dumps(rows["− English glossary (query side)"]["cv"]), flush=True)
    result["rows"] = rows
    (args.out / "fusion_fit.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
