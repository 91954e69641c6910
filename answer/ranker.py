"""The learned candidate scorer: a logistic model per candidate family, and the 'not found' threshold.

Three families, each a weight per feature and an intercept: `fact` (a figure
from the facts table, features from answer/facts.py), `span` (a name, place,
date or phrase from a passage, answer/spans.py) and `sentence` (a reason or
description, answer/reasons.py). The probability a family gives is the chance
that the candidate is the right answer; the answer's confidence is that of the
chosen candidate, and below `threshold` the answer says it found nothing.

The weights are fitted by `python -m answer.fit` (k-fold cross-validation over
the dev questions and the outside set) and stored in answer/data/ranker.json;
without that file the hand-set weights below apply. A family may also carry
weights on each feature's rank within the question and shallow boosted trees
(`AnswerSettings.ranker_relative`, `ranker_trees`; by default trees on the
sentence family only): the trees are stored as plain node arrays in the same
JSON and evaluated here, so the file stays reviewable and loading it needs no
pickled scikit-learn object.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from itertools import repeat
from operator import mul
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field, field_validator

_ZEROS = repeat(0.0)  # an endless default for features.get: a feature a candidate lacks counts 0
MODEL_FILE = Path(__file__).resolve().parent / "data" / "ranker.json"

# Hand-set weights of the earlier scorer: the fallback when no fitted model is there.
HAND_FACT = {
    "keyword": 1.0, "support": 0.8, "coverage": 1.0, "year_match": 0.6, "year_missing": -0.3, "year_other": -1.0,
    "unit_match": 0.5, "unit_other": -1.0, "target_mismatch": -0.5, "value_in_question": -1.0,
    "year_as_value": -0.7, "table": 0.3, "year_from_context": -0.3, "numbers_agree": 1.0, "group_extra": -0.4,
    "own_year": 0.3, "context_overlap": 0.0, "row_cited": 0.0, "value_votes": 0.0, "keyword_rank": 0.0,
    "subset": -1.0, "semantic": 0.0,
}
HAND_SPAN = {
    "sent_overlap": 2.0, "sent_best": 1.0, "hit_support": 1.0, "fits": 1.5, "stands_in": 0.5, "name_run": 0.3,
    "ngram": -0.5, "length": -0.5, "proximity": 1.5, "adjacent": 0.5, "frequency": 0.5, "in_question": -2.0,
    "capitalised": 0.2, "has_digit": 0.0, "entity": 0.3, "sent_len": -0.5, "window": 0.0, "before": 0.0, "after": 0.0,
    "between": 0.0, "entity_fit": 0.0, "one_word": 0.0, "multi_cap": 0.0, "sent_pos": 0.0, "subset": -1.0,
    "ngram_name": 0.0, "length_name": 0.0, "capitalised_term": 0.0, "length_date": 0.0, "semantic": 0.0,
}
HAND_SENTENCE = {"overlap": 3.0, "best": 1.0, "support": 1.0, "cue": 1.0, "length": 0.0, "first": 0.2}


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1.0 - 1e-6)
    return math.log(p / (1.0 - p))


def relative(x: np.ndarray) -> np.ndarray:
    """Each feature beside its place among the question's candidates: the gap to the question's best value
    and the share of candidates above it (0 for the best). A tree over these can say "the best year match of
    this question" where the raw value means different things in different questions."""
    n, d = x.shape
    if not n:
        return np.zeros((0, 3 * d))
    srt = np.sort(x, axis=0)
    above = np.stack([n - np.searchsorted(srt[:, j], x[:, j], side="right") for j in range(d)], axis=1) / n
    return np.hstack([x, x - srt[-1], above])


class Tree(BaseModel):
    """One regression tree as parallel node arrays (sklearn's layout); a leaf has left = right = -1."""

    feature: list[int]
    threshold: list[float]
    left: list[int]
    right: list[int]
    value: list[float]

    def predict(self, z: np.ndarray) -> np.ndarray:
        node = np.zeros(len(z), dtype=int)
        feature, threshold = np.array(self.feature), np.array(self.threshold)
        left, right = np.array(self.left), np.array(self.right)
        for _ in range(len(self.feature)):  # at most one step per node; stops as soon as every row is at a leaf
            inner = left[node] >= 0
            if not inner.any():
                break
            f = feature[node[inner]]
            go_left = z[inner, f] <= threshold[node[inner]]
            node[inner] = np.where(go_left, left[node[inner]], right[node[inner]])
        return np.array(self.value)[node]


