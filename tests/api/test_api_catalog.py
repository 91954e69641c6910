"""The lazy document catalog: listings read summaries, a request reads only its document, the cache is bounded,
a changed file is read again, and a broken one is reported."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from apisupport import fake_loader, small_config
from fastapi.testclient import TestClient

from ingest.store import DocumentStore
from search_api.app import create_app
from search_api.catalog import DocumentCatalog
from search_api.config import ServerConfig

DOC = "imdi-arsrapport-2020"
OTHER = "imdi-fou-2020"


@pytest.fixture
def data(small_data, tmp_path) -> Path:
    """A copy of the small data folder, free to change."""
    return Path(shutil.copytree(small_data, tmp_path / "data"))


def test_ingest_writes_a_digest_that_matches_the_document(data):
    store = DocumentStore(data)
    for doc_id in store.ids():
        digest, doc = store.digest(doc_id), store.read(doc_id)
        assert digest is not None and digest.meta == doc.meta
        assert digest.pages == [p.number for p in doc.pages] and len(digest.pages) > 0
        assert (digest.sections, digest.blocks, digest.tables, digest.figures, digest.facts) == (
            len(doc.sections), len(doc.blocks), len(doc.tables), len(doc.figures), len(doc.facts))
        assert store.facts(doc_id) == doc.facts


def test_open_and_listing_read_no_document(data, reads):
    catalog = DocumentCatalog(DocumentStore(data), interval=0)
    snap = catalog.snapshot()
    assert sorted(snap.docs) == [DOC, OTHER] and len(snap.docs) == 2 and not snap.errors
    assert snap.summaries[DOC].facts > 0
    assert reads == Counter()


def test_without_digests_each_document_is_read_once(data, reads):
    for p in (data / "docs").glob("*.digest.json"):
        p.unlink()
    catalog = DocumentCatalog(DocumentStore(data), interval=0)
    first = catalog.snapshot()
    assert reads == Counter({DOC: 1, OTHER: 1})
    assert catalog.snapshot() is first and reads == Counter({DOC: 1, OTHER: 1})  # nothing changed: not re-read
    assert len(catalog.documents) == 0  # the summaries were kept, not the documents


def test_a_document_is_read_on_demand_once_and_the_cache_is_bounded(data, reads):
    catalog = DocumentCatalog(DocumentStore(data), interval=0, cache_size=1)
    snap = catalog.snapshot()
    a = snap.docs[DOC]
    assert reads == Counter({DOC: 1}) and a.doc.meta.id == DOC and a.source
    assert snap.docs[DOC] is a and reads == Counter({DOC: 1})
    assert snap.docs[OTHER].doc.meta.id == OTHER and len(catalog.documents) == 1
    assert snap.docs[DOC] is not a and reads == Counter({DOC: 2, OTHER: 1})  # pushed out by OTHER, read again
    assert snap.docs.get("no-such-document") is None
    with pytest.raises(ValueError):
        DocumentCatalog(DocumentStore(data), cache_size=0)
    with pytest.raises(ValueError):
        ServerConfig(data=data, catalog_cache=0)


def test_a_changed_file_is_read_again(data, reads):
    store = DocumentStore(data)
    catalog = DocumentCatalog(store, interval=0)
    before = catalog.snapshot().docs[DOC]
    doc = store.read(DOC)
    doc.meta.title = "Ny tittel"
    store.write(doc, store.source(DOC))
    reads.clear()
    snap = catalog.snapshot()
    assert snap.summaries[DOC].meta.title == "Ny tittel" and reads == Counter()  # from the new digest
    after = snap.docs[DOC]
    assert after is not before and after.doc.meta.title == "Ny tittel" and reads == Counter({DOC: 1})


def test_a_stale_digest_is_not_trusted(data, reads):
    store = DocumentStore(data)
    assert store.digest(DOC).figures > 0
    path = store.path(DOC)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith('{"type": "figure"')), encoding="utf-8")
    catalog = DocumentCatalog(store, interval=0)
    snap = catalog.snapshot()
    assert reads == Counter({DOC: 1})  # the records file is newer than its digest and of another size
    assert store.digest(DOC) is None and snap.summaries[DOC].figures == 0


def test_a_broken_file_is_reported_and_hides_no_other(data, reads):
    DocumentStore(data).path(DOC).write_text('{"type": "meta", "meta": {"id": "x"', encoding="utf-8")
    with TestClient(create_app(small_config(data), loader=fake_loader)) as client:
        health = client.get("/health").json()
        assert health["status"] == "degraded" and list(health["store"]["errors"]) == [DOC]
        assert health["store"]["documents"] == 1
        listed = client.get("/documents").json()
        assert [d["id"] for d in listed["documents"]] == [OTHER] and list(listed["errors"]) == [DOC]
        assert client.get(f"/documents/{DOC}").status_code == 404
        assert client.get(f"/documents/{OTHER}").status_code == 200


def test_in_process_server_reads_only_the_documents_a_request_needs(data, reads):
    with TestClient(create_app(small_config(data, catalog_cache=1), loader=fake_loader)) as client:
        assert client.get("/health").json()["store"]["documents"] == 2
        listed = client.get("/documents").json()["documents"]
        assert [d["id"] for d in listed] == [DOC, OTHER] and all(d["counts"]["pages"] > 0 for d in listed)
        hits = client.get("/search", params={"q": "bosatt innen 6 måneder", "k": 10}).json()["hits"]
        assert any(h["citation"]["page_url"] for h in hits)  # citations know their pages from the summaries
        facts = client.get("/facts", params={"limit": 100}).json()
        assert facts["total"] > 0 and all(f["quote"] for f in facts["items"])
        assert reads == Counter()  # start, listing, health, search and facts read no full document
        n = next(d for d in listed if d["id"] == DOC)
        page = client.get(f"/documents/{DOC}/pages/{client.get(f'/documents/{DOC}').json()['pages'][0]['number']}")
        assert page.status_code == 200 and n["counts"]["pages"] > 0
        assert reads == Counter({DOC: 1})  # detail and page: one read of that document only
        assert client.get(f"/documents/{OTHER}").status_code == 200
        assert reads == Counter({DOC: 1, OTHER: 1})
        assert len(client.app.state.kb.catalog.documents) == 1  # catalog_cache=1
