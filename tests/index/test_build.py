"""Index builds: manifest, mismatch refusal, atomic swap, incremental re-embedding."""

from __future__ import annotations

import json
import os

import pytest
from indexfakes import FakeEmbedder

from core.errors import IndexMismatchError, IndexMissingError
from index.build import MANIFEST, build_index
from index.retrievers.dense import DenseSettings
from index.retrievers.keyword import KeywordIndex
from index.search import open_index
from index.settings import IndexSettings, SearchSettings
from ingest.store import DocumentStore
from text.tokenizer import TokenizerSettings


def test_manifest_records_model_documents_and_settings(fake_index_dir, store):
    m = json.loads((fake_index_dir / MANIFEST).read_text())
    assert m["model"] == {"name": "fake-hash-embedder", "backend": "onnx", "quantize": "int8",
                          "fingerprint": "fake-hash-embedder:v1:64",
                          "dim": 64}
    assert {d["id"]: d["sha256"] for d in m["documents"]} == {i: store.meta(i).sha256 for i in store.ids()}
    assert all(d["ingest_version"] == store.meta(d["id"]).ingest_version for d in m["documents"])
    assert m["settings"]["tokenizer"]["stem"] is True
    # the query-time settings are recorded beside the build settings and read back as they were written
    assert m["settings"]["search"] == SearchSettings().as_dict()
    assert IndexSettings.from_manifest(m).search == SearchSettings()
    assert m["settings"]["keyword"] == {"method": "bm25-lucene", "k1": 1.2, "b": 0.85}
    assert m["settings"]["dense"] == {"kind": "flat"}
    assert m["counts"]["chunks"] == m["counts"]["vectors"] > 0
    assert m["built_at"]
    facts = (fake_index_dir / "facts.jsonl").read_text().splitlines()
    assert len(facts) == m["counts"]["facts"] == sum(len(store.read(i).facts) for i in store.ids())


def test_mismatched_index_is_refused(fake_index_dir, fake_embedder):
    with pytest.raises(IndexMismatchError, match=r"dense index: index has flat, asked for hnsw.*kb index"):
        open_index(fake_index_dir, dense="hnsw", embedder=fake_embedder)
    with pytest.raises(IndexMismatchError, match="stemming: index has on, asked for off"):
        open_index(fake_index_dir, stem=False, embedder=fake_embedder)
    with pytest.raises(IndexMismatchError, match="model: index has fake-hash-embedder"):
        open_index(fake_index_dir, model="multilingual-e5-small")
    with pytest.raises(IndexMismatchError, match="fingerprint"):
        open_index(fake_index_dir, embedder=FakeEmbedder(tag="v2"))
    idx = open_index(fake_index_dir)  # keyword search needs no embedder...
    assert idx.search("bosetting", mode="keyword", k=1)
    with pytest.raises(IndexMismatchError, match="not available"):  # ...semantic search does
        idx.search("bosetting", mode="semantic")


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissingError, match="kb index"):
        open_index(tmp_path)


def test_unchanged_rebuild_embeds_nothing(data_copy):
    emb = FakeEmbedder()
    first = build_index(data_copy, embedder=emb)
    # the model is asked for every chunk and every sentence once, and for nothing else
    assert first.embedded + first.sentences_embedded == emb.passages_embedded and first.embedded > 0
    assert first.sentences_embedded > first.embedded and not first.unchanged
    again = build_index(data_copy, embedder=emb)
    assert again.unchanged and again.embedded == 0
    assert emb.passages_embedded == first.embedded + first.sentences_embedded
    forced = build_index(data_copy, embedder=emb, force=True)
    assert not forced.unchanged and forced.embedded == 0 and forced.reused == forced.chunks
    # other settings, same texts: the vectors are reused from the cache
    other = build_index(data_copy, embedder=emb, settings=IndexSettings(dense=DenseSettings(kind="hnsw"),
                                                                         tokenizer=TokenizerSettings(stem=False)))
    assert other.embedded == 0 and not other.unchanged
    assert open_index(data_copy, dense="hnsw", stem=False, embedder=emb).search("tolk", k=3, mode="semantic")


