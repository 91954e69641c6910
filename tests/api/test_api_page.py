"""The staff page and the source view: served, phone-ready, and escaping what the source contains."""

from __future__ import annotations

import re
from html import unescape

from ingest.store import DocumentStore

DOC = "imdi-arsrapport-2020"


def test_staff_page_is_served_with_norwegian_labels_and_a_viewport(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert 'name="viewport"' in html and 'lang="nb"' in html
    assert "Spør om IMDis rapporter …" in html
    assert 'id="year"' in html and 'id="doc"' in html
    assert 'id="navneliste"' in html and 'id="navnefilter"' in html  # entity facets and the active name filter
    js = client.get("/static/app.js")
    assert js.status_code == 200
    assert "entity_facets" in js.text and "entity_label" in js.text
    # server strings go in through textContent only
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", js.text)
    assert client.get("/static/style.css").status_code == 200


def _mark(html: str) -> str:
    m = re.search(r'<mark id="sitat">(.*?)</mark>', html, re.S)
    assert m, html[:500]
    return unescape(m.group(1))


def test_view_shows_the_page_with_the_span_highlighted_and_escaped(client, small_data, source_2020):
    doc = DocumentStore(small_data).read(DOC)
    page = next(p for p in doc.pages if p.span and "<b>" in source_2020[p.span.start:p.span.end])
    start = source_2020.index("<b>", page.span.start)
    end = start + 40
    r = client.get(f"/view/{DOC}", params={"page": page.number, "start": start, "end": end})
    assert r.status_code == 200
    assert _mark(r.text) == source_2020[start:end]
    assert "&lt;b&gt;" in r.text and "<b>" not in r.text.split('<pre class="source">')[1]
    assert f"Side {page.number}" in r.text


def test_view_without_a_known_page_shows_the_passage_in_context(client, source_2020):
    start = source_2020.index("Leders beretning")
    r = client.get(f"/view/{DOC}", params={"start": start, "end": start + 16})
    assert r.status_code == 200 and "Utdrag" in r.text
    assert _mark(r.text) == "Leders beretning"


def test_view_rejects_spans_outside_the_source(client, source_2020):
    n = len(source_2020)
    assert client.get(f"/view/{DOC}", params={"start": 10, "end": n + 1}).status_code == 422
    assert client.get(f"/view/{DOC}", params={"start": 10}).status_code == 422
    assert client.get(f"/view/{DOC}", params={"start": 20, "end": 10}).status_code == 422
    assert client.get("/view/nope", params={"start": 0, "end": 1}).status_code == 404


def test_every_citation_link_of_a_search_opens(client):
    hits = client.get("/search", params={"q": "bosatt innen 6 måneder", "k": 10}).json()["hits"]
    for h in hits:
        c = h["citation"]
        assert client.get(c["view_url"]).status_code == 200
        if c["page_url"]:
            assert client.get(c["page_url"]).status_code == 200
