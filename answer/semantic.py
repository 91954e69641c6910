"""How close in meaning a candidate's sentence is to the question: a ranker feature from the stored sentence vectors.

Shared words are features already (facts.py, spans.py); this one also sees a paraphrase: a row label that names
the measure in other words, "busette" for "bosatt". The cosine is that of the question's vector (cached by the
search that found the passages) and the stored vector (index/sentences.py) of the sentence or table row the
candidate stands in, for candidates in the retrieved passages; nothing is embedded here. A candidate outside them,
or whose sentence has no vector of its own (under three words), takes its passage's best sentence, or, outside any
passage, the question's lowest cosine. The feature is the gap to the question's best candidate times SCALE.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from answer.facts import FactCandidate
from answer.spans import Candidate
from core.records import Chunk, Fact
from index.sentences import chunk_sentences

FEATURE = "semantic"
# e5 puts one question's sentences within a few hundredths of each other: a raw cosine would need a weight the
# ranker's shrinkage never allows. Set before the first cross-validation run (eval/REPORT.md), not tuned on it
SCALE = 20.0


class PassageCosines:
    """The cosines of the retrieved passages' sentences with the question, looked up by sentence text."""

    def __init__(self, chunks: Sequence[Chunk], vectors: dict[str, np.ndarray], query: np.ndarray):
        self.chunks = list(chunks)
        self.by_text: dict[str, dict[str, float]] = {}
        self.best: dict[str, float] = {}
        # a table chunk's lines: the caption's, then one per row (index/chunking.py); split once, not per fact
        self.lines = {c.id: c.text.split("\n") for c in self.chunks if c.table_id is not None}
        for c in self.chunks:
            v = vectors.get(c.id)
            if v is None or not len(v):
                continue
            sims = (np.asarray(v, dtype=np.float32) @ query).tolist()
            texts = chunk_sentences(c)
            # a chunk whose sentences no longer match its stored vectors is judged by its best one alone
            self.by_text[c.id] = dict(zip(texts, sims, strict=True)) if len(texts) == len(sims) else {}
            self.best[c.id] = max(sims)

    def of(self, chunk_id: str, text: str | None) -> float | None:
        if chunk_id not in self.best:
            return None
        return self.by_text[chunk_id].get(text, self.best[chunk_id]) if text else self.best[chunk_id]

    def of_fact(self, f: Fact) -> float | None:
        """The cosine of the table row or sentence `f` stands in, in the first retrieved passage holding it."""
        for c in self.chunks:
            if c.doc_id != f.doc_id:
                continue
            if f.table_id is not None and c.table_id == f.table_id and f.row in c.rows:
                lines = self.lines[c.id]
                k = c.rows.index(f.row) + 1
                return self.of(c.id, lines[k] if k < len(lines) else None)
            if f.table_id is None and c.span.start < f.span.end and f.span.start < c.span.end:
                return self.of(c.id, f.sentence)
        return None


def set_gaps(candidates: Sequence[FactCandidate | Candidate], cosines: Sequence[float | None]) -> None:
    """Each candidate's gap to the best cosine among them (the lowest for those without one), times SCALE."""
    known = [x for x in cosines if x is not None]
    top, floor = (max(known), min(known)) if known else (0.0, 0.0)
    for c, x in zip(candidates, cosines, strict=True):
        c.features[FEATURE] = round(((floor if x is None else x) - top) * SCALE, 6)


def add_semantic(question: str, index: object, hits: Sequence, facts: Sequence[Sequence[FactCandidate]],
                 spans: Sequence[Candidate]) -> None:
    """Set the feature on every fact and span candidate of one question (0 for all when the index keeps no
    sentence vectors)."""
    ids = list(dict.fromkeys(h.chunk_id for h in hits))
    vectors = index.sentence_vectors(ids) if ids and hasattr(index, "sentence_vectors") else {}
    if not vectors:
        for c in [*spans, *(c for g in facts for c in g)]:
            c.features[FEATURE] = 0.0
        return
    cos = PassageCosines([index.chunk(i) for i in ids], vectors, np.asarray(index.embed_query(question), np.float32))
    for group in facts:
        set_gaps(group, [cos.of_fact(c.fact) for c in group])
    set_gaps(spans, [cos.of(c.hit.chunk_id, c.sentence) for c in spans])
