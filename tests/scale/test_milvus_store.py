"""The Milvus store (Milvus Lite here) answers like the in-process FAISS + bm25s index: same hits, citations,
filters and answers, on the bundled corpus indexed with the hashing embedder double."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from answer.compose import answer
from eval.harness import sources_from_store
from eval.questions_format import parse_questions
from eval.scale_parity import compare, top_overlap
from index.filters import SearchFilters

DEV = Path(__file__).resolve().parents[2] / "eval" / "questions" / "dev.jsonl"


def dev_questions(n: int) -> list[str]:
    return [q.question for q in parse_questions(DEV.read_text(encoding="utf-8")).questions[:n]]


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_top10_overlap_per_mode(fake_index, milvus_index, mode):
    assert top_overlap(fake_index, milvus_index, dev_questions(60), mode) >= 0.95


@pytest.mark.parametrize("fusion", ["native", "local"])
def test_dev_set_parity(fake_index, data_dir, fusion, request):
    idx = request.getfixturevalue(f"milvus_{fusion}_index")
    assert idx.fusion == fusion
    p = compare(fake_index, idx, DEV, sources_from_store(data_dir), mode="hybrid")
    assert p.questions > 150
    assert p.overlap10 >= 0.9
    assert p.recall5_gap <= 0.01


def test_same_hit_same_citation_and_scores(fake_index, milvus_index):
    for q in dev_questions(20):
        for mode in ("keyword", "semantic"):
            a = {h.chunk_id: h for h in fake_index.search(q, k=10, mode=mode)}
            for h in milvus_index.search(q, k=10, mode=mode):
                if h.chunk_id in a:
                    assert h.citation == a[h.chunk_id].citation
                    assert h.snippet == a[h.chunk_id].snippet
                    assert h.score == pytest.approx(a[h.chunk_id].score, rel=1e-4, abs=1e-5)


def test_sentence_vectors_are_served_from_milvus(fake_index, milvus_index, fake_embedder):
    """The second stage's best-matching sentence reads the published sentence vectors, row by row."""
    assert milvus_index.ranker.sentences is not None
    rows = list(range(0, len(fake_index.chunks), max(1, len(fake_index.chunks) // 40)))
    q = fake_embedder.embed_queries(["andel bosatt innen 6 måneder"])[0]
    local = fake_index.ranker.sentences.best(q, rows)
    assert local.max() > 0
    assert milvus_index.ranker.sentences.best(q, rows) == pytest.approx(local, abs=1e-5)
    # the answers' semantic feature reads each chunk's vectors in stored order, by chunk id
    ids = [fake_index.chunks[r].id for r in rows[:8]]
    got, want = milvus_index.sentence_vectors(ids), fake_index.sentence_vectors(ids)
    assert list(got) == ids and all(np.array_equal(got[i], want[i]) for i in ids)


@pytest.mark.parametrize("filters", [
    {"year": "2022"}, {"year": "2019-2021", "kind": "table"}, {"doc": "kd-tildelingsbrev-2020"},
    {"lang": "nn"}, {"doc_type": "årsrapport", "year": 2024}, {"entity": "IMDi"},
    {"entity": "imdi", "entity_label": "ORG"},
])
def test_filters_as_milvus_expressions(fake_index, milvus_index, filters):
    for q in ("tilskudd til kommunene", "bosetting av flyktninger", "tolk"):
        for mode in ("keyword", "semantic"):
            a = fake_index.search(q, k=10, mode=mode, filters=filters)
            b = milvus_index.search(q, k=10, mode=mode, filters=filters)
            assert a, (q, filters)  # the filter leaves something to find: the comparison means something
            mask = fake_index.columns.mask(SearchFilters.from_any(filters))
            row = {c.id: i for i, c in enumerate(fake_index.chunks)}
            assert all(mask[row[h.chunk_id]] for h in b)
            assert len({h.chunk_id for h in a} & {h.chunk_id for h in b}) >= 0.9 * len(a)


def test_answers_match(fake_index, milvus_index):
    for q in ("hva var andel bosatt innen 6 måneder i 2020", "kor mange vart busette i 2022",
              "how many refugees were settled in 2022", "hvor mange ansatte hadde IMDi i 2024"):
        a, b = answer(q, fake_index), answer(q, milvus_index)
        assert a.value_text or q.startswith("how"), q  # a Norwegian question finds a figure: equality means something
        assert b.value_text == a.value_text
        assert b.citation == a.citation


def test_republish_switches_generation_and_keeps_one_before(fake_index_dir, data_dir, fake_embedder, tmp_path):
    from index.search import open_index
    from index.stores.milvus import MilvusSettings, connect, current_generation, payload_from_folder, publish

    settings = MilvusSettings(uri=str(tmp_path / "gen.db"), collection="gens")
    payload = payload_from_folder(fake_index_dir)
    payload.chunks, payload.vectors, payload.sparse = payload.chunks[:50], payload.vectors[:50], payload.sparse[:50]
    payload.fact_rows = [r if r < 50 else -1 for r in payload.fact_rows]
    payload.manifest = {**payload.manifest, "counts": {**payload.manifest["counts"], "chunks": 50}}
    gens = [publish(payload, settings) for _ in range(3)]
    client = connect(settings)
    assert current_generation(client, settings) == gens[-1]
    for kind in ("chunks", "facts"):  # the facts collection is swapped and dropped with its chunks
        kept = sorted(n for n in client.list_collections() if n.startswith(f"gens_{kind}_"))
        assert kept == [f"gens_{kind}_{g}" for g in gens[1:]]
    idx = open_index(data_dir, store="milvus", uri=settings.uri, collection="gens", embedder=fake_embedder)
    assert len(idx) == 50 and idx.generation == gens[-1]
    assert idx.fact_source.store.facts_collection == f"gens_facts_{gens[-1]}"
    assert len(idx.fact_source) == len(payload.facts)
    # facts outside the 50 chunks stay searchable (answers rank them) but point at no chunk row
    rows = idx.fact_source.rows_of(range(len(payload.facts)))
    assert rows.tolist() == payload.fact_rows and (rows == -1).any()


def test_an_index_published_without_a_facts_collection_is_refused(fake_index_dir, tmp_path):
    from index.stores.milvus import MilvusSettings, MilvusStore, connect, payload_from_folder, publish

    settings = MilvusSettings(uri=str(tmp_path / "old.db"), collection="old")
    publish(payload_from_folder(fake_index_dir), settings)
    client = connect(settings)
    meta = next(n for n in client.list_collections() if n.startswith("old_metagen_"))
    client.delete(meta, filter='key like "fact_vocab%"')  # what an earlier version published: no facts collection
    with pytest.raises(LookupError, match="published by an older version"):
        MilvusStore(settings, client=client)


def test_an_index_published_without_budget_posts_is_refused(fake_index_dir, tmp_path):
    import json

    from index.stores.milvus import MilvusSettings, MilvusStore, _blob_rows, connect, payload_from_folder, publish

    settings = MilvusSettings(uri=str(tmp_path / "old.db"), collection="old")
    publish(payload_from_folder(fake_index_dir), settings)
    client = connect(settings)
    assert MilvusStore(settings, client=client).facts_collection  # as published now, it opens
    meta = next(n for n in client.list_collections() if n.startswith("old_metagen_"))
    info = json.loads("".join(r["text"] for r in sorted(
        client.query(meta, filter='key like "info%"', output_fields=["part", "text"]), key=lambda r: r["part"])))
    info.pop("facts_post")  # what stop 28 published: GET /facts could not filter its facts by post
    client.delete(meta, filter='key like "info%"')
    client.insert(meta, _blob_rows("info", json.dumps(info)))
    with pytest.raises(LookupError, match="published by an older version"):
        MilvusStore(settings, client=client)


def test_missing_extra_is_one_clear_line(monkeypatch, data_dir):
    from core.extras import MissingExtraError
    from index.search import open_index

    monkeypatch.setitem(sys.modules, "pymilvus", None)
    with pytest.raises(MissingExtraError) as exc:
        open_index(data_dir, store="milvus", uri=str(data_dir / "none.db"))
    assert "pip install '.[scale]'" in str(exc.value) and "\n" not in str(exc.value)


def test_store_options_checked(data_dir):
    from index.search import open_index

    with pytest.raises(ValueError, match="needs --uri"):
        open_index(data_dir, store="milvus")
    with pytest.raises(ValueError, match="unknown store"):
        open_index(data_dir, store="qdrant", uri="x")


def test_cli_search_from_milvus(milvus_uri, data_dir):
    from kb.cli import app

    r = CliRunner().invoke(app, ["search", "bosatt innen 6 måneder", "--data", str(data_dir), "--mode", "keyword",
                                 "--store", "milvus", "--uri", milvus_uri, "--json", "-k", "3"])
    assert r.exit_code == 0, r.output
    assert '"chunk_id"' in r.output and r.output.count('"rank"') == 3


def test_two_servers_share_one_index_and_follow_a_publish(milvus_uri, data_dir, fake_index_dir, fake_embedder,
                                                          tmp_path):
    from fastapi.testclient import TestClient

    from index.search import open_index
    from index.stores.milvus import MilvusSettings, payload_from_folder, publish
    from search_api.app import create_app
    from search_api.config import ServerConfig

    uri = str(tmp_path / "shared.db")
    settings = MilvusSettings(uri=uri)
    publish(payload_from_folder(fake_index_dir), settings)

    def loader(_folder: Path, _previous):
        return open_index(data_dir, store="milvus", uri=uri, embedder=fake_embedder)

    config = ServerConfig(data=data_dir, warm_model=False, store="milvus", uri=uri, reload_interval=3600)
    with TestClient(create_app(config, loader=loader)) as one, TestClient(create_app(config, loader=loader)) as two:
        q = {"q": "ventetid for bosetting", "k": 5}
        a, b = one.get("/search", params=q).json(), two.get("/search", params=q).json()
        assert [h["chunk_id"] for h in a["hits"]] == [h["chunk_id"] for h in b["hits"]]
        assert one.get("/answer", params={"q": "hva var andel bosatt innen 6 måneder i 2020"}).status_code == 200
        gen = publish(payload_from_folder(fake_index_dir), settings)
        for c in (one, two):
            c.app.state.kb.holder.check()
            assert c.app.state.kb.index().generation == gen


def test_hnsw_index_is_searched_with_its_published_parameters(fake_index_dir, data_dir, fake_embedder, fake_index,
                                                              tmp_path):
    from index.search import open_index
    from index.stores.milvus import MilvusSettings, payload_from_folder, publish

    uri = str(tmp_path / "hnsw.db")
    publish(payload_from_folder(fake_index_dir), MilvusSettings(uri=uri, index_type="HNSW", hnsw_ef=128))
    idx = open_index(data_dir, store="milvus", uri=uri, embedder=fake_embedder)
    assert idx.store.search_params == {"metric_type": "IP", "params": {"ef": 128}}
    # HNSW is approximate; on 1 300 chunks with ef 128 it finds what the exact search finds
    assert top_overlap(fake_index, idx, dev_questions(30), "semantic") >= 0.95


def test_route_repeats_express_rrf_weights():
    from index.stores.milvus import route_repeats

    assert route_repeats((2.0, 1.0)) == ((2, 1), 1)
    assert route_repeats((1.0, 1.0)) == ((1, 1), 1)
    assert route_repeats((1.5, 1.0)) == ((3, 2), 2)
    assert route_repeats((0.25, 0.5)) == ((1, 2), 4)
    with pytest.raises(ValueError, match="--milvus-fusion local"):
        route_repeats((0.37, 1.0))


def test_native_fusion_is_milvus_hybrid_search(milvus_native_index, monkeypatch):
    """A number question weighs keyword and semantic: one hybrid search, neither single-route search."""
    store = milvus_native_index.store
    calls = []
    monkeypatch.setattr(store, "keyword", lambda *a, **k: pytest.fail("keyword searched alone"))
    monkeypatch.setattr(store, "semantic", lambda *a, **k: pytest.fail("semantic searched alone"))
    real = store.client.hybrid_search
    monkeypatch.setattr(store.client, "hybrid_search", lambda *a, **k: calls.append((a, k)) or real(*a, **k))
    hits = milvus_native_index.search("hvor mange ble bosatt i 2022", k=5)
    assert len(hits) == 5 and len(calls) == 1
    (_, reqs, ranker), kw = calls[0]
    # the fitted number weights, keyword 2 and semantic 1, as two sparse requests and one dense under RRF(k=20)
    assert [r.anns_field for r in reqs] == ["sparse", "sparse", "dense"]
    assert ranker.dict() == {"strategy": "rrf", "params": {"k": 20}}
    assert "milvus" in hits[0].scores and "keyword" not in hits[0].ranks


def test_native_fusion_is_the_default(milvus_index):
    assert milvus_index.fusion == "native"


def test_native_fusion_ranks_as_local_fusion(fake_index, milvus_local_index, milvus_native_index, data_dir):
    """Milvus' RRF with repeated routes is the fitted weighted RRF: the same hits, but for float ties."""
    qs = dev_questions(80)
    assert top_overlap(milvus_local_index, milvus_native_index, qs, "hybrid") >= 0.98
    p = compare(fake_index, milvus_native_index, DEV, sources_from_store(data_dir), mode="hybrid")
    assert p.overlap10 >= 0.95 and p.recall5_gap <= 0.01 and p.mrr10_gap <= 0.01


def test_native_fusion_keeps_filters(fake_index, milvus_native_index):
    mask = fake_index.columns.mask(SearchFilters.from_any({"year": "2019-2021", "kind": "table"}))
    row = {c.id: i for i, c in enumerate(fake_index.chunks)}
    hits = milvus_native_index.search("hvor mange ble bosatt i 2020", k=10,
                                      filters={"year": "2019-2021", "kind": "table"})
    assert hits and all(mask[row[h.chunk_id]] for h in hits)


def test_native_fusion_score_method_uses_weighted_ranker(milvus_native_index, monkeypatch):
    from dataclasses import replace

    idx = milvus_native_index
    calls = []
    real = idx.store.client.hybrid_search
    monkeypatch.setattr(idx.store.client, "hybrid_search", lambda *a, **k: calls.append(a) or real(*a, **k))
    monkeypatch.setattr(idx, "search_settings", replace(idx.search_settings, fusion="score"))
    assert idx.search("hvor mange ble bosatt i 2022", k=5)
    _, reqs, ranker = calls[0]
    assert [r.anns_field for r in reqs] == ["sparse", "dense"]
    assert ranker.dict()["strategy"] == "weighted" and ranker.dict()["params"]["weights"] == [2.0, 1.0]


def test_unreachable_milvus_is_one_clear_line(data_dir):
    import socket

    from core.errors import IndexUnavailableError
    from index.search import open_index
    from kb.cli import app

    with socket.socket() as s:  # a port nothing listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"http://127.0.0.1:{port}"
    with pytest.raises(IndexUnavailableError, match=f"cannot reach Milvus at {uri}") as exc:
        open_index(data_dir, store="milvus", uri=uri)
    assert "\n" not in str(exc.value)
    r = CliRunner().invoke(app, ["search", "tolk", "--data", str(data_dir), "--store", "milvus", "--uri", uri])
    assert r.exit_code == 1 and "cannot reach Milvus" in r.output and "Traceback" not in r.output
    # kb index finds out before it builds (embedding a real collection takes minutes to hours)
    assert not (data_dir / "index").exists()
    r = CliRunner().invoke(app, ["index", "--data", str(data_dir), "--store", "milvus", "--uri", uri])
    assert r.exit_code == 1 and "cannot reach Milvus" in r.output
    assert not (data_dir / "index").exists()


def test_native_fusion_only_for_milvus(data_dir):
    from index.search import open_index

    with pytest.raises(ValueError, match="only for --store milvus"):
        open_index(data_dir, store_fusion="local")
    with pytest.raises(ValueError, match="unknown --milvus-fusion"):
        open_index(data_dir, store="milvus", uri="x.db", store_fusion="milvus")


def test_lite_file_held_by_another_process_is_one_clear_line(milvus_index, milvus_uri, data_dir):
    """This test process holds the Milvus Lite file (milvus_index opened it): a second process cannot open it,
    and says how several processes share one index."""
    import os
    import subprocess

    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, "-m", "kb.cli", "search", "tolk", "--data", str(data_dir), "--store", "milvus",
                        "--uri", milvus_uri], capture_output=True, text=True, cwd=root, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(root)})
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr, r.stderr
    assert "one process at a time" in r.stderr and "milvus-lite server" in r.stderr


