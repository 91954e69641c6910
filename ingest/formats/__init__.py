"""Format parsers. Each module exposes `parse(text: str, doc_id: str) -> ParsedDocument`."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from core.records import ParsedDocument
from ingest.formats.detect import Detection, detect

__all__ = ["FORMATS", "Detection", "detect", "detect_format", "get_parser"]

Parser = Callable[[str, str], ParsedDocument]

FORMATS: dict[str, str] = {
    "markdown_html": "ingest.formats.markdown.html",  # 000: markdown with HTML cells, tab tables
    "markdown": "ingest.formats.markdown.parser",  # 004 and any .md
    "ocr": "ingest.formats.ocr.parser",  # 001: OCR export, æøå lost
    "letter": "ingest.formats.letter.parser",  # 002: pdftotext, every line followed by a blank line
    "pdftotext": "ingest.formats.pdftotext.parser",  # 003: pdftotext, hard wraps, space tables
    "text": "ingest.formats.plain",  # anything else
}


def get_parser(name: str) -> Parser:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; expected one of {', '.join(sorted(FORMATS))}")
    return importlib.import_module(FORMATS[name]).parse


def detect_format(text: str, suffix: str = ".txt") -> str:
    """The parser profile of a text export (see `ingest.formats.detect` for the evidence)."""
    return detect(text, suffix).style
