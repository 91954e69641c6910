"""The facts retriever: BM25 over fact texts, pointing at the narrowest chunk that holds each fact."""

from core.records import Chunk, Fact, Span
from index.retrievers.facts import FactIndex
from text.tokenizer import NorwegianTokenizer


def _fact(i: int, indicator: str, start: int, doc: str = "d") -> Fact:
    return Fact(id=f"f{i}", doc_id=doc, indicator=indicator, value=49.0, unit="%", year=2020,
                source_kind="table", span=Span(start=start, end=start + 10))


def _chunk(i: int, start: int, end: int, doc: str = "d") -> Chunk:
    return Chunk(id=f"{doc}:c{i}", doc_id=doc, title="t", span=Span(start=start, end=end), text="x", index_text="x")


def test_facts_point_at_the_narrowest_chunk_and_rank_by_indicator():
    chunks = [_chunk(0, 0, 1000), _chunk(1, 100, 200), _chunk(2, 300, 400), _chunk(3, 0, 500, doc="e")]
    facts = [
        _fact(0, "Andel flyktninger bosatt innen 6 måneder", 120),
        _fact(1, "Antall deltakere i introduksjonsprogrammet", 320),
        _fact(2, "Andel bosatt innen 12 måneder", 600),
        _fact(3, "Andel flyktninger bosatt innen 6 måneder", 50, doc="e"),
    ]
    fi = FactIndex(facts, NorwegianTokenizer(), chunks)
    assert fi.chunk_of.tolist() == [1, 2, 0, 3]
    ranked = fi.rank_chunks("andel bosatt innen 6 måneder", depth=10)
    assert set(ranked[:2]) == {1, 3}  # the two facts with every query word, in either document
    assert 2 not in ranked  # "deltakere" shares no word with the question
    assert ranked.count(1) == 1


def test_rank_chunks_respects_the_filter_mask():
    import numpy as np

    chunks = [_chunk(0, 0, 100), _chunk(1, 0, 100, doc="e")]
    facts = [_fact(0, "Andel bosatt", 10), _fact(1, "Andel bosatt", 10, doc="e")]
    fi = FactIndex(facts, NorwegianTokenizer(), chunks)
    assert fi.rank_chunks("andel bosatt", depth=5, mask=np.array([False, True])) == [1]
