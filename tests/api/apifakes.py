"""A tiny deterministic embedder, so fast tests build a real index (BM25 + FAISS) in seconds without the model."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

from index.search import Index, open_index

_WORD = re.compile(r"\w+")


class HashEmbedder:
    """Bag of hashed words: texts sharing words get similar vectors. Not a model; only for tests."""

    name = "hash-test"
    dim = 64
    fingerprint = "hash-test:v1"

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)


def fake_loader(folder: Path, previous: Index | None) -> Index:
    return open_index(folder, embedder=HashEmbedder())
