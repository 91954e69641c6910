"""A replica opens the Milvus index without reading chunk records, and a search reads only the rows it ranks."""

from __future__ import annotations

import numpy as np
import pytest

from index.retrievers import facts as facts_index

QUERY = "Hvor mange årsverk hadde Riksrevisjonen i 2021?"


class CountingClient:
    """A MilvusClient that counts the records (the `record` field) every query returns: chunk records and their
    rows, and fact records."""

    def __init__(self, client):
        self.client = client
        self.records = 0
        self.rows: set[int] = set()
        self.facts = 0
        self.fact_positions: set[int] = set()

    def __getattr__(self, name):
        return getattr(self.client, name)

    def query(self, collection, **kw):
        got = self.client.query(collection, **kw)
        if "record" in kw.get("output_fields", []):
            if "_facts_" in collection:
                self.facts += len(got)
                self.fact_positions.update(int(r["pos"]) for r in got)
            else:
                self.records += len(got)
                self.rows.update(int(r["row"]) for r in got)
        return got

    def query_iterator(self, collection, **kw):
        assert "record" not in kw.get("output_fields", []), "a replica iterated over chunk or fact records"
        return self.client.query_iterator(collection, **kw)

    def search(self, collection, **kw):
        assert "record" not in kw.get("output_fields", []), "a search returned records"
        return self.client.search(collection, **kw)


@pytest.fixture
def counted(milvus_uri, data_dir, fake_embedder, monkeypatch):
    """A freshly opened Milvus index whose client counts the chunk records read; (index, client)."""
    import index.stores.milvus as milvus_store
    from index.search import open_index

    clients: list[CountingClient] = []
    connect = milvus_store.connect

    def counting(settings):
        clients.append(CountingClient(connect(settings)))
        return clients[-1]

    monkeypatch.setattr(milvus_store, "connect", counting)
    idx = open_index(data_dir, store="milvus", uri=milvus_uri, embedder=fake_embedder)
    assert len(clients) == 1
    return idx, clients[0]


def test_open_reads_no_chunk_record(counted, fake_index):
    idx, client = counted
    assert client.records == 0 and idx.chunks.fetched == 0 and idx.chunks.cached() == 0
    assert len(idx) == len(fake_index.chunks)
    # nothing per chunk was built at open: no filter columns, no id table, no token offsets
    assert idx.columns is None and idx._by_id == {}


def test_a_search_reads_only_the_rows_it_ranks(counted, fake_index, milvus_index):
    idx, client = counted
    hits = idx.search(QUERY, k=10)
    assert [h.chunk_id for h in hits] == [h.chunk_id for h in fake_index.search(QUERY, k=10)]
    s = idx.search_settings
    cands = milvus_index.candidates(QUERY, max(10, s.pool, s.rerank.pool))
    ranked = {int(r) for ids, _ in cands.lists.values() for r in ids.tolist()} | {r for r, _ in cands.fused or []}
    assert {h.chunk_id for h in hits} <= {idx.chunks[r].id for r in client.rows}
    assert client.rows <= ranked  # every record read was a candidate of the query …
    assert client.records == len(client.rows) <= len(ranked) < len(idx) / 3  # … read once, and far from all
    before = client.records
    idx.search(QUERY, k=10)
    assert client.records == before  # the same query again: its records are cached


