"""Keyword search over key figures (facts): indicator, column, table caption, section.

Serves two callers: answers rank facts directly, and hybrid search uses the
facts as a third retriever that points at the chunk each fact sits in, so a
question about one table row finds the chunk holding that row.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from core.records import Fact
from index.retrievers.keyword import KeywordIndex
from text.tokenizer import NorwegianTokenizer

FACTS_FILE = "facts.jsonl"


def fact_text(f: Fact) -> str:
    """What a fact is found by: the words around the number, not the number itself."""
    parts = [f.indicator, f.column or "", f.context or "", f.qualifier or "", f.period or ""]
    if f.section_path:
        parts.append(f.section_path[-1])
    return " ".join(p for p in parts if p)


def load_facts(folder: Path) -> list[Fact]:
    """Facts saved with an index (so a swapped index answers from its own documents)."""
    path = Path(folder) / FACTS_FILE
    if not path.exists():
        return []
    return [Fact.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class FactIndex:
    """BM25 over fact texts; facts are a few thousand, so this builds in about a second."""

    def __init__(self, facts: list[Fact], tokenizer: NorwegianTokenizer, chunks: list[Any] | None = None,
                 chunk_of: np.ndarray | None = None):
        """`chunk_of`: each fact's chunk row computed already (an index served from a store publishes them, so a
        replica never walks all chunks); else found in `chunks`."""
        self.facts = facts
        self.tokenizer = tokenizer
        self.keyword = KeywordIndex.build([fact_text(f) for f in facts], tokenizer)
        if chunk_of is not None:
            if len(chunk_of) != len(facts):
                raise ValueError(f"{len(chunk_of)} chunk rows for {len(facts)} facts")
            self.chunk_of = np.asarray(chunk_of, dtype=np.int64)
        else:
            self.chunk_of = chunk_rows(facts, chunks) if chunks is not None else np.full(len(facts), -1)

    def __len__(self) -> int:
        return len(self.facts)

    def search(self, query: str, top: int = 200) -> list[tuple[int, float]]:
        """(fact position, BM25 score) for facts sharing words with `query`, best first."""
        ids, scores = self.keyword.search(self.tokenizer.tokens(query), top)
        return [(int(i), float(s)) for i, s in zip(ids, scores, strict=True) if s > 0]

    def rank_chunks(self, query: str, depth: int, mask: np.ndarray | None = None) -> list[int]:
        """Chunk rows in the order their best-matching fact ranks, each once."""
        return self.rank_chunks_scored(query, depth, mask)[0].tolist()

    def candidate_rows(self, query: str, depth: int) -> list[int]:
        """Every chunk row that rank_chunks_scored(query, depth) looks at, before any mask: a store-backed index
        asks the store which of them pass the filters."""
        rows = {int(self.chunk_of[pos]) for pos, _ in self.search(query, top=max(4 * depth, 100))}
        return sorted(rows - {-1})

    def rank_chunks_scored(self, query: str, depth: int,
                           mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(chunk rows, the BM25 score of each row's best fact), best first, each row once."""
        out: list[int] = []
        scores: list[float] = []
        seen: set[int] = set()
        for pos, score in self.search(query, top=max(4 * depth, 100)):
            row = int(self.chunk_of[pos])
            if row < 0 or row in seen or (mask is not None and not mask[row]):
                continue
            seen.add(row)
            out.append(row)
            scores.append(score)
            if len(out) >= depth:
                break
        return np.asarray(out, dtype=np.int64), np.asarray(scores, dtype=np.float32)


def chunk_rows(facts: list[Fact], chunks: list[Any]) -> np.ndarray:
    """For each fact, the chunk whose span holds it (the narrowest, so a table row beats a whole section)."""
    by_doc: dict[str, list[tuple[int, int, int]]] = {}
    for row, c in enumerate(chunks):
        by_doc.setdefault(c.doc_id, []).append((c.span.start, c.span.end, row))
    for spans in by_doc.values():
        spans.sort()
    starts = {d: [s for s, _, _ in v] for d, v in by_doc.items()}
    out = np.full(len(facts), -1, dtype=np.int64)
    for i, f in enumerate(facts):
        spans = by_doc.get(f.doc_id)
        if not spans:
            continue
        hi = bisect.bisect_right(starts[f.doc_id], f.span.start)
        best, best_len = -1, None
        for s, e, row in spans[max(0, hi - 40):hi]:
            if s <= f.span.start < e and (best_len is None or e - s < best_len):
                best, best_len = row, e - s
        out[i] = best
    return out


_CACHE: weakref.WeakKeyDictionary[Any, FactIndex] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def for_index(index: Any) -> FactIndex:
    """The facts of a loaded index, built on first use and freed with the index."""
    with _LOCK:
        fi = _CACHE.get(index)
        if fi is None:
            fi = _CACHE[index] = FactIndex(index.facts, index.tokenizer, index.chunks,
                                           chunk_of=getattr(index, "fact_rows", None))
        return fi
