"""Fit the answer ranker by k-fold cross-validation: `python -m answer.fit SET=QUESTIONS:DATA …`.

Each question is searched once and its candidates cached (`gather`); the
logistic weights of each candidate family and the 'not found' threshold are
then fitted in-process. Folds are split by question over all sets together, so
the figures reported as cross-validated never saw the question they score.
Writes answer/data/ranker.json (fitted on everything), a JSON of the figures and
a reliability plot.
"""

from __future__ import annotations

import json
import pickle
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import typer

from answer.compose import Pool, decide, gather
from answer.facts import FACT_FEATURES
from answer.ranker import MODEL_FILE, Family, Ranker
from answer.reasons import SENTENCE_FEATURES
from answer.settings import AnswerSettings
from answer.spans import FEATURES as SPAN_FEATURES
from eval import metrics
from eval.harness import short_answer
from eval.questions_format import load_questions
from text.numbers import format_value

FAMILIES = {"fact": FACT_FEATURES, "span": SPAN_FEATURES, "sentence": SENTENCE_FEATURES}
WRONG_COST = 1.0  # a wrong answer costs as much as a right one gains; 'not found' costs nothing
MAX_NEGATIVES = 60  # per question and family: the n-gram spans of one question would outweigh the rest


@dataclass
class Item:
    set: str
    id: str
    values: list[str]
    pool: Pool


class CachedSearch:
    """An index whose hybrid searches are replayed from a cache: fitting re-gathers candidates without
    embedding every question again (the only costly step)."""

    def __init__(self, index: object, hits: dict[str, list]):
        self._index, self.hits = index, hits

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: object = None) -> list:
        key = f"{mode}|{k}|{query}"
        if key not in self.hits:
            self.hits[key] = self._index.search(query, k=k, mode=mode, filters=filters)
        return self.hits[key]

    def __getattr__(self, name: str) -> object:
        return getattr(self._index, name)


def load_pools(name: str, questions: Path, idx: object, cache: Path, settings: AnswerSettings) -> list[Item]:
    """Every question with answer values and its candidates (searches cached on disk by set name)."""
    path = cache / f"{name}.hits.pkl"
    searcher = CachedSearch(idx, pickle.loads(path.read_bytes()) if path.exists() else {})
    n_cached = len(searcher.hits)
    items = [Item(name, q.id, q.answer_values, gather(q.question, searcher, settings))
             for q in load_questions(questions).questions if q.answer_values]
    if len(searcher.hits) != n_cached:
        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(searcher.hits))
    return items


