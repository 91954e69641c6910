"""The store protocol: ranked chunk rows for a query, with filters applied before any top-k."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from index.filters import FilterColumns, SearchFilters
from index.fusion import rrf
from index.retrievers.dense import DenseIndex
from index.retrievers.keyword import KeywordIndex

#: (chunk row, score), best first; rows are positions in the index's chunk list
Ranking = list[tuple[int, float]]


class ChunkStore(Protocol):
    """Keyword, semantic and fused search over one index's chunks."""

    def keyword(self, terms: list[str], k: int, filters: SearchFilters) -> Ranking:
        """BM25 over the project's tokens; only rows sharing a term with the query."""
        ...

    def semantic(self, vector: np.ndarray, k: int, filters: SearchFilters) -> Ranking:
        """Inner product with normalised passage vectors."""
        ...

    def hybrid(self, terms: list[str], vector: np.ndarray, k: int, filters: SearchFilters,
               fusion_k: int) -> Ranking:
        """Both retrievers at depth k, fused by reciprocal rank (score = sum of 1 / (fusion_k + rank))."""
        ...


def _pairs(ids: np.ndarray, scores: np.ndarray) -> Ranking:
    return list(zip(ids.tolist(), scores.tolist(), strict=True))


class LocalStore:
    """The in-process path (bm25s + FAISS, filters as a boolean mask) behind the store protocol."""

    def __init__(self, keyword: KeywordIndex, dense: DenseIndex, columns: FilterColumns):
        self._keyword, self._dense, self._columns = keyword, dense, columns

    def __len__(self) -> int:
        return len(self._dense)

    def keyword(self, terms: list[str], k: int, filters: SearchFilters) -> Ranking:
        return _pairs(*self._keyword.search(terms, k, self._columns.mask(filters)))

    def semantic(self, vector: np.ndarray, k: int, filters: SearchFilters) -> Ranking:
        return _pairs(*self._dense.search(vector, k, self._columns.mask(filters)))

    def hybrid(self, terms: list[str], vector: np.ndarray, k: int, filters: SearchFilters,
               fusion_k: int) -> Ranking:
        rankings = {"keyword": [r for r, _ in self.keyword(terms, k, filters)],
                    "semantic": [r for r, _ in self.semantic(vector, k, filters)]}
        return rrf(rankings, k=fusion_k)
