"""Keyword search over key figures (facts): indicator, column, table caption, section.

Serves two callers: answers rank facts directly, and hybrid search uses the
facts as a third retriever that points at the chunk each fact sits in, so a
question about one table row finds the chunk holding that row.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.records import Fact
from index.filters import FactFilters
from index.retrievers.keyword import KeywordIndex
from text.tokenizer import NorwegianTokenizer

FACTS_FILE = "facts.jsonl"


def fact_text(f: Fact) -> str:
    """What a fact is found by: the words around the number, not the number itself."""
    parts = [f.own_indicator, f.column or "", f.context or "", f.qualifier or "", f.group or "", f.period or ""]
    if f.section_path:
        parts.append(f.section_path[-1])
    return " ".join(p for p in parts if p)


def fact_keyword(facts: list[Fact], tokenizer: NorwegianTokenizer) -> KeywordIndex:
    """BM25 over the facts' search texts: built here for FactIndex, and at publish for a store's sparse rows."""
    return KeywordIndex.build([fact_text(f) for f in facts], tokenizer)


def load_facts(folder: Path) -> list[Fact]:
    """Facts saved with an index (so a swapped index answers from its own documents)."""
    path = Path(folder) / FACTS_FILE
    if not path.exists():
        return []
    return [Fact.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class FactRecords(Protocol):
    """An index's facts by position (the order they were indexed in), wherever they are kept: what GET /facts
    and the answers read. In memory (FactList) or in a store (index/stores/facts.py StoreFacts)."""

    def __len__(self) -> int: ...

    def records(self, positions: Sequence[int]) -> list[Fact]:
        """The facts at `positions`, in that order."""
        ...

    def select(self, filters: FactFilters) -> list[int]:
        """The positions of the facts `filters` let through, ascending."""
        ...

    def indicators(self, filters: FactFilters) -> list[tuple[int, str]]:
        """(position, indicator) of the facts `filters` let through, ascending: GET /facts matches indicators
        without reading the records."""
        ...


class FactList:
    """Facts held in a list: the in-process index's, and GET /facts' over the document store."""

    def __init__(self, facts: list[Fact]):
        self.facts = facts
        self._indicators: list[tuple[int, str]] | None = None  # of all facts, listed on first use

    def __len__(self) -> int:
        return len(self.facts)

    def records(self, positions: Sequence[int]) -> list[Fact]:
        return [self.facts[int(p)] for p in positions]

    def select(self, filters: FactFilters) -> list[int]:
        if filters.is_empty():
            return list(range(len(self.facts)))
        return [i for i, f in enumerate(self.facts) if filters.matches(f)]

    def indicators(self, filters: FactFilters) -> list[tuple[int, str]]:
        if not filters.is_empty():
            return [(i, self.facts[i].indicator) for i in self.select(filters)]
        if self._indicators is None:
            self._indicators = [(i, f.indicator) for i, f in enumerate(self.facts)]
        return list(self._indicators)


class FactSearch(ABC):
    """BM25 over fact texts, and the facts retriever of hybrid search on top of it (chunk rows ranked by their
    best fact). `search` and `rows_of` are where the facts are kept; the ranking here is shared."""

    @abstractmethod
    def search(self, query: str, top: int = 200) -> list[tuple[int, float]]:
        """(fact position, BM25 score) for facts sharing words with `query`, best first, ties by position."""

    @abstractmethod
    def rows_of(self, positions: Sequence[int]) -> np.ndarray:
        """The chunk row holding each fact at `positions` (-1: none)."""

    @abstractmethod
    def records(self, positions: Sequence[int]) -> list[Fact]:
        """The facts at `positions`, in that order."""

    def rank_chunks(self, query: str, depth: int, mask: np.ndarray | None = None) -> list[int]:
        """Chunk rows in the order their best-matching fact ranks, each once."""
        return self.rank_chunks_scored(query, depth, mask)[0].tolist()

    def ranked_rows(self, query: str, depth: int) -> list[tuple[int, float]]:
        """(chunk row, score) of every fact rank_chunks_scored(query, depth) looks at, best first, before any
        mask (a row may repeat; -1: a fact in no chunk): a store-backed index asks the store which pass filters."""
        found = self.search(query, top=max(4 * depth, 100))
        rows = self.rows_of([pos for pos, _ in found])
        return [(int(r), score) for r, (_, score) in zip(rows, found, strict=True)]

    def rank_chunks_scored(self, query: str, depth: int,
                           mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(chunk rows, the BM25 score of each row's best fact), best first, each row once."""
        return best_rows(self.ranked_rows(query, depth), depth, mask)


