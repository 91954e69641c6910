"""Two `kb serve` processes share one index in a Milvus Lite *server* (milvus-lite's gRPC server on a local TCP
port, which any number of clients may reach, unlike a .db file, which one process opens): both answer as the
in-process index does, and both follow a republish without a restart. Real model (kb serve loads it), so slow."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from core.config import CORPUS_DIR

ROOT = Path(__file__).resolve().parents[2]
NOTE = """# Tolketjenester i Vestfold

I 2023 bestilte kommunene i Vestfold 4 321 tolkeoppdrag gjennom den nye skjermtolkordningen.
"""
QUERIES = ("hvilke FoU-prosjekter handlet om introduksjonsprogrammet", "negativ sosial kontroll",
           "hvor mange minoritetsrådgivere var det i 2020", "integreringsbarometeret")

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def kb(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "kb.cli", *args], env=env(), cwd=ROOT, capture_output=True, text=True,
                       timeout=timeout)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def get(port: int, path: str, **params) -> dict:
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=60) as resp:
        return json.loads(resp.read())


def start(args: list[str], log: Path) -> subprocess.Popen:
    """A server process; its stderr goes to a file (a pipe nobody reads would fill and stall it)."""
    with log.open("w") as err:
        return subprocess.Popen([sys.executable, *args], env=env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)


def wait_for(check, what: str, timeout: float, proc: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-2000:] if log else ""
            raise AssertionError(f"{what}: the process exited with {proc.returncode}: {tail}")
        try:
            got = check()
            if got:
                return got
        except OSError:
            pass  # not listening yet
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_two_kb_serve_processes_share_a_milvus_lite_server(tmp_path):
    from answer.compose import answer
    from index.search import open_index

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(CORPUS_DIR / "imdi-fou-prosjekter-2020.txt", src)
    data = tmp_path / "data"
    kb("ingest", str(src), "--data", str(data))
    procs: list[subprocess.Popen] = []
    try:
        mport = free_port()
        lite = start(["-m", "milvus_lite", "server", "--data-dir", str(tmp_path / "milvus.db"), "--host",
                      "127.0.0.1", "--port", str(mport)], tmp_path / "lite.log")
        procs.append(lite)
        wait_for(lambda: socket.create_connection(("127.0.0.1", mport), timeout=1).close() or True,
                 "Milvus Lite server", 60, lite, tmp_path / "lite.log")
        uri = f"http://127.0.0.1:{mport}"
        assert "published to Milvus" in kb("index", "--data", str(data), "--store", "milvus", "--uri", uri).stdout

        ports = [free_port(), free_port()]
        # the second replica fuses in its own process (--milvus-fusion local): both fusions answer alike
        for port, fusion in zip(ports, ("native", "local"), strict=True):
            procs.append(start(["-m", "kb.cli", "serve", "--data", str(data), "--port", str(port), "--store",
                                "milvus", "--uri", uri, "--milvus-fusion", fusion, "--log-level", "warning"],
                               tmp_path / f"serve-{port}.log"))
        for port, proc in zip(ports, procs[1:], strict=True):
            wait_for(lambda p=port: get(p, "/health")["index"]["loaded"], f"kb serve on {port}", 240, proc,
                     tmp_path / f"serve-{port}.log")

        local = open_index(data)  # FAISS + bm25s over the same build, in this process
        for q in QUERIES:
            want = [h.chunk_id for h in local.search(q, k=5)]
            assert len(want) == 5
            for port in ports:
                assert [h["chunk_id"] for h in get(port, "/search", q=q, k=5)["hits"]] == want, (q, port)
        q = "hvor mange minoritetsrådgivere var det i 2020"
        a = answer(q, local)
        got = [get(port, "/answer", q=q) for port in ports]
        assert a.value_text and all(g["value_text"] == a.value_text for g in got)
        assert all(g["citation"]["span"] == a.citation.span.model_dump(mode="json") for g in got)

        # republish: a new document, `kb index` again; both servers switch to the new generation by themselves
        before = [get(port, "/health")["index"]["build_id"] for port in ports]
        (src / "tolk-vestfold.md").write_text(NOTE, encoding="utf-8")
        kb("ingest", str(src / "tolk-vestfold.md"), "--data", str(data))
        assert "published to Milvus" in kb("index", "--data", str(data), "--store", "milvus", "--uri", uri).stdout
        for port, old in zip(ports, before, strict=True):
            wait_for(lambda p=port, o=old: get(p, "/health")["index"]["build_id"] != o, f"republish on {port}", 60)
            hits = get(port, "/search", q="skjermtolkordningen Vestfold", k=3)["hits"]
            assert hits[0]["doc_id"] == "tolk-vestfold", (port, hits[0]["doc_id"])
            assert get(port, "/health")["index"]["counts"]["documents"] == 2
    finally:
        for proc in reversed(procs):
            stop(proc)
