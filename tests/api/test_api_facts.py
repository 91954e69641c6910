"""GET /facts: filters, fuzzy indicator match, paging, provenance; bad parameters are 422."""

from __future__ import annotations

import pytest


def test_facts_by_indicator_substring_with_provenance(client, source_2020):
    body = client.get("/facts", params={"indicator": "Bosatt innen 6 MÅNEDER", "limit": 100}).json()
    assert body["total"] >= 5 and body["items"]
    scores = [f["match_score"] for f in body["items"]]
    assert scores == sorted(scores, reverse=True) and scores[0] == 100  # substring matches first, then close ones
    for f in body["items"]:
        assert ("bosatt innen 6 måneder" in f["indicator"].lower()) == (f["match_score"] == 100)
        assert f["title"] and f["page_label"] and f["view_url"].startswith(f"/view/{f['doc_id']}?")
        if f["doc_id"] == "imdi-arsrapport-2020":
            assert f["quote"] == source_2020[f["span"]["start"]:f["span"]["end"]]
    # the reference figure, 49 % in 2020, is among them
    assert any(f["value"] == 49 and f["unit"] == "%" and f["year"] == 2020 for f in body["items"])


def test_a_table_rows_group_is_a_field_of_its_own(client):
    # the 2020 report's settlement tables have a row per group (`Bosatte barnefamilier`, `Bosatte andre voksne`)
    body = client.get("/facts", params={"indicator": "bosatte andre voksne", "limit": 100}).json()
    grouped = [f for f in body["items"] if f["group"] == "andre voksne"]
    assert grouped and all("andre voksne" in f["indicator"].lower() for f in grouped)
    # the qualifier says what kind of figure it is (result, target, preliminary …), never whom it counts
    assert all("voksne" not in (f["qualifier"] or "") for f in body["items"])


def test_facts_fuzzy_match_tolerates_a_typo(client):
    exact = client.get("/facts", params={"indicator": "overføringsflyktninger"}).json()
    typo = client.get("/facts", params={"indicator": "overføringsflyktnigner"}).json()
    assert exact["total"] > 0 and typo["total"] > 0
    assert all(f["match_score"] < 100 for f in typo["items"])
    assert {f["id"] for f in typo["items"]} & {f["id"] for f in exact["items"]}


def test_facts_filters_year_unit_document_and_entity(client):
    y = client.get("/facts", params={"year": "2019-2020", "unit": "%", "limit": 500}).json()
    assert y["items"] and all(2019 <= f["year"] <= 2020 and f["unit"] == "%" for f in y["items"])
    d = client.get("/facts", params={"doc": "imdi-fou-2020", "limit": 500}).json()
    assert d["items"] and {f["doc_id"] for f in d["items"]} == {"imdi-fou-2020"}
    some = next(f for f in client.get("/facts", params={"limit": 500}).json()["items"] if f["entities"])
    key = some["entities"][0]["norm"] or some["entities"][0]["text"]
    e = client.get("/facts", params={"entity": key.upper(), "limit": 500}).json()
    assert some["id"] in {f["id"] for f in e["items"]}
    label = some["entities"][0]["label"]
    both = client.get("/facts", params={"entity": key, "entity_label": label.lower(), "limit": 500}).json()
    assert some["id"] in {f["id"] for f in both["items"]}
    other = "LAW" if label != "LAW" else "PER"
    wrong = client.get("/facts", params={"entity": key, "entity_label": other, "limit": 500}).json()
    for page, lab in ((both, label), (wrong, other)):  # the name with that label, not just anywhere on the fact
        assert all(any(x["label"] == lab and key.lower() in {x["text"].lower(), (x["norm"] or "").lower()}
                       for x in f["entities"]) for f in page["items"])
    assert wrong["total"] < both["total"]


def test_facts_by_budget_post_number_or_label(client):
    # the 2020 report's appropriation tables name their posts (`Utgiftskapittel 0290, post 01`)
    by_number = client.get("/facts", params={"post": "01", "limit": 500}).json()
    assert by_number["total"] > 0
    for f in by_number["items"]:
        assert "post 01" in f["indicator"].lower() or (f["post"] or "").lower().startswith("post 01")
    for spelled in ("1", "Post 01", "kap. 290 post 01"):
        same = client.get("/facts", params={"post": spelled, "limit": 500}).json()
        assert [f["id"] for f in same["items"]] == [f["id"] for f in by_number["items"]]
    narrowed = client.get("/facts", params={"post": "01", "year": "2020", "limit": 500}).json()
    assert 0 < narrowed["total"] <= by_number["total"] and all(f["year"] == 2020 for f in narrowed["items"])
    assert client.get("/facts", params={"post": "99"}).json()["total"] == 0


def test_facts_paging_is_consistent(client):
    first = client.get("/facts", params={"limit": 7}).json()
    second = client.get("/facts", params={"limit": 7, "offset": 7}).json()
    both = client.get("/facts", params={"limit": 14}).json()
    assert first["total"] == second["total"] == both["total"] > 14
    assert first["next_offset"] == 7
    assert [f["id"] for f in first["items"] + second["items"]] == [f["id"] for f in both["items"]]
    last = client.get("/facts", params={"limit": 5, "offset": first["total"] - 2}).json()
    assert len(last["items"]) == 2 and last["next_offset"] is None


@pytest.mark.parametrize(("params", "code"), [
    ({"limit": 0}, "invalid_request"),
    ({"limit": 501}, "invalid_request"),
    ({"offset": -1}, "invalid_request"),
    ({"year": "20x0"}, "invalid_year"),
    ({"year": "1899"}, "invalid_year"),
    ({"doc": "../../etc/passwd"}, "unknown_document"),
    ({"entity_label": "ORGANISATION"}, "invalid_request"),
    ({"entity": "x" * 201}, "invalid_request"),
    ({"post": "kommunale innvandrertiltak"}, "invalid_post"),
    ({"post": "123"}, "invalid_post"),
    ({"post": "x" * 101}, "invalid_request"),
])
def test_facts_rejects_bad_parameters(client, params, code):
    r = client.get("/facts", params=params)
    assert r.status_code == 422 and r.json()["error"]["code"] == code
