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

import numpy as np
import typer
from pydantic import ValidationError

from answer.compose import Pool, decide, gather, score
from answer.facts import FACT_FEATURES
from answer.ranker import MODEL_FILE, Family, Ranker, Tree, logit, relative
from answer.reasons import SENTENCE_FEATURES
from answer.settings import AnswerSettings
from answer.spans import FEATURES as SPAN_FEATURES
from core.records import AnswerType
from eval import metrics
from eval.harness import locate_gold, short_answer, sources_from_store
from eval.questions_format import load_questions
from text.formatting import format_value, value_key

FAMILIES = {"fact": FACT_FEATURES, "span": SPAN_FEATURES, "sentence": SENTENCE_FEATURES}
# a wrong answer costs a quarter of what a right one gains (staff check the cited source) and "not found" costs
# nothing: the fitted threshold says "not found" where an answer is right less than about one time in five
WRONG_COST = 0.25


@dataclass
class Item:
    set: str
    id: str
    values: list[str]
    pool: Pool
    groups: dict = None  # filled once: the candidates as feature matrices with labels
    gold: object = None  # where the question's support passage lies (eval.harness.Gold), when found


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


def load_pools(name: str, questions: Path, idx: object, data: Path, cache: Path,
               settings: AnswerSettings) -> list[Item]:
    """Every question with answer values and its candidates (searches cached on disk by set name)."""
    path = cache / f"{name}.hits.pkl"
    searcher = CachedSearch(idx, pickle.loads(path.read_bytes()) if path.exists() else {})
    n_cached = len(searcher.hits)
    docs = sources_from_store(data)
    items = [Item(name, q.id, q.answer_values, gather(q.question, searcher, settings), gold=locate_gold(q, docs))
             for q in load_questions(questions).questions if q.answer_values]
    for it in items:
        it.groups = groups(it)
    if len(searcher.hits) != n_cached:
        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(searcher.hits))
    return items


@dataclass
class Group:
    """One question's candidates of one family: features, right or not, and the key that makes two the same."""

    x: np.ndarray
    y: np.ndarray
    keys: list[str]


def groups(item: Item) -> dict[str, list[Group]]:
    """The candidates of each family; a candidate is right when its short text holds the answer values
    (for a several-figures or list question: any one of them)."""
    many = item.pool.intent.answer_type.value in ("numbers", "list")

    def right(text: str) -> bool:
        if many:
            return any(metrics.answer_matches([v], text) for v in item.values)
        return metrics.answer_matches(item.values, text)

    def group(rows: list[tuple[list[float], bool, str]]) -> list[Group]:
        if not rows:
            return []
        return [Group(np.array([r[0] for r in rows], dtype=float), np.array([r[1] for r in rows]),
                      [r[2] for r in rows])]

    def at_gold(doc_id: str, start: int, end: int) -> bool:
        """Within the question's support passage: the same figure elsewhere is right only by coincidence."""
        g = item.gold
        return g is None or (doc_id == g.doc_id and any(start < s.end + 200 and s.start - 200 < end for s in g.spans))

    def cleaned(rows: list[tuple[list[float], bool, str]], where: list[bool]) -> list[tuple[list[float], bool, str]]:
        if not any(r[1] and w for r, w in zip(rows, where, strict=True)):
            return rows  # the support passage holds no candidate: keep the value-only labels
        return [(r[0], r[1] and w, r[2]) for r, w in zip(rows, where, strict=True)]

    out: dict[str, list[Group]] = {"fact": [], "span": [], "sentence": []}
    for g in item.pool.facts:
        rows, where = [], []
        for c in g:
            text = format_value(c.fact.value, c.fact.unit)
            rows.append(([c.features[f] for f in FACT_FEATURES], right(text), value_key(c.fact.value, c.fact.unit)))
            where.append(at_gold(c.fact.doc_id, c.fact.span.start, c.fact.span.end))
        out["fact"] += group(cleaned(rows, where))
    rows = [([c.features[f] for f in SPAN_FEATURES], right(c.text), c.key) for c in item.pool.spans]
    where = [at_gold(c.hit.doc_id, c.hit.citation.span.start, c.hit.citation.span.end) for c in item.pool.spans]
    out["span"] += group(cleaned(rows, where))
    out["sentence"] += group([([c.features[f] for f in SENTENCE_FEATURES],
                               right(metrics.short_answer_text(c.text, "reason")), c.text)
                              for c in item.pool.sentences])
    return out


