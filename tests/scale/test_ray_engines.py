"""The Ray engines give what the single-process path gives: the same stored documents, chunks and vectors,
on a small collection (the FoU appendix, a markdown note, a file that cannot be read)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from core.config import CORPUS_DIR
from index.build import build_index
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore

NOTE = """# Bosetting i 2021

I 2021 ble 5 000 flyktninger bosatt i 120 kommuner.

## Ventetid

Ventetiden fra vedtak til bosetting var 6 måneder i snitt.

| år | bosatt |
|---|---|
| 2020 | 3 000 |
| 2021 | 5 000 |
"""


@pytest.fixture(scope="module")
def ray_local():
    from ingest.engines.ray_session import ray_session

    with ray_session(None, workers=2) as ray:
        yield ray


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("small-collection")
    shutil.copy(CORPUS_DIR / "imdi-fou-prosjekter-2020.txt", src)
    (src / "notat-bosetting.md").write_text(NOTE, encoding="utf-8")
    (src / "tom.txt").write_text("", encoding="utf-8")  # nothing to read: reported, the others ingested
    return src


@pytest.fixture(scope="module")
def both(collection, tmp_path_factory, ray_local) -> tuple[Path, Path, list, list]:
    from ingest.engines.ray_pipeline import ingest_paths_ray

    local, ray = tmp_path_factory.mktemp("local-data"), tmp_path_factory.mktemp("ray-data")
    a = ingest_paths([collection], DocumentStore(local))
    b = ingest_paths_ray([collection], DocumentStore(ray), workers=2)
    return local, ray, a, b


def test_ray_ingest_stores_the_same_documents(both):
    local, ray, a, b = both
    assert [(Path(r.path).name, r.status, r.doc_id) for r in b] == [(Path(r.path).name, r.status, r.doc_id) for r in a]
    assert sorted(r.status for r in a) == ["failed", "ingested", "ingested"]
    for sub in ("docs", "sources"):
        names = sorted(p.name for p in (local / sub).iterdir())
        # docs/ holds each document's records and the digest the API lists it by
        assert names == sorted(p.name for p in (ray / sub).iterdir()) and len(names) == (4 if sub == "docs" else 2)
        for n in names:
            assert (ray / sub / n).read_bytes() == (local / sub / n).read_bytes(), n


def test_ray_ingest_skips_unchanged(both, collection):
    from ingest.engines.ray_pipeline import ingest_paths_ray

    _, ray, _, _ = both
    again = ingest_paths_ray([collection], DocumentStore(ray), workers=1)
    assert sorted(r.status for r in again) == ["failed", "unchanged", "unchanged"]


def test_ray_index_same_chunks_and_vectors(both, fake_embedder, tmp_path):
    from indexfakes import FakeEmbedder

    from index.engines.ray_index import build_index_ray

    local, ray, _, _ = both
    a = build_index(local, index_dir=tmp_path / "a", embedder=fake_embedder)
    b = build_index_ray(ray, index_dir=tmp_path / "b", factory=FakeEmbedder, workers=2)
    assert (b.documents, b.chunks, b.embedded) == (a.documents, a.chunks, a.embedded) and a.chunks > 50
    assert (tmp_path / "b" / "chunks.jsonl").read_bytes() == (tmp_path / "a" / "chunks.jsonl").read_bytes()
    va, vb = np.load(tmp_path / "a" / "vectors.npy"), np.load(tmp_path / "b" / "vectors.npy")
    assert va.shape == vb.shape
    np.testing.assert_allclose(vb, va, atol=1e-6)
    # a second run finds every vector in the index's cache and sends nothing to the workers
    again = build_index_ray(ray, index_dir=tmp_path / "b", factory=FakeEmbedder, workers=1, force=True)
    assert again.embedded == 0 and again.reused == a.chunks


@pytest.mark.slow
def test_ray_index_real_model_within_float_tolerance(both, tmp_path):
    """Batches differ between the paths (longest-first vs. as they come), so padding differs: float noise only.
    On fp32 weights: dynamic int8 (the default) scales activations per batch, so its vectors also depend on
    which passages share a batch (cosine ≥ 0.99, tests/embedders/test_embedder_onnx.py), which is not the
    engines' doing."""
    from index.engines.ray_index import build_index_ray
    from index.settings import IndexSettings

    local, ray, _, _ = both
    fp32 = IndexSettings(backend="onnx", quantize="none")
    build_index(local, index_dir=tmp_path / "a", settings=fp32)
    build_index_ray(ray, index_dir=tmp_path / "b", settings=fp32, workers=2)
    assert (tmp_path / "b" / "chunks.jsonl").read_bytes() == (tmp_path / "a" / "chunks.jsonl").read_bytes()
    va, vb = np.load(tmp_path / "a" / "vectors.npy"), np.load(tmp_path / "b" / "vectors.npy")
    np.testing.assert_allclose(vb, va, atol=1e-4)
    assert float(np.min(np.sum(va * vb, axis=1))) > 0.9999


def test_cli_ingest_engine_ray(collection, tmp_path, ray_local):
    from kb.cli import app

    r = CliRunner().invoke(app, ["ingest", str(collection / "notat-bosetting.md"), "--data", str(tmp_path),
                                 "--engine", "ray", "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "ingested" in r.output and DocumentStore(tmp_path).ids() == ["notat-bosetting"]


def test_cli_rejects_address_without_ray(tmp_path):
    from kb.cli import app

    r = CliRunner().invoke(app, ["ingest", "--data", str(tmp_path), "--address", "ray://x:10001"])
    assert r.exit_code == 2 and "--engine ray" in r.output


def test_missing_ray_is_one_clear_line(monkeypatch):
    import sys

    from core.extras import MissingExtraError
    from ingest.engines.ray_session import ray_session

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingExtraError, match=r"pip install '\.\[scale\]'"), ray_session():
        pass