FACT_QUERIES = [
    {}, {"limit": 500}, {"offset": 2900, "limit": 200}, {"indicator": "bosatt innen 6 måneder"},
    {"indicator": "bosat inen 6 mnd", "limit": 100}, {"indicator": "årsverk", "year": "2021-2024"},
    {"year": "2020"}, {"unit": "%", "doc": "imdi-arsrapport-2020", "limit": 200}, {"unit": "PERSONER"},
    {"doc": "kd-tildelingsbrev-2020,imdi-arsrapport-2022", "indicator": "tilskudd"},
    {"entity": "IMDi"}, {"entity": "imdi", "entity_label": "ORG", "indicator": "ansatte"}, {"entity_label": "GPE"},
    {"post": "62"}, {"post": "Post 01", "doc": "kd-tildelingsbrev-2020", "year": "2020"},
]


def test_api_search_answer_and_facts_equal_in_process(milvus_uri, data_dir, fake_index, fake_index_dir, fake_embedder,
                                                       milvus_index):
    """The same requests to a server on the in-process index and to one serving the Milvus index: the same
    /search hits, /answer answers and /facts pages (the Milvus one filters facts and reads their records there)."""
    from fastapi.testclient import TestClient

    from index.stores.facts import StoreFacts
    from ingest.store import DocumentStore
    from search_api.app import create_app
    from search_api.config import ServerConfig

    local_config = ServerConfig(data=data_dir, index=fake_index_dir, warm_model=False, reload_interval=3600)
    milvus_config = ServerConfig(data=data_dir, warm_model=False, store="milvus", uri=milvus_uri,
                                 reload_interval=3600)
    with TestClient(create_app(local_config, loader=lambda _f, _p: fake_index)) as local, \
            TestClient(create_app(milvus_config, loader=lambda _f, _p: milvus_index)) as remote:
        for params in FACT_QUERIES:
            a, b = local.get("/facts", params=params), remote.get("/facts", params=params)
            assert a.status_code == b.status_code == 200, (params, a.text, b.text)
            assert a.json() == b.json(), params
        totals = [local.get("/facts", params={**p, "limit": 1}).json()["total"] for p in FACT_QUERIES]
        assert totals[0] == len(fake_index.facts) and all(0 < t < totals[0] for t in totals[3:]), totals
        # the Milvus server's /facts went to the facts collection; its document catalog keeps no fact, only counts
        snap = remote.app.state.kb.snapshot()
        assert isinstance(remote.app.state.kb.holder.fact_records(snap), StoreFacts)
        assert snap.facts == [] and not any(s.doc.facts for s in snap.docs.values())
        assert local.get("/documents").json() == remote.get("/documents").json()
        for doc_id in sorted(snap.docs):
            a, b = local.get(f"/documents/{doc_id}").json(), remote.get(f"/documents/{doc_id}").json()
            # the count comes from the digest; the records file says how many facts the document has
            assert a == b and a["counts"]["facts"] == len(DocumentStore(data_dir).facts(doc_id))
        assert sum(s.facts for s in snap.summaries.values()) == len(fake_index.facts)
        for q in dev_questions(12) + ["hva var andel bosatt innen 6 måneder i 2020",
                                      "hvor mange ansatte hadde IMDi i 2024"]:
            a, b = local.get("/search", params={"q": q, "k": 10}), remote.get("/search", params={"q": q, "k": 10})
            assert [h["chunk_id"] for h in a.json()["hits"]] == [h["chunk_id"] for h in b.json()["hits"]], q
            a, b = local.get("/answer", params={"q": q}).json(), remote.get("/answer", params={"q": q}).json()
            for key in ("found", "value_text", "short_answer", "citation", "alternatives", "fact", "disagreement"):
                assert a.get(key) == b.get(key), (q, key)