def conditional_logit(gs: list[Group], d: int, l2: float, init: np.ndarray) -> np.ndarray:
    """Weights that put a right candidate first within its question: softmax over each question's
    candidates, maximising the probability of the right ones (L2 towards `init`)."""
    from scipy.optimize import minimize

    useful = [g for g in gs if g.y.any() and not g.y.all()]
    if not useful:
        return init

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        # shrink towards the starting (hand-set) weights, not towards zero: with few questions, a weight the
        # data says little about keeps its prior value
        total, grad = 0.5 * l2 * float((w - init) @ (w - init)), l2 * (w - init)
        for g in useful:
            s = g.x @ w
            e = np.exp(s - s.max())
            p = e / e.sum()
            q = np.where(g.y, e, 0.0)
            q = q / q.sum()
            total -= float(np.log(e[g.y].sum()) - np.log(e.sum()))
            grad = grad - (q - p) @ g.x
        return total, grad

    return minimize(loss, init, jac=True, method="L-BFGS-B").x


def calibration(gs: list[Group], w: np.ndarray, family: Family | None = None) -> tuple[float, float, float]:
    """A logistic over (score, lead over the best rival) of each question's top candidate: is it right?
    The score is `family`'s when given (trees, within-question weights), else the linear one of `w`."""
    from sklearn.linear_model import LogisticRegression

    rows, ys = [], []
    for g in gs:
        s = g.x @ w if family is None else scores(family, g.x)
        top = int(np.argmax(s))
        rivals = [x for x, k in zip(s, g.keys, strict=True) if k != g.keys[top]]
        rows.append([s[top], s[top] - max(rivals) if rivals else 1.0])
        ys.append(bool(g.y[top]))
    if len(set(ys)) < 2:
        return (0.0, 0.0, 4.0 if ys and ys[0] else -4.0)
    m = LogisticRegression(C=10.0, max_iter=1000).fit(rows, ys)
    return (round(float(m.coef_[0][0]), 4), round(float(m.coef_[0][1]), 4), round(float(m.intercept_[0]), 4))


# shrinkage towards the hand-set weights, per family: chosen by 5-fold CV (3 fold seeds) on dev + NorQuAD, one L2
# among 0.3-30 and then per family, with the reference questions kept right (tests/answer/test_answer_real.py): the
# span family's many alignment features want strong shrinkage; the fact family's at 3 or more let an "innen 12
# måneder" sentence beat the 2020 table row
L2 = {"fact": 1.0, "span": 10.0, "sentence": 10.0}


def scores(family: Family, x: np.ndarray) -> np.ndarray:
    """One question's candidate scores under `family`, from the feature matrix (columns in weight order)."""
    return np.array(family.raws([dict(zip(family.weights, r, strict=True)) for r in x.tolist()]))


