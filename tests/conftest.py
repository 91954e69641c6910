"""Shared fixtures: the bundled corpus, ingested once per test session into a temp data folder."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from core.config import CORPUS_DIR  # noqa: E402
from ingest.manifest import load_manifest  # noqa: E402

# the embedder double lives with the index tests; the scale tests (and their Ray workers) index with it too
sys.path.insert(0, str(Path(__file__).resolve().parent / "index"))


@pytest.fixture(scope="session")
def corpus_texts() -> dict[str, str]:
    """doc id -> source text of the bundled corpus."""
    return {e.id: (CORPUS_DIR / e.source).read_text(encoding="utf-8") for e in load_manifest()}


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """A data folder with the bundled corpus ingested (once per session)."""
    from ingest.pipeline import ingest_paths
    from ingest.store import DocumentStore

    data = tmp_path_factory.mktemp("data")
    results = ingest_paths([CORPUS_DIR], DocumentStore(data))
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
    return data


@pytest.fixture(scope="session")
def store(data_dir):
    from ingest.store import DocumentStore

    return DocumentStore(data_dir)


@pytest.fixture(scope="session")
def real_index_dir(data_dir, tmp_path_factory) -> Path:
    """The bundled corpus indexed with the real model, built once per session (a few minutes): share it."""
    from index.build import build_index

    out = tmp_path_factory.mktemp("real-index") / "index"
    build_index(data_dir, index_dir=out)
    return out


@pytest.fixture(scope="session")
def real_index(real_index_dir):
    """The bundled corpus indexed with the real multilingual-e5-small (the session's one shared build)."""
    from index.search import open_index

    return open_index(real_index_dir)


@pytest.fixture(scope="session")
def fake_embedder():
    from indexfakes import FakeEmbedder

    return FakeEmbedder()


@pytest.fixture(scope="session")
def fake_index_dir(data_dir, tmp_path_factory, fake_embedder) -> Path:
    """The bundled corpus indexed with the hashing test double (fast); the index and scale tests share it."""
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


@pytest.fixture()
def reads(monkeypatch):
    """Full document reads (DocumentStore.read) by id, whoever makes them: a Counter."""
    from collections import Counter

    from ingest.store import DocumentStore

    counts: Counter = Counter()
    read = DocumentStore.read

    def counting(self, doc_id):
        counts[doc_id] += 1
        return read(self, doc_id)

    monkeypatch.setattr(DocumentStore, "read", counting)
    return counts
