"""Bokmål / Nynorsk / English detection: lingua for passages, marker words for short questions.

Measured on this project's data (eval/REPORT.md, "Language detection"): lingua-language-detector is right on
96.6 % of paragraphs over 200 characters against their document's language (marker words 83.2 %, mostly for
want of evidence), but marker words are better on short questions (dev 164/178 vs 156/178; NorQuAD 332/333 vs
316/333): a question has few words, and the function words that differ between the written forms are the
ones that decide it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

NN = {
    "ikkje", "frå", "eit", "dei", "blei", "vart", "kva", "korleis", "berre", "meir", "mykje", "vere",
    "busette", "busetting", "busettinga", "kommunane", "òg", "fleire", "nokre", "kor", "korfor", "desse",
    "sjølv", "heile", "saman", "ho", "dykk", "hjå", "aukar", "auke", "talet", "innan",
    "månader", "flyktningar", "deltakarar", "verksemda", "ein", "medan", "utanfor", "vore",
    "difor", "hovudtal", "nøkkeltal", "tilsette", "personar", "utvikla",
}
NB = {
    "ikke", "fra", "et", "de", "ble", "hva", "hvordan", "bare", "mer", "mye", "være", "bosatte", "bosetting",
    "kommunene", "også", "flere", "noen", "hvor", "hvorfor", "disse", "selv", "hele", "sammen", "hun",
    "dere", "hos", "økning", "tallet", "innen", "måneder", "flyktninger", "deltakere", "virksomheten",
    "en", "mens", "utenfor", "vært", "derfor", "hovedtall", "nøkkeltall", "ansatte", "personer", "utviklet",
    "bosettingen", "bosatt", "vi", "hvis", "mange",
}
EN = {"the", "and", "of", "what", "how", "many", "was", "were", "which", "why", "in", "is", "share", "number"}
# Words both forms share carry no signal.
_SHARED = NN & NB
NN -= _SHARED
NB -= _SHARED

_WORD = re.compile(r"[a-zæøåéèòô]+")


def scores(text: str) -> dict[str, int]:
    words = _WORD.findall(text.lower())
    return {
        "nn": sum(w in NN for w in words),
        "nb": sum(w in NB for w in words),
        "en": sum(w in EN for w in words),
    }


def detect(text: str, default: str | None = None, min_votes: int = 2) -> str | None:
    """`nb`, `nn` or `en` when the text gives enough evidence, else `default`."""
    s = scores(text)
    lang, votes = max(s.items(), key=lambda kv: kv[1])
    if votes < min_votes or list(s.values()).count(votes) > 1:
        return default
    return lang


_LINGUA_CODES = {Language.BOKMAL: "nb", Language.NYNORSK: "nn", Language.ENGLISH: "en"}
# lingua's own cut-off would fall silent on mixed text; below this share of confidence we keep the default
MIN_CONFIDENCE = 0.6
MIN_PASSAGE_CHARS = 80  # shorter text is a question or a heading: marker words decide it


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*_LINGUA_CODES).build()


def detect_passage(text: str, default: str | None = None) -> str | None:
    """`nb`, `nn` or `en` for a passage, section or document; short text goes to the marker words."""
    text = text.strip()
    if len(text) < MIN_PASSAGE_CHARS:
        return detect(text, default=default)
    # the language of a long document shows in its first part; lingua's time grows with the text
    best = _detector().compute_language_confidence_values(text[:20_000])[0]
    if best.value < MIN_CONFIDENCE:
        return default
    return _LINGUA_CODES[best.language]