def boost(gs: list[Group], family: Family, settings: AnswerSettings) -> list[Tree]:
    """Shallow regression trees added to `family`'s score, each a Newton step on the same within-question
    softmax loss as the conditional logit (gradient boosting of a listwise ranker, started from the linear
    one). Trees see every feature, its gap to the question's best and its rank share (`relative`)."""
    from sklearn.tree import DecisionTreeRegressor

    useful = [g for g in gs if g.y.any() and not g.y.all()]
    if not useful or not settings.ranker_trees:
        return []
    z = np.vstack([relative(g.x) for g in useful])
    cuts = np.cumsum([len(g.y) for g in useful])[:-1]
    s = np.concatenate([scores(family, g.x) for g in useful])
    y = np.concatenate([g.y for g in useful])
    trees = []
    for _ in range(settings.ranker_trees):
        res, hess = [], []
        for si, yi in zip(np.split(s, cuts), np.split(y, cuts), strict=True):
            e = np.exp(si - si.max())
            p = e / e.sum()
            q = np.where(yi, e, 0.0)
            res.append(q / q.sum() - p)
            hess.append(p * (1 - p))
        r, h = np.concatenate(res), np.concatenate(hess)
        t = DecisionTreeRegressor(max_depth=settings.ranker_tree_depth, min_samples_leaf=settings.ranker_min_leaf,
                                  random_state=0).fit(z, r)
        leaf = t.apply(z)
        value = np.zeros(t.tree_.node_count)
        for node in np.unique(leaf):
            m = leaf == node
            # a leaf's step is shrunk by the learning rate and by a unit of curvature (few, confident rows move little)
            value[node] = settings.ranker_learning_rate * r[m].sum() / (h[m].sum() + 1.0)
        s = s + value[leaf]
        trees.append(Tree(feature=[max(int(f), 0) for f in t.tree_.feature],
                          threshold=t.tree_.threshold.tolist(),  # unrounded: a rounded cut can move a row
                          left=t.tree_.children_left.tolist(), right=t.tree_.children_right.tolist(),
                          value=[round(float(v), 6) for v in value]))
    return trees


def fit_family(gs: list[Group], names: Sequence[str], prior: Family, l2: float, settings: AnswerSettings) -> Family:
    """Conditional-logit weights started from the prior ones (and, as set, within-question weights and
    boosted trees on top), then the calibration of the result."""
    d = len(names)
    init = np.array([prior.weights.get(n, 0.0) for n in names])
    if settings.ranker_relative:
        rel = [Group(np.hstack([g.x, relative(g.x)[:, d:]]), g.y, g.keys) for g in gs]
        full = conditional_logit(rel, 3 * d, l2, np.concatenate([init, np.zeros(2 * d)]))
        w, rw = full[:d], [round(float(v), 4) for v in full[d:]]
    else:
        w, rw = conditional_logit(gs, d, l2, init), []
    fam = Family(weights={n: round(float(x), 4) for n, x in zip(names, w, strict=True)}, intercept=0.0,
                 relative_weights=rw)
    fam = fam.model_copy(update={"trees": boost(gs, fam, settings)})
    if not gs:
        return fam.model_copy(update={"calibration": prior.calibration})
    plain = not (fam.trees or fam.relative_weights)
    return fam.model_copy(update={"calibration": calibration(gs, np.asarray(w), None if plain else fam)})


def fit_ranker(items: Sequence[Item], base: Ranker, l2: dict[str, float] | None = None,
               settings: AnswerSettings | None = None) -> Ranker:
    """Per family: conditional-logit weights started from the hand-set ones, then their calibration."""
    settings = settings or AnswerSettings()
    all_groups: dict[str, list[Group]] = {f: [] for f in FAMILIES}
    for it in items:
        for fam, gs in it.groups.items():
            all_groups[fam] += gs
    fams = {fam: fit_family(all_groups[fam], names, getattr(base, fam), (l2 or L2)[fam],
                            settings if fam in settings.ranker_tree_families else
                            settings.model_copy(update={"ranker_trees": 0}))
            for fam, names in FAMILIES.items()}
    how = "conditional logit per question"
    if settings.ranker_relative:
        how += " with within-question ranks"
    if settings.ranker_trees:
        how += (f" + {settings.ranker_trees} boosted trees for {'/'.join(settings.ranker_tree_families)} (depth "
                f"{settings.ranker_tree_depth}, learning rate "
                f"{settings.ranker_learning_rate}, leaves >= {settings.ranker_min_leaf} candidates)")
    ranker = Ranker(**fams, threshold=0.0, fitted=how + " + logistic calibration + fact/span arbiter (answer/fit.py)")
    return ranker.model_copy(update={"arbiter": fit_arbiter(items, ranker)})


