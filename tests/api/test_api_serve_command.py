"""`kb serve`: options reach uvicorn and the app's configuration."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from eval.load_benchmark import run_load, start_server, stop_server, wait_ready
from kb.cli import app
from search_api import workers
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
    seen = {}
    monkeypatch.setattr(workers, "serve_workers", lambda n, host, port, *a: seen.update(n=n, port=port) or 0)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    result = CliRunner().invoke(app, ["serve", "--data", str(tmp_path), "--workers", "2", "--port", "8124",
                                      "--catalog-cache", "8"])
    assert result.exit_code == 0, result.output
    assert seen == {"n": 2, "port": 8124}
    config = ServerConfig.from_env(os.environ[CONFIG_ENV])
    assert config.data == tmp_path and config.cpu_slots == 2  # each worker: its share of the four cores
    assert config.catalog_cache == 8
    assert os.environ["OMP_NUM_THREADS"] == "2"
    assert CliRunner().invoke(app, ["serve", "--workers", "0"]).exit_code != 0
    assert CliRunner().invoke(app, ["serve", "--catalog-cache", "0"]).exit_code != 0


def test_a_taken_port_is_refused(tmp_path):
    with workers.listening_socket("127.0.0.1", 0) as taken:
        port = taken.getsockname()[1]
        # a second `kb serve` neither shares the port nor starts anything on it
        with pytest.raises(OSError):
            workers.listening_socket("127.0.0.1", port)
        with pytest.raises(OSError):
            workers.serve_workers(2, "127.0.0.1", port)
        for n in ("2", "1"):  # refused before anything loads, with one process as with several
            result = CliRunner().invoke(app, ["serve", "--data", str(tmp_path), "--workers", n, "--port", str(port)])
            assert result.exit_code == 2 and "cannot listen on 127.0.0.1:" in result.output
            assert "serving" not in result.output
    result = CliRunner().invoke(app, ["serve", "--data", str(tmp_path), "--host", "no-such-host.invalid"])
    assert result.exit_code == 2 and "cannot listen on no-such-host.invalid:8000" in result.output


def test_server_config_round_trips_through_the_environment(tmp_path):
    config = ServerConfig(data=tmp_path, index=tmp_path / "idx", store="milvus", uri="http://m:19530", cpu_slots=3)
    assert ServerConfig.from_env(config.to_env()) == config


def _workers(pid: int) -> set[int]:
    """The server processes among pid's children (not the multiprocessing helper)."""
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        out |= {int(k) for k in kids if "spawn_main" in Path(f"/proc/{k}/cmdline").read_text()}
    return out


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.slow
def test_two_worker_processes_serve_the_real_index(data_dir, real_index_dir):
    """`kb serve --workers 2` as a user starts it: two processes, each with the index, answering the reference
    question with the 2020 report's 49 %."""
    proc, url = start_server(data_dir, workers=2, index=real_index_dir)
    try:
        wait_ready(url, timeout=240, proc=proc, workers=2)
        pids = _workers(proc.pid)
        assert len(pids) == 2
        for _ in range(4):  # new connections, whichever worker takes them
            r = httpx.get(f"{url}/answer", params={"q": "hva var andel bosatt innen 6 måneder i 2020"}, timeout=60)
            assert r.status_code == 200
            body = r.json()
            assert body["value_text"] == "49 %" and body["citation"]["doc_id"] == "imdi-arsrapport-2020"
        # the load benchmark's 32 clients open their keep-alive connections at once: both workers take a share
        # (with uvicorn's own workers, one took all 32)
        before = {p: _cpu_s(p) for p in pids}
        result = asyncio.run(run_load(url, ["hvor mange ble bosatt i 2020"], clients=32, duration=6, fresh=True))
        assert result.samples and all(s.status == 200 for s in result.samples)
        used = {p: _cpu_s(p) - before[p] for p in pids}
        assert min(used.values()) > 0.1 * max(used.values()), used
        # /metrics, whichever worker answers it, counts both workers' requests
        answered = 4 + sum(s.endpoint == "answer" for s in result.samples)
        for _ in range(4):
            text = httpx.get(f"{url}/metrics", timeout=30).text
            counted = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                          if line.startswith('kb_http_requests_total{handler="/answer"'))
            assert counted == answered, text[:2000]
            assert "kb_index_chunks" in text
        # stopped as a service manager stops it: every worker exits cleanly, nothing is left to warn about
        stop_server(proc, timeout=30)
        assert proc.returncode == 0
        assert "leaked" not in proc.stderr.read()
    finally:
        stop_server(proc, timeout=30)
