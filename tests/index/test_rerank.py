"""Search settings are validated and recorded; fusion, the year prior, the second stage and duplicate collapse."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.fusion import score_fusion
from index.settings import FusionWeights, RerankSettings, SearchSettings
from text.query import QueryType


def test_settings_are_validated():
    with pytest.raises(ValueError, match="fusion"):
        SearchSettings(fusion="borda")
    with pytest.raises(ValueError, match="year_prior"):
        SearchSettings(year_prior=-1)
    with pytest.raises(ValueError, match="keyword or semantic"):
        FusionWeights(keyword=0, semantic=0)
    with pytest.raises(ValueError, match="0..10"):
        FusionWeights(facts=11)
    with pytest.raises(ValueError, match="pool"):
        RerankSettings(pool=0)
    with pytest.raises(ValueError, match="missing"):
        SearchSettings(weights={QueryType.number: FusionWeights()})


def test_settings_round_trip():
    s = SearchSettings(fusion="score", rrf_k=20, year_prior=0.1,
                       weights={t: FusionWeights(keyword=2.0, semantic=1.0, facts=0.5) for t in QueryType},
                       rerank=RerankSettings(proximity=0.25, section=0.1, dedup=True))
    assert SearchSettings.from_dict(s.as_dict()) == s


def test_score_fusion_keeps_the_margin():
    # keyword is sure of item 1 (far ahead); semantic barely prefers 2: normalised scores let keyword win
    fused = score_fusion({"keyword": ([1, 2], [10.0, 1.0]), "semantic": ([2, 1, 3], [0.82, 0.81, 0.80])})
    assert [i for i, _ in fused][:2] == [1, 2]
    assert dict(fused)[3] == 0.0


def test_search_records_and_uses_its_settings(fake_index):
    assert fake_index.search_settings == fake_index.settings.search
    rec = fake_index.settings_record()
    assert rec["search"] == fake_index.search_settings.as_dict() and "search" not in rec["index"]
    with pytest.raises(TypeError):
        fake_index.search_settings = {"fusion": "rrf"}


def test_year_prior_lifts_the_named_years_report(fake_index):
    q = "bosatte flyktninger i 2022"
    base = fake_index.search_settings
    try:
        fake_index.search_settings = replace(base, year_prior=0.0)
        plain = fake_index.search(q, k=10)
        fake_index.search_settings = replace(base, year_prior=5.0)
        lifted = fake_index.search(q, k=10)
    finally:
        fake_index.search_settings = base
    share = lambda hits: np.mean([h.citation.year == 2022 for h in hits[:5]])  # noqa: E731
    assert share(lifted) >= share(plain) and share(lifted) == 1.0


def test_collapse_folds_row_groups_of_one_table(fake_index):
    q = "andel bosatt innen 6 måneder resultatkrav"
    base = fake_index.search_settings
    try:
        fake_index.search_settings = replace(base, rerank=replace(base.rerank, dedup=False))
        flat = fake_index.search(q, k=20)
        fake_index.search_settings = replace(base, rerank=replace(base.rerank, dedup=True))
        folded = fake_index.search(q, k=20)
    finally:
        fake_index.search_settings = base
    tables = [(h.doc_id, fake_index.chunk(h.chunk_id).table_id) for h in folded if "table" in h.kinds]
    assert len(tables) == len(set(tables))  # one hit per table
    flat_tables = [(h.doc_id, fake_index.chunk(h.chunk_id).table_id) for h in flat if "table" in h.kinds]
    assert len(flat_tables) > len(set(flat_tables))  # the query does hit several row groups of one table
    # the folded row groups stay reachable from the hit that stands for their table
    more = {c for h in folded for c in h.more}
    assert more and all(fake_index.chunk(c).table_id for c in more)
    for h in folded:
        for c in h.more:
            assert fake_index.chunk(c).table_id == fake_index.chunk(h.chunk_id).table_id


def test_second_stage_features(fake_index):
    cands = fake_index.candidates("andel bosatt innen 6 måneder", 20, retrievers=("keyword",))
    rows = cands.lists["keyword"][0].tolist()
    feats = [fake_index.ranker.features(cands, r) for r in rows]
    assert all(0.0 <= p <= 1.0 and 0.0 <= s <= 1.0 for p, s in feats)
    assert max(p for p, _ in feats) > 0.5  # some chunk holds most of the query's weight in one clause


def test_short_query_with_unknown_words_still_gets_hits(fake_index):
    # a keyword query is fused without the dense model; words BM25 has never seen fall back to it
    assert fake_index.search_settings.weights[QueryType.keyword].semantic == 0
    hits = fake_index.search("xqzzyv blorpt", k=5)
    assert len(hits) == 5 and all(set(h.ranks) == {"semantic"} for h in hits)
