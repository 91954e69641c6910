"""Sentence vectors: every chunk's sentences embedded by the same model, stored at index time.

The second stage (index/rerank.py) scores a candidate chunk by its best-matching sentence, finer
evidence than the chunk vector, which averages a long passage or a whole table's rows into one.
Vectors are cached by sentence text and model fingerprint like the chunk vectors, so a rebuild
embeds only sentences it has not seen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from core.records import Chunk
from index.chunking import content_hash
from index.offsets import row_items
from text.sentences import split_sentences

FILE = "sentences.npz"
HASHES = "sentences.json"
MIN_WORDS = 3  # shorter lines (a lone heading, "Tabell 2") say too little to score a chunk by
EMBED_BATCH = 64


def chunk_sentences(chunk: Chunk) -> list[str]:
    """The sentences (and table or list lines) of a chunk that are worth a vector; the whole text when none is."""
    return list(_sentences(chunk.text))


@lru_cache(maxsize=4096)  # every answer reads its retrieved passages' sentences, and passages come back often
def _sentences(text: str) -> tuple[str, ...]:
    out = [text[a:b] for a, b in split_sentences(text) if len(text[a:b].split()) >= MIN_WORDS]
    return tuple(out or ([text] if text.strip() else []))


class SentenceScorer(Protocol):
    """What the second stage asks of sentence vectors: held in memory here, or fetched from a store (Milvus)."""

    def best(self, query: np.ndarray, rows: Sequence[int]) -> np.ndarray: ...

    def of_rows(self, rows: Sequence[int]) -> list[np.ndarray]:
        """Each row's sentence vectors, in `chunk_sentences` order (what the answers compare a candidate with)."""
        ...


class SentenceVectors:
    """Unit vectors of each chunk's sentences: rows `indptr[i]:indptr[i+1]` belong to chunk row i."""

    def __init__(self, vectors: np.ndarray, indptr: np.ndarray, hashes: list[str], fingerprint: str):
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.hashes, self.fingerprint = hashes, fingerprint
        if len(self.indptr) == 0 or self.indptr[-1] != len(self.vectors) or len(hashes) != len(self.vectors):
            raise ValueError("sentence vectors and their offsets disagree")

    def __len__(self) -> int:
        return len(self.vectors)

    @property
    def chunks(self) -> int:
        return len(self.indptr) - 1

    def best(self, query: np.ndarray, rows: Sequence[int]) -> np.ndarray:
        """Per row, the largest cosine between the query and one of its sentences (0 for a row without any)."""
        rows = np.asarray(rows, dtype=np.int64)
        flat, owner = row_items(self.indptr, rows)
        out = np.full(len(rows), -1.0, dtype=np.float32)
        np.maximum.at(out, owner, self.vectors[flat] @ np.asarray(query, dtype=np.float32))
        out[self.indptr[rows + 1] == self.indptr[rows]] = 0.0
        return out

    def of_rows(self, rows: Sequence[int]) -> list[np.ndarray]:
        return [self.vectors[self.indptr[r]:self.indptr[r + 1]] for r in rows]

    @classmethod
    def build(cls, chunks: Sequence[Chunk], embed: Callable[[list[str]], np.ndarray], fingerprint: str,
              cache: dict[str, np.ndarray] | None = None,
              progress: Callable[[str, int, int], None] | None = None) -> tuple[SentenceVectors, int]:
        """Vectors for every chunk's sentences, reusing `cache` (hash -> vector); returns them and how many
        sentences were embedded now."""
        cache = dict(cache or {})
        texts: list[str] = []
        indptr = [0]
        for c in chunks:
            texts += chunk_sentences(c)
            indptr.append(len(texts))
        hashes = [content_hash(t) for t in texts]
        by_hash = dict(zip(hashes, texts, strict=True))
        missing = [h for h in by_hash if h not in cache]
        order = sorted(missing, key=lambda h: -len(by_hash[h]))  # similar lengths per batch pad little
        for i in range(0, len(order), EMBED_BATCH):
            batch = order[i:i + EMBED_BATCH]
            cache.update(zip(batch, embed([by_hash[h] for h in batch]), strict=True))
            if progress:
                progress("sentences", min(i + EMBED_BATCH, len(order)), len(order))
        dim = len(next(iter(cache.values()))) if cache else 0
        vectors = np.stack([cache[h] for h in hashes]) if hashes else np.zeros((0, dim), np.float32)
        return cls(vectors, np.asarray(indptr), hashes, fingerprint), len(missing)

    def cache(self) -> dict[str, np.ndarray]:
        return dict(zip(self.hashes, self.vectors, strict=True))

    def save(self, folder: Path) -> None:
        # float16 halves the file; the cosines it changes move in the fourth decimal
        np.savez(folder / FILE, vectors=self.vectors.astype(np.float16), indptr=self.indptr)
        (folder / HASHES).write_text(json.dumps({"fingerprint": self.fingerprint, "hashes": self.hashes}),
                                     encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> SentenceVectors | None:
        """The index's sentence vectors, or None for an index built without them."""
        if not (folder / FILE).exists():
            return None
        try:
            z = np.load(folder / FILE)
            meta = json.loads((folder / HASHES).read_text(encoding="utf-8"))
            return cls(z["vectors"].astype(np.float32), z["indptr"], meta["hashes"], meta["fingerprint"])
        except KeyError as exc:
            raise ValueError(f"sentence vectors lack {exc}") from exc

    @classmethod
    def load_cache(cls, folder: Path, fingerprint: str) -> dict[str, np.ndarray]:
        """hash -> vector from an index built with the same model; empty otherwise (or when unreadable)."""
        try:
            got = cls.load(folder)
        except (OSError, ValueError):
            return {}
        return got.cache() if got is not None and got.fingerprint == fingerprint else {}
