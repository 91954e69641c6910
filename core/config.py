"""Where things live: the project, the bundled corpus, the data folder."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_ROOT / "corpus"
MANIFEST = CORPUS_DIR / "manifest.toml"
# the data shared beside the project (not shipped with it): NorNE to train the NER and the OCR context model,
# the outside question set
SHARED_DIR = PROJECT_ROOT.parent / "shared"
NORNE_DIR = SHARED_DIR / "norne"
OUTSIDE_DIR = SHARED_DIR / "outside"
DATA_ENV = "KB_DATA"


def data_dir(value: str | os.PathLike | None = None) -> Path:
    """`--data` if given, else $KB_DATA, else `data/` in the project."""
    if value:
        return Path(value).expanduser().resolve()
    env = os.environ.get(DATA_ENV)
    return Path(env).expanduser().resolve() if env else PROJECT_ROOT / "data"


def docs_dir(data: Path) -> Path:
    return data / "docs"


def sources_dir(data: Path) -> Path:
    return data / "sources"


def index_dir(data: Path) -> Path:
    return data / "index"
