"""The learned ranker: a conditional logit puts the right candidate first, calibration and threshold behave."""

import numpy as np

from answer.fit import Group, Outcome, best_threshold, calibration, conditional_logit, reliability
from answer.ranker import Family, Ranker


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
