"""Sentence vectors: evidence finer than the chunk for the second stage (the best-matching sentence of a chunk).

Stored beside the chunk vectors when `IndexSettings.sentence_vectors` is on: one vector per sentence
(or table row line) of each chunk's readable text, from the same model as the chunks.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from core.records import Chunk
from index.chunking import SENTENCE_END

FILE = "sentences.npz"
MIN_CHARS = 25  # shorter pieces (a heading, "Tabell 3") join the next one
MAX_PER_CHUNK = 48


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in `text` of its sentences and lines; short pieces join their neighbour."""
    cuts = sorted({0, len(text), *(m.end() for m in SENTENCE_END.finditer(text)),
                   *(m.end() for m in re.finditer(r"\n+", text))})
    out: list[tuple[int, int]] = []
    start = None
    for a, b in zip(cuts, cuts[1:], strict=False):
        start = a if start is None else start
        if len(text[start:b].strip()) >= MIN_CHARS:
            out.append((start, b))
            start = None
    if start is not None and text[start:].strip():
        if out:
            out[-1] = (out[-1][0], len(text))
        else:
            out.append((start, len(text)))
    return out[:MAX_PER_CHUNK]


def sentence_texts(chunks: list[Chunk]) -> tuple[list[str], np.ndarray]:
    """Every sentence to embed, and the chunk row of each."""
    texts: list[str] = []
    rows: list[int] = []
    for row, c in enumerate(chunks):
        for a, b in sentence_spans(c.text):
            texts.append(c.text[a:b].strip())
            rows.append(row)
    return texts, np.asarray(rows, dtype=np.int64)


class SentenceVectors:
    def __init__(self, vectors: np.ndarray, rows: np.ndarray, n_chunks: int):
        order = np.argsort(rows, kind="stable")
        self.vectors, self.rows = vectors[order].astype(np.float32), rows[order]
        self.indptr = np.searchsorted(self.rows, np.arange(n_chunks + 1))

    def best(self, row: int, query: np.ndarray) -> float:
        """Cosine of the chunk's best-matching sentence with the query (0 when the chunk has none)."""
        a, b = self.indptr[row], self.indptr[row + 1]
        return float((self.vectors[a:b] @ query).max()) if b > a else 0.0

    def save(self, folder: Path) -> None:
        np.savez(Path(folder) / FILE, vectors=self.vectors, rows=self.rows)

    @classmethod
    def load(cls, folder: Path, n_chunks: int) -> SentenceVectors | None:
        path = Path(folder) / FILE
        if not path.exists():
            return None
        z = np.load(path)
        return cls(z["vectors"], z["rows"], n_chunks)
