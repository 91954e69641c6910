"""Enrichment after parsing: named entities on blocks, key figures as facts."""

from __future__ import annotations

from ingest.records import Document


def enrich(doc: Document) -> None:
    """Attach entities and facts to `doc` in place (filled in by the facts/NER work)."""
    return None