def test_chunk_by_id_is_a_store_lookup(counted, fake_index):
    idx, client = counted
    c = fake_index.chunks[len(fake_index.chunks) // 2]
    assert idx.chunk(c.id) == c and client.records == 1
    assert idx.chunk(c.id) == c and client.records == 1  # held now
    with pytest.raises(KeyError):
        idx.chunk("nope:c00000")


def test_token_offsets_and_idf_on_demand_equal_the_built_ones(counted, fake_index):
    idx, client = counted
    assert idx.offsets.vocab == fake_index.offsets.vocab
    assert np.array_equal(idx._idf, fake_index._idf)
    rows = np.asarray(range(0, len(fake_index.chunks), max(1, len(fake_index.chunks) // 25)), dtype=np.int64)
    for got, want in zip(idx.offsets.row_tokens(rows), fake_index.offsets.row_tokens(rows), strict=True):
        assert np.array_equal(got, want)
    q = fake_index.offsets.term_ids(set(fake_index.tokenizer.tokens(QUERY)))
    assert all(idx.offsets.matches(int(r), q) == fake_index.offsets.matches(int(r), q) for r in rows)
    assert client.records == len(rows)


def test_open_reads_no_fact_record(counted, fake_index):
    idx, client = counted
    assert client.facts == 0 and idx.fact_source.fetched == 0 and idx.fact_source.cached() == 0
    assert idx.facts == [] and len(idx.fact_source) == len(fake_index.facts) > 1000


def test_facts_chunk_rows_are_published(counted, fake_index):
    idx, client = counted
    local = facts_index.for_index(fake_index)
    everything = list(range(len(fake_index.facts)))
    assert np.array_equal(idx.fact_source.rows_of(everything), local.chunk_of)
    assert client.facts == 0


def test_facts_retriever_is_a_store_search_that_reads_no_fact_record(counted, fake_index):
    idx, client = counted
    local = facts_index.for_index(fake_index)
    for q in (QUERY, "andel bosatt innen 6 måneder", "tilskudd til kommunene 2022", "antall årsverk"):
        got, want = idx.fact_source.search(q, 300), local.search(q, 300)
        assert want  # the question finds facts: the comparison means something
        assert [p for p, _ in got] == [p for p, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-5)
        for depth in (10, 50):
            rows, scores = idx.retrieve("facts", q, [], depth, None)
            rows_local, scores_local = fake_index.retrieve("facts", q, [], depth, None)
            assert rows.tolist() == rows_local.tolist()
            assert scores == pytest.approx(scores_local, rel=1e-5)
    assert idx.search(QUERY, k=10)[0].chunk_id == fake_index.search(QUERY, k=10)[0].chunk_id
    assert client.facts == 0


def test_an_answer_reads_only_the_facts_it_ranks(counted, fake_index):
    from answer.compose import answer
    from answer.intent import indicator_words
    from answer.settings import AnswerSettings

    idx, client = counted
    q = "hva var andel bosatt innen 6 måneder i 2020"
    a, b = answer(q, fake_index), answer(q, idx)
    assert a.value_text and b.value_text == a.value_text and b.citation == a.citation
    assert b.alternatives == a.alternatives
    # the facts the answer ranked: those its words (answer.compose.indicator_words) find, read once each
    ranked = {p for p, _ in idx.fact_source.search(indicator_words(q), AnswerSettings().fact_pool)}
    assert client.fact_positions == ranked and client.facts == len(ranked) == idx.fact_source.fetched
    assert 0 < len(ranked) < len(fake_index.facts) / 4
    before = client.facts
    answer(q, idx)
    assert client.facts == before  # the same question again: its facts are held


def test_a_replica_reads_only_the_documents_a_request_needs(milvus_uri, data_dir, fake_embedder, reads):
    """A replica's catalog keeps summaries: opening it and serving listings, health, search, answers and facts
    reads no stored document in full; a page reads its own document, once."""
    from collections import Counter

    from fastapi.testclient import TestClient

    from index.search import open_index
    from ingest.store import DocumentStore
    from search_api.app import create_app
    from search_api.config import ServerConfig

    config = ServerConfig(data=data_dir, warm_model=False, store="milvus", uri=milvus_uri, reload_interval=3600)
    loader = lambda _f, _p: open_index(data_dir, store="milvus", uri=milvus_uri, embedder=fake_embedder)  # noqa: E731
    with TestClient(create_app(config, loader=loader)) as client:
        listed = client.get("/documents").json()["documents"]
        assert len(listed) == len(DocumentStore(data_dir).ids()) > 1 and client.get("/health").status_code == 200
        assert client.get("/search", params={"q": QUERY}).json()["hits"]
        assert client.get("/answer", params={"q": "hva var andel bosatt innen 6 måneder i 2020"}).status_code == 200
        assert client.get("/facts", params={"limit": 100}).json()["items"]
        assert reads == Counter()
        doc_id = listed[0]["id"]
        n = client.get(f"/documents/{doc_id}").json()["pages"][0]["number"]
        assert client.get(f"/documents/{doc_id}/pages/{n}").status_code == 200
        assert client.get(f"/view/{doc_id}", params={"page": n}).status_code == 200
        assert reads == Counter({doc_id: 1})


def test_an_unfiltered_facts_page_reads_no_scan_of_the_store(milvus_uri, data_dir, fake_embedder, monkeypatch):
    """GET /facts without filters pages by position (0..n-1): a 30 M-fact collection is not walked for it; a
    filtered page is a store query, and both list the same facts as the in-process server."""
    from fastapi.testclient import TestClient

    from index.search import open_index
    from index.stores.milvus import MilvusStore
    from search_api.app import create_app
    from search_api.config import ServerConfig

    scans: list[object] = []
    scan = MilvusStore.fact_scan

    def counting(self, filters, fields):
        scans.append(filters)
        return scan(self, filters, fields)

    monkeypatch.setattr(MilvusStore, "fact_scan", counting)
    config = ServerConfig(data=data_dir, warm_model=False, store="milvus", uri=milvus_uri, reload_interval=3600)
    loader = lambda _f, _p: open_index(data_dir, store="milvus", uri=milvus_uri, embedder=fake_embedder)  # noqa: E731
    local = ServerConfig(data=data_dir, warm_model=False, reload_interval=3600)
    with TestClient(create_app(config, loader=loader)) as replica, TestClient(create_app(local)) as here:
        page = {"limit": 7, "offset": 5}
        got = replica.get("/facts", params=page).json()
        assert not scans
        assert got == here.get("/facts", params=page).json() and got["total"] > 12 and len(got["items"]) == 7
        doc_id = got["items"][0]["doc_id"]
        filtered = replica.get("/facts", params={"doc": doc_id, "limit": 3}).json()
        assert len(scans) == 1 and filtered == here.get("/facts", params={"doc": doc_id, "limit": 3}).json()
