"""Sentence vectors: stored with the index, one group per chunk, reused on rebuild, and used by the second stage."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.errors import IndexCorruptError
from index.build import build_index
from index.rerank import Candidates
from index.search import open_index
from index.sentences import FILE, SentenceVectors, chunk_sentences
from index.settings import IndexSettings


def test_every_chunk_has_its_sentences(fake_index, fake_embedder):
    sv = fake_index.ranker.sentences
    assert sv is not None and sv.chunks == len(fake_index.chunks)
    counts = np.diff(sv.indptr)
    assert (counts >= 1).all()
    # the stored vectors are the embedder's vectors of those sentences (float16 on disk)
    row = int(np.argmax(counts))
    texts = chunk_sentences(fake_index.chunks[row])
    assert len(texts) == counts[row] > 1
    got = sv.vectors[sv.indptr[row]:sv.indptr[row + 1]]
    assert np.allclose(got, fake_embedder.embed_passages(texts), atol=2e-3)


def test_best_sentence_finds_the_matching_sentence(fake_index, fake_embedder):
    sv = fake_index.ranker.sentences
    row = int(np.argmax(np.diff(sv.indptr)))
    last = chunk_sentences(fake_index.chunks[row])[-1]
    q = fake_embedder.embed_queries([last])[0]
    other = (row + 1) % len(fake_index.chunks)
    best = sv.best(q, [row, other])
    assert best[0] == pytest.approx(1.0, abs=2e-3) and best[1] < best[0]


def test_rebuild_reuses_sentence_vectors(data_copy, fake_embedder, tmp_path):
    out = tmp_path / "index"
    first = build_index(data_copy, index_dir=out, embedder=fake_embedder)
    assert first.sentences_embedded > 0
    again = build_index(data_copy, index_dir=out, embedder=fake_embedder, force=True)
    assert again.sentences_embedded == 0
    assert open_index(out, embedder=fake_embedder).manifest["counts"]["sentence_vectors"] >= first.chunks


def test_index_without_sentences_and_a_broken_file(data_copy, fake_embedder, tmp_path):
    out = tmp_path / "index"
    build_index(data_copy, index_dir=out, embedder=fake_embedder, settings=IndexSettings(sentences=False))
    idx = open_index(out, embedder=fake_embedder)
    assert idx.ranker.sentences is None and not (out / FILE).exists()
    build_index(data_copy, index_dir=out, embedder=fake_embedder)
    (out / FILE).write_bytes(b"not an npz")
    with pytest.raises(IndexCorruptError):
        open_index(out, embedder=fake_embedder)


def test_sentence_weight_lifts_the_chunk_with_the_matching_sentence(fake_index, fake_embedder):
    """Two candidates tied by fusion: the one holding a sentence equal to the query goes first."""
    sv = fake_index.ranker.sentences
    row = int(np.argmax(np.diff(sv.indptr)))
    other = (row + 7) % len(fake_index.chunks)
    query = chunk_sentences(fake_index.chunks[row])[-1]
    base = fake_index.search_settings
    for first in (row, other):  # whatever order fusion hands them in
        second = other if first == row else row
        lists = {"keyword": (np.array([first, second]), np.array([1.0, 1.0]))}
        cands = Candidates(query, fake_index.candidates(query, 2).info, np.zeros(0, np.int32), lists)
        cands.qvec = fake_embedder.embed_queries([query])[0]
        weights = {t: replace(w, keyword=1.0) for t, w in base.weights.items()}
        s = replace(base, weights=weights, year_prior=0.0,
                    rerank=replace(base.rerank, proximity=0.0, section=0.0, sentence=1.0))
        assert fake_index.ranker.rank(cands, 2, s)[0].row == row
        off = replace(s, rerank=replace(s.rerank, sentence=0.0))
        assert fake_index.ranker.rank(cands, 2, off)[0].row == first


def test_sentence_vectors_reject_mismatched_offsets():
    with pytest.raises(ValueError):
        SentenceVectors(np.zeros((3, 4)), np.array([0, 2]), ["a", "b", "c"], "fp")


def test_sentence_vectors_by_chunk_id(fake_index, fake_embedder):
    """What the answers read: each chunk's stored sentence vectors in `chunk_sentences` order, by chunk id."""
    sv = fake_index.ranker.sentences
    row = int(np.argmax(np.diff(sv.indptr)))
    c = fake_index.chunks[row]
    got = fake_index.sentence_vectors([c.id, fake_index.chunks[0].id])
    assert list(got) == [c.id, fake_index.chunks[0].id]
    assert np.allclose(got[c.id], fake_embedder.embed_passages(chunk_sentences(c)), atol=2e-3)
    with pytest.raises(KeyError):
        fake_index.sentence_vectors(["no-such-chunk"])


def test_no_sentence_vectors_without_them(data_copy, fake_embedder, tmp_path):
    out = tmp_path / "index"
    build_index(data_copy, index_dir=out, embedder=fake_embedder, settings=IndexSettings(sentences=False))
    idx = open_index(out, embedder=fake_embedder)
    assert idx.sentence_vectors([idx.chunks[0].id]) == {}
