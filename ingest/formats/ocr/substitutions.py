"""The OCR channel of the 2024 report: how each clean letter was printed, and what a word becomes.

Shared by the repair (which reads damage backwards) and the context model (which needs to know which
real words the damage turns into other real words, `får` -> `far`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import product

# (damaged text, clean letter, likelihood that the clean letter was printed this way)
SUBSTITUTIONS: list[tuple[str, str, float]] = [
    # rates estimated from the unambiguous repairs of the 2024 report
    ("g", "ø", 0.78), ("a", "ø", 0.11), ("e", "ø", 0.05), ("o", "ø", 0.03), ("@", "ø", 0.02),
    ("s", "ø", 0.005), ("z", "ø", 0.005),
    ("a", "å", 0.35), ("d", "å", 0.28), ("&", "å", 0.20), ("3", "å", 0.08), ("é", "å", 0.06),
    ("8", "å", 0.015), ("@", "å", 0.005), ("4", "å", 0.003),
    ("ae", "æ", 0.55), ("ee", "æ", 0.27), ("ze", "æ", 0.09), ("z", "æ", 0.02), ("eae", "æ", 0.02),
    ("se", "æ", 0.015), ("eze", "æ", 0.01), ("e", "æ", 0.005), ("a", "æ", 0.01), ("zz", "æ", 0.005), ("2e", "æ", 0.003),
    ("ce", "æ", 0.003), ("ad", "å", 0.005), ("éd", "å", 0.005), ("dd", "å", 0.005),
    # one letter read as two glyphs, counted over the whole report's unrepaired tokens (`gjennomfagring`
    # 9 such words, `maélgruppen`/`méalgruppen` 6, `gjennomfgares` 3, `tilngermet` 2)
    ("ag", "ø", 0.005), ("ga", "ø", 0.002), ("aé", "å", 0.003), ("éa", "å", 0.002), ("ge", "æ", 0.002),
    # other OCR slips
    ("0", "o", 0.30), ("q", "g", 0.05), ("i", "j", 0.005), ("i", "l", 0.005), ("\x01", "l", 0.15),
    ("\x01", "i", 1.0),
]
MAX_SPECIAL = 3  # words with more æ/ø/å than this have no real-word damaged form worth the product


def damaged_forms(word: str, subs: list[tuple[str, str, float]] | None = None) -> Iterator[tuple[str, float]]:
    """Every all-letter form the OCR makes of `word` (each æ/ø/å replaced), with its log likelihood."""
    slots = [i for i, ch in enumerate(word) if ch in "æøå"]
    if not slots or len(slots) > MAX_SPECIAL:
        return
    by_letter: dict[str, list[tuple[str, float]]] = {}
    for dmg, clean, p in SUBSTITUTIONS if subs is None else subs:
        if clean in "æøå" and dmg.isalpha() and dmg.isascii():
            by_letter.setdefault(clean, []).append((dmg, math.log(p)))
    for choice in product(*(by_letter[word[i]] for i in slots)):
        out, pos, lp = [], 0, 0.0
        for i, (dmg, p) in zip(slots, choice, strict=True):
            out.append(word[pos:i] + dmg)
            pos, lp = i + 1, lp + p
        yield "".join(out) + word[pos:], lp
