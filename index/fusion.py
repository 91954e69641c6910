"""Reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

DEFAULT_RRF_K = 60


def rrf(
    rankings: Mapping[str, Sequence[int]],
    k: int = DEFAULT_RRF_K,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: score(d) = sum over retrievers r of w_r / (k + rank_r(d)), rank 1-based.

    `rankings` maps a retriever name to item ids, best first. Ties keep the order
    of first appearance (the first retriever's ranking wins).
    """
    if k < 0:
        raise ValueError("RRF k must be >= 0")
    scores: dict[int, float] = {}
    for name, ranking in rankings.items():
        w = 1.0 if weights is None else float(weights.get(name, 1.0))
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
