"""Test helpers for the evaluation harness: hits, a fake index, real corpus excerpts, question files."""

from __future__ import annotations

import json
from pathlib import Path

from core.config import CORPUS_DIR
from core.records import Citation, Hit, Span


def make_hit(doc_id: str, start: int, end: int, rank: int = 1, text: str = "") -> Hit:
    cit = Citation(doc_id=doc_id, title=doc_id, source_file=f"{doc_id}.txt", span=Span(start=start, end=end))
    return Hit(rank=rank, score=1.0 / rank, chunk_id=f"{doc_id}:c{rank:05d}", doc_id=doc_id, text=text,
               snippet=text[:50], citation=cit)


class FakeIndex:
    """`search` returns the hits scripted for a question (as (doc_id, start, end)), in order."""

    def __init__(self, script: dict[str, list[tuple[str, int, int]]]):
        self.script = script
        self.calls: list[tuple[str, int, str]] = []

    def search(self, question: str, k: int = 10, mode: str = "hybrid", filters=None) -> list[Hit]:
        self.calls.append((question, k, mode))
        return [make_hit(d, s, e, rank=i) for i, (d, s, e) in enumerate(self.script.get(question, [])[:k], 1)]


# Real corpus excerpts: the 2020 Resultatkrav table and the budget table of the tildelingsbrev.
EXCERPTS = {
    "arsrapport-2020-utdrag": ("imdi-arsrapport-2020.txt", "#### Resultatkrav i tildelingsbrevet 2020",
                               "## Særlige oppdrag"),
    "tildelingsbrev-utdrag": ("kd-tildelingsbrev-imdi-2020.txt", "Kap. 290 Integrerings- og mangfoldsdirektoratet",
                              "Det er knyttet følgende bindinger"),
}


def excerpt(source: str, start: str, end: str) -> str:
    text = (CORPUS_DIR / source).read_text(encoding="utf-8")
    i = text.index(start)
    return text[i:text.index(end, i)]


def write_questions(path: Path, items: list[dict | str]) -> Path:
    lines = [it if isinstance(it, str) else json.dumps(it, ensure_ascii=False) for it in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
