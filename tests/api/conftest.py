"""API fixtures: a small real store (two corpus documents) with an index built by a fake embedder (fast),
a TestClient over it, and a live uvicorn server for the client and swap tests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from apifakes import HashEmbedder, fake_loader
from fastapi.testclient import TestClient

from index.build import build_index
from ingest.config import CORPUS_DIR
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from search_api.app import create_app
from search_api.config import ServerConfig

SMALL_CORPUS = ("imdi-arsrapport-2020.txt", "imdi-fou-prosjekter-2020.txt")


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """The 2020 annual report and the FoU appendix, ingested for real, indexed with the fake embedder."""
    data = tmp_path_factory.mktemp("api-data")
    results = ingest_paths([CORPUS_DIR / name for name in SMALL_CORPUS], DocumentStore(data))
    assert all(r.status != "failed" for r in results), results
    build_index(data, embedder=HashEmbedder())
    return data


def small_config(data: Path, **kw) -> ServerConfig:
    return ServerConfig(data=data, warm_model=False, **{"reload_interval": 0.2, **kw})


@pytest.fixture(scope="session")
def client(small_data) -> Iterator[TestClient]:
    with TestClient(create_app(small_config(small_data), loader=fake_loader),
                    raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def source_2020(small_data) -> str:
    return DocumentStore(small_data).source("imdi-arsrapport-2020")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app) -> Iterator[str]:
    """uvicorn in a thread on a free loopback port; yields the base URL and stops the server after."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
