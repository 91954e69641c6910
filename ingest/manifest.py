"""The corpus manifest (TOML): metadata for the bundled documents."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.config import MANIFEST


@dataclass(frozen=True)
class ManifestEntry:
    id: str
    title: str
    publisher: str
    doc_type: str
    year: int
    lang: str
    source: str
    original: str
    sha256: str
    format: str | None = None


def load_manifest(path: Path = MANIFEST) -> list[ManifestEntry]:
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [ManifestEntry(**d) for d in data.get("document", [])]


def find_entry(entries: list[ManifestEntry], name: str, sha256: str) -> ManifestEntry | None:
    """By content hash first (a renamed copy still matches), then by file name."""
    for e in entries:
        if e.sha256 == sha256:
            return e
    for e in entries:
        if name in (e.source, e.original):
            return e
    return None
