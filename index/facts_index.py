"""Keyword search over key figures (facts): indicator, column, table caption, section."""

from __future__ import annotations

from index.keyword import KeywordIndex
from index.tokenizer import NorwegianTokenizer
from ingest.records import Fact


def fact_text(f: Fact) -> str:
    """What a fact is found by: the words around the number, not the number itself."""
    parts = [f.indicator, f.column or "", f.context or "", f.qualifier or "", f.period or ""]
    if f.section_path:
        parts.append(f.section_path[-1])
    return " ".join(p for p in parts if p)


class FactIndex:
    """BM25 over fact texts; facts are a few thousand, so this builds in about a second."""

    def __init__(self, facts: list[Fact], tokenizer: NorwegianTokenizer):
        self.facts = facts
        self.tokenizer = tokenizer
        self.keyword = KeywordIndex.build([fact_text(f) for f in facts], tokenizer)

    def __len__(self) -> int:
        return len(self.facts)

    def search(self, query: str, top: int = 200) -> list[tuple[int, float]]:
        """(fact position, BM25 score) for facts sharing words with `query`, best first."""
        ids, scores = self.keyword.search(self.tokenizer.tokens(query), top)
        return [(int(i), float(s)) for i, s in zip(ids, scores, strict=True) if s > 0]
