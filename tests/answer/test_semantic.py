"""The semantic feature: the question's cosine with the sentence or table row a candidate stands in."""

from __future__ import annotations

import numpy as np
import pytest

from answer.compose import gather
from answer.facts import FactCandidate
from answer.semantic import FEATURE, SCALE, PassageCosines, add_semantic, set_gaps
from core.records import Chunk, Fact, Span
from index.sentences import chunk_sentences
from tests.answer.answerfakes import PassageIndex

PROSE = Chunk(id="d:c0", doc_id="d", title="T", span=Span(start=0, end=120), index_text="",
              text="I 2020 ble 49 prosent bosatt innen seks måneder. Kommunene tok imot færre enn året før.")
TABLE = Chunk(id="d:c1", doc_id="d", title="T", span=Span(start=200, end=300), index_text="", table_id="d:t0",
              rows=[3, 4], text="Tabell 2 Bosetting\nBosatt innen 6 måneder | 2020: 49 %\nBosatt innen 12 måneder | "
                                "2020: 97 %\nKilde: IMDi")


def unit(v: list[float]) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def fact(**kw) -> Fact:
    return Fact(id="f", doc_id="d", indicator="bosatt", value=49.0, source_kind=kw.pop("kind", "text"),
                span=kw.pop("span", Span(start=10, end=12)), **kw)


@pytest.fixture
def cosines() -> PassageCosines:
    assert len(chunk_sentences(PROSE)) == 2 and len(chunk_sentences(TABLE)) == 3  # the source line is too short
    vectors = {PROSE.id: np.stack([unit([1, 0, 0]), unit([0, 1, 0])]),
               TABLE.id: np.stack([unit([0, 0, 1]), unit([1, 1, 0]), unit([0, 1, 1])])}
    return PassageCosines([PROSE, TABLE], vectors, unit([1, 0, 0]))


def test_a_sentence_and_a_table_row_by_their_text(cosines):
    first, second = chunk_sentences(PROSE)
    assert cosines.of(PROSE.id, first) == pytest.approx(1.0)
    assert cosines.of(PROSE.id, second) == pytest.approx(0.0)
    assert cosines.of(PROSE.id, "a sentence the chunk does not have") == pytest.approx(1.0)  # its best one
    assert cosines.of("d:c9", first) is None
    # a text fact is found by its sentence in the passage holding its span; a table fact by its row's line
    assert cosines.of_fact(fact(sentence=second)) == pytest.approx(0.0)
    row4 = fact(kind="table", table_id="d:t0", row=4, span=Span(start=250, end=252))
    assert cosines.of_fact(row4) == pytest.approx(0.0)  # "Bosatt innen 12 måneder …": unit([0, 1, 1])
    row3 = fact(kind="table", table_id="d:t0", row=3, span=Span(start=210, end=212))
    assert cosines.of_fact(row3) == pytest.approx(np.sqrt(0.5))
    assert cosines.of_fact(fact(span=Span(start=500, end=502))) is None  # in no retrieved passage
    assert cosines.of_fact(fact(kind="table", table_id="d:t9", row=0)) is None


def test_gaps_to_the_best_and_the_floor_for_the_unknown():
    cands = [FactCandidate(fact(), {}) for _ in range(3)]
    set_gaps(cands, [0.9, 0.85, None])
    assert [c.features[FEATURE] for c in cands] == pytest.approx([0.0, -0.05 * SCALE, -0.05 * SCALE])
    set_gaps(cands, [None, None, None])
    assert [c.features[FEATURE] for c in cands] == [0.0, 0.0, 0.0]


def test_an_index_without_sentence_vectors_gives_zero():
    idx = PassageIndex([("Kommunen Bergen bosatte 300 flyktninger i 2020.", [("Bergen", "GPE")])])
    cands = [FactCandidate(fact(), {})]
    add_semantic("hvor mange bosatte Bergen", idx, idx.search("x"), [cands], [])
    assert cands[0].features[FEATURE] == 0.0


def test_gathered_candidates_carry_the_feature(fake_index):
    pool = gather("hva var andel bosatt innen 6 måneder i 2020", fake_index)
    cands = [c for g in pool.facts for c in g] + pool.spans
    assert cands and all(FEATURE in c.features for c in cands)
    values = [c.features[FEATURE] for c in cands]
    assert max(values) == 0.0 and min(values) < 0.0  # the best candidate at 0, the others below it
