"""Reciprocal rank fusion arithmetic and search modes."""

from __future__ import annotations

import pytest

from core.records import SearchMode
from index.fusion import extend, rrf, score_fusion


def test_rrf_scores_on_a_known_ranking():
    fused = rrf({"keyword": [1, 2, 3], "semantic": [3, 1]}, k=60)
    scores = dict(fused)
    assert scores[1] == pytest.approx(1 / 61 + 1 / 62)
    assert scores[3] == pytest.approx(1 / 63 + 1 / 61)
    assert scores[2] == pytest.approx(1 / 62)
    assert [item for item, _ in fused] == [1, 3, 2]


def test_rrf_k_changes_the_balance():
    # with a small k, being first in one list beats being second and third in two
    rankings = {"keyword": [7, 8, 9], "semantic": [9, 8, 7]}
    assert [i for i, _ in rrf(rankings, k=0)][:1] in ([7], [9])
    assert dict(rrf(rankings, k=0))[8] == pytest.approx(1 / 2 + 1 / 2)
    assert dict(rrf(rankings, k=0))[7] == pytest.approx(1 / 1 + 1 / 3)


def test_rrf_weights():
    rankings = {"keyword": [1, 2], "semantic": [2, 1]}
    assert [i for i, _ in rrf(rankings, weights={"keyword": 1.0, "semantic": 0.0})] == [1, 2]
    assert [i for i, _ in rrf(rankings, weights={"keyword": 0.5, "semantic": 1.0})] == [2, 1]
    assert dict(rrf(rankings, k=60, weights={"keyword": 2.0, "semantic": 1.0}))[1] == pytest.approx(2 / 61 + 1 / 62)


def test_rrf_ties_keep_first_seen_order():
    assert [i for i, _ in rrf({"keyword": [5], "semantic": [6]})] == [5, 6]


def test_modes_from_strings():
    assert SearchMode.from_str("HYBRID") is SearchMode.hybrid
    assert SearchMode.from_str(" keyword ") is SearchMode.keyword
    assert SearchMode.hybrid.retrievers == ("keyword", "semantic")
    with pytest.raises(ValueError, match="keyword, semantic, hybrid"):
        SearchMode.from_str("fuzzy")


def test_extend_a_fusion_done_elsewhere_equals_fusing_all():
    """Keyword and semantic fused by Milvus' ranker, facts added here: the same order and scores as one fusion."""
    kw, sem, facts = [4, 1, 7, 2], [1, 9, 4], [7, 3, 1]
    w = {"keyword": 2.0, "semantic": 1.0, "facts": 1.0}
    whole = rrf({"keyword": kw, "semantic": sem, "facts": facts}, k=20, weights=w)
    part = rrf({"keyword": kw, "semantic": sem}, k=20, weights=w)
    got = extend(part, {"facts": (facts, [3.0, 2.0, 1.0])}, "rrf", 20, w)
    assert [i for i, _ in got] == [i for i, _ in whole]
    assert [s for _, s in got] == pytest.approx([s for _, s in whole])
    scored = {"keyword": (kw, [9.0, 5.0, 2.0, 1.0]), "semantic": (sem, [0.9, 0.8, 0.7]),
              "facts": (facts, [3.0, 2.0, 1.0])}
    whole = score_fusion(scored, w)
    got = extend(score_fusion({n: scored[n] for n in ("keyword", "semantic")}, w), {"facts": scored["facts"]},
                 "score", 20, w)
    assert [i for i, _ in got] == [i for i, _ in whole]
    assert [s for _, s in got] == pytest.approx([s for _, s in whole])
