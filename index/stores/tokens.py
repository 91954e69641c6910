"""Token offsets of a store's chunks, computed for the rows a query ranks instead of for all chunks at open.

The in-process index loads the offsets `kb index` saved for every chunk (index/offsets.py). A replica served
from a store would have to tokenize every chunk text when it opens; only the rows a query ranks are ever
looked at (the second stage's proximity over the re-rank pool, highlighting and row choice over the hits), so
those are tokenized on demand and kept in a bounded cache. The vocabulary and document frequencies (the idf)
were published with the index, so token ids and idf are those of the local index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.lru import Lru
from index.offsets import idf_from, vocab_ids
from index.stores.rows import StoreChunks
from text.tokenizer import NorwegianTokenizer

KEEP = 4096  # rows whose tokens are kept: the re-rank pool and the hits of many queries
UNKNOWN = -1  # a token not in the published vocabulary (none when the chunks are the published ones)

_Tokens = tuple[np.ndarray, np.ndarray, np.ndarray]  # ids, starts, ends (int32)


class RowOffsets:
    """What Index and Ranker ask of TokenOffsets (term_ids, idf, matches, row_tokens), row by row on demand."""

    def __init__(self, chunks: StoreChunks, tokenizer: NorwegianTokenizer, words: list[str], doc_freq: list[int],
                 keep: int = KEEP):
        if len(words) != len(doc_freq):
            raise ValueError(f"{len(words)} terms but {len(doc_freq)} document frequencies")
        self.chunks, self.tokenizer = chunks, tokenizer
        self.vocab = {w: i for i, w in enumerate(words)}
        self._df = np.asarray(doc_freq, dtype=np.int64)
        self._cache = Lru[int, _Tokens](keep)

    @property
    def keep(self) -> int:
        return self._cache.size

    def clear(self) -> None:
        """Forget the held rows' tokens (benchmarks)."""
        self._cache.clear()

    def idf(self) -> np.ndarray:
        return idf_from(self._df, len(self.chunks))

    def term_ids(self, terms: set[str]) -> np.ndarray:
        return vocab_ids(self.vocab, terms)

    def tokens(self, rows: Sequence[int]) -> list[_Tokens]:
        """Each row's (ids, starts, ends), tokenizing the rows not cached (their records fetched in one batch)."""
        wanted = [int(r) for r in rows]
        held = self._cache.get_many(wanted)
        missing = [r for r in dict.fromkeys(wanted) if r not in held]
        if missing:
            self.chunks.prefetch(missing)
            made = {r: self._analyze(self.chunks[r].text) for r in missing}
            self._cache.update(made)
            held.update(made)  # all of them answer this call, even past `keep` or evicted meanwhile
        return [held[r] for r in wanted]

    def _analyze(self, text: str) -> _Tokens:
        toks = list(self.tokenizer.analyze(text))
        ids = np.fromiter((self.vocab.get(t, UNKNOWN) for t, _, _ in toks), dtype=np.int32, count=len(toks))
        starts = np.fromiter((s for _, s, _ in toks), dtype=np.int32, count=len(toks))
        ends = np.fromiter((e for _, _, e in toks), dtype=np.int32, count=len(toks))
        return ids, starts, ends

    def matches(self, row: int, term_ids: np.ndarray) -> list[tuple[int, int, int]]:
        """(start, end, token id) in chunk `row`'s text of every token that is a query term."""
        if not len(term_ids):
            return []
        ids, starts, ends = self.tokens([row])[0]
        hit = np.isin(ids, term_ids)
        return list(zip(starts[hit].tolist(), ends[hit].tolist(), ids[hit].tolist(), strict=True))

    def row_tokens(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token ids and start offsets of `rows`' texts, row after row, and for each token its index into `rows`."""
        got = self.tokens(rows.tolist())
        if not got:
            empty = np.zeros(0, dtype=np.int32)
            return empty, empty, np.zeros(0, dtype=np.int64)
        ids = np.concatenate([g[0] for g in got])
        starts = np.concatenate([g[1] for g in got])
        owner = np.repeat(np.arange(len(got)), [len(g[0]) for g in got])
        return ids, starts, owner
