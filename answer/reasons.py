"""Reason and description candidates: the sentences of the best passages that could answer why/how/what-is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from answer.spans import Sentence, sentences
from core.records import Hit
from index.search import Index

SENTENCE_FEATURES = ("overlap", "best", "support", "cue", "length", "first")
# words that introduce a cause or an explanation, in Bokmål, Nynorsk and English
CUES = re.compile(
    r"\b(fordi|på grunn av|grunnet|skyldes|skuldast|årsak\w*|derfor|difor|som følge av|ettersom|sidan|siden|"
    r"for å|slik at|dermed|because|due to|since|therefore|so that|er en|er ein|er et|er eit|handler om|"
    r"innebærer|inneber|betyr)\b", re.I)
MIN_CHARS = 25


@dataclass
class SentenceCandidate:
    sentence: Sentence
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(self.sentence.text.split())

    @property
    def hit(self) -> Hit:
        return self.sentence.hit


def sentence_candidates(question: str, hits: list[Hit], index: Index, top_hits: int = 5) -> list[SentenceCandidate]:
    q_terms = set(index.tokenizer.tokens(question))
    sents = [s for s in sentences(hits, q_terms, index, top_hits) if len(s.text.strip()) >= MIN_CHARS]
    order = sorted(range(len(sents)), key=lambda i: -sents[i].overlap)
    rank = {i: r for r, i in enumerate(order)}
    out = []
    for i, s in enumerate(sents):
        n_words = len(s.text.split())
        out.append(SentenceCandidate(s, {
            "overlap": s.overlap,
            "best": 1.0 / (1 + rank[i]),
            "support": 1.0 / s.hit.rank ** 0.5,
            "cue": float(bool(CUES.search(s.text))),
            "length": min(n_words, 60) / 60,
            "first": float(s.start == 0),
        }))
    return out
