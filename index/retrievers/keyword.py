"""BM25 keyword retrieval (bm25s) over tokens from our Norwegian tokenizer."""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

from text.tokenizer import NorwegianTokenizer

logging.getLogger("bm25s").setLevel(logging.WARNING)


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rows with a positive score (and allowed by `mask`), best first, at most k; ties by row order."""
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    hits = np.flatnonzero(scores > 0)
    if len(hits) > k:
        part = np.argpartition(-scores[hits], k - 1)[:k]
        hits = hits[part]
    order = np.lexsort((hits, -scores[hits]))
    hits = hits[order]
    return hits.astype(np.int64), scores[hits].astype(np.float32)


class KeywordIndex:
    def __init__(self, bm25: bm25s.BM25, tokenizer: NorwegianTokenizer, n_docs: int):
        self.bm25 = bm25
        self.tokenizer = tokenizer
        self.n_docs = n_docs

    @classmethod
    def build(cls, texts: list[str], tokenizer: NorwegianTokenizer, k1: float = 1.2, b: float = 0.85) -> KeywordIndex:
        return cls.from_tokens([tokenizer.tokens(t) for t in texts], tokenizer, k1, b)

    @classmethod
    def from_tokens(cls, corpus: list[list[str]], tokenizer: NorwegianTokenizer, k1: float = 1.2,
                    b: float = 0.85) -> KeywordIndex:
        """From texts already tokenized with `tokenizer` (bm25s gets our tokens, not its own English ones)."""
        bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        if corpus:
            bm25.index(corpus, show_progress=False)
        return cls(bm25, tokenizer, len(corpus))

    def scores(self, tokens: list[str]) -> np.ndarray:
        if not self.n_docs:
            return np.zeros(0, dtype=np.float32)
        known = [t for t in tokens if t in self.bm25.vocab_dict]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return self.bm25.get_scores(known)

    def search(self, tokens: list[str], k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        return top_k(self.scores(tokens), k, mask)

    def save(self, folder: Path) -> None:
        if self.n_docs:
            self.bm25.save(str(folder / "bm25"), show_progress=False)

    @classmethod
    def load(cls, folder: Path, tokenizer: NorwegianTokenizer, n_docs: int) -> KeywordIndex:
        if not n_docs:
            return cls(bm25s.BM25(), tokenizer, 0)
        return cls(bm25s.BM25.load(str(folder / "bm25")), tokenizer, n_docs)
