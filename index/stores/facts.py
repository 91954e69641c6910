"""A store's facts, searched and read by position there: a replica holds none of them.

The in-process index keeps every fact and a BM25 index over their search texts (index/retrievers/facts.py
FactIndex). The bundled corpus has 2.8 facts per chunk and a parsed fact takes 9-19 KB (eval/SCALE.md), so a
replica of a 30 M-chunk index would hold hundreds of GB of them. Here the BM25 side is a sparse search in the
store (each fact's precomputed BM25 weights, published from the same tokenizer and weighting, so scores equal
FactIndex's), and the records of the facts a query ranks are read in one query and kept in a bounded LRU cache.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from core.lru import Lru
from core.records import Fact
from index.filters import FactFilters
from index.retrievers.facts import FactSearch
from index.stores.base import FactStore
from text.tokenizer import NorwegianTokenizer

KEEP = 2048  # fact records kept (9-19 KB each parsed, measured): an answer reads up to ~300, so the last few answers
ROWS_KEEP = 65_536  # chunk rows of searched facts kept (two ints each)
TIE_MARGIN = 64  # facts asked beyond `top`, so that a group tied at the cut usually comes whole in one search
MAX_LIMIT = 16_384  # Milvus' largest top-k


class StoreFacts(FactSearch):
    """The facts of an index served from `store`, by position; `fetched` counts the fact records read so far."""

    def __init__(self, store: FactStore, tokenizer: NorwegianTokenizer, keep: int = KEEP):
        self.store, self.tokenizer = store, tokenizer
        self.fetched = 0
        self._records = Lru[int, Fact](keep)
        self._rows = Lru[int, int](ROWS_KEEP)  # fact position -> chunk row
        self._lock = threading.Lock()  # of `fetched`: the API answers from several threads

    def __len__(self) -> int:
        return self.store.fact_count

    @property
    def keep(self) -> int:
        return self._records.size

    def cached(self) -> int:
        """How many fact records are held now."""
        return len(self._records)

    def clear(self) -> None:
        """Forget the held records and rows (benchmarks)."""
        self._records.clear()
        self._rows.clear()

    def search(self, query: str, top: int = 200) -> list[tuple[int, float]]:
        if top <= 0:
            return []
        terms = self.tokenizer.tokens(query)
        limit = top + TIE_MARGIN
        while True:
            found = self.store.fact_search(terms, limit)
            # FactIndex keeps, of facts tied at the cut, the first by position; the store keeps any of them, so
            # ask deeper until the whole tied group at the cut is in (or every match is)
            if len(found) < limit or limit >= MAX_LIMIT or len(found) <= top:
                break
            scores = sorted((s for _, s, _ in found), reverse=True)
            if scores[top - 1] > scores[-1]:
                break
            limit = min(4 * limit, MAX_LIMIT)
        # the search returns each fact's chunk row too: the facts retriever then needs no second query
        self._rows.update((pos, row) for pos, _, row in found)
        return sorted(((pos, score) for pos, score, _ in found), key=lambda ps: (-ps[1], ps[0]))[:top]

    def rows_of(self, positions: Sequence[int]) -> np.ndarray:
        with self._rows.lock:  # once, not once per position
            missing = [int(p) for p in positions if int(p) not in self._rows]
        got = {p: int(r["chunk_row"]) for p, r in self.store.fact_fields(missing, ["chunk_row"]).items()} \
            if missing else {}
        with self._rows.lock:
            rows = [got[int(p)] if int(p) in got else self._rows.peek(int(p), -1) for p in positions]
        return np.asarray(rows, dtype=np.int64)

    def records(self, positions: Sequence[int]) -> list[Fact]:
        wanted = [int(p) for p in positions]
        held = self._records.get_many(wanted)
        missing = [p for p in dict.fromkeys(wanted) if p not in held]
        if missing:
            got = self.store.fact_records(missing)
            lost = [p for p in missing if p not in got]
            if lost:
                raise IndexError(f"fact positions missing from the store: {lost[:5]}")
            with self._lock:
                self.fetched += len(got)
            self._records.update(got)
            held.update(got)
        return [held[p] for p in wanted]

    def select(self, filters: FactFilters) -> list[int]:
        return [int(r["pos"]) for r in self.store.fact_scan(filters, [])]

    def indicators(self, filters: FactFilters) -> list[tuple[int, str]]:
        return [(int(r["pos"]), r["indicator"]) for r in self.store.fact_scan(filters, ["indicator"])]
