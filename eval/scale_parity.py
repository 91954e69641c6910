"""Parity of two searchers over one question file: top-10 overlap, recall@5 and MRR@10 (the Milvus store vs. FAISS,
or Milvus' own fusion vs. the local one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eval import metrics
from eval.harness import Searcher, SourceDoc, prepare, run_search
from eval.questions_format import parse_questions


@dataclass(frozen=True)
class Parity:
    mode: str
    questions: int  # questions whose gold passage was found in the documents
    overlap10: float  # mean |top-10 A ∩ top-10 B| / |top-10 A| over all questions
    recall5_a: float
    recall5_b: float
    mrr10_a: float = 0.0
    mrr10_b: float = 0.0

    @property
    def recall5_gap(self) -> float:
        return abs(self.recall5_a - self.recall5_b)

    @property
    def mrr10_gap(self) -> float:
        return abs(self.mrr10_a - self.mrr10_b)

    def row(self) -> dict:
        return {"mode": self.mode, "questions": self.questions, "overlap@10": round(self.overlap10, 4),
                "recall@5 A": round(self.recall5_a, 4), "recall@5 B": round(self.recall5_b, 4),
                "gap": round(self.recall5_gap, 4), "mrr@10 A": round(self.mrr10_a, 4),
                "mrr@10 B": round(self.mrr10_b, 4), "mrr gap": round(self.mrr10_gap, 4)}


def top_overlap(a: Searcher, b: Searcher, questions: Sequence[str], mode: str, k: int = 10) -> float:
    """Mean share of A's top-k chunks that B also returns in its top-k."""
    shares = []
    for q in questions:
        ha = [h.chunk_id for h in a.search(q, k=k, mode=mode)]
        hb = {h.chunk_id for h in b.search(q, k=k, mode=mode)}
        if ha:
            shares.append(len(set(ha) & hb) / len(ha))
    return sum(shares) / len(shares) if shares else 1.0


def compare(a: Searcher, b: Searcher, questions_file: Path, docs: Sequence[SourceDoc], mode: str = "hybrid",
            limit: int | None = None) -> Parity:
    """Both searchers on the same questions (the first `limit`, if given)."""
    qf = parse_questions(Path(questions_file).read_text(encoding="utf-8"))
    if limit is not None:
        qf.questions = qf.questions[:limit]
    prepared = [p for p in prepare(qf, docs) if p.status == "ok"]
    ra = run_search(a, prepared, 10, mode)
    rb = run_search(b, prepared, 10, mode)
    m = lambda rs, key: metrics.rank_metrics([r.rank for r in rs], 10)[key] if rs else 0.0  # noqa: E731
    overlap = top_overlap(a, b, [q.question for q in qf.questions], mode)
    return Parity(mode, len(prepared), overlap, m(ra, "recall@5"), m(rb, "recall@5"), m(ra, "mrr@10"),
                  m(rb, "mrr@10"))
