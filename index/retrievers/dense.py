"""Dense retrieval over normalised vectors with FAISS: exact inner product by default, HNSW or IVF when large."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

DENSE_KINDS = ("flat", "hnsw", "ivf")


@dataclass(frozen=True)
class DenseSettings:
    kind: str = "flat"
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 96
    ivf_nprobe: int = 16

    def __post_init__(self):
        if self.kind not in DENSE_KINDS:
            raise ValueError(f"unknown dense index kind {self.kind!r}; expected one of {', '.join(DENSE_KINDS)}")

    def as_dict(self) -> dict:
        d = {"kind": self.kind}
        if self.kind == "hnsw":
            d.update(m=self.hnsw_m, ef_construction=self.hnsw_ef_construction, ef_search=self.hnsw_ef_search)
        elif self.kind == "ivf":
            d.update(nprobe=self.ivf_nprobe)
        return d


def _build_faiss(vectors: np.ndarray, s: DenseSettings) -> faiss.Index:
    n, dim = vectors.shape
    if s.kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, s.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = s.hnsw_ef_construction
    elif s.kind == "ivf" and n >= 64:
        nlist = max(1, min(int(4 * math.sqrt(n)), n // 39))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
    else:  # flat, or IVF on too few vectors to train clusters
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(vectors)
    return index


class DenseIndex:
    """Inner-product search; an optional boolean mask limits the candidates before top-k."""

    def __init__(self, vectors: np.ndarray, settings: DenseSettings | None = None, index: faiss.Index | None = None):
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.settings = settings or DenseSettings()
        self.index = index if index is not None else _build_faiss(self.vectors, self.settings)

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def _params(self, selector) -> faiss.SearchParameters:
        if isinstance(self.index, faiss.IndexHNSW):
            return faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.settings.hnsw_ef_search, 16))
        if isinstance(self.index, faiss.IndexIVF):
            return faiss.SearchParametersIVF(sel=selector, nprobe=self.settings.ivf_nprobe)
        return faiss.SearchParameters(sel=selector)

    def search(self, query: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row ids, scores), best first; at most k, fewer only when fewer rows pass the mask."""
        n = len(self)
        allowed = n if mask is None else int(mask.sum())
        k = min(k, allowed)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if mask is None:
            scores, ids = self.index.search(q, k)
        else:
            bitmap = np.packbits(mask.astype(bool), bitorder="little")
            selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
            scores, ids = self.index.search(q, k, params=self._params(selector))
        ids, scores = ids[0], scores[0]
        keep = ids >= 0
        ids, scores = ids[keep], scores[keep]
        if len(ids) < k:  # an approximate index can miss rows a narrow filter allows: answer exactly
            return self._exact(q[0], k, mask)
        # exact ties by row, as the keyword retriever and a store's search order them: FAISS leaves their order to
        # its heap, so the same question could rank two equal chunks apart differently in another store
        order = np.lexsort((ids, -scores))
        return ids[order].astype(np.int64), scores[order].astype(np.float32)

    def _exact(self, q: np.ndarray, k: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        rows = np.arange(len(self)) if mask is None else np.flatnonzero(mask)
        scores = self.vectors[rows] @ q
        top = np.argsort(-scores, kind="stable")[:k]
        return rows[top].astype(np.int64), scores[top].astype(np.float32)

    def save(self, folder: Path) -> None:
        np.save(folder / "vectors.npy", self.vectors)
        faiss.write_index(self.index, str(folder / "dense.faiss"))

    @classmethod
    def load(cls, folder: Path, settings: DenseSettings) -> DenseIndex:
        vectors = np.load(folder / "vectors.npy")
        return cls(vectors, settings, faiss.read_index(str(folder / "dense.faiss")))
