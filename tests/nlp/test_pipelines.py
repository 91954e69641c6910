"""The committed NorNE pipelines: they load, their recorded data hash and scores hold, they find entities."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from nlp.convert import LABELS, data_hash
from nlp.pipelines import CONFIGS_DIR, MissingPipeline, load, model_dir, training_record

REPO = Path(__file__).resolve().parents[2]
NORNE = REPO.parent / "shared" / "norne"
# Just under the committed pipelines' test F1 (0.802 nb, 0.816 nn), so a worse retraining fails here.
# The targets are 0.80 nb and 0.78 nn; see eval/REPORT.md.
FLOOR = {"nb": 0.792, "nn": 0.805}
SENTENCES = {
    "nb": ("Kari Nordmann flyttet fra Bergen til Tromsø i fjor for å begynne i Arbeids- og velferdsetaten.",
           {"Kari Nordmann": "PER"}, {"Bergen", "Tromsø"}),
    "nn": ("Ola Nordmann budde i Førde før han flytta til Trondheim for å arbeide i Statens vegvesen.",
           {"Ola Nordmann": "PER"}, {"Førde", "Trondheim"}),
}


@pytest.fixture(scope="session", params=["nb", "nn"])
def lang(request) -> str:
    return request.param


def test_pipeline_loads_once(lang):
    nlp = load(lang)
    assert load(lang) is nlp
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert nlp.lang == lang
    assert set(nlp.get_pipe("ner").labels) == set(LABELS)


def test_recorded_config_is_the_checked_in_one(lang):
    rec = training_record(lang)
    config = CONFIGS_DIR / f"{lang}.cfg"
    assert rec["config_sha256"] == hashlib.sha256(config.read_bytes()).hexdigest()


def test_recorded_data_hash_matches_norne(lang):
    if not NORNE.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"NorNE not found at {NORNE} in CI")
        pytest.skip(f"NorNE not found at {NORNE}")
    rec = training_record(lang)
    assert rec["data_sha256"] == data_hash(NORNE, rec["data_files"])


def test_recorded_scores_meet_floor(lang):
    rec = training_record(lang)
    test = rec["test"]
    assert test["f"] >= FLOOR[lang]
    assert 0 < test["p"] <= 1 and 0 < test["r"] <= 1
    # The frequent types are each learned, not carried by one of them.
    for label in ("PER", "ORG", "GPE_LOC"):
        assert test["per_type"][label]["f"] >= 0.6, label
    assert rec["dev"]["f"] > 0 and rec["words_per_second"] > 0


@pytest.mark.slow
def test_recorded_test_scores_are_what_the_committed_pipeline_scores(lang, tmp_path):
    """The recorded F1 is the committed artefact's, not an earlier checkpoint's: re-score it on the UD test file."""
    if not NORNE.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"NorNE not found at {NORNE} in CI")
        pytest.skip(f"NorNE not found at {NORNE}")
    from nlp.convert import convert
    from nlp.train import evaluate

    rec = training_record(lang)
    convert(NORNE, lang, tmp_path, both=rec["trained_on_both_standards"])
    now = evaluate(load(lang), tmp_path / "test.spacy")
    assert now["sentences"] == rec["test"]["sentences"]
    # The pipeline reads int8 e5 features, and int8 matrix kernels round differently from one CPU to the next: a
    # 2-core Xeon with AVX-512 VNNI scores the committed artefact 0.002 (nb) and 0.008 (nn) F1 away from the
    # record, which earlier CI machines matched to 1e-4. So the record is checked to 0.015, and the floor on
    # whatever machine runs this.
    assert (now["p"], now["r"], now["f"]) == pytest.approx(
        (rec["test"]["p"], rec["test"]["r"], rec["test"]["f"]), abs=0.015)
    assert now["f"] >= FLOOR[lang]


@pytest.mark.parametrize("which", ["nb", "nn"])
def test_finds_person_and_places(which):
    text, persons, places = SENTENCES[which]
    ents = {(e.text, e.label_) for e in load(which)(text).ents}
    for surface, label in persons.items():
        assert (surface, label) in ents, ents
    found_places = {t for t, label in ents if label in {"GPE_LOC", "LOC"}}
    assert places <= found_places, ents


def test_missing_artefact_names_make_nlp(monkeypatch, tmp_path):
    monkeypatch.setattr("nlp.pipelines.MODELS", tmp_path)
    with pytest.raises(MissingPipeline, match="make nlp"):
        model_dir("nb")
