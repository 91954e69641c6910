"""Which written standard an OCR document is in (Bokmål or Nynorsk), and which words belong to the other one.

Both standards share most words, and some pairs differ only by a letter the OCR destroys: Nynorsk
`handtere` is what the OCR makes of Bokmål `håndtere`, Bokmål `fra` what it makes of Nynorsk `frå`.
Read in isolation such a token is a valid word; read in a document of the other standard it is
most likely damage. The repair asks this module for the document's standard and for the relative
frequency of a word in each standard's word list.
"""

from __future__ import annotations

import re
from collections import Counter

# Frequent function words that each standard writes without æ/ø/å (an OCR'd æ/ø/å would hide the
# others) and the other standard does not use: the counts of these decide the document's standard.
BOKMAAL_MARKERS = frozenset({"ikke", "hva", "hvor", "hvordan", "hvis", "noen", "noe", "mye", "bare", "jeg",
                             "en", "et", "hun", "hvilke", "ble"})
NYNORSK_MARKERS = frozenset({"ikkje", "kva", "kvar", "korleis", "nokon", "noko", "mykje", "berre", "eg",
                             "ein", "eit", "dei", "ho", "vart"})
MIN_MARKERS = 5  # fewer marker words than this say nothing; the repair's lexicon is Bokmål first
# a word this much more frequent in the other standard than in the document's one is its form: `handtere` 680,
# `vart` 255, `hand` 89 times in Nynorsk, `fra` 12 times in Bokmål; shared words with uneven counts in the small
# lists stay under it (`fram`, `felte` 6)
OTHER_RATIO = 10.0
_WORD = re.compile(r"[a-zæøå]+")


def document_language(text: str) -> str:
    """'nb' or 'nn' by a count of each standard's own function words; 'nb' when too few are seen."""
    counts = Counter(w for w in _WORD.findall(text.lower()) if w in BOKMAAL_MARKERS or w in NYNORSK_MARKERS)
    nb = sum(c for w, c in counts.items() if w in BOKMAAL_MARKERS)
    nn = sum(c for w, c in counts.items() if w in NYNORSK_MARKERS)
    if nb + nn < MIN_MARKERS:
        return "nb"
    return "nn" if nn > nb else "nb"


def other_standard_form(word: str, own: dict[str, float], other: dict[str, float], own_total: float,
                        other_total: float) -> bool:
    """True when `word` is a form of the other standard: seen there, and OTHER_RATIO times as frequent
    there (relative to each list's size) as in the document's own standard."""
    o = other.get(word, 0.0)
    if o <= 0:
        return False
    return o / other_total >= OTHER_RATIO * own.get(word, 0.0) / own_total
