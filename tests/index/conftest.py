"""Index fixtures: the real corpus (ingested once by tests/conftest.py), indexed with a fake or the real model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from indexfakes import FakeEmbedder


@pytest.fixture(scope="session")
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def fake_index_dir(data_dir, tmp_path_factory, fake_embedder) -> Path:
    """The bundled corpus indexed with the hashing test double (fast)."""
    from index.build import build_index

    out = tmp_path_factory.mktemp("fake-index") / "index"
    build_index(data_dir, index_dir=out, embedder=fake_embedder)
    return out


@pytest.fixture(scope="session")
def fake_index(fake_index_dir, fake_embedder):
    from index.search import open_index

    return open_index(fake_index_dir, embedder=fake_embedder)


@pytest.fixture()
def data_copy(data_dir, tmp_path) -> Path:
    """A private copy of the ingested data folder that a test may change."""
    dst = tmp_path / "data"
    for sub in ("docs", "sources"):
        shutil.copytree(data_dir / sub, dst / sub)
    return dst
