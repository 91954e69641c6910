"""`kb serve`: options reach uvicorn and the app's configuration."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from eval.load_benchmark import start_server, stop_server, wait_ready
from kb.cli import app
from search_api.config import CONFIG_ENV, ServerConfig


def test_kb_serve_passes_host_port_data_and_index(monkeypatch, tmp_path):
    import uvicorn

    seen = {}

    def fake_run(asgi_app, **kw):
        seen["app"], seen["kw"] = asgi_app, kw

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = CliRunner().invoke(app, ["serve", "--host", "127.0.0.1", "--port", "8123", "--data", str(tmp_path),
                                      "--index", str(tmp_path / "idx")])
    assert result.exit_code == 0, result.output
    assert seen["kw"]["host"] == "127.0.0.1" and seen["kw"]["port"] == 8123
    assert seen["app"].title == "IMDi kunnskapsbase"
    assert str(tmp_path / "idx") in result.output


def test_kb_serve_refuses_a_bad_port():
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code != 0


def test_kb_serve_with_workers_hands_its_config_to_every_worker(monkeypatch, tmp_path):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: seen.update(target=target, kw=kw))
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    result = CliRunner().invoke(app, ["serve", "--data", str(tmp_path), "--workers", "2", "--port", "8124",
                                      "--catalog-cache", "8"])
    assert result.exit_code == 0, result.output
    assert seen["target"] == "search_api.app:app_from_env" and seen["kw"]["factory"] is True
    assert seen["kw"]["workers"] == 2 and seen["kw"]["port"] == 8124
    config = ServerConfig.from_env(os.environ[CONFIG_ENV])
    assert config.data == tmp_path and config.cpu_slots == 2  # each worker: its share of the four cores
    assert config.catalog_cache == 8
    assert os.environ["OMP_NUM_THREADS"] == "2"
    assert CliRunner().invoke(app, ["serve", "--workers", "0"]).exit_code != 0
    assert CliRunner().invoke(app, ["serve", "--catalog-cache", "0"]).exit_code != 0


def test_server_config_round_trips_through_the_environment(tmp_path):
    config = ServerConfig(data=tmp_path, index=tmp_path / "idx", store="milvus", uri="http://m:19530", cpu_slots=3)
    assert ServerConfig.from_env(config.to_env()) == config


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        out |= {int(k) for k in kids}
    return out


@pytest.mark.slow
def test_two_worker_processes_serve_the_real_index(data_dir, real_index_dir):
    """`kb serve --workers 2` as a user starts it: two processes, each with the index, answering the reference
    question with the 2020 report's 49 %."""
    proc, url = start_server(data_dir, workers=2, index=real_index_dir)
    try:
        wait_ready(url, timeout=240, proc=proc)
        # uvicorn's supervisor keeps two workers (the multiprocessing helper may be a third child)
        assert len(_children(proc.pid)) >= 2
        for _ in range(4):  # new connections, whichever worker takes them
            r = httpx.get(f"{url}/answer", params={"q": "hva var andel bosatt innen 6 måneder i 2020"}, timeout=60)
            assert r.status_code == 200
            body = r.json()
            assert body["value_text"] == "49 %" and body["citation"]["doc_id"] == "imdi-arsrapport-2020"
    finally:
        stop_server(proc, timeout=30)
