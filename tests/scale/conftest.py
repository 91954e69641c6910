"""Scale fixtures: the fake-model index of tests/conftest.py published to Milvus Lite (a file in a temp folder).
Ray and Milvus are the `scale` extra, which `make test` installs."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def milvus_uri(fake_index_dir, tmp_path_factory) -> str:
    """The fake-embedder index published to a Milvus Lite file."""
    from index.stores.milvus import MilvusSettings, payload_from_folder, publish

    uri = str(tmp_path_factory.mktemp("milvus") / "kb.db")
    publish(payload_from_folder(fake_index_dir), MilvusSettings(uri=uri))
    return uri


@pytest.fixture(scope="session")
def milvus_index(milvus_uri, data_dir, fake_embedder):
    from index.search import open_index

    return open_index(data_dir, store="milvus", uri=milvus_uri, embedder=fake_embedder)


@pytest.fixture(scope="session")
def milvus_native_index(milvus_uri, data_dir, fake_embedder):
    """The same published index, hybrid queries fused by Milvus' hybrid search and ranker (the default)."""
    from index.search import open_index

    return open_index(data_dir, store="milvus", uri=milvus_uri, embedder=fake_embedder, store_fusion="native")


@pytest.fixture(scope="session")
def milvus_local_index(milvus_uri, data_dir, fake_embedder):
    """The same published index, keyword and semantic lists fused in this process (--milvus-fusion local)."""
    from index.search import open_index

    return open_index(data_dir, store="milvus", uri=milvus_uri, embedder=fake_embedder, store_fusion="local")
