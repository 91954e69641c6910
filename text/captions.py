"""Named tables and figures: `Tabell 3-2-1`, `Tabell 3.2.1.`, `Figur 3-1-5:`, `Tabell 4-2`."""

from __future__ import annotations

import re

CAPTION_RE = re.compile(
    r"^\W*(?P<kind>tabell|figur|tab\.|fig\.)\s*(?P<num>\d+(?:\s?[-.–]\s?\d+)*)\s*[.:]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
# In a question: "figur 3-1-5", "tabell 3.2.1", "fig 3 1 5"
MENTION_RE = re.compile(r"\b(?P<kind>tabell|figur|tab|fig)\.?\s*(?P<num>\d+(?:\s?[-.–\s]\s?\d+)*)", re.IGNORECASE)


def normalise_number(num: str) -> str:
    """`3.1.5`, `3-1-5`, `3 – 1 – 5`, `3.3.3.` -> `3-1-5` style."""
    parts = re.findall(r"\d+", num)
    return "-".join(str(int(p)) for p in parts)


def normalise_kind(kind: str) -> str:
    return "tabell" if kind.lower().startswith("tab") else "figur"


def parse_caption(line: str) -> tuple[str, str, str, str] | None:
    """(kind, number, label, title) for a caption line, else None."""
    m = CAPTION_RE.match(line.strip().strip("*").strip())
    if not m:
        return None
    kind = normalise_kind(m.group("kind"))
    number = normalise_number(m.group("num"))
    title = m.group("title").strip().strip("*").strip()
    label = f"{kind.capitalize()} {m.group('num').strip()}"
    return kind, number, label, title


def mentions(text: str) -> list[tuple[str, str]]:
    """Named tables/figures mentioned in a query or text, as (kind, normalised number)."""
    return [(normalise_kind(m.group("kind")), normalise_number(m.group("num"))) for m in MENTION_RE.finditer(text)]
