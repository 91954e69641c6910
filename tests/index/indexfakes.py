"""Test double for the embedding model: deterministic hashed bag-of-words vectors. Not a model."""

from __future__ import annotations

import hashlib
import re

import numpy as np


class FakeEmbedder:
    """Each lower-cased word adds ±1 to a hashed bucket; vectors are L2-normalised.

    Counts what it was asked to embed, so tests can check that unchanged text is not re-embedded.
    """

    def __init__(self, dim: int = 64, tag: str = "v1"):
        self.name = "fake-hash-embedder"
        self.dim = dim
        self.fingerprint = f"fake-hash-embedder:{tag}:{dim}"
        self.passages_embedded = 0
        self.queries_embedded = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        n = np.linalg.norm(v)
        if n == 0:
            v[0] = 1.0
            n = 1.0
        return v / n

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.queries_embedded += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
