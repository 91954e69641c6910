"""Estimated pages through the API: citations carry the estimate and its bound, and the page can be opened."""

from __future__ import annotations

from ingest.store import DocumentStore

DOC = "imdi-arsrapport-2020"  # no page numbers at all: every page is an estimate


def test_search_citations_show_the_estimate_and_its_bound(client):
    hits = client.get("/search", params={"q": "bosatt innen 6 måneder", "k": 5, "doc": DOC}).json()["hits"]
    assert hits
    for h in hits:
        c = h["citation"]
        assert c["page_certainty"] == "estimated"
        assert c["page_estimate"] == c["page"]["estimate"] and 0 <= c["page_error"] <= 5
        assert c["page_label"] == f"ca. s. {c['page_estimate']} (±{c['page_error']})"
        assert c["page_url"] == f"/documents/{DOC}/pages/{c['page_estimate']}"


def test_an_estimated_page_opens_and_says_how_sure_it_is(client, small_data):
    doc = DocumentStore(small_data).read(DOC)
    page = next(p for p in doc.pages if p.error is not None and p.number > 40)
    body = client.get(f"/documents/{DOC}/pages/{page.number}").json()
    assert body["certainty"] == "estimated" and body["error"] == page.error
    assert body["label"] == f"ca. s. {page.number} (±{page.error})"
    assert body["text"]


def test_facts_carry_the_estimate_too(client):
    facts = client.get("/facts", params={"doc": DOC, "limit": 5}).json()["items"]
    assert facts and all(f["page_estimate"] is not None and f["page_error"] is not None for f in facts)
