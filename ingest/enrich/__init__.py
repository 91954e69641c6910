"""Enrichment after parsing: named entities on blocks, key figures as facts."""

from __future__ import annotations

from core.records import Document


def enrich(doc: Document, source: str | None = None) -> None:
    """Attach entities to `doc`'s blocks and fill `doc.facts`, in place.

    `source` is the document's source text; with it, text facts get the exact span
    of their sentence, without it the span of their block.
    """
    # imported here, not with the package: the answer module reads the package's gazetteers, and a server that
    # reads place names need not load spaCy (and with it torch)
    from ingest.enrich.facts import extract_facts
    from ingest.enrich.ner import annotate_blocks

    annotate_blocks(doc.blocks)
    doc.facts = extract_facts(doc, source)