def fit_arbiter(items: Sequence[Item], ranker: Ranker) -> tuple[float, float, float]:
    """For number questions: whether the best span is the answer rather than the best fact, as a logistic over
    the two probabilities' logits, fitted on the questions where exactly one of them is right."""
    from sklearn.linear_model import LogisticRegression

    rows, ys = [], []
    for it in items:
        pool = it.pool
        if pool.intent.answer_type is not AnswerType.number:
            continue
        score(pool, ranker)
        if not (pool.facts and pool.facts[0] and pool.spans):
            continue
        fact, span = pool.facts[0][0], pool.spans[0]
        fact_right = metrics.answer_matches(it.values, format_value(fact.fact.value, fact.fact.unit))
        span_right = metrics.answer_matches(it.values, span.text)
        if fact_right != span_right:
            rows.append([logit(fact.score), logit(span.score)])
            ys.append(span_right)
    if len(set(ys)) < 2:
        return Ranker().arbiter
    m = LogisticRegression(C=1.0, max_iter=1000).fit(rows, ys)
    return (round(float(m.coef_[0][0]), 4), round(float(m.coef_[0][1]), 4), round(float(m.intercept_[0]), 4))


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


def cross_validate(items: list[Item], index_for: dict, k: int, seed: int = 13,
                   settings: AnswerSettings | None = None) -> list[Outcome]:
    """Each question answered by a ranker (and threshold) fitted on the other folds only."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    outs: list[Outcome] = []
    for test in (order[i::k] for i in range(k)):
        held = set(test)
        train = [items[i] for i in order if i not in held]
        ranker = fit_ranker(train, Ranker(), settings=settings)
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
    trees: int = typer.Option(AnswerSettings().ranker_trees, "--trees", min=0,
                              help="Boosted trees on top of the linear score, for the families --tree-families names."),
    tree_depth: int = typer.Option(AnswerSettings().ranker_tree_depth, "--tree-depth", min=1, max=6),
    tree_families: str = typer.Option(",".join(AnswerSettings().ranker_tree_families), "--tree-families",
                                      help="Comma-separated: fact, span, sentence (the default: sentences only; "
                                      "eval/REPORT.md)."),
    relative: bool = typer.Option(False, "--relative/--no-relative",
                                  help="Linear weights also on each feature's rank within the question."),
) -> None:
    from index.search import open_index

    families = tuple(f.strip() for f in tree_families.split(",") if f.strip())
    try:
        settings = AnswerSettings(ranker_trees=trees, ranker_tree_depth=tree_depth, ranker_relative=relative,
                                  ranker_tree_families=families)
    except ValidationError:
        raise typer.BadParameter(f"{tree_families!r}: name families among fact, span, sentence",
                                 param_hint="--tree-families") from None
    items: list[Item] = []
    index_for: dict[str, object] = {}
    for spec in sets:
        name, _, rest = spec.partition("=")
        qpath, _, data = rest.partition(":")
        index_for[name] = open_index(Path(data))
        items += load_pools(name, Path(qpath), index_for[name], Path(data), cache, settings)
    hand = with_threshold(outcomes(items, Ranker(), index_for), Ranker().threshold)
    cv = cross_validate(items, index_for, folds, settings=settings)
    final = fit_ranker(items, Ranker(), settings=settings)
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
        "cross_validated_always_answering": accuracy(with_threshold(cv, 0.0)),
        "in_sample_always_answering": accuracy(with_threshold(in_sample, 0.0)),
        "hand_set_always_answering": accuracy(with_threshold(hand, 0.0)),
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
    typer.echo(json.dumps({k: report[k]["all"] if isinstance(report[k], dict) and "all" in report[k] else report[k]
                           for k in ("questions", "hand_set", "cross_validated", "cross_validated_always_answering",
                                     "in_sample", "threshold")}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    typer.run(main)
