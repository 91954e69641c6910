"""GET /documents, /documents/{id}, pages and tables: content from the store, 404s that say what exists."""

from __future__ import annotations

import pytest

from ingest.store import DocumentStore

DOC = "imdi-arsrapport-2020"


def test_documents_lists_the_store(client, small_data):
    body = client.get("/documents").json()
    ids = [d["id"] for d in body["documents"]]
    assert ids == DocumentStore(small_data).ids()
    d = next(d for d in body["documents"] if d["id"] == DOC)
    assert d["title"] == "IMDi årsrapport 2020" and d["year"] == 2020 and d["indexed"] is True
    assert d["counts"]["tables"] > 0 and d["counts"]["facts"] > 0 and len(d["sha256"]) == 64


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n["children"])


def test_document_detail_has_a_section_tree_tables_and_figures(client, small_data):
    doc = DocumentStore(small_data).read(DOC)
    body = client.get(f"/documents/{DOC}").json()
    assert body["meta"]["id"] == DOC
    flat = list(_walk(body["sections"]))
    assert sorted(n["id"] for n in flat) == sorted(s.id for s in doc.sections)
    assert len(body["sections"]) < len(flat)  # nested, not flat
    assert all(c["level"] > n["level"] for n in flat for c in n["children"])
    assert [t["id"] for t in body["tables"]] == [t.id for t in doc.tables]
    assert body["tables"][3]["short_id"] == "t003"
    assert len(body["figures"]) == len(doc.figures) and all(f["page_label"] for f in body["figures"])
    assert [p["number"] for p in body["pages"]] == [p.number for p in doc.pages]


def test_page_text_and_its_certainty(client, small_data, source_2020):
    doc = DocumentStore(small_data).read(DOC)
    page = doc.pages[1]
    body = client.get(f"/documents/{DOC}/pages/{page.number}").json()
    assert body["number"] == page.number and body["certainty"] == page.certainty.value
    assert body["text"] == (page.text or "")
    assert body["source_text"] == source_2020[page.span.start:page.span.end]
    assert body["previous"] == doc.pages[0].number and body["next"] == doc.pages[2].number


def test_a_page_the_evidence_does_not_give_is_a_404_that_lists_the_known_pages(client, small_data):
    known = {p.number for p in DocumentStore(small_data).read(DOC).pages}
    missing = next(n for n in range(1, 500) if n not in known)
    r = client.get(f"/documents/{DOC}/pages/{missing}")
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["code"] == "no_such_page" and f"no page {missing}" in err["message"]
    assert str(min(known)) in err["message"]


def test_table_by_full_and_short_id(client, small_data):
    t = DocumentStore(small_data).read(DOC).tables[3]
    full = client.get(f"/documents/{DOC}/tables/{t.id}").json()
    short = client.get(f"/documents/{DOC}/tables/t003").json()
    assert full == short
    assert full["id"] == t.id and full["columns"] == t.columns and len(full["rows"]) == len(t.rows)
    assert [c["text"] for c in full["rows"][0]["cells"]] == [c.text for c in t.rows[0].cells]


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/documents/no-such-doc", 404, "unknown_document"),
    ("/documents/no-such-doc/pages/1", 404, "unknown_document"),
    (f"/documents/{DOC}/tables/t999", 404, "unknown_table"),
    (f"/documents/{DOC}/tables/imdi-fou-2020:t000", 404, "unknown_table"),
    (f"/documents/{DOC}/pages/0", 422, "invalid_request"),
    (f"/documents/{DOC}/pages/abc", 422, "invalid_request"),
    ("/documents/..%2F..%2Fetc%2Fpasswd", 404, "not_found"),  # decoded to a path no route matches
    ("/documents/imdi-arsrapport-2020.jsonl", 404, "unknown_document"),
    ("/documents/%2E%2E/pages/1", 404, "unknown_document"),
])
def test_unknown_documents_pages_and_tables_say_what_is_wrong(client, path, status, code):
    r = client.get(path)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
