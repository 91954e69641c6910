"""Index fixtures; the fake-model index itself is shared from tests/conftest.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture()
def data_copy(data_dir, tmp_path) -> Path:
    """A private copy of the ingested data folder that a test may change."""
    dst = tmp_path / "data"
    for sub in ("docs", "sources"):
        shutil.copytree(data_dir / sub, dst / sub)
    return dst
