"""The static-vector builder (nlp/vectors.py): vocabulary, PCA, the stored table and its spaCy form."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from nlp import vectors as V
from nlp.pipelines import load, training_record
from nlp.train import CONFIGS, uses_static_vectors


def test_vocabulary_lower_keys_in_frequency_order_encoded_in_the_usual_case():
    counts = V.count_words([["Oslo", "ligger", "i", "Norge", "."], ["I", "Oslo", "bor", "folk"]], ["oslo i dag"])
    vocab = V.vocabulary(counts, extra=["ligger", "Ny", "ny", "…", "x" * 40], max_words=100)
    keys = [k for k, _ in vocab]
    assert keys[:2] == ["i", "oslo"]  # 3 times each; ties by key
    assert dict(vocab)["oslo"] == "Oslo"  # twice "Oslo", once "oslo"
    assert "." not in keys and "…" not in keys and "x" * 40 not in keys
    assert keys.count("ligger") == 1 and keys.count("ny") == 1
    assert keys[-1] == "ny"  # extra words come after the counted ones


def test_vocabulary_cap_cuts_the_extra_words_first():
    counts = Counter({"a": 3, "b": 2, "c": 1})
    assert [k for k, _ in V.vocabulary(counts, extra=["d", "e"], max_words=4)] == ["a", "b", "c", "d"]
    assert [k for k, _ in V.vocabulary(counts, extra=["d"], max_words=2)] == ["a", "b"]


def test_reduce_keeps_the_main_directions_and_is_deterministic():
    rng = np.random.default_rng(0)
    # two clusters along one direction plus small noise in 30 dims
    x = rng.normal(0, 0.05, (200, 30))
    x[:100, 0] += 1.0
    out = V.reduce(x, 4)
    assert out.shape == (200, 4) and out.dtype == np.float32
    assert np.linalg.norm(out, axis=1).mean() == pytest.approx(1.0, rel=1e-5)
    # the first component separates the clusters
    first, second = np.sign(out[:100, 0]), np.sign(out[100:, 0])
    assert (first == first[0]).all() and (second == -first[0]).all()
    assert np.array_equal(V.reduce(x, 4), out)
    # signs are fixed by the components, not left to the SVD: the mirrored data gives the mirrored table
    assert np.allclose(V.reduce(-x, 4), -out, atol=1e-5)


def test_table_round_trips_into_spacy_vectors_found_in_any_case(tmp_path):
    keys = ["oslo", "bergen", "og"]
    data = np.arange(12, dtype=np.float32).reshape(3, 4)
    record = V.save(keys, data, tmp_path / "table", {"source": "test"})
    assert record["words"] == 3 and record["dims"] == 4
    assert record["sha256"] == V.table_sha256(keys, data) != V.table_sha256(keys, data + 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table"]  # no temporary folder left behind

    import spacy

    nlp = spacy.load(V.to_spacy(tmp_path / "table", "nn", tmp_path / "spacy"))
    assert nlp.lang == "nn"
    doc = nlp.make_doc("OSLO og Bergen, oslo Og Tromsø")
    rows = [[*t.vector] for t in doc]
    assert rows[:5] == [[*data[0]], [*data[2]], [*data[1]], [0.0] * 4, [*data[0]]]  # "," has none
    assert rows[5] == [*data[2]] and not doc[6].has_vector
    assert nlp.vocab.vectors.shape == (3, 4)  # the variants share rows


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_committed_pipeline_carries_the_recorded_vectors(lang):
    rec = training_record(lang)
    vectors = load(lang).vocab.vectors
    assert uses_static_vectors(CONFIGS / f"{lang}.cfg") == (rec.get("static_vectors") is not None)
    if rec.get("static_vectors") is None:
        assert vectors.shape[0] == 0
    else:
        assert vectors.shape == (rec["static_vectors"]["words"], rec["static_vectors"]["dims"])
        assert load(lang).vocab["Oslo"].has_vector


@pytest.mark.slow
def test_build_pieces_table_is_reused_until_its_recipe_changes(tmp_path):
    """Method (b) end to end on a small vocabulary: NorNE's training words first, rebuilt only when asked."""
    from core.config import NORNE_DIR

    if not NORNE_DIR.is_dir():
        pytest.skip(f"NorNE not found at {NORNE_DIR}")
    out, rec = V.build(NORNE_DIR, tmp_path / "t", dims=8, max_words=300, method="pieces")
    keys = (out / "keys.txt").read_text(encoding="utf-8").split("\n")[:-1]
    assert (rec["words"], rec["dims"], len(keys)) == (300, 8, 300)
    assert {"og", "i", "er"} <= set(keys[:20])  # the most frequent words lead
    assert rec["source"].startswith("multilingual-e5-small:st:")
    assert rec["sha256"] == V.table_sha256(keys, np.load(out / "vectors.npy"))
    stamp = (out / "vectors.npy").stat().st_mtime_ns
    assert V.build(NORNE_DIR, tmp_path / "t", dims=8, max_words=300, method="pieces")[1] == rec
    assert (out / "vectors.npy").stat().st_mtime_ns == stamp
    assert V.build(NORNE_DIR, tmp_path / "t", dims=4, max_words=300, method="pieces")[1]["dims"] == 4
