"""Split the bundle into its letters: main letter, vedlegg 1–3, tillegg nr. 1–8.

Each part restarts its own page numbering and heading numbers, so the body
parser and the page map work part by part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.formats.letter.lines import TEXT, LetterMeta, Line

MAIN, INSTRUCTION, STATISTICS, CALENDAR, SUPPLEMENT = "main", "vedlegg1", "vedlegg2", "vedlegg3", "tillegg"

_INSTRUCTION = re.compile(r"^Kunnskapsdepartementets instruks for\b")
_STATISTICS = re.compile(r"^Statistikkrapportering \d{4}$")
_VEDLEGG = re.compile(r"^Vedlegg (\d)$")
_TILLEGG = re.compile(r"^Tillegg nr\.\s*(\d+) til tildelingsbrev", re.I)
_ROLE = re.compile(r"^(?:fung\. )?(?:avdelingsdirektør|seniorrådgiver|førstekonsulent|rådgiver|ekspedisjonssjef|"
                   r"departementsråd|underdirektør)$", re.I)


@dataclass
class Part:
    kind: str
    number: int | None  # vedlegg / tillegg number
    first: int  # first source line of the part (letterhead included)
    title_line: int | None  # first line of its title, None when the title is missing
    last: int = 0  # one past the last source line
    meta: LetterMeta = field(default_factory=LetterMeta)

    def lines(self, lines: list[Line]) -> list[Line]:
        return lines[self.first:self.last]


def split_parts(lines: list[Line], metas: list[LetterMeta]) -> list[Part]:
    texts = [ln for ln in lines if ln.kind == TEXT and ln.debris is None]
    parts: list[Part] = [Part(MAIN, None, 0, None)]
    for ln in texts:
        t = ln.text
        if _INSTRUCTION.match(t) and not _has(parts, INSTRUCTION):
            parts.append(Part(INSTRUCTION, 1, ln.no, ln.no))
        elif _STATISTICS.match(t) and _has(parts, INSTRUCTION) and not _has(parts, STATISTICS):
            parts.append(Part(STATISTICS, 2, ln.no, ln.no))
        elif (m := _VEDLEGG.match(t)) and _has(parts, STATISTICS) and not _has(parts, CALENDAR):
            parts.append(Part(CALENDAR, int(m.group(1)), ln.no, ln.no))
        elif m := _TILLEGG.match(t):
            parts.append(Part(SUPPLEMENT, int(m.group(1)), _letter_start(lines, ln.no), ln.no))
    parts = _find_untitled(parts, lines)
    for a, b in zip(parts, parts[1:], strict=False):
        a.last = b.first
    parts[-1].last = len(lines)
    for meta in metas:
        for p in parts:
            if meta.date_line is not None and p.first <= meta.date_line < p.last and p.meta.date is None:
                p.meta = meta
    return parts


def _has(parts: list[Part], kind: str) -> bool:
    return any(p.kind == kind for p in parts)


def _letter_start(lines: list[Line], title: int) -> int:
    """A letter begins with the page-1 footer pdftotext put before its title, if there is one."""
    start = title
    j = title - 1
    while j >= 0 and (lines[j].kind != TEXT or lines[j].debris == "letterhead"):
        if lines[j].debris == "letterhead":
            start = j
        j -= 1
    return start


def _find_untitled(parts: list[Part], lines: list[Line]) -> list[Part]:
    """A tillegg whose title line is missing: the text after the previous letter's signature.

    Only looked for where the numbering of the titled tillegg skips one.
    """
    out: list[Part] = []
    for i, p in enumerate(parts):
        out.append(p)
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if p.kind != SUPPLEMENT or nxt is None or nxt.kind != SUPPLEMENT or p.number is None:
            continue
        if nxt.number != p.number + 2:
            continue
        start = _after_signature(lines, p.title_line or p.first, nxt.first)
        if start is not None:
            out.append(Part(SUPPLEMENT, p.number + 1, start, None))
    return out


def _after_signature(lines: list[Line], lo: int, hi: int) -> int | None:
    """First page-start line after a 'Med hilsen' signature that is not part of it."""
    texts = [ln for ln in lines[lo:hi] if ln.kind == TEXT and ln.debris is None]
    for k, ln in enumerate(texts):
        if ln.text != "Med hilsen":
            continue
        j = k + 1
        while j < len(texts):
            t = texts[j].text
            nxt = texts[j + 1].text if j + 1 < len(texts) else ""
            if _ROLE.match(t) or _ROLE.match(nxt) or t.startswith("Dokumentet er elektronisk") \
                    or t.startswith("Kopi"):
                j += 1
                continue
            break
        if j < len(texts) and texts[j].lead1:
            return texts[j].no
    return None
