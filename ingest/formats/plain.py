"""The general parser, for text of no recognised export style: the layout-free reader in `generic`.

It assumes nothing about markup or line rhythm, so it is the safe fallback
when style detection is unsure (see `ingest.formats.detect`).
"""

from __future__ import annotations

from core.records import ParsedDocument
from ingest.formats.generic.reader import parse as read


def parse(text: str, doc_id: str) -> ParsedDocument:
    return read(text, doc_id)
