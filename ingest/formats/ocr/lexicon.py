"""Build the word lists the OCR repair looks words up in, from the clean corpus documents.

Run `python -m ingest.formats.ocr.lexicon` after a clean document changes; the output
under `ingest/data/ocr/` is committed so ingest never depends on the corpus files.

* `unigrams_nb.txt` / `unigrams_nn.txt`: `word<TAB>count`, lower case, most frequent first.
* `bigrams_nb.txt`: `word word<TAB>count` for adjacent words in one sentence (Bokmål only,
  pairs seen at least twice or touching an æ/ø/å word, to keep the file small).
* `general_nb.txt` / `general_nn.txt`: a general vocabulary for words the reports never use
  (`søndag`, `lønnsoppgjøret`): the most frequent Bokmål words of `wordfreq` (counts are its
  frequency per million words) and the word forms of the Nynorsk NorNE treebank
  (`shared/norne/ndt/nno`, counts are occurrences). Built only when those are at hand.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from core.config import CORPUS_DIR, NORNE_DIR
from ingest.manifest import load_manifest
from text.clean import strip_markup

DATA_DIR = Path(__file__).resolve().parent / "data"
# Clean Bokmål documents; the Nynorsk report only adds words Bokmål shares or lacks.
NB_DOCS = ("imdi-arsrapport-2020", "kd-tildelingsbrev-2020", "imdi-fou-2020")
NN_DOCS = ("imdi-arsrapport-2022",)

WORD_RE = re.compile(r"[a-zæøåéèüöäàáô]+", re.IGNORECASE)
SENTENCE_BREAK = re.compile(r"[.!?:;()\[\]«»\"|•\t]|\n\s*\n")
_SPECIAL = re.compile(r"[æøå]")


def words(text: str) -> list[str]:
    """Lower-case letter runs; hyphenated line wraps are joined first."""
    text = re.sub(r"(\w)-\s*\n\s*(?=[a-zæøå])", r"\1", text)
    return [w.lower() for w in WORD_RE.findall(text)]


def clean_source(text: str) -> str:
    return strip_markup(text)


def count(texts: list[str]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    uni: Counter[str] = Counter()
    bi: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for piece in SENTENCE_BREAK.split(clean_source(text)):
            ws = words(piece)
            uni.update(ws)
            bi.update(zip(ws, ws[1:], strict=False))
    return uni, bi


def _read(doc_ids: tuple[str, ...]) -> list[str]:
    entries = {e.id: e for e in load_manifest()}
    return [(CORPUS_DIR / entries[d].source).read_text(encoding="utf-8") for d in doc_ids]


GENERAL_NB_WORDS = 60000
NORNE_NN = NORNE_DIR / "ndt" / "nno"
_PLAIN = re.compile(r"[a-zæøåéèüöäàáô]+")


def general_nb(n: int = GENERAL_NB_WORDS) -> list[tuple[str, int]]:
    """The `n` most frequent Bokmål words of wordfreq, as (word, frequency per million, at least 1)."""
    import wordfreq  # only needed to rebuild the committed list

    out = []
    for w in wordfreq.top_n_list("nb", n):
        if _PLAIN.fullmatch(w):
            out.append((w, max(1, round(wordfreq.word_frequency(w, "nb") * 1e6))))
    return out


def general_nn(folder: Path = NORNE_NN) -> list[tuple[str, int]]:
    """Word forms of the Nynorsk NorNE treebank (CoNLL: the form is the second column)."""
    counts: Counter[str] = Counter()
    for path in sorted(folder.glob("*.conll")):
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) > 3 and _PLAIN.fullmatch(cols[1].lower()):
                counts[cols[1].lower()] += 1
    return counts.most_common()


def build(out_dir: Path = DATA_DIR) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    nb_uni, nb_bi = count(_read(NB_DOCS))
    nn_uni, _ = count(_read(NN_DOCS))
    _write(out_dir / "unigrams_nb.txt", ((w, c) for w, c in nb_uni.most_common()))
    _write(out_dir / "unigrams_nn.txt", ((w, c) for w, c in nn_uni.most_common()))
    kept = [
        (f"{a} {b}", c)
        for (a, b), c in nb_bi.most_common()
        if c >= 2 or _SPECIAL.search(a) or _SPECIAL.search(b)
    ]
    _write(out_dir / "bigrams_nb.txt", kept)
    sizes = {"unigrams_nb": len(nb_uni), "unigrams_nn": len(nn_uni), "bigrams_nb": len(kept)}
    try:
        gen = general_nb()
        _write(out_dir / "general_nb.txt", gen)
        sizes["general_nb"] = len(gen)
    except ImportError:
        pass  # wordfreq absent: keep the committed list
    if NORNE_NN.is_dir():
        gen_nn = general_nn()
        _write(out_dir / "general_nn.txt", gen_nn)
        sizes["general_nn"] = len(gen_nn)
    return sizes


def _write(path: Path, rows) -> None:
    path.write_text("".join(f"{w}\t{c}\n" for w, c in rows), encoding="utf-8")


if __name__ == "__main__":
    print(build())
