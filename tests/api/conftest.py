"""API fixtures: a small real store (two corpus documents) with an index built by a fake embedder (fast),
and a TestClient over it. Helpers (live server, config) are in apisupport.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apisupport import SMALL_CORPUS, HashEmbedder, fake_loader, small_config
from fastapi.testclient import TestClient

from core.config import CORPUS_DIR
from index.build import build_index
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from search_api.app import create_app


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """The 2020 annual report and the FoU appendix, ingested for real, indexed with the fake embedder."""
    data = tmp_path_factory.mktemp("api-data")
    results = ingest_paths([CORPUS_DIR / name for name in SMALL_CORPUS], DocumentStore(data))
    assert all(r.status != "failed" for r in results), results
    build_index(data, embedder=HashEmbedder())
    return data


@pytest.fixture(scope="session")
def client(small_data) -> Iterator[TestClient]:
    with TestClient(create_app(small_config(small_data), loader=fake_loader),
                    raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def source_2020(small_data) -> str:
    return DocumentStore(small_data).source("imdi-arsrapport-2020")
