"""A store's chunk records as a read-only sequence by row, fetched when a query touches them.

A replica of an index served from Milvus does not hold the chunk records (about 3 KB each: 95 GB at 30 M
chunks): Index, Ranker and the highlighter index `chunks[row]` for the rows a query ranks, and this sequence
fetches those rows in one query (`prefetch`) and keeps the most recent ones (a bounded LRU cache).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, overload

from core.lru import Lru
from core.records import Chunk

KEEP = 8192  # records kept: a hybrid query ranks a few hundred rows, so several queries' rows stay cached


class RecordSource(Protocol):
    """Where the records are: index/stores/milvus.py MilvusStore."""

    def records(self, rows: list[int]) -> dict[int, Chunk]: ...

    def row_of(self, chunk_id: str) -> tuple[int, Chunk] | None: ...


class StoreChunks(Sequence[Chunk]):
    """`n` chunk records read from `source` by row on demand; `fetched` counts the records read so far."""

    def __init__(self, source: RecordSource, n: int, keep: int = KEEP):
        self.source, self.n = source, int(n)
        self.fetched = 0
        self._cache = Lru[int, Chunk](keep, on_evict=self._evicted)
        self._rows: dict[str, int] = {}  # chunk id -> row of the cached records
        # the API searches from several threads: the cache's lock also keeps `_rows` and `fetched` in step
        self._lock = self._cache.lock

    def __len__(self) -> int:
        return self.n

    @property
    def keep(self) -> int:
        return self._cache.size

    def cached(self) -> int:
        """How many records are held now."""
        return len(self._cache)

    def clear(self) -> None:
        """Forget the held records (benchmarks: every query then reads its rows from the store)."""
        with self._lock:
            self._cache.clear()
            self._rows.clear()

    def prefetch(self, rows: Iterable[int]) -> None:
        """Read the records of `rows` not held yet, in one query per batch (not one per row)."""
        wanted = {int(r) for r in rows}
        held = self._cache.get_many(wanted)
        missing = [r for r in wanted if r not in held]
        if missing:
            self._put(self._fetch(missing))

    @overload
    def __getitem__(self, row: int) -> Chunk: ...

    @overload
    def __getitem__(self, row: slice) -> list[Chunk]: ...

    def __getitem__(self, row: int | slice) -> Chunk | list[Chunk]:
        if isinstance(row, slice):
            rows = range(self.n)[row]
            got = self._fetch(list(rows))
            return [got[r] for r in rows]
        r = int(row)
        if r < 0:
            r += self.n
        if not 0 <= r < self.n:
            raise IndexError(f"chunk row {row} out of range (the index has {self.n})")
        c = self._cache.get(r)
        if c is not None:
            return c
        got = self._fetch([r])
        self._put(got)
        return got[r]

    def __iter__(self) -> Iterator[Chunk]:
        """Every record in row order, a batch at a time and not cached: for tools, never a replica's open."""
        step = 1024
        for start in range(0, self.n, step):
            got = self._fetch(list(range(start, min(start + step, self.n))))
            yield from (got[r] for r in range(start, min(start + step, self.n)))

    def row_of(self, chunk_id: str) -> int | None:
        """The row of the chunk `chunk_id` (a held record answers without a query), or None."""
        with self._lock:
            r = self._rows.get(chunk_id)
            if r is not None and r in self._cache:
                return r
        found = self.source.row_of(chunk_id)
        if found is None:
            return None
        self._put({found[0]: found[1]})
        with self._lock:
            self.fetched += 1
        return found[0]

    def _fetch(self, rows: list[int]) -> dict[int, Chunk]:
        got = self.source.records(rows)
        lost = [r for r in rows if r not in got]
        if lost:
            raise IndexError(f"chunk rows missing from the store: {lost[:5]}")
        with self._lock:
            self.fetched += len(got)
        return got

    def _put(self, got: dict[int, Chunk]) -> None:
        with self._lock:
            self._rows.update((c.id, r) for r, c in got.items())
            self._cache.update(got)

    def _evicted(self, r: int, old: Chunk) -> None:
        if self._rows.get(old.id) == r:
            del self._rows[old.id]
