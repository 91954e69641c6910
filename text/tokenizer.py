"""Norwegian tokenizer for keyword search: numbers whole, æøå kept, Nynorsk folded, stemmed.

One regex pass yields (token, start, end) over the original text, so the same
analysis serves indexing, queries and highlighting. Numbers are normalised the
way people write them in these reports: `2 819` and `2819` are one token, `9,6`
becomes `9.6`, `3.1.5` and `3-1-5` both become `3-1-5`, and `49 %`, `49 prosent`
and `49 pst.` all give `49` + `prosent`.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import Stemmer

from core.extras import require
from text.norwegian import FOLD, NORWEGIAN_FOLD, STOPWORDS

_NUM_GROUPED = r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?![\d])"
_NUM_PLAIN = r"\d+(?:[.,\-–]\d+)*"
TOKEN_RE = re.compile(
    rf"(?P<num>{_NUM_GROUPED}|{_NUM_PLAIN})|(?P<word>[^\W\d_]+\d*(?:[.\-]\d+)*)|(?P<pct>[%‰])"
)
_SPACES = re.compile(r"[ \u00a0\u202f]")
PERCENT = "prosent"


@dataclass(frozen=True)
class TokenizerSettings:
    stem: bool = True
    fold: bool = True  # Nynorsk/Bokmål variants -> one form before stemming
    stopwords: bool = True
    # English question words folded to the reports' Norwegian words (text/norwegian.py EN_FOLD); off only to
    # measure it (eval/fusion_fit.py), so it is recorded only when off and old manifests read unchanged
    english_glossary: bool = True
    # Lemmas from spaCy's Norwegian Bokmål tables (Norsk Ordbank forms, spacy-lookups-data) before any stemming;
    # measured against the stems in eval/REPORT.md, off by default. Recorded only when on, like the glossary.
    lemma: bool = False

    def as_dict(self) -> dict:
        d = {"name": "norwegian-v1", "stem": self.stem, "fold": self.fold, "stopwords": self.stopwords}
        d = d if self.english_glossary else {**d, "english_glossary": False}
        return {**d, "lemma": True} if self.lemma else d


# Order in which a form's part of speech is guessed without a tagger: the words people search these reports for
# are mostly nouns (`bosettingen` -> `bosetting`), and a verb reading beats an adjective one (`bosatte`).
LEMMA_POS = ("noun", "verb", "adj", "adv")


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """Lower-cased word form -> lemma from spacy-lookups-data's `nb_lemma_exc` (the first POS of LEMMA_POS
    that lists the form, its first lemma)."""
    data = Path(require("spacy_lookups_data", "lemma", "the lemmatised keyword index").__file__).parent / "data"
    with gzip.open(data / "nb_lemma_exc.json.gz", "rt", encoding="utf-8") as f:
        exc = json.load(f)
    table: dict[str, str] = {}
    for pos in reversed(LEMMA_POS):  # later POS first, so that an earlier one overwrites
        for form, lemmas in exc.get(pos, {}).items():
            if lemmas:
                table[form.lower()] = lemmas[0].lower()
    return table


def normalise_number(surface: str) -> list[str]:
    """'2 819' -> ['2819'], '9,6' -> ['9.6'], '3.1.5' -> ['3-1-5'], '2016–2020' -> ['2016-2020', '2016', '2020']."""
    s = _SPACES.sub("", surface).replace("–", "-")
    if "-" in s or s.count(".") > 1:
        parts = re.split(r"[.\-]", s)
        parts = [p for p in parts if p]
        out = ["-".join(parts)]
        # years and other long numbers inside a range still match on their own
        out += [p for p in parts if len(p) >= 4]
        return out
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    elif "," in s:  # "1,2,3": a list, not a decimal
        return [p for p in s.split(",") if p]
    return [s]


class NorwegianTokenizer:
    """Text -> index tokens. Cheap to build; results are cached per word."""

    def __init__(self, settings: TokenizerSettings | None = None):
        self.settings = settings or TokenizerSettings()
        self._stemmer = Stemmer.Stemmer("norwegian") if self.settings.stem else None
        self._lemmas = lemma_table() if self.settings.lemma else None
        self._word = lru_cache(maxsize=200_000)(self._word_uncached)

    def _word_uncached(self, word: str) -> str | None:
        w = unicodedata.normalize("NFC", word.lower())
        if self.settings.fold:
            w = (FOLD if self.settings.english_glossary else NORWEGIAN_FOLD).get(w, w)
        if self.settings.stopwords and w in STOPWORDS:
            return None
        if w == PERCENT:
            return w
        if self._lemmas is not None:
            w = self._lemmas.get(w, w)
        if self._stemmer is not None and not w[-1:].isdigit():
            w = self._stemmer.stemWord(w)
        return w

    def analyze(self, text: str) -> Iterator[tuple[str, int, int]]:
        """(token, start, end) for each token, offsets into `text`."""
        for m in TOKEN_RE.finditer(text):
            kind = m.lastgroup
            if kind == "num":
                for tok in normalise_number(m.group()):
                    yield tok, m.start(), m.end()
            elif kind == "pct":
                yield PERCENT, m.start(), m.end()
            else:
                tok = self._word(m.group())
                if tok:
                    yield tok, m.start(), m.end()

    def tokens(self, text: str) -> list[str]:
        return [t for t, _, _ in self.analyze(text)]

    def __call__(self, text: str) -> list[str]:
        return self.tokens(text)
