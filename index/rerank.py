"""Hybrid ranking after retrieval: fusion per query type, the year prior, a second stage, near-duplicate collapse.

Split from retrieval so that the same code ranks a live query and, in experiments, cached
per-retriever lists (eval/fusion_fit.py fits the weights on those without re-running any retriever).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.records import Chunk
from index.fusion import extend, rrf, score_fusion
from index.offsets import TokenOffsets
from index.sentences import SentenceScorer
from index.settings import SearchSettings
from text.query import QueryInfo
from text.tokenizer import NorwegianTokenizer

PROXIMITY_WINDOW = 120  # characters: about a clause, the span a row label or a fact sentence takes


@dataclass
class Candidates:
    """One query's per-retriever lists (rows, scores; best first), and the second-stage features met so far."""

    query: str
    info: QueryInfo
    term_ids: np.ndarray
    lists: dict[str, tuple[np.ndarray, np.ndarray]]
    proximity: dict[int, float] = field(default_factory=dict)  # second-stage features met so far, by row
    section: dict[int, float] = field(default_factory=dict)
    qvec: np.ndarray | None = None  # the query's vector, when the second stage weighs sentences
    sentence: dict[int, float] = field(default_factory=dict)
    # keyword and semantic fused already by the store (Milvus' hybrid search and ranker); `lists` then holds
    # only what the store does not search (facts)
    fused: list[tuple[int, float]] | None = None


@dataclass
class Ranked:
    row: int
    score: float
    more: list[int] = field(default_factory=list)  # rows collapsed under this one


