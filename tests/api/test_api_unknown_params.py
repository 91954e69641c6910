"""A query parameter an endpoint does not take is a clear 422, never silently ignored."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("path", "params", "named"), [
    # the facts filter is `indicator`: ignoring `q` answered every fact in the store
    ("/facts", {"q": "bosatt innen 6 måneder"}, "q"),
    ("/search", {"q": "bosatt", "yaer": "2020"}, "yaer"),
    ("/answer", {"q": "hva var andel bosatt innen 6 måneder i 2020", "k": "3"}, "k"),
    ("/documents", {"limit": "5"}, "limit"),
])
def test_an_unknown_query_parameter_is_named_with_what_the_endpoint_takes(client, path, params, named):
    r = client.get(path, params=params)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid_request"
    assert f"query parameter {named!r}" in err["message"] and "it takes" in err["message"]
    assert [d["parameter"] for d in err["details"]] == [f"query parameter {named!r}"]


def test_every_unknown_parameter_is_listed(client):
    details = client.get("/search", params={"q": "bosatt", "foo": "1", "bar": "2"}).json()["error"]["details"]
    assert [d["parameter"] for d in details] == ["query parameter 'bar'", "query parameter 'foo'"]


def test_the_parameters_an_endpoint_documents_are_taken(client):
    r = client.get("/search", params={"q": "bosatt", "k": 3, "mode": "keyword", "year": "2020",
                                      "doc": "imdi-arsrapport-2020"})
    assert r.status_code == 200 and len(r.json()["hits"]) <= 3
    assert client.get("/facts", params={"indicator": "bosatt", "year": "2020", "limit": 5}).status_code == 200


def test_the_staff_page_and_the_probes_keep_their_own_parameters(client):
    """The page reads `q`, `year` … from the browser's address; health checks may carry a cache-buster."""
    assert client.get("/", params={"q": "bosatt", "year": "2020"}).status_code == 200
    assert client.get("/health", params={"_": "1"}).status_code == 200
