"""The ingest pipeline around the parsers: PDF documents in the store, atomic writes, no tracebacks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pdf_factory import PAGE2_PHRASE, report_pdf

from core.records import PageCertainty
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore

NOTE = "Bosetting i kommunene\n\nFærre flyktninger ble bosatt i løpet av året.\n"


@pytest.fixture
def store(tmp_path) -> DocumentStore:
    return DocumentStore(tmp_path / "data")


def _snapshot(store: DocumentStore) -> dict[str, bytes]:
    return {str(p.relative_to(store.data)): p.read_bytes() for p in sorted(store.data.rglob("*")) if p.is_file()}


def test_pdf_document_in_the_store(tmp_path, store):
    path = tmp_path / "IMDi årsrapport 2020.pdf"
    path.write_bytes(report_pdf())
    [result] = ingest_paths([path], store)
    assert (result.status, result.doc_id) == ("ingested", "imdi-arsrapport-2020")
    doc = store.read(result.doc_id)
    source = store.source(result.doc_id)
    assert doc.meta.format == "pdf" and doc.meta.n_chars == len(source)
    assert doc.meta.title == "Årsrapport 2020 for Integrerings- og mangfoldsdirektoratet"
    assert source.count("\f") == 3 and [p.text for p in doc.pages] == source.split("\f")
    assert all(b.page.certainty == PageCertainty.exact for b in doc.blocks)
    hit = next(b for b in doc.blocks if PAGE2_PHRASE in b.text)
    assert hit.page.page == 2
    assert "Færre flyktninger" in source[hit.span.start:hit.span.end]
    assert doc.meta.lang == "nb"


def test_unexpected_parser_error_is_a_failed_result(tmp_path, store, monkeypatch):
    import ingest.formats.pdf.parser

    def broken(path, doc_id):
        raise ValueError("odd object")

    monkeypatch.setattr(ingest.formats.pdf.parser, "parse_pdf", broken)
    monkeypatch.delenv("KB_DEBUG", raising=False)
    path = tmp_path / "rar.pdf"
    path.write_bytes(report_pdf())
    [result] = ingest_paths([path], store)
    assert result.status == "failed"
    assert result.message.startswith("could not be parsed (ValueError: odd object)")


def _ingest_then_change(tmp_path: Path, store: DocumentStore) -> tuple[Path, dict[str, bytes]]:
    path = tmp_path / "notat.txt"
    path.write_text(NOTE, encoding="utf-8")
    assert ingest_paths([path], store)[0].status == "ingested"
    path.write_text(NOTE + "\nEt nytt avsnitt om kvalifisering og arbeid.\n", encoding="utf-8")
    return path, _snapshot(store)


def test_failed_rename_keeps_the_old_store_files(tmp_path, store, monkeypatch):
    path, before = _ingest_then_change(tmp_path, store)

    def no_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_replace)
    [result] = ingest_paths([path], store)
    assert result.status == "failed" and "cannot write to the data folder" in result.message
    assert "No space left on device" in result.message
    assert _snapshot(store) == before  # old files intact, no temp files left


def test_crash_while_serialising_keeps_the_old_store_files(tmp_path, store, monkeypatch):
    path, before = _ingest_then_change(tmp_path, store)
    real_dumps = json.dumps
    calls = {"n": 0}

    def crash_late(obj, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 3:  # part-way through the records
            raise RuntimeError("killed")
        return real_dumps(obj, *args, **kwargs)

    monkeypatch.setattr(json, "dumps", crash_late)
    with pytest.raises(RuntimeError):
        ingest_paths([path], store, force=True)
    monkeypatch.setattr(json, "dumps", real_dumps)
    assert _snapshot(store) == before  # neither the source nor the records were touched
    assert store.read("notat").meta.sha256 != ""


def test_crash_mid_write_leaves_no_temp_file(tmp_path, store, monkeypatch):
    path, before = _ingest_then_change(tmp_path, store)
    real_fsync = os.fsync

    def crash(fd):
        raise KeyboardInterrupt  # killed after the temp file was written, before the rename

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([path], store)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert _snapshot(store) == before
    # and the next run picks the change up
    assert ingest_paths([path], store)[0].status == "ingested"
    assert "kvalifisering" in store.source("notat")
