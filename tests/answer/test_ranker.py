"""The learned ranker: a conditional logit puts the right candidate first, calibration and threshold behave."""

import numpy as np

from answer.fit import Group, Outcome, best_threshold, calibration, conditional_logit, fit_family, reliability, scores
from answer.ranker import Family, Ranker, Tree, relative
from answer.settings import AnswerSettings


def _groups(n: int = 40, seed: int = 1, noise: float = 0.0) -> list[Group]:
    """Questions of 5 candidates; the right one has the highest first feature (give or take `noise`), the
    second feature says nothing."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        x = rng.random((5, 2))
        y = np.zeros(5, dtype=bool)
        y[int(np.argmax(x[:, 0] + noise * rng.random(5)))] = True
        out.append(Group(x, y, [str(i) for i in range(5)]))
    return out


def test_conditional_logit_learns_the_informative_feature():
    w = conditional_logit(_groups(), 2, l2=0.01, init=np.zeros(2))
    assert w[0] > 1.0 and abs(w[1]) < w[0] / 3
    test = _groups(seed=2)
    assert all(g.y[int(np.argmax(g.x @ w))] for g in test)


def test_calibration_gives_high_probability_to_a_clear_lead():
    gs = _groups(200, noise=0.5)
    w = conditional_logit(gs, 2, l2=0.01, init=np.zeros(2))
    fam = Family(weights={"a": float(w[0]), "b": float(w[1])}, calibration=calibration(gs, w))
    probs = fam.probabilities([{"a": 0.95, "b": 0.5}, {"a": 0.1, "b": 0.5}], ["x", "y"])
    assert probs[0] > probs[1]
    # the same text twice is no rival: its lead is over the other text
    assert fam.probabilities([{"a": 0.9}, {"a": 0.9}], ["x", "x"])[0] > fam.probabilities(
        [{"a": 0.9}, {"a": 0.9}], ["x", "y"])[0]


def test_threshold_keeps_answers_that_are_mostly_right():
    outs = [Outcome("s", str(i), "number", c, r) for i, (c, r) in enumerate(
        [(0.9, True), (0.8, True), (0.7, True), (0.1, False), (0.05, False), (0.15, False)])]
    t = best_threshold(outs)
    assert 0.15 < t <= 0.7


def test_reliability_bins_count_every_outcome():
    outs = [Outcome("s", str(i), "number", i / 10, i % 2 == 0) for i in range(10)]
    assert sum(r["n"] for r in reliability(outs)) == 10


def test_ranker_threshold_is_validated():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Ranker(threshold=1.5)


def _middle_groups(n: int, seed: int) -> list[Group]:
    """Questions of 8 candidates whose right one has its first feature nearest 0.5: a score linear in the
    feature cannot put it first, trees can."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        x = rng.random((8, 2))
        y = np.zeros(8, dtype=bool)
        y[int(np.argmin(abs(x[:, 0] - 0.5)))] = True
        out.append(Group(x, y, [str(i) for i in range(8)]))
    return out


def _top_right(fam: Family, gs: list[Group]) -> float:
    return float(np.mean([g.y[int(np.argmax(scores(fam, g.x)))] for g in gs]))


def test_boosted_trees_rank_first_what_a_linear_score_cannot():
    train, test = _middle_groups(300, 1), _middle_groups(100, 2)
    prior = Family(weights={"a": 0.0, "b": 0.0})
    linear = fit_family(train, ["a", "b"], prior, 1.0, AnswerSettings(ranker_trees=0))
    boosted = fit_family(train, ["a", "b"], prior, 1.0,
                         AnswerSettings(ranker_trees=40, ranker_tree_depth=2, ranker_learning_rate=0.3,
                                        ranker_min_leaf=20))
    assert boosted.trees and not linear.trees
    assert _top_right(linear, test) < 0.4
    assert _top_right(boosted, test) > 0.6
    # the clearly right candidate of a small pool comes first and gets the higher probability
    probs = boosted.probabilities([{"a": 0.02, "b": 0.5}, {"a": 0.5, "b": 0.5}, {"a": 0.97, "b": 0.5}],
                                  ["x", "y", "z"])
    assert probs[1] == max(probs)


def test_boosted_family_survives_json_round_trip():
    train = _middle_groups(100, 3)
    fam = fit_family(train, ["a", "b"], Family(weights={"a": 0.0, "b": 0.0}), 1.0,
                     AnswerSettings(ranker_trees=5, ranker_relative=True, ranker_min_leaf=20))
    back = Family.model_validate_json(fam.model_dump_json())
    rows = [{"a": float(a), "b": float(b)} for a, b in np.random.default_rng(4).random((30, 2))]
    assert back.raws(rows) == fam.raws(rows)
    assert back.probabilities(rows, [str(i) for i in range(30)]) == fam.probabilities(rows, [str(i) for i in range(30)])


