"""The trained NorNE pipelines, loaded once per process: `load("nb")`, `load("nn")`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

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
    path = model_dir(lang)
    # only a pipeline with e5 features needs their layer registered (and with it the e5 runtime)
    if "imdi.E5" in (path / "config.cfg").read_text(encoding="utf-8"):
        import nlp.e5_features  # noqa: F401
    return spacy.load(path)


def training_record(lang: str) -> dict:
    """The training.json written next to the pipeline (config hash, data hash, scores, speed)."""
    return json.loads((model_dir(lang) / "training.json").read_text(encoding="utf-8"))
