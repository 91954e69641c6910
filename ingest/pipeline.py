"""Ingest files into the document store: load, parse, detect language, enrich, write."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.errors import IngestError
from core.records import Document, DocumentMeta, ParsedDocument
from ingest import enrich
from ingest.formats import detect, get_parser
from ingest.loader import PDF_SUFFIXES, SUPPORTED, read_text
from ingest.manifest import ManifestEntry, find_entry, load_manifest
from ingest.pages import estimate_document, estimate_records
from ingest.store import DocumentStore
from text import lang
from text.years import YEAR_WORD_RE

PROJECT_DIR = Path(__file__).resolve().parent.parent
# ingestion's rules live in these packages (nlp: the trained NER and its records): a change means re-ingest
INGEST_CODE = ("ingest", "core", "text", "nlp")


@dataclass
class IngestResult:
    path: str
    status: str  # "ingested", "unchanged", "failed", "skipped" (a file of another type in a folder)
    doc_id: str | None = None
    message: str = ""


@lru_cache(maxsize=1)
def ingest_version() -> str:
    """Hash of the ingest code and its data files: changed rules mean re-ingest."""
    h = hashlib.sha256()
    for p in sorted(p for pkg in INGEST_CODE for p in (PROJECT_DIR / pkg).rglob("*")):
        if p.is_file() and p.suffix in {".py", ".jsonl", ".json", ".txt", ".toml"} and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(PROJECT_DIR)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[IngestResult]]:
    """Files named directly or found in folders; unsupported files named directly are errors, those found in a
    folder are reported as skipped (a user should see that `rapport.docx` was not read, not guess it)."""
    files: list[Path] = []
    errors: list[IngestResult] = []
    for p in paths:
        if p.is_dir() and (p / "manifest.toml").is_file():
            # a corpus folder: its manifest names the documents (corpus/NOTES.md describes them, it is not one)
            files.extend(p / e.source for e in load_manifest(p / "manifest.toml") if (p / e.source).is_file())
        elif p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            files.extend(f for f in found if f.suffix.lower() in SUPPORTED)
            errors.extend(IngestResult(str(f), "skipped", message=f"{f.suffix or 'no extension'}: only .pdf, .txt and "
                                       ".md are read") for f in found if f.suffix.lower() not in SUPPORTED)
        elif p.is_file():
            if p.suffix.lower() in SUPPORTED:
                files.append(p)
            else:
                errors.append(IngestResult(str(p), "failed", message=(
                    f"unsupported file type {p.suffix or '(none)'}; expected .pdf, .txt or .md")))
        else:
            errors.append(IngestResult(str(p), "failed", message="no such file or folder"))
    return files, errors


def slugify(name: str) -> str:
    t = unicodedata.normalize("NFKD", name.lower().replace("ø", "o").replace("æ", "ae"))
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")[:80] or "document"


def infer_year(text: str) -> int | None:
    years = Counter(int(y) for y in YEAR_WORD_RE.findall(text[:20000]))
    return years.most_common(1)[0][0] if years else None


def detect_languages(doc: Document) -> None:
    """Document language from all its text; each section's from its own blocks."""
    by_section: dict[str, list[str]] = {}
    for b in doc.blocks:
        if b.section_id:
            by_section.setdefault(b.section_id, []).append(b.text)
    full = " ".join(b.text for b in doc.blocks)
    doc.meta.lang_detected = lang.detect_passage(full, default=None)
    doc_lang = doc.meta.lang or doc.meta.lang_detected or "nb"
    if doc.meta.lang is None:
        doc.meta.lang = doc_lang
    sec_lang = {}
    for s in doc.sections:
        s.lang = lang.detect_passage(" ".join(by_section.get(s.id, [])), default=doc_lang)
        sec_lang[s.id] = s.lang
    for b in doc.blocks:
        b.lang = sec_lang.get(b.section_id or "", doc_lang)


def parse_file(path: Path, doc_id: str, fmt: str | None) -> tuple[str, ParsedDocument, str, str, list[str]]:
    """(source text, parsed document, format used, why that format, warnings)."""
    if path.suffix.lower() in PDF_SUFFIXES:
        from ingest.formats.pdf.parser import parse_pdf

        text, parsed = parse_pdf(path, doc_id)
        return text, parsed, "pdf", "a PDF file: read with pdfplumber", []
    text, warnings = read_text(path)
    found = detect(text, path.suffix.lower())
    if fmt:
        agree = "the detector agrees" if found.style == fmt else f"the detector would pick {found.style}"
        reason = f"named in the manifest ({fmt}); {agree}: {found.reason}"
    else:
        fmt, reason = found.style, found.reason
    parsed = get_parser(fmt)(text, doc_id)
    if not parsed.blocks:
        raise IngestError(str(path), "no text could be read from the file")
    return text, parsed, fmt, reason, warnings