class Ranker:
    """Ranks the candidates of one index; holds what the second stage needs (idf, section and caption terms)."""

    def __init__(self, chunks: Sequence[Chunk], offsets: TokenOffsets, idf: np.ndarray,
                 tokenizer: NorwegianTokenizer, sentences: SentenceScorer | None = None):
        self.chunks, self.offsets, self.idf, self.tokenizer = chunks, offsets, idf, tokenizer
        self.sentences = sentences
        self._heading_ids: dict[int, np.ndarray] = {}
        self._dup_keys: dict[int, tuple] = {}

    # -- features -----------------------------------------------------------------------------------
    def heading_ids(self, row: int) -> np.ndarray:
        """Token ids of the chunk's section path and, for a table or figure, its caption line."""
        ids = self._heading_ids.get(row)
        if ids is None:
            c = self.chunks[row]
            text = " ".join(c.section_path)
            if c.table_id or "caption" in c.kinds:
                text += " " + c.text.split("\n", 1)[0]
            toks = set(self.tokenizer.tokens(text))
            ids = self._heading_ids[row] = self.offsets.term_ids(toks)
        return ids

    def features(self, cands: Candidates, row: int) -> tuple[float, float]:
        """(proximity, section): the idf share of the query's terms found within one window of the chunk,
        and the idf share found in its section path or caption."""
        return self.proximity(cands, row), self.section(cands, row)

    def proximity(self, cands: Candidates, row: int) -> float:
        got = cands.proximity.get(row)
        if got is None:
            self.fill_proximity(cands, [row])
            got = cands.proximity[row]
        return got

    def fill_proximity(self, cands: Candidates, rows: list[int]) -> None:
        """Proximity of every row not yet met, in one vectorised pass over their tokens (per-row numpy calls
        would cost more than the fusion itself)."""
        todo = np.asarray([r for r in rows if r not in cands.proximity], dtype=np.int64)
        if not len(todo):
            return
        total = self._total(cands)
        best = np.zeros(len(todo), dtype=np.float64)
        if total > 0:
            best = self._best_windows(todo, cands.term_ids) / total
        cands.proximity.update(zip(todo.tolist(), np.minimum(best, 1.0).tolist(), strict=True))

    def fill_sentence(self, cands: Candidates, rows: list[int]) -> dict[int, float]:
        """Best-sentence cosine of each row, min-max scaled over `rows`: e5's cosines crowd into a narrow band
        (0.75–0.9), so only their order within one query's candidates says anything."""
        if self.sentences is None or cands.qvec is None or not rows:
            return dict.fromkeys(rows, 0.0)
        todo = [r for r in rows if r not in cands.sentence]
        if todo:
            cands.sentence.update(zip(todo, self.sentences.best(cands.qvec, todo).tolist(), strict=True))
        raw = np.asarray([cands.sentence[r] for r in rows])
        lo, hi = float(raw.min()), float(raw.max())
        scaled = (raw - lo) / (hi - lo) if hi > lo else np.zeros_like(raw)
        return dict(zip(rows, scaled.tolist(), strict=True))

    def section(self, cands: Candidates, row: int) -> float:
        got = cands.section.get(row)
        if got is None:
            total = self._total(cands)
            hit = np.intersect1d(cands.term_ids, self.heading_ids(row))
            got = cands.section[row] = min(1.0, float(self.idf[hit].sum()) / total) if total else 0.0
        return got

    def _total(self, cands: Candidates) -> float:
        return float(self.idf[cands.term_ids].sum()) if len(cands.term_ids) else 0.0

    def _best_windows(self, rows: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Per row: the largest idf sum of distinct query terms within PROXIMITY_WINDOW characters."""
        ids, starts, owner = self.offsets.row_tokens(rows)
        hit = np.isin(ids, q)
        # one sorted key per match: rows far apart, so a window never reaches into the previous row
        key = owner[hit].astype(np.int64) * 10**9 + starts[hit]
        terms = ids[hit]
        score = np.zeros(len(key), dtype=np.float64)
        for t in np.unique(terms):
            kt = np.sort(key[terms == t])
            j = np.searchsorted(kt, key, side="right") - 1
            near = (j >= 0) & (kt[np.maximum(j, 0)] >= key - PROXIMITY_WINDOW)
            score += near * float(self.idf[t])
        best = np.zeros(len(rows), dtype=np.float64)
        np.maximum.at(best, owner[hit], score)
        return best

    # -- ranking ------------------------------------------------------------------------------------
    def rank(self, cands: Candidates, k: int, s: SearchSettings) -> list[Ranked]:
        w = s.weights_for(cands.info.type).as_dict()
        lists = {n: lst for n, lst in cands.lists.items() if w.get(n, 0) > 0}
        if cands.fused is not None:
            order = extend(cands.fused, {n: (ids.tolist(), sc.tolist()) for n, (ids, sc) in lists.items()},
                           s.fusion, s.rrf_k, w)
        elif s.fusion == "rrf":
            order = rrf({n: ids.tolist() for n, (ids, _) in lists.items()}, k=s.rrf_k, weights=w)
        else:
            order = score_fusion({n: (ids.tolist(), sc.tolist()) for n, (ids, sc) in lists.items()}, weights=w)
        order = self.year_prior(order, set(cands.info.years), s.year_prior)
        r = s.rerank
        if r.enabled and order and (r.proximity or r.section or r.sentence):
            head, tail = order[:r.pool], order[r.pool:]
            top = head[0][1] or 1.0
            rescored = []
            if r.proximity:
                self.fill_proximity(cands, [row for row, _ in head])
            sentence = self.fill_sentence(cands, [row for row, _ in head]) if r.sentence else {}
            for row, score in head:
                extra = r.proximity * self.proximity(cands, row) if r.proximity else 0.0
                extra += r.section * self.section(cands, row) if r.section else 0.0
                extra += r.sentence * sentence[row] if r.sentence else 0.0
                rescored.append((row, score / top + extra))
            # the tail keeps its order below the whole re-ranked head
            order = sorted(rescored, key=lambda x: -x[1]) + [(row, sc / top - 1e3) for row, sc in tail]
        ranked = [Ranked(row, score) for row, score in order]
        if r.enabled and r.dedup:
            ranked = self.collapse(ranked, k)
        return ranked[:k]

    def year_prior(self, order: list[tuple[int, float]], years: set[int], prior: float) -> list[tuple[int, float]]:
        """A question naming a year mostly asks what that year's report says: lift its chunks a little."""
        if not years or prior == 0:
            return order
        lifted = [(row, score * (1 + prior) if self.chunks[row].year in years else score) for row, score in order]
        return sorted(lifted, key=lambda rs: -rs[1])

    def collapse(self, ranked: list[Ranked], k: int) -> list[Ranked]:
        """Near-duplicates fold into the best-ranked of their group, so the top k shows distinct evidence:
        row groups of one table, and one passage repeated in two letters (same words, other amounts)."""
        kept: list[Ranked] = []
        by_key: dict[tuple, Ranked] = {}
        for item in ranked:
            key = self._dup_keys.get(item.row)
            if key is None:
                key = self._dup_keys[item.row] = self.dup_key(self.chunks[item.row])
            first = by_key.get(key)
            if first is not None:
                first.more.append(item.row)
                continue
            by_key[key] = item
            kept.append(item)
        return kept

    @staticmethod
    def dup_key(c: Chunk) -> tuple:
        if c.table_id and "table" in c.kinds:
            return ("table", c.doc_id, c.table_id)
        letters = "".join(ch for ch in c.text.lower() if ch.isalpha())
        return ("text", letters[:400]) if len(letters) >= 80 else ("chunk", c.id)


RankFn = Callable[[Candidates, int, SearchSettings], list[Ranked]]
