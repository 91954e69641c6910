"""The store protocol: ranked chunk rows for a query, with filters applied before any top-k."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from index.filters import SearchFilters

#: (chunk row, score), best first; rows are positions in the index's chunk list
Ranking = list[tuple[int, float]]


class ChunkStore(Protocol):
    """Keyword and semantic search over one index's chunks, and its sentence vectors, kept outside this process.

    By default fusion, the facts retriever and the second stage run in the process that asks (index/rerank.py),
    with the weights fitted per query type. `hybrid` lets the store fuse keyword and semantic itself (Milvus'
    hybrid search, its ranker built per request with that query type's weights); facts and the second stage
    still run in the asking process."""

    has_sentences: bool  # whether the published index carries sentence vectors

    def keyword(self, terms: list[str], k: int, filters: SearchFilters) -> Ranking:
        """BM25 over the project's tokens; only rows sharing a term with the query."""
        ...

    def semantic(self, vector: np.ndarray, k: int, filters: SearchFilters) -> Ranking:
        """Inner product with normalised passage vectors."""
        ...

    def hybrid(self, terms: list[str], vector: np.ndarray, k: int, filters: SearchFilters,
               weights: tuple[float, float], method: str = "rrf", rrf_k: int = 60) -> Ranking:
        """Keyword and semantic (each `k` deep) fused by the store's ranker with (keyword, semantic) weights."""
        ...

    def best_sentences(self, query: np.ndarray, rows: Sequence[int]) -> np.ndarray:
        """Per chunk row, the largest cosine between the query and one of its sentences."""
        ...
