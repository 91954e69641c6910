"""Named tables and figures: `Tabell 3-2-1`, `Tabell 3.2.1.`, `Figur 3-1-5:`, `Tabell 4-2`."""

from __future__ import annotations

import re

# The parts every caption pattern is made of: the kind word and the number (`3-2-1`, `3.2.1`, `4-2`).
KIND = r"(?:tabell|figur|tab\.|fig\.)"
NUMBER = r"\d+(?:\s?[-.–]\s?\d+)*"
# Three strictnesses, because the exports differ in how much else can look like a caption:
# any caption line, in any case, after markup (markdown; `**Tabell 3.3.3.**`);
CAPTION_RE = re.compile(rf"^\W*(?P<kind>{KIND})\s*(?P<num>{NUMBER})\s*[.:]?\s*(?P<title>.*)$", re.IGNORECASE)
# a capitalised kind at the start of a hard-wrapped line, then a title or nothing (pdftotext: prose says "tabell 2");
LINE_CAPTION_RE = re.compile(rf"^\s*(?:Tabell|Figur|Tab\.|Fig\.)\s*{NUMBER}\s*[.:]?(?:\s+\S|\s*$)")
# a dotted number and a capitalised title (OCR: the only numbering that survives and the only safe title start).
DOTTED_CAPTION_RE = re.compile(r"^\s?(?P<kind>Tabell|Figur)\s+(?P<num>\d+(?:\.\d+)+)\.?\s+(?P<title>[A-ZÆØÅ@«].*)$")
# The source line under a table or figure: `Kilde: IMDi`, `Kjelde: SSB` (group 1: the source named).
SOURCE_RE = re.compile(r"^\s*(?:kilde|kjelde|kilder|kjelder|source)\s*:\s*(.*)$", re.IGNORECASE)
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