def test_changed_added_and_removed_documents_reembed_only_themselves(data_copy):
    emb = FakeEmbedder()
    base = build_index(data_copy, embedder=emb)
    store = DocumentStore(data_copy)
    doc = store.read("imdi-fou-2020")
    src = store.source("imdi-fou-2020")
    para = next(b for b in doc.blocks if b.kind == "paragraph" and len(b.text.split()) > 20)
    para.text = para.text + " Denne setningen er lagt til i en ny versjon."
    doc.meta.sha256 = "0" * 64
    store.write(doc, src)

    changed = build_index(data_copy, embedder=emb)
    assert changed.changed == ["imdi-fou-2020"] and not changed.added and not changed.removed
    assert set(changed.embedded_by_doc) == {"imdi-fou-2020"}
    assert 1 <= changed.embedded <= 2  # the chunk holding the paragraph (and a neighbour if the cut moved)
    assert emb.passages_embedded == (base.embedded + base.sentences_embedded
                                     + changed.embedded + changed.sentences_embedded)
    assert 0 < changed.sentences_embedded <= 2  # the changed paragraph's new sentence (and its neighbour)

    n_fou = sum(1 for c in open_index(data_copy, embedder=emb).chunks if c.doc_id == "imdi-fou-2020")
    store.remove("imdi-fou-2020")
    removed = build_index(data_copy, embedder=emb)
    assert removed.removed == ["imdi-fou-2020"] and removed.embedded == 0
    assert removed.chunks == base.chunks - n_fou

    store.write(doc, src)
    added = build_index(data_copy, embedder=emb)
    assert added.added == ["imdi-fou-2020"]
    assert set(added.embedded_by_doc) == {"imdi-fou-2020"} and added.embedded == n_fou
    hits = open_index(data_copy, embedder=emb).search("lagt til i en ny versjon", k=1, mode="keyword")
    assert hits[0].doc_id == "imdi-fou-2020"


def test_crash_during_build_keeps_the_old_index(data_copy, monkeypatch):
    emb = FakeEmbedder()
    build_index(data_copy, embedder=emb)
    index_dir = data_copy / "index"
    before = (index_dir / MANIFEST).read_text()

    store = DocumentStore(data_copy)
    store.remove("kd-tildelingsbrev-2020")

    def boom(self, folder):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(KeywordIndex, "save", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        build_index(data_copy, embedder=emb)
    monkeypatch.undo()
    assert (index_dir / MANIFEST).read_text() == before
    assert not [p for p in data_copy.iterdir() if p.name.startswith(".index")]
    idx = open_index(data_copy, embedder=emb)
    assert "kd-tildelingsbrev-2020" in {d["id"] for d in idx.documents()}
    assert idx.search("tildelingsbrev", k=1, mode="hybrid")


def test_crash_between_the_renames_is_recovered(data_copy):
    emb = FakeEmbedder()
    build_index(data_copy, embedder=emb)
    index_dir = data_copy / "index"
    os.replace(index_dir, data_copy / ".index.old")  # the state after the first rename of a swap
    idx = open_index(data_copy, embedder=emb)
    # a reader reads the previous index where it stands and renames nothing (a swap may be under way) ...
    assert len(idx) > 0 and idx.facts and not index_dir.exists()
    # ... the next build puts it back first
    build_index(data_copy, embedder=emb)
    assert index_dir.exists() and not (data_copy / ".index.old").exists()


class _WordTokens:
    """A tokenizer double: three tokens per word (numbers and compounds split into pieces) plus start and end."""

    def __call__(self, text: str) -> dict:
        return {"input_ids": [0] * (3 * len(text.split()) + 2)}


def test_chunks_the_model_truncates_are_counted_and_remembered(data_copy):
    from core.records import Chunk
    from index.build import MODEL_MAX_TOKENS
    from index.chunking import embed_text

    emb = FakeEmbedder(tag="words")
    emb.tokenizer = _WordTokens()
    report = build_index(data_copy, embedder=emb)
    chunks = [json.loads(x) for x in (data_copy / "index" / "chunks.jsonl").read_text().splitlines()]
    over = [c["id"] for c in chunks if 3 * len(("passage: " + embed_text(Chunk(**c))).split()) + 2 > MODEL_MAX_TOKENS]
    assert over  # the longest chunks (about 250 words) are over the limit for this double
    m = json.loads((data_copy / "index" / MANIFEST).read_text())
    assert report.truncated == over == m["truncated_chunks"] and m["counts"]["truncated_chunks"] == len(over)
    # a rebuild that embeds nothing still knows which chunks were cut
    again = build_index(data_copy, embedder=emb, force=True)
    assert again.embedded == 0 and again.truncated == over


def test_dense_ties_go_by_row_as_in_the_other_retrievers_and_stores():
    """Equal vectors score alike; FAISS leaves their order to its heap, the index orders them by row."""
    import numpy as np

    from index.retrievers.dense import DenseIndex

    rng = np.random.default_rng(7)
    base = rng.normal(size=(40, 8)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    vectors = base.copy()
    vectors[[3, 17, 29, 35]] = base[11]  # five rows with one vector
    dense = DenseIndex(vectors)
    ids, scores = dense.search(base[11], 12)
    tied = [int(i) for i, s in zip(ids, scores, strict=True) if abs(s - scores[0]) < 1e-6]
    assert tied == [3, 11, 17, 29, 35]
    assert list(scores) == sorted(scores, reverse=True)
    # a mask keeps the rule
    mask = np.ones(40, dtype=bool)
    mask[11] = False
    ids, _ = dense.search(base[11], 4, mask)
    assert ids.tolist() == [3, 17, 29, 35]
