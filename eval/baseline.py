"""Baseline: BM25 over fixed 150-word windows of the raw source files.

No structure at all (no sections, tables, OCR repair, stemming): the windows are
cut from the source text as it stands and tokenised by lower-casing and taking
word characters. Comparing it with the real index shows what the structure buys.
Windows overlap by half (stride 75 words) so that every short support passage
lies wholly inside at least one window; the baseline is not penalised for cuts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np

from core.records import Citation, Hit, Span

WINDOW = 150
STRIDE = 75
_WORD = re.compile(r"\S+")
_TOKEN = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Lower-cased runs of word characters (æøå included)."""
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Window:
    doc_id: str
    span: Span
    text: str


def windows(doc_id: str, text: str, size: int = WINDOW, stride: int = STRIDE) -> list[Window]:
    """Windows of `size` whitespace-separated words, starting every `stride` words."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    out = []
    for i in range(0, max(1, len(words)), stride):
        chunk = words[i:i + size]
        if not chunk:
            break
        start, end = chunk[0][0], chunk[-1][1]
        out.append(Window(doc_id, Span(start=start, end=end), text[start:end]))
        if i + size >= len(words):
            break
    return out


class WindowBM25:
    """A searcher with the index's `search` signature over raw word windows."""

    def __init__(self, docs: Sequence[tuple[str, str]], titles: dict[str, str] | None = None,
                 source_files: dict[str, str] | None = None, size: int = WINDOW, stride: int = STRIDE):
        self.windows = [w for doc_id, text in docs for w in windows(doc_id, text, size, stride)]
        self.titles = titles or {}
        self.source_files = source_files or {}
        self.retriever = bm25s.BM25()
        self.retriever.index([tokenize(w.text) for w in self.windows], show_progress=False)

    @classmethod
    def from_sources(cls, sources: Sequence[Any]) -> WindowBM25:
        """From `eval.harness.SourceDoc`s (or anything with `doc_id` and `text`)."""
        return cls([(d.doc_id, d.text) for d in sources])

    def search(self, question: str, k: int = 10, mode: str | None = None, filters: Any = None) -> list[Hit]:
        tokens = tokenize(question)
        if not tokens or not self.windows:
            return []
        scores = self.retriever.get_scores(tokens)
        order = np.argsort(-scores, kind="stable")[: min(k, len(self.windows))]
        hits = []
        for rank, i in enumerate(order, start=1):
            if scores[i] <= 0:
                break
            w = self.windows[int(i)]
            cit = Citation(doc_id=w.doc_id, title=self.titles.get(w.doc_id, w.doc_id),
                           source_file=self.source_files.get(w.doc_id, w.doc_id), span=w.span,
                           page_label="side ukjent", quote=w.text)
            hits.append(Hit(rank=rank, score=float(scores[i]), chunk_id=f"{w.doc_id}:w{int(i):05d}",
                            doc_id=w.doc_id, text=w.text, snippet=w.text[:200], citation=cit))
        return hits
