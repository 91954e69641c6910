"""What every embedder is: a name, a dimension, a fingerprint, passages and queries in, unit vectors out."""

from __future__ import annotations

import os
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int
    fingerprint: str  # changes whenever the vectors could change

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


def as_matrix(vectors, dim: int) -> np.ndarray:
    """float32 rows of length 1, so inner product = cosine."""
    out = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def process_threads() -> int:
    """Threads a model may use in this process: OMP_NUM_THREADS when set (Ray sets it to the cores it gives an
    actor, so two embedding workers on two cores do not run four threads), else every core."""
    try:
        return max(1, int(os.environ["OMP_NUM_THREADS"]))
    except (KeyError, ValueError):
        return os.cpu_count() or 1
