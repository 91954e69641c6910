"""Hybrid ranking after retrieval: fusion per query type, the year prior, a second stage, near-duplicate collapse.

Split from retrieval so that the same code ranks a live query and, in experiments, cached
per-retriever lists (eval/fusion_fit.py fits the weights on those without re-running any retriever).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.records import Chunk
from index.fusion import rrf, score_fusion
from index.offsets import TokenOffsets
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
    features: dict[int, tuple[float, float]] = field(default_factory=dict)  # row -> (proximity, section)


@dataclass
class Ranked:
    row: int
    score: float
    more: list[int] = field(default_factory=list)  # rows collapsed under this one


class Ranker:
    """Ranks the candidates of one index; holds what the second stage needs (idf, section and caption terms)."""

    def __init__(self, chunks: Sequence[Chunk], offsets: TokenOffsets, idf: np.ndarray,
                 tokenizer: NorwegianTokenizer):
        self.chunks, self.offsets, self.idf, self.tokenizer = chunks, offsets, idf, tokenizer
        self._heading_ids: dict[int, np.ndarray] = {}

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
        got = cands.features.get(row)
        if got is not None:
            return got
        q = cands.term_ids
        total = float(self.idf[q].sum()) if len(q) else 0.0
        if total <= 0:
            got = (0.0, 0.0)
        else:
            matches = sorted(self.offsets.matches(row, q))
            best = _best_window(matches, self.idf)
            section = float(self.idf[np.intersect1d(q, self.heading_ids(row))].sum())
            got = (min(1.0, best / total), min(1.0, section / total))  # float sums may overshoot 1 by 1e-8
        cands.features[row] = got
        return got

    # -- ranking ------------------------------------------------------------------------------------
    def rank(self, cands: Candidates, k: int, s: SearchSettings) -> list[Ranked]:
        w = s.weights_for(cands.info.type).as_dict()
        lists = {n: lst for n, lst in cands.lists.items() if w.get(n, 0) > 0}
        if s.fusion == "rrf":
            order = rrf({n: ids.tolist() for n, (ids, _) in lists.items()}, k=s.rrf_k, weights=w)
        else:
            order = score_fusion({n: (ids.tolist(), sc.tolist()) for n, (ids, sc) in lists.items()}, weights=w)
        order = self.year_prior(order, set(cands.info.years), s.year_prior)
        r = s.rerank
        if r.enabled and order and (r.proximity or r.section):
            head, tail = order[:r.pool], order[r.pool:]
            top = head[0][1] or 1.0
            rescored = []
            for row, score in head:
                prox, sect = self.features(cands, row)
                rescored.append((row, score / top + r.proximity * prox + r.section * sect))
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
            key = self.dup_key(self.chunks[item.row])
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


def _best_window(matches: list[tuple[int, int, int]], idf: np.ndarray) -> float:
    """The largest idf sum of distinct query terms within PROXIMITY_WINDOW characters (one pass, term counts)."""
    best = total = 0.0
    counts: dict[int, int] = {}
    lo = 0
    for start, _, t in matches:
        counts[t] = counts.get(t, 0) + 1
        if counts[t] == 1:
            total += float(idf[t])
        while start - matches[lo][0] > PROXIMITY_WINDOW:
            old = matches[lo][2]
            counts[old] -= 1
            if counts[old] == 0:
                total -= float(idf[old])
            lo += 1
        best = max(best, total)
    return best
