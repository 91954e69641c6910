"""The EntityRuler's pattern files (`ingest/enrich/data/*.jsonl`, spaCy's pattern format) and the place lists
the answer module reads from them; no spaCy import, so reading a list costs nothing at query time."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

PATTERN_DIR = Path(__file__).resolve().parent / "data"
PLACE_LISTS = {"country": "gpe_countries.jsonl", "county": "gpe_counties.jsonl",
               "municipality": "gpe_municipalities.jsonl"}


def read_patterns(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@lru_cache(maxsize=len(PLACE_LISTS))
def place_names(kind: str) -> frozenset[str]:
    """The ruler's names of one kind of place (`country`, `county`, `municipality`), case-folded."""
    return frozenset(p["pattern"].casefold() for p in read_patterns(PATTERN_DIR / PLACE_LISTS[kind])
                     if isinstance(p["pattern"], str))
