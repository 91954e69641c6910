"""Format parsers. Each module exposes `parse(text: str, doc_id: str) -> ParsedDocument`."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

from core.records import ParsedDocument

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
    """Guess the parser profile of a text export from its shape."""
    lines = text.splitlines()
    nonblank = [ln for ln in lines if ln.strip()]
    if not nonblank:
        return "text"
    if len(re.findall(r"<(?:b|sup|p)>", text)) > 20 and "\t" in text:
        return "markdown_html"
    if suffix == ".md" or sum(ln.startswith("#") for ln in nonblank) >= 3:
        return "markdown"
    # every text line followed by one empty line
    pairs = sum(1 for a, b in zip(lines, lines[1:], strict=False) if a.strip() and not b.strip())
    if pairs > 0.8 * len(nonblank) and len(lines) > 1.8 * len(nonblank):
        return "letter"
    if not re.search(r"[æøåÆØÅ]", text) and re.search(r"\b(pa|pd|p&|og)\b", text) and len(text) > 2000:
        return "ocr"
    return "pdftotext" if len(nonblank) > 50 else "text"
