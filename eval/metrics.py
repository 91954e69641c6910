"""Pure metric functions: relevance, rank metrics, latency percentiles, answer matching.

Rank metrics take the 1-based rank of the first relevant hit (None = none in the
list). nDCG uses binary relevance with ONE gold passage per question: hits after
the first that cover the same support are duplicates of that passage, not extra
relevant documents, so DCG counts only the first relevant hit and the ideal DCG
is 1 (the passage at rank 1). nDCG@k is then 1/log2(1 + rank) for rank <= k.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from core.records import Span
from text.formatting import NumberStyle, format_number
from text.units import ABBREVIATIONS


def is_relevant(hit_span: Span, gold: Span) -> bool:
    """A hit is relevant when its span covers at least half of the gold (support) span."""
    length = gold.end - gold.start
    if length <= 0:
        return False
    return 2 * hit_span.covers(gold) >= length


def first_relevant_rank(relevant: Sequence[bool]) -> int | None:
    """1-based rank of the first True, or None."""
    for i, rel in enumerate(relevant, start=1):
        if rel:
            return i
    return None


def recall_at(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None, k: int = 10) -> float:
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def ndcg_at(rank: int | None, k: int = 10) -> float:
    """Binary nDCG with a single gold passage (see the module docstring)."""
    return 1.0 / math.log2(1 + rank) if rank is not None and rank <= k else 0.0


def mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0


def rank_metrics(ranks: Sequence[int | None], k: int = 10) -> dict[str, float]:
    """Recall@1/5/10, MRR@k and nDCG@k over questions (None = nothing relevant found)."""
    return {
        "recall@1": mean(recall_at(r, 1) for r in ranks),
        "recall@5": mean(recall_at(r, 5) for r in ranks),
        "recall@10": mean(recall_at(r, 10) for r in ranks),
        f"mrr@{k}": mean(reciprocal_rank(r, k) for r in ranks),
        f"ndcg@{k}": mean(ndcg_at(r, k) for r in ranks),
    }


def recall_curve(ranks: Sequence[int | None], k: int = 10) -> list[float]:
    """Recall@1..k, for the plot."""
    return [mean(recall_at(r, i) for r in ranks) for i in range(1, k + 1)]


def percentile(values: Sequence[float], q: float) -> float | None:
    """numpy's linear-interpolated percentile (q in 0..100); None for no values."""
    return float(np.percentile(values, q)) if len(values) else None


def latency_summary(ms: Sequence[float]) -> dict[str, float | None]:
    p50, p95 = percentile(ms, 50), percentile(ms, 95)
    return {"p50": round(p50, 2) if p50 is not None else None, "p95": round(p95, 2) if p95 is not None else None}


# -- answer values -----------------------------------------------------------------------------

_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d])")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_NUMBER = re.compile(r"(?<![\d.])-?\d+(?:\.\d+)?(?![\d]|\.\d)")
_SPACES = re.compile(r"[^\S\n]+")  # a run of spaces of any width, not a line break


# a unit written short or long is the same answer: `20 mill. kroner` is `20 millioner kroner`, `49 %` `49 prosent`
_UNIT_SPELLINGS = [(re.compile(rf"(?<!\w){short}\.?(?!\w)", re.I), long) for short, long in ABBREVIATIONS.items()]
_UNIT_SPELLINGS.append((re.compile(r"\s?%"), " prosent"))


def normalise_answer_text(text: str) -> str:
    """Case-folded, digit groups joined (`2 819` -> `2819`), decimal comma -> dot (`9,6` -> `9.6`), units spelled
    out (`mill.` -> `millioner`, `%` -> `prosent`), spaces of any width one plain space (a gold `37\xa0km` is the
    answer `37 km`); line breaks stay."""
    t = _GROUPED.sub(lambda m: re.sub(r"\s", "", m.group(0)), text)
    t = _DECIMAL_COMMA.sub(".", t)
    for pattern, long in _UNIT_SPELLINGS:
        t = pattern.sub(long, t)
    return _SPACES.sub(" ", t).casefold()


def token_in(token: str, text: str) -> bool:
    """Whether a normalised answer token occurs in normalised text.

    Numbers must match whole (`49` is not in `149` nor in `49.5`); words match at a word
    start so that `ukrainsk` finds `ukrainske`.
    """
    tok = normalise_answer_text(token.strip())
    if not tok:
        return True
    if _NUMBER.fullmatch(tok):
        # numerically equal, so that `205,4` finds `205,40` and `110` finds `110,0 %`
        want = float(tok)
        return any(float(m.group(0)) == want for m in _NUMBER.finditer(text))
    return re.search(rf"(?<!\w){re.escape(tok)}", text) is not None


SHORT_ANSWER_WORDS = 12  # a short answer that is not a list; more words would let a passage pass as an answer
_FIRST_SENTENCE = re.compile(r".+?(?:[.!?](?=\s|$)|$)", re.S)


def short_answer_text(short: str | None, answer_type: str | None = None) -> str:
    """What answer accuracy looks at: a list whole, a reason's first sentence, anything else its first 12 words."""
    text = " ".join((short or "").split())
    if not text or answer_type == "list":
        return text
    if answer_type == "reason":
        m = _FIRST_SENTENCE.match(text)
        return m.group(0).strip() if m else text
    return " ".join(text.split(" ")[:SHORT_ANSWER_WORDS])


def answer_matches(values: Sequence[str], *texts: str | None, number: float | None = None) -> bool:
    """True when every expected token occurs in the answer's value or text (after normalisation)."""
    parts = [t for t in texts if t]
    if number is not None:
        parts.append(format_number(number, NumberStyle.machine))
    hay = normalise_answer_text(" \n ".join(parts))
    return all(token_in(v, hay) for v in values)
