"""Read a text export into a `str`, refusing what is not text."""

from __future__ import annotations

from pathlib import Path

from core.errors import IngestError

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = TEXT_SUFFIXES | PDF_SUFFIXES


def decode_text(data: bytes, path: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 Norwegian text.

    Anything else is refused: guessing an encoding silently turns æøå into
    garbage that then gets indexed.
    """
    if not data.strip():
        raise IngestError(path, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data[:4096])
        if utf16:
            raise IngestError(path, f"{utf16} text without a byte-order mark; convert it to UTF-8 first, "
                                    f"e.g. `iconv -f {utf16} -t UTF-8`")
        raise IngestError(path, "binary data (NUL bytes), not a text export")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        letters = sum(ch in "æøåÆØÅ" for ch in text)
        odd = sum(not (ch.isprintable() or ch in "\n\r\t") for ch in text)
        if letters and odd / max(1, len(text)) < 0.001:
            return text, ["decoded as Windows-1252 (not UTF-8)"]
    raise IngestError(
        path,
        f"unknown text encoding: not UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset "
        f"{utf8_error.start}); convert it to UTF-8 first, e.g. `iconv -f <its encoding> -t UTF-8`",
    )


def _utf16_without_bom(head: bytes) -> str | None:
    """'UTF-16LE'/'UTF-16BE' when every other byte is NUL (the high byte of Latin letters), else None."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * len(even):
        return "UTF-16LE"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "UTF-16BE"
    return None


def read_text(path: Path) -> tuple[str, list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot read the file ({exc.strerror})") from exc
    if data.startswith(b"%PDF"):
        raise IngestError(str(path), "this is a PDF saved with a text suffix; rename it to .pdf")
    return decode_text(data, str(path))
