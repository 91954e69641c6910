"""Fixtures for the evaluation harness: a tiny store cut from the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from evalfakes import EXCERPTS, excerpt

from core.records import Block, Document, DocumentMeta, Span
from ingest.store import DocumentStore


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    """A data folder with two small documents written straight to the store (no parser needed)."""
    data = tmp_path_factory.mktemp("evaldata")
    store = DocumentStore(data)
    for doc_id, (source, start, end) in EXCERPTS.items():
        text = excerpt(source, start, end)
        meta = DocumentMeta(id=doc_id, title=doc_id, source_file=source, original_name=f"{doc_id}-original.txt",
                            sha256="0" * 64, format="text", n_chars=len(text))
        block = Block(id=f"{doc_id}:b00000", doc_id=doc_id, kind="paragraph", text=text,
                      span=Span(start=0, end=len(text)))
        store.write(Document(meta=meta, blocks=[block]), text)
    return data