def best_rows(ranked: list[tuple[int, float]], depth: int,
              mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first `depth` distinct rows of `ranked` that `mask` allows (mask[row]), with their scores."""
    out: list[int] = []
    scores: list[float] = []
    seen: set[int] = set()
    for row, score in ranked:
        if row < 0 or row in seen or (mask is not None and not mask[row]):
            continue
        seen.add(row)
        out.append(row)
        scores.append(score)
        if len(out) >= depth:
            break
    return np.asarray(out, dtype=np.int64), np.asarray(scores, dtype=np.float32)


class FactIndex(FactList, FactSearch):
    """BM25 over fact texts held in memory; facts are a few thousand, so this builds in about a second."""

    def __init__(self, facts: list[Fact], tokenizer: NorwegianTokenizer, chunks: list[Any] | None = None,
                 chunk_of: np.ndarray | None = None):
        """`chunk_of`: each fact's chunk row computed already; else found in `chunks`."""
        super().__init__(facts)
        self.tokenizer = tokenizer
        self.keyword = fact_keyword(facts, tokenizer)
        if chunk_of is not None:
            if len(chunk_of) != len(facts):
                raise ValueError(f"{len(chunk_of)} chunk rows for {len(facts)} facts")
            self.chunk_of = np.asarray(chunk_of, dtype=np.int64)
        else:
            self.chunk_of = chunk_rows(facts, chunks) if chunks is not None else np.full(len(facts), -1)

    def search(self, query: str, top: int = 200) -> list[tuple[int, float]]:
        scores = self.keyword.scores(self.tokenizer.tokens(query))
        hits = np.flatnonzero(scores > 0)
        # facts tie often (one indicator in several years): the first by position win at the cut too, so that a
        # store's search, which cannot copy a partial sort's choice, returns the same facts (StoreFacts)
        hits = hits[np.lexsort((hits, -scores[hits]))][:top]
        return [(int(i), float(scores[i])) for i in hits]

    def rows_of(self, positions: Sequence[int]) -> np.ndarray:
        return self.chunk_of[np.asarray(positions, dtype=np.int64)]


def chunk_rows(facts: list[Fact], chunks: list[Any]) -> np.ndarray:
    """For each fact, the chunk whose span holds it (the narrowest, so a table row beats a whole section)."""
    by_doc: dict[str, list[tuple[int, int, int]]] = {}
    for row, c in enumerate(chunks):
        by_doc.setdefault(c.doc_id, []).append((c.span.start, c.span.end, row))
    for spans in by_doc.values():
        spans.sort()
    starts = {d: [s for s, _, _ in v] for d, v in by_doc.items()}
    out = np.full(len(facts), -1, dtype=np.int64)
    for i, f in enumerate(facts):
        spans = by_doc.get(f.doc_id)
        if not spans:
            continue
        hi = bisect.bisect_right(starts[f.doc_id], f.span.start)
        best, best_len = -1, None
        for s, e, row in spans[max(0, hi - 40):hi]:
            if s <= f.span.start < e and (best_len is None or e - s < best_len):
                best, best_len = row, e - s
        out[i] = best
    return out


_CACHE: weakref.WeakKeyDictionary[Any, FactIndex] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


class SearchableFacts(FactRecords, Protocol):
    """What answers and hybrid search ask of an index's facts: FactIndex, or a store's (FactSearch both)."""

    def search(self, query: str, top: int = 200) -> list[tuple[int, float]]: ...

    def rank_chunks_scored(self, query: str, depth: int,
                           mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...

    def ranked_rows(self, query: str, depth: int) -> list[tuple[int, float]]: ...

    def rows_of(self, positions: Sequence[int]) -> np.ndarray: ...


def for_index(index: Any) -> SearchableFacts:
    """The facts of a loaded index: the store's when it keeps them (`index.fact_source`), else a FactIndex over
    `index.facts`, built on first use and freed with the index."""
    source = getattr(index, "fact_source", None)
    if source is not None:
        return source
    with _LOCK:
        fi = _CACHE.get(index)
        if fi is None:
            fi = _CACHE[index] = FactIndex(index.facts, index.tokenizer, index.chunks)
        return fi
