"""Scale fixtures: the bundled corpus indexed with the hashing test double, and that index published to
Milvus Lite (a file in a temp folder). Ray and Milvus are the `scale` extra, which `make test` installs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# the index tests' embedder double (tests/index/indexfakes.py); Ray workers import it from the same path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "index"))

from indexfakes import FakeEmbedder  # noqa: E402


@pytest.fixture(scope="session")
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def scale_index_dir(data_dir, tmp_path_factory, fake_embedder) -> Path:
    from index.build import build_index

    out = tmp_path_factory.mktemp("scale-index") / "index"
    build_index(data_dir, index_dir=out, embedder=fake_embedder)
    return out


@pytest.fixture(scope="session")
def milvus_uri(scale_index_dir, tmp_path_factory) -> str:
    """The fake-embedder index published to a Milvus Lite file."""
    from index.stores.milvus import MilvusSettings, payload_from_folder, publish

    uri = str(tmp_path_factory.mktemp("milvus") / "kb.db")
    publish(payload_from_folder(scale_index_dir), MilvusSettings(uri=uri))
    return uri


@pytest.fixture(scope="session")
def local_index(scale_index_dir, fake_embedder):
    from index.search import open_index

    return open_index(scale_index_dir, embedder=fake_embedder)


@pytest.fixture(scope="session")
def milvus_index(milvus_uri, data_dir, fake_embedder):
    from index.search import open_index

    return open_index(data_dir, store="milvus", uri=milvus_uri, embedder=fake_embedder)