def test_tree_evaluates_like_sklearn():
    from sklearn.tree import DecisionTreeRegressor

    rng = np.random.default_rng(5)
    z = rng.random((200, 3))
    t = DecisionTreeRegressor(max_depth=3).fit(z, np.sin(6 * z[:, 0]) + z[:, 2])
    tree = Tree(feature=[max(int(f), 0) for f in t.tree_.feature], threshold=t.tree_.threshold.tolist(),
                left=t.tree_.children_left.tolist(), right=t.tree_.children_right.tolist(),
                value=t.tree_.value[:, 0, 0].tolist())
    probe = rng.random((50, 3))
    assert np.allclose(tree.predict(probe), t.predict(probe))


def test_relative_gives_gap_to_best_and_share_above():
    z = relative(np.array([[1.0], [3.0], [2.0], [3.0]]))
    assert z[:, 1].tolist() == [-2.0, 0.0, -1.0, 0.0]
    assert z[:, 2].tolist() == [0.75, 0.0, 0.5, 0.0]


def test_default_arbiter_takes_the_more_probable_of_fact_and_span():
    r = Ranker()
    assert r.prefers_span(0.4, 0.6) and not r.prefers_span(0.6, 0.4) and not r.prefers_span(0.5, 0.5)


def test_arbiter_is_fitted_on_questions_where_one_of_fact_and_span_is_right(monkeypatch):
    """Training questions where the span is right only when it is very probable: the fitted arbiter then
    keeps the fact against a span the default would have taken."""
    from types import SimpleNamespace as NS

    from answer import fit
    from core.records import AnswerType

    monkeypatch.setattr(fit, "score", lambda pool, ranker: None)  # the probabilities are given
    rng = np.random.default_rng(3)
    items = []
    for _ in range(200):
        pf, ps = float(rng.uniform(0.05, 0.95)), float(rng.uniform(0.05, 0.95))
        span_right = ps > 0.8
        fact = NS(score=pf, fact=NS(value=12.0 if not span_right else 99.0, unit=None))
        span = NS(score=ps, text="12" if span_right else "7")
        pool = NS(intent=NS(answer_type=AnswerType.number), facts=[[fact]], spans=[span])
        items.append(NS(pool=pool, values=["12"]))
    a, b, c = fit.fit_arbiter(items, Ranker())
    assert b > 0  # a more probable span is more often the answer
    fitted = Ranker(arbiter=(a, b, c))
    assert Ranker().prefers_span(0.3, 0.6) and not fitted.prefers_span(0.3, 0.6)
    assert fitted.prefers_span(0.3, 0.95)


def test_the_shipped_ranker_has_the_form_the_settings_name():
    # answer/data/ranker.json is what `python -m answer.fit` writes with the default settings: linear facts and
    # spans, boosted trees on the reason/description sentences only (eval/REPORT.md, stop 31, R45)
    from answer.ranker import MODEL_FILE, load_ranker

    settings, ranker = AnswerSettings(), load_ranker(MODEL_FILE)
    for family in ("fact", "span", "sentence"):
        trees = getattr(ranker, family).trees
        assert len(trees) == (settings.ranker_trees if family in settings.ranker_tree_families else 0), family
    assert all(len(t.feature) < 2 ** (settings.ranker_tree_depth + 1) for t in ranker.sentence.trees)


def test_scoring_again_breaks_ties_in_the_order_gather_found_them():
    """The fit scores each pool under many rankers: a tie must fall as it does when a pool is scored once (as a
    served question is), not as the previous ranker left the list."""
    from types import SimpleNamespace as NS

    from answer.compose import Pool, score

    spans = [NS(features={"a": a}, key=f"s{i}", score=0.0) for i, a in enumerate((0.0, 1.0, 0.0, 2.0))]
    sentences = [NS(features={"a": a}, text=f"t{i}", score=0.0) for i, a in enumerate((0.0, 1.0))]
    pool = Pool("q", NS(), [], facts=[], spans=list(spans), sentences=list(sentences))
    ranker = Ranker(span=Family(weights={"a": 1.0}), sentence=Family(weights={"a": 1.0}))
    score(pool, ranker)
    assert [c.key for c in pool.spans] == ["s3", "s1", "s0", "s2"]
    flat = Ranker(span=Family(weights={"a": 0.0}), sentence=Family(weights={"a": 0.0}))
    score(pool, flat)  # every candidate ties: gather's order, not the last ranker's
    assert [c.key for c in pool.spans] == ["s0", "s1", "s2", "s3"]
    assert [c.text for c in pool.sentences] == ["t0", "t1"]
    score(pool, ranker)
    assert [c.key for c in pool.spans] == ["s3", "s1", "s0", "s2"]
