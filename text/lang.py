"""Bokmål / Nynorsk / English detection by marker words.

No language-ID library here separates nb from nn reliably on short text, so
this counts function words that differ between the two written forms.
"""

from __future__ import annotations

import re

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
