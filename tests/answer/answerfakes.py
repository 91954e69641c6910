"""A tiny in-memory index for answer tests: passages with entities, no model, no facts."""

from __future__ import annotations

from core.records import Chunk, Citation, Entity, Hit, Span
from text.tokenizer import NorwegianTokenizer


class PassageIndex:
    """`search` returns the given passages in order; sources hold them back to back, so spans are exact."""

    def __init__(self, passages: list[tuple[str, list[tuple[str, str]]]]):
        self.tokenizer = NorwegianTokenizer()
        self.facts = []
        self.chunks: list[Chunk] = []
        source, pos = [], 0
        for i, (text, ents) in enumerate(passages):
            entities = []
            for surface, label in ents:
                at = text.index(surface)
                entities.append(Entity(text=surface, label=label, start=at, end=at + len(surface)))
            self.chunks.append(Chunk(id=f"doc:c{i:05d}", doc_id="doc", title="Rapport", span=Span(start=pos,
                                     end=pos + len(text)), text=text, index_text=text, entities=entities))
            source.append(text)
            pos += len(text) + 2
        self.sources = {"doc": "\n\n".join(source)}

    def chunk(self, chunk_id: str) -> Chunk:
        return next(c for c in self.chunks if c.id == chunk_id)

    def document(self, doc_id: str) -> dict:
        return {"id": doc_id, "title": "Rapport", "year": 2020}

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters=None) -> list[Hit]:
        return [Hit(rank=i, score=1.0 / i, chunk_id=c.id, doc_id=c.doc_id, text=c.text, snippet=c.text[:80],
                    citation=Citation(doc_id="doc", title="Rapport", source_file="doc.txt", span=c.span))
                for i, c in enumerate(self.chunks[:k], 1)]
