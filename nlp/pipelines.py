"""The trained NorNE pipelines, loaded once per process: `load("nb")`, `load("nn")`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

import nlp.e5_features  # noqa: F401  (registers the e5 feature layer the committed configs' tok2vec names)

MODELS = Path(__file__).resolve().parent / "models"
CONFIGS_DIR = Path(__file__).resolve().parent / "configs"
LANGS = ("nb", "nn")


class MissingPipeline(RuntimeError):
    """The trained artefact is not on disk."""


def model_dir(lang: str) -> Path:
    """Folder of the trained pipeline for `lang`; raises for an unknown language or a missing artefact."""
    if lang not in LANGS:
        raise ValueError(f"no trained pipeline for {lang!r}; choose one of {', '.join(LANGS)}")
    path = MODELS / lang
    if not (path / "config.cfg").is_file():
        raise MissingPipeline(f"trained pipeline {path} is missing: run `make nlp` (python -m nlp.train --lang {lang})")
    return path


@lru_cache(maxsize=len(LANGS))
def load(lang: str) -> Language:
    """The trained tok2vec + ner pipeline for `nb` or `nn` (shared; do not add pipes to it)."""
    return spacy.load(model_dir(lang))


def training_record(lang: str) -> dict:
    """The training.json written next to the pipeline (config hash, data hash, scores, speed)."""
    return json.loads((model_dir(lang) / "training.json").read_text(encoding="utf-8"))
