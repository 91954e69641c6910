"""GET /search: hits with citations that point at the source, filters, and clear 422s for bad input."""

from __future__ import annotations

import pytest

Q = "andel bosatt innen 6 måneder"


def test_search_returns_ranked_hits_with_citations_into_the_source(client, source_2020):
    r = client.get("/search", params={"q": Q, "k": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == Q and body["mode"] == "hybrid" and body["k"] == 5
    hits = body["hits"]
    assert 1 <= len(hits) <= 5
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    for h in hits:
        c = h["citation"]
        assert c["doc_id"] == h["doc_id"] and c["title"] and c["page_label"]
        assert c["page_certainty"] == c["page"]["certainty"]
        assert set(h["ranks"]) <= {"keyword", "semantic", "facts"} and h["ranks"]
        if c["doc_id"] == "imdi-arsrapport-2020":
            passage = source_2020[c["span"]["start"]:c["span"]["end"]]
            assert c["quote"] and c["quote"].removesuffix(" …") in passage
        assert c["view_url"].startswith(f"/view/{c['doc_id']}?")
        # highlights are offsets into snippet_text, and are what the ** markers enclosed
        marked = [h["snippet_text"][m["start"]:m["end"]] for m in h["highlights"]]
        assert marked == h["snippet"].split("**")[1::2]
    assert any(h["highlights"] for h in hits)


def test_search_filters_by_year_document_and_kind(client):
    fou = client.get("/search", params={"q": "rapport", "doc": "imdi-fou-2020"}).json()["hits"]
    assert fou and {h["doc_id"] for h in fou} == {"imdi-fou-2020"}
    tables = client.get("/search", params={"q": Q, "kind": "table", "k": 10}).json()["hits"]
    assert tables and all("table" in h["kinds"] for h in tables)
    none = client.get("/search", params={"q": Q, "year": "2015-2016"}).json()
    assert none["hits"] == [] and none["filters"]["year_from"] == 2015
    both = client.get("/search", params={"q": Q, "doc": "imdi-fou-2020,imdi-arsrapport-2020"}).json()
    assert both["filters"]["doc_ids"] == ["imdi-fou-2020", "imdi-arsrapport-2020"]


def _named(hit: dict, name: str, label: str | None = None) -> bool:
    return any(name.lower() in {e["text"].lower(), (e["norm"] or "").lower()} and label in (None, e["label"])
               for e in hit["entities"])


def test_search_entity_filter_and_facets(client):
    hits = client.get("/search", params={"q": Q, "k": 20, "mode": "keyword"}).json()
    facets = hits["entity_facets"]
    assert facets, "the hits name no one: nothing to facet on"
    # each facet counts the hits that carry it, most frequent first
    for f in facets:
        assert f["count"] == sum(_named(h, f["name"], f["label"]) for h in hits["hits"]) > 0, f
    assert [f["count"] for f in facets] == sorted((f["count"] for f in facets), reverse=True)
    name, label = facets[0]["name"], facets[0]["label"]
    kept = client.get("/search", params={"q": Q, "k": 20, "mode": "keyword", "entity": name.upper(),
                                         "entity_label": label.lower()}).json()
    assert kept["filters"]["entities"] == [name.upper()] and kept["filters"]["entity_labels"] == [label]
    assert kept["hits"] and all(_named(h, name, label) for h in kept["hits"])
    # every facet of the filtered hits is carried by all of them for the filtered name
    assert next(f for f in kept["entity_facets"] if f["name"].lower() == name.lower())["count"] == len(kept["hits"])
    assert client.get("/search", params={"q": Q, "entity": "Ingen Slik Organisasjon"}).json()["hits"] == []
    wrong = "PER" if label != "PER" else "LAW"
    assert all(_named(h, name, wrong) for h in client.get(
        "/search", params={"q": Q, "entity": name, "entity_label": wrong}).json()["hits"])


def test_search_modes_report_their_own_retriever(client):
    kw = client.get("/search", params={"q": Q, "mode": "keyword"}).json()["hits"]
    sem = client.get("/search", params={"q": Q, "mode": "semantic"}).json()["hits"]
    assert kw and all(set(h["ranks"]) == {"keyword"} for h in kw)
    assert sem and all(set(h["ranks"]) == {"semantic"} for h in sem)


@pytest.mark.parametrize(("params", "code", "words"), [
    ({}, "invalid_request", "'q': is required"),
    ({"q": "   "}, "invalid_request", "empty"),
    ({"q": "x" * 1001}, "invalid_request", "1001 characters"),
    ({"q": Q, "k": 0}, "invalid_request", "'k'"),
    ({"q": Q, "k": 101}, "invalid_request", "'k'"),
    ({"q": Q, "k": "ten"}, "invalid_request", "'k'"),
    ({"q": Q, "mode": "fuzzy"}, "invalid_request", "'mode'"),
    ({"q": Q, "year": "1800"}, "invalid_year", "outside 1900-2100"),
    ({"q": Q, "year": "2020-2300"}, "invalid_year", "outside 1900-2100"),
    ({"q": Q, "year": "tjue"}, "invalid_year", "not a year"),
    ({"q": Q, "year": "2019-"}, "invalid_year", "not a year"),
    ({"q": Q, "doc": "no-such-doc"}, "unknown_document", "no-such-doc"),
    ({"q": Q, "kind": "poem"}, "invalid_request", "not a block kind"),
    ({"q": Q, "lang": "<script>"}, "invalid_request", "language code"),
    ({"q": Q, "entity_label": "PLACE"}, "invalid_request", "not an entity label"),
    ({"q": Q, "entity": "x" * 201}, "invalid_request", "201 characters"),
])
def test_search_rejects_bad_input_with_a_clear_json_error(client, params, code, words):
    r = client.get("/search", params=params)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == code
    assert words in err["message"]


def test_search_query_is_trimmed_and_1000_characters_are_allowed(client):
    r = client.get("/search", params={"q": "  " + "bosetting " * 99 + "bosettinga  ", "k": 1})
    assert r.status_code == 200
    assert len(r.json()["query"]) == 1000
