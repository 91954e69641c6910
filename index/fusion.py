"""Fusion of ranked lists: reciprocal rank fusion, or a weighted sum of min-max normalised scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

DEFAULT_RRF_K = 60
FUSION_METHODS = ("rrf", "score")


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
    return _ordered(scores)


def score_fusion(
    scored: Mapping[str, tuple[Sequence[int], Sequence[float]]],
    weights: Mapping[str, float] | None = None,
) -> list[tuple[int, float]]:
    """sum over retrievers of w_r * (s - min) / (max - min) over that retriever's list; absent items add 0.

    Unlike RRF this keeps how far ahead a retriever's first item is: BM25 on a verbatim
    phrase stands far above its second hit, while cosine scores of a weak query lie close.
    """
    scores: dict[int, float] = {}
    for name, (items, values) in scored.items():
        if not len(items):
            continue
        w = 1.0 if weights is None else float(weights.get(name, 1.0))
        lo, hi = min(values), max(values)
        span = hi - lo
        for item, v in zip(items, values, strict=True):
            norm = (v - lo) / span if span > 0 else 1.0
            scores[item] = scores.get(item, 0.0) + w * norm
    return _ordered(scores)


def extend(
    fused: Sequence[tuple[int, float]],
    scored: Mapping[str, tuple[Sequence[int], Sequence[float]]],
    method: str = "rrf",
    k: int = DEFAULT_RRF_K,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[int, float]]:
    """A fusion computed elsewhere (Milvus' ranker over keyword and semantic) plus more lists, each adding what
    `rrf` or `score_fusion` would add for it; ties keep `fused`'s order, then first appearance."""
    scores = {int(item): float(s) for item, s in fused}
    extra = rrf({n: items for n, (items, _) in scored.items()}, k, weights) if method == "rrf" \
        else score_fusion(scored, weights)
    for item, s in extra:
        scores[item] = scores.get(item, 0.0) + s
    return _ordered(scores)


def _ordered(scores: dict[int, float]) -> list[tuple[int, float]]:
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