def build_document(path: Path, data: bytes, entry: ManifestEntry | None, doc_id: str) -> tuple[Document, str]:
    sha = hashlib.sha256(data).hexdigest()
    text, parsed, fmt, reason, warnings = parse_file(path, doc_id, entry.format if entry else None)
    # a text export's pages: best estimates with measured bounds (a PDF's pages are exact)
    estimator = estimate_document(parsed, text, fmt) if fmt != "pdf" else None
    meta = DocumentMeta(
        id=doc_id,
        title=entry.title if entry else _infer_title(parsed, path),
        publisher=entry.publisher if entry else None,
        doc_type=entry.doc_type if entry else None,
        year=entry.year if entry else infer_year(text),
        lang=entry.lang if entry else None,
        source_file=entry.source if entry else str(path),
        original_name=entry.original if entry else path.name,
        sha256=sha,
        format=fmt,
        format_reason=reason,
        n_chars=len(text),
        ingest_version=ingest_version(),
    )
    doc = Document(
        meta=meta, pages=parsed.pages, sections=parsed.sections, blocks=parsed.blocks,
        tables=parsed.tables, figures=parsed.figures, ocr=parsed.ocr,
        warnings=[*warnings, *parsed.warnings],
    )
    detect_languages(doc)
    enrich.enrich(doc, text)
    if estimator is not None:
        estimate_records(doc.facts, estimator)  # a table row's fact: the row's own page, not the table's first
    return doc, text


def _infer_title(parsed: ParsedDocument, path: Path) -> str:
    if parsed.sections:
        return parsed.sections[0].title
    return parsed.blocks[0].text[:120] if parsed.blocks else path.stem


def ingest_paths(
    paths: list[Path],
    store: DocumentStore,
    force: bool = False,
    on_progress: Callable[[str], None] | None = None,
) -> list[IngestResult]:
    entries = load_manifest()
    files, results = collect_files(paths)
    seen_ids: dict[str, str] = {}
    for path in files:
        if on_progress:
            on_progress(path.name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            results.append(IngestResult(str(path), "failed", message=f"cannot read ({exc.strerror})"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        entry, doc_id = identify(entries, path, sha, seen_ids)
        if not force and unchanged(store, doc_id, sha):
            results.append(IngestResult(str(path), "unchanged", doc_id))
            continue
        try:
            doc, text = build_document(path, data, entry, doc_id)
        except IngestError as exc:
            results.append(IngestResult(str(path), "failed", doc_id, exc.reason))
            continue
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the batch or show a traceback
            if os.environ.get("KB_DEBUG"):
                raise
            results.append(IngestResult(str(path), "failed", doc_id, (
                f"could not be parsed ({type(exc).__name__}: {str(exc)[:200]}); "
                "set KB_DEBUG=1 for the traceback and report the file")))
            continue
        try:
            store.write(doc, text)
        except OSError as exc:
            results.append(IngestResult(str(path), "failed", doc_id,
                                        f"cannot write to the data folder {store.data} ({exc.strerror or exc})"))
            continue
        results.append(IngestResult(str(path), "ingested", doc_id))
    return results


def identify(entries: list[ManifestEntry], path: Path, sha: str,
             seen_ids: dict[str, str]) -> tuple[ManifestEntry | None, str]:
    """The manifest entry of a file (if any) and its document id: the entry's, else a slug of the name; a second,
    different file under the same id gets its hash appended (`seen_ids` maps id -> sha, updated here)."""
    entry = find_entry(entries, path.name, sha)
    doc_id = entry.id if entry else slugify(path.stem)
    if doc_id in seen_ids and seen_ids[doc_id] != sha:
        doc_id = f"{doc_id}-{sha[:8]}"
    seen_ids[doc_id] = sha
    return entry, doc_id


def unchanged(store: DocumentStore, doc_id: str, sha: str) -> bool:
    """Stored already from the same bytes by the same ingest code."""
    if not store.path(doc_id).exists() or not store.source_path(doc_id).exists():
        return False
    try:
        meta = store.meta(doc_id)
    except (ValueError, KeyError, OSError):
        return False
    return meta.sha256 == sha and meta.ingest_version == ingest_version()
