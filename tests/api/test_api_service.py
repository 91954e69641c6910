"""/health, /metrics, the OpenAPI schema, and the error paths: no index, crashes, unknown routes."""

from __future__ import annotations

import json
import logging
import os

from apisupport import fake_loader, small_config
from fastapi.testclient import TestClient

from index.search import Index
from search_api.app import create_app


def test_health_reports_index_model_checksums_and_counts(client, small_data):
    body = client.get("/health").json()
    manifest = json.loads((small_data / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert body["status"] == "ok" and body["index"]["loaded"] is True
    assert body["index"]["model"]["name"] == "hash-test" and body["index"]["model"]["loaded"] is True
    assert body["index"]["build_id"] == manifest["built_at"]
    assert {d["id"]: d["sha256"] for d in body["index"]["documents"]} == {
        d["id"]: d["sha256"] for d in manifest["documents"]}
    assert body["index"]["counts"]["chunks"] == manifest["counts"]["chunks"] > 0
    assert body["store"]["documents"] == 2
    assert body["process"] == os.getpid()  # which worker answered, with `kb serve --workers N`


def test_metrics_count_requests_and_latency_per_endpoint(client):
    client.get("/search", params={"q": "bosetting"})
    client.get("/documents/nope")
    text = client.get("/metrics").text
    assert 'kb_http_requests_total{handler="/search",method="GET",status="200"}' in text
    assert 'kb_http_requests_total{handler="/documents/{doc_id}",method="GET",status="404"}' in text
    assert 'kb_http_request_duration_seconds_bucket{handler="/search",le="' in text
    assert "kb_index_chunks" in text


def test_openapi_schema_documents_every_endpoint_and_the_error_shape(client):
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/search", "/answer", "/facts", "/documents", "/documents/{doc_id}", "/documents/{doc_id}/pages/{n}",
            "/documents/{doc_id}/tables/{table_id}", "/health", "/metrics"} <= paths
    search = schema["paths"]["/search"]["get"]
    assert search["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    k = next(p for p in search["parameters"] if p["name"] == "k")
    assert k["schema"]["minimum"] == 1 and k["schema"]["maximum"] == 100
    assert client.get("/docs").status_code == 200


def test_unknown_route_and_wrong_method_get_the_json_error_shape(client):
    r = client.get("/nowhere")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.post("/search", params={"q": "x"})
    assert r.status_code == 405 and "read-only" in r.json()["error"]["message"]


def test_a_crash_is_a_generic_500_without_traceback(client, monkeypatch, caplog):
    def boom(self, *a, **kw):
        raise RuntimeError("secret internal detail /etc/shadow")

    monkeypatch.setattr(Index, "search", boom)
    with caplog.at_level(logging.ERROR, logger="search_api"):
        r = client.get("/search", params={"q": "bosetting"})
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "internal_error", "message": "internal server error; it has been logged"}}
    assert "secret" not in r.text and "Traceback" not in r.text
    assert any("secret internal detail" in str(rec.exc_info) for rec in caplog.records)


def test_without_an_index_search_is_503_and_documents_still_work(small_data, tmp_path):
    app = create_app(small_config(small_data, index=tmp_path / "no-index"), loader=fake_loader)
    with TestClient(app) as c:
        r = c.get("/search", params={"q": "bosetting"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "index_unavailable"
        assert "kb index" in r.json()["error"]["message"]
        assert c.get("/answer", params={"q": "bosetting"}).status_code == 503
        assert c.get("/documents").status_code == 200
        health = c.get("/health").json()
        assert health["status"] == "degraded" and health["index"]["loaded"] is False


def test_docs_page_works_offline(client):
    """Swagger UI comes from the installed swagger-ui-bundle package, never from a CDN."""
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/swagger/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    js = client.get("/swagger/swagger-ui-bundle.js")
    assert js.status_code == 200 and "SwaggerUIBundle" in js.text
