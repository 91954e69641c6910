"""`kb ingest` end to end on bad input: a clear message naming the file, exit code 1, good files still ingested."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from pdf_factory import encrypted_pdf, report_pdf
from typer.testing import CliRunner

from ingest.store import DocumentStore
from kb.cli import app

GOOD_TEXT = "Bosetting i kommunene\n\nFærre flyktninger ble bosatt i løpet av året; 49 prosent innen seks måneder.\n"


def kb_ingest(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["ingest", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, re.sub(r"\s+", " ", result.output)


@pytest.fixture
def data(tmp_path) -> Path:
    return tmp_path / "data"


def _error_for(out: str, path: Path) -> str:
    """The error message the CLI printed for `path`."""
    m = re.search(r"error " + re.escape(str(path)) + r": (.*?)(?= error | \d+ file\(s\) failed|$)", out)
    assert m, out
    return m.group(1)


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("tom.txt", b"", "the file is empty"),
    ("blank.md", b" \n\n\t\n", "the file is empty"),
    ("japansk.txt", "これは日本語のテキストです。".encode("shift_jis") * 20, "unknown text encoding"),
    ("utf16.txt", "Færre flyktninger ble bosatt i løpet av året.".encode("utf-16-le"), "UTF-16LE text without"),
    ("tilfeldig.txt", random.Random(7).randbytes(3000), "binary data (NUL bytes), not a text export"),
    ("tom.pdf", b"", "the file is empty (0 bytes)"),
    ("notat.pdf", b"Et notat om bosetting.\n", "not a PDF: it is a text file"),
    ("halv.pdf", report_pdf()[:9000], "damaged or truncated PDF"),
    ("passord.pdf", encrypted_pdf(), "encrypted; remove the password first"),
    ("rapport.txt", b"%PDF-1.7\n...", "this is a PDF saved with a text suffix"),
])
def test_bad_file_named_directly(tmp_path, data, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    code, out = kb_ingest(path, "--data", data)
    assert code == 1
    assert _error_for(out, path).startswith(reason)
    assert "nothing was ingested" in out
    assert "Traceback" not in out
    assert DocumentStore(data).ids() == []


def test_folder_with_one_good_and_one_bad_file(tmp_path, data):
    folder = tmp_path / "inn"
    folder.mkdir()
    (folder / "god.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "rapport.pdf").write_bytes(report_pdf())
    bad = folder / "skadet.pdf"
    bad.write_bytes(report_pdf()[:5000])
    code, out = kb_ingest(folder, "--data", data)
    assert code == 1
    assert _error_for(out, bad).startswith("damaged or truncated PDF")
    assert "1 file(s) failed; the others were ingested" in out
    store = DocumentStore(data)
    assert store.ids() == ["god", "rapport"]
    assert "Færre flyktninger" in store.source("god")
    assert store.read("rapport").meta.format == "pdf"


def test_unsupported_suffix_named_directly(tmp_path, data):
    path = tmp_path / "notat.docx"
    path.write_bytes(b"PK\x03\x04 word document")
    code, out = kb_ingest(path, "--data", data)
    assert code == 1
    assert _error_for(out, path) == "unsupported file type .docx; expected .pdf, .txt or .md"


def test_unsupported_files_in_a_folder_are_skipped_and_counted(tmp_path, data):
    folder = tmp_path / "inn"
    folder.mkdir()
    (folder / "god.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "bilde.png").write_bytes(b"\x89PNG\r\n")
    (folder / "notat.docx").write_bytes(b"PK\x03\x04 word document")
    (folder / ".DS_Store").write_bytes(b"\x00\x00")  # a hidden file is no document anyone meant
    code, out = kb_ingest(folder, "--data", data)
    assert code == 0, out
    # one line, not one per image: what was not read and why
    assert "skipped 2 file(s) of other types (.docx, .png; e.g. " in out
    assert "only .pdf, .txt and .md are read" in out and ".DS_Store" not in out
    assert DocumentStore(data).ids() == ["god"]


def test_missing_path(tmp_path, data):
    path = tmp_path / "finnes-ikke.pdf"
    code, out = kb_ingest(path, "--data", data)
    assert code == 1
    assert _error_for(out, path) == "no such file or folder"


def test_markup_like_file_names_are_printed_as_is(tmp_path, data):
    path = tmp_path / "rapport [2020].txt"
    path.write_bytes(b"")
    code, out = kb_ingest(path, "--data", data)
    assert code == 1
    assert f"error {path}: the file is empty" in out


def _statuses(out: str) -> list[str]:
    return re.findall(r"\b(ingested|unchanged) (?:god|rapport)\b", out)


def test_second_run_is_unchanged_and_force_reingests(tmp_path, data):
    folder = tmp_path / "inn"
    folder.mkdir()
    (folder / "god.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "rapport.pdf").write_bytes(report_pdf())
    code, out = kb_ingest(folder, "--data", data)
    assert code == 0 and _statuses(out) == ["ingested", "ingested"], out
    store = DocumentStore(data)
    before = store.path("rapport").stat().st_mtime_ns

    code, out = kb_ingest(folder, "--data", data)
    assert code == 0 and _statuses(out) == ["unchanged", "unchanged"], out
    assert store.path("rapport").stat().st_mtime_ns == before

    code, out = kb_ingest(folder, "--data", data, "--force")
    assert code == 0 and _statuses(out) == ["ingested", "ingested"], out
    assert store.path("rapport").stat().st_mtime_ns != before


def test_changed_file_is_reingested(tmp_path, data):
    path = tmp_path / "notat.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    kb_ingest(path, "--data", data)
    path.write_text(GOOD_TEXT + "\nEt nytt avsnitt om kvalifisering.\n", encoding="utf-8")
    code, out = kb_ingest(path, "--data", data)
    assert code == 0 and "ingested notat" in out, out
    assert "kvalifisering" in DocumentStore(data).source("notat")


def test_pdf_summary_end_to_end(tmp_path, data):
    path = tmp_path / "arsrapport.pdf"
    path.write_bytes(report_pdf())
    code, out = kb_ingest(path, "--data", data, "--summary")
    assert code == 0, out
    assert "ingested arsrapport" in out
    doc = DocumentStore(data).read("arsrapport")
    assert len(doc.pages) == 4 and len(doc.tables) == 1
    assert all(b.page.certainty.value == "exact" for b in doc.blocks)