def labels(item: Item) -> dict[str, list[tuple[list[float], int]]]:
    """(features, is-right) per family: a candidate is right when its short text holds the answer values."""
    out: dict[str, list[tuple[list[float], int]]] = {f: [] for f in FAMILIES}
    many = item.pool.intent.answer_type.value in ("numbers", "list")

    def right(text: str) -> int:
        if many:
            return int(any(metrics.answer_matches([v], text) for v in item.values))
        return int(metrics.answer_matches(item.values, text))

    for group in item.pool.facts:
        for c in group:
            out["fact"].append(([c.features[f] for f in FACT_FEATURES], right(format_value(c.fact.value, c.fact.unit))))
    for c in item.pool.spans:
        out["span"].append(([c.features[f] for f in SPAN_FEATURES], right(c.text)))
    for c in item.pool.sentences:
        out["sentence"].append(([c.features[f] for f in SENTENCE_FEATURES],
                                right(metrics.short_answer_text(c.text, "reason"))))
    rng = random.Random(hash(item.id) & 0xFFFF)
    for fam, rows in out.items():
        pos = [r for r in rows if r[1]]
        neg = [r for r in rows if not r[1]]
        # the best-ranked negatives matter most; keep them and a sample of the rest
        out[fam] = pos + neg[:MAX_NEGATIVES // 2] + rng.sample(neg[MAX_NEGATIVES // 2:],
                                                                 min(len(neg[MAX_NEGATIVES // 2:]), MAX_NEGATIVES // 2))
    return out


def fit_ranker(items: Sequence[Item], base: Ranker, c_reg: float = 1.0) -> Ranker:
    """Logistic weights per family over the candidates of `items` (a family without both classes keeps `base`)."""
    from sklearn.linear_model import LogisticRegression

    rows: dict[str, list[tuple[list[float], int]]] = {f: [] for f in FAMILIES}
    for it in items:
        for fam, rs in labels(it).items():
            rows[fam] += rs
    fams = {}
    for fam, names in FAMILIES.items():
        xs, ys = [r[0] for r in rows[fam]], [r[1] for r in rows[fam]]
        if len(set(ys)) < 2:
            fams[fam] = getattr(base, fam)
            continue
        model = LogisticRegression(C=c_reg, max_iter=2000).fit(xs, ys)
        fams[fam] = Family(weights=dict(zip(names, (round(float(w), 4) for w in model.coef_[0]), strict=True)),
                           intercept=round(float(model.intercept_[0]), 4))
    return Ranker(**fams, threshold=0.0, fitted="logistic regression over cached candidates (answer/fit.py)")


@dataclass
class Outcome:
    set: str
    id: str
    type: str
    confidence: float  # of the best candidate, before the threshold
    right: bool  # the best candidate's short answer holds the answer values
    threshold: float = 0.0  # the 'not found' threshold this outcome is judged against

    @property
    def counted(self) -> bool:
        """Right as the harness counts it: above the threshold (else 'not found', which is wrong)."""
        return self.right and self.confidence >= self.threshold


def outcomes(items: Sequence[Item], ranker: Ranker, index_for: dict[str, object]) -> list[Outcome]:
    """Answer every item with `ranker` and no threshold; the threshold is applied afterwards."""
    free = ranker.model_copy(update={"threshold": 0.0})
    out = []
    for it in items:
        a = decide(it.pool, index_for[it.set], free)
        short = short_answer(a)
        ok = bool(a.found) and bool(short) and metrics.answer_matches(it.values, short)
        out.append(Outcome(it.set, it.id, it.pool.intent.answer_type.value, float(a.confidence), ok))
    return out


def best_threshold(outs: Sequence[Outcome]) -> float:
    """The threshold with the highest utility: +1 a right answer, -WRONG_COST a wrong one, 0 'not found'."""
    best_t, best_u = 0.0, sum(1 if o.right else -WRONG_COST for o in outs)
    for t in sorted({round(o.confidence, 3) for o in outs}):
        u = sum((1 if o.right else -WRONG_COST) for o in outs if o.confidence >= t)
        if u > best_u:
            best_t, best_u = t, u
    return best_t


def with_threshold(outs: Sequence[Outcome], t: float) -> list[Outcome]:
    return [Outcome(o.set, o.id, o.type, o.confidence, o.right, t) for o in outs]


def accuracy(outs: Sequence[Outcome]) -> dict:
    """Answer accuracy as the harness counts it ('not found' is wrong), overall, per set and per type."""
    def acc(os: Sequence[Outcome]) -> dict:
        return {"n": len(os), "answer_accuracy": round(sum(o.counted for o in os) / len(os), 4) if os else None,
                "answered": sum(o.confidence >= o.threshold for o in os)}

    out = {"all": acc(outs), "by_set": {}, "by_type": {}}
    for s in sorted({o.set for o in outs}):
        so = [o for o in outs if o.set == s]
        out["by_set"][s] = {**acc(so), "by_type": {t: acc([o for o in so if o.type == t])
                                                   for t in sorted({o.type for o in so})}}
    out["by_type"] = {t: acc([o for o in outs if o.type == t]) for t in sorted({o.type for o in outs})}
    return out


def reliability(outs: Sequence[Outcome], bins: int = 10) -> list[dict]:
    """Per confidence bin: how many, mean confidence, share right (a calibrated model has them equal)."""
    rows = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [o for o in outs if lo <= o.confidence < hi or (b == bins - 1 and o.confidence == 1.0)]
        if inside:
            rows.append({"bin": [lo, hi], "n": len(inside),
                         "confidence": round(sum(o.confidence for o in inside) / len(inside), 3),
                         "right": round(sum(o.right for o in inside) / len(inside), 3)})
    return rows


def plot_reliability(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1)
    ax.plot([r["confidence"] for r in rows], [r["right"] for r in rows], marker="o")
    for r in rows:
        ax.annotate(str(r["n"]), (r["confidence"], r["right"]), fontsize=7, xytext=(3, -9), textcoords="offset points")
    ax.set_xlabel("confidence (cross-validated)")
    ax.set_ylabel("share of answers right")
    ax.set_title("Answer confidence: reliability")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def cross_validate(items: list[Item], index_for: dict, k: int, seed: int = 13) -> list[Outcome]:
    """Each question answered by a ranker (and threshold) fitted on the other folds only."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    outs: list[Outcome] = []
    for test in (order[i::k] for i in range(k)):
        held = set(test)
        train = [items[i] for i in order if i not in held]
        ranker = fit_ranker(train, Ranker())
        t = best_threshold(outcomes(train, ranker, index_for))
        outs += with_threshold(outcomes([items[i] for i in test], ranker, index_for), t)
    return outs


def main(
    sets: list[str] = typer.Argument(..., help="NAME=QUESTIONS.jsonl:DATA_DIR, e.g. dev=eval/questions/dev.jsonl:data"),
    folds: int = typer.Option(5, "--folds", min=2),
    cache: Path = typer.Option(Path("/tmp/kb-answer-fit"), "--cache", help="Where gathered candidates are kept."),
    out: Path = typer.Option(Path("eval/answer_fit.json"), "--out"),
    plot: Path = typer.Option(Path("eval/answer_reliability.png"), "--plot"),
    save: bool = typer.Option(True, "--save/--no-save", help="Write the ranker fitted on everything."),
) -> None:
    from index.search import open_index

    settings = AnswerSettings()
    items: list[Item] = []
    index_for: dict[str, object] = {}
    for spec in sets:
        name, _, rest = spec.partition("=")
        qpath, _, data = rest.partition(":")
        index_for[name] = open_index(Path(data))
        items += load_pools(name, Path(qpath), index_for[name], cache, settings)
    hand = with_threshold(outcomes(items, Ranker(), index_for), Ranker().threshold)
    cv = cross_validate(items, index_for, folds)
    final = fit_ranker(items, Ranker())
    in_sample = outcomes(items, final, index_for)
    final = final.model_copy(update={"threshold": best_threshold(in_sample)})
    in_sample = with_threshold(in_sample, final.threshold)
    report = {
        "settings": settings.model_dump(),
        "folds": folds,
        "wrong_cost": WRONG_COST,
        "questions": {s: sum(1 for it in items if it.set == s) for s in index_for},
        "hand_set": accuracy(hand),
        "cross_validated": accuracy(cv),
        "cv_thresholds": sorted({o.threshold for o in cv}),
        "in_sample": accuracy(in_sample),
        "threshold": final.threshold,
        "reliability_cv": reliability(cv),
        "wrong_cv": [{"set": o.set, "id": o.id, "type": o.type, "confidence": round(o.confidence, 3)}
                     for o in cv if not o.counted],
        "ranker": final.model_dump(),
    }
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    plot_reliability(report["reliability_cv"], plot)
    if save:
        final.save(MODEL_FILE)
    typer.echo(json.dumps({k: report[k] for k in ("questions", "hand_set", "cross_validated", "in_sample",
                                                  "threshold")}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    typer.run(main)