class Family(BaseModel):
    """A linear score over a candidate's features, ranked within the question (a conditional logit), and a
    calibration that turns a candidate's score and its lead over the best other candidate into a probability.
    Optional `trees` add a boosted correction over the features and their place within the question
    (`relative`); they see the features in the order of `weights`."""

    weights: dict[str, float]
    intercept: float = 0.0
    calibration: tuple[float, float, float] = (1.0, 1.0, 0.0)  # (score, lead, intercept) of a logistic
    # weights of the within-question columns of `relative` (gap to the best, then share above), feature by feature
    relative_weights: list[float] = Field(default_factory=list)
    trees: list[Tree] = Field(default_factory=list)

    def raw(self, features: dict[str, float]) -> float:
        if self.trees or self.relative_weights:
            return float(self.raws([features])[0])
        # map() keeps the loop in C: a question scores a few hundred candidates, each over ~25 features
        return self.intercept + sum(map(mul, self.weights.values(), map(features.get, self.weights, _ZEROS)))

    def raws(self, rows: list[dict[str, float]]) -> list[float]:
        """The scores of one question's candidates (the trees compare each with the others)."""
        if not rows or not (self.trees or self.relative_weights):
            return [self.raw(f) for f in rows]
        x = np.array([[f.get(n, 0.0) for n in self.weights] for f in rows], dtype=float)
        s = self.intercept + x @ np.array(list(self.weights.values()))
        z = relative(x)
        if self.relative_weights:
            s += z[:, x.shape[1]:] @ np.array(self.relative_weights)
        for t in self.trees:
            s += t.predict(z)
        return s.tolist()

    def probability(self, features: dict[str, float]) -> float:
        """The calibrated probability of one candidate standing alone (no rival)."""
        return self.calibrated(self.raw(features), 1.0)

    def calibrated(self, raw: float, lead: float) -> float:
        a, b, c = self.calibration
        z = a * raw + b * lead + c
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def probabilities(self, rows: list[dict[str, float]], keys: list[str]) -> list[float]:
        """Each candidate's probability of being the answer, given its rivals: the lead is over the best
        candidate with another text (the same value found twice is no rival)."""
        raws = self.raws(rows)
        if not raws:
            return []
        best = max(range(len(raws)), key=raws.__getitem__)
        others = [x for x, k in zip(raws, keys, strict=True) if k != keys[best]]
        second = max(others) if others else None
        out = []
        for r, k in zip(raws, keys, strict=True):
            rival = second if k == keys[best] else raws[best]
            out.append(self.calibrated(r, r - rival if rival is not None else 1.0))
        return out


class Ranker(BaseModel):
    """Weights per family and the threshold below which an answer is 'not found'."""

    # hand-set calibrations: the earlier scorer's cut-off (a fact score of 0.9) sits at the 0.2 threshold
    fact: Family = Field(default_factory=lambda: Family(weights=HAND_FACT, calibration=(1.5, 1.0, -2.7)))
    span: Family = Field(default_factory=lambda: Family(weights=HAND_SPAN, calibration=(1.0, 1.0, -5.0)))
    sentence: Family = Field(default_factory=lambda: Family(weights=HAND_SENTENCE, calibration=(1.0, 1.0, -2.5)))
    # number questions: a logistic over the logits of the best fact's and the best span's probabilities says
    # whether the span answers instead (fitted on its own, so a change to the span family does not decide it);
    # the default is "the higher probability wins"
    arbiter: tuple[float, float, float] = (-1.0, 1.0, 0.0)
    threshold: float = 0.2
    fitted: str = "hand-set"  # how the weights were chosen, for the report

    @field_validator("threshold")
    @classmethod
    def _unit_interval(cls, v: float) -> float:
        if not 0.0 <= v <= 1.0:
            raise ValueError("threshold must lie in [0, 1]")
        return v

    def prefers_span(self, fact: float, span: float) -> bool:
        """Whether a number question takes its best span (probability `span`) over its best fact (`fact`)."""
        a, b, c = self.arbiter
        return a * logit(fact) + b * logit(span) + c > 0.0

    def save(self, path: Path = MODEL_FILE) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.model_dump(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_ranker(path: Path = MODEL_FILE) -> Ranker:
    """The fitted ranker, or the hand-set one when none has been fitted."""
    if not path.exists():
        return Ranker()
    return Ranker.model_validate_json(path.read_text(encoding="utf-8"))
