"""The store protocol: ranked chunk rows for a query, with filters applied before any top-k, and the facts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from core.records import Chunk, Fact
from index.filters import FactFilters, SearchFilters

#: (chunk row, score), best first; rows are positions in the index's chunk list
Ranking = list[tuple[int, float]]


class FactStore(Protocol):
    """An index's facts kept outside this process, by position (index/stores/facts.py StoreFacts reads them)."""

    fact_count: int

    def fact_search(self, terms: list[str], k: int) -> list[tuple[int, float, int]]:
        """(position, BM25 score, chunk row) of the `k` facts whose search text best matches `terms`."""
        ...

    def fact_fields(self, positions: list[int], fields: list[str]) -> dict[int, dict]:
        """Some fields of the facts at `positions`, by position."""
        ...

    def fact_records(self, positions: list[int]) -> dict[int, Fact]:
        """The fact records at `positions`."""
        ...

    def fact_scan(self, filters: FactFilters, fields: list[str]) -> list[dict]:
        """The position and `fields` of every fact `filters` let through, ascending by position."""
        ...


class ChunkStore(FactStore, Protocol):
    """Keyword and semantic search over one index's chunks, and its sentence vectors, kept outside this process.

    By default fusion and the second stage run in the process that asks (index/rerank.py), with the weights fitted
    per query type; the facts retriever's list comes from the store's facts (FactStore) and is fused there too.
    `hybrid` lets the store fuse keyword and semantic itself (Milvus' hybrid search, its ranker built per request
    with that query type's weights); the facts list and the second stage still join in the asking process."""

    has_sentences: bool  # whether the published index carries sentence vectors
    # published whole, so that a replica opens without reading every chunk record:
    terms: dict  # {"words": the highlighter's vocabulary in token id order, "df": each word's document frequency}

    def __len__(self) -> int:
        """The number of chunks."""
        ...

    def records(self, rows: list[int]) -> dict[int, Chunk]:
        """The chunk records of `rows`, read in batches."""
        ...

    def row_of(self, chunk_id: str) -> tuple[int, Chunk] | None:
        """The row and record of one chunk id."""
        ...

    def allowed(self, rows: list[int], filters: SearchFilters) -> set[int]:
        """Which of `rows` the filters allow."""
        ...

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

    def sentence_vectors(self, rows: Sequence[int]) -> list[np.ndarray]:
        """Per chunk row, its sentence vectors in the order the index stored them."""
        ...
