"""Word n-gram counts that decide real-word OCR errors from context: `far` or `får`, `mater` or `måter`.

The damaged report prints every æ/ø/å as some other glyph, and sometimes the result is itself a word
(`får` -> `far`, `måter` -> `mater`, `før` -> `for`). A lexicon cannot see those; the words around them
can. This module builds and reads a small count table from clean Norwegian text:

* the NorNE treebank (`shared/norne/ndt/{nob,nno}`, ~600 000 tokens, Bokmål and Nynorsk), and
* the four clean documents of the bundled corpus.

Only n-grams (up to trigrams) that contain a *confusable* word are kept: a word with æ/ø/å in the lexicon,
or a lexicon word that the OCR substitutions make of one. That keeps the table small enough to commit.
It is built once (`python -m ingest.formats.ocr.context`) and committed with its sha256 in
`data/context_ngrams.json`, because NorNE is not shipped with the project and ingest must not depend on it;
reading it takes well under a second. NorQuAD text is never used, so the synthetic check on it stays held out.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from core.atomic import write_file
from core.config import CORPUS_DIR, NORNE_DIR
from ingest.formats.ocr.lexicon import SENTENCE_BREAK, clean_source, words
from ingest.formats.ocr.substitutions import damaged_forms
from ingest.manifest import load_manifest

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE = DATA_DIR / "context_ngrams.tsv.gz"
META = DATA_DIR / "context_ngrams.json"
NORNE = NORNE_DIR / "ndt"
NB_DOCS = ("imdi-arsrapport-2020", "kd-tildelingsbrev-2020", "imdi-fou-2020")
NN_DOCS = ("imdi-arsrapport-2022",)
START, END = "<s>", "</s>"
WORD_RE = re.compile(r"[a-zæøåéèüöäàáô]+")
_SPECIAL = re.compile(r"[æøå]")
MIN_P = 1e-6  # a zipf frequency of 3
PRIOR_GAP = math.log(1e-3)
MU_BI = 30.0  # Dirichlet prior weight of the unigram in a bigram estimate
MU_TRI = 10.0  # ... of the bigram in a trigram estimate


# -- building ------------------------------------------------------------------

def norne_sentences(folder: Path) -> Iterator[list[str]]:
    """Word runs of the treebank sentences; punctuation ends a run, as it does at repair time."""
    for path in sorted(folder.glob("*.conll")):
        run: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            form = cols[1].lower() if len(cols) > 3 else ""
            if WORD_RE.fullmatch(form):
                run.append(form)
                continue
            if run:
                yield run
            run = []
        if run:
            yield run


def document_sentences(docs: tuple[str, ...]) -> Iterator[list[str]]:
    entries = {e.id: e for e in load_manifest()}
    for doc in docs:
        text = clean_source((CORPUS_DIR / entries[doc].source).read_text(encoding="utf-8"))
        for piece in SENTENCE_BREAK.split(text):
            for part in piece.split(","):
                ws = words(part)
                if ws:
                    yield ws


def confusables(prob: dict[str, float]) -> dict[str, list[str]]:
    """Damaged form that is itself a word -> the æ/ø/å words it can stand for.

    `prob` is a unigram probability per word. A pair is kept only when the æ/ø/å word is common
    (MIN_P) and its prior times the channel is within PRIOR_GAP of the form's own prior: context
    evidence from a small corpus never overturns a larger gap, so counting it would be wasted
    (`av` for the imperative `øv`).
    """
    out: dict[str, list[str]] = {}
    for w in sorted(prob):
        if prob[w] < MIN_P:
            continue
        for form, lp in damaged_forms(w):
            if form != w and prob.get(form, 0.0) > 0 and math.log(prob[w]) + lp - math.log(prob[form]) > PRIOR_GAP:
                out.setdefault(form, []).append(w)
    return out


def build(out: Path = TABLE, meta: Path = META) -> dict[str, int]:
    prior_counts: Counter[str] = Counter()
    for run in _bokmaal():
        prior_counts.update(run)
    prior_total = sum(prior_counts.values())
    general = _general()
    prior = {w: _mix(prior_counts.get(w, 0), prior_total, general.get(w, 0.0))
             for w in set(prior_counts) | set(general)}
    conf = confusables(prior)
    keep = set(conf) | {c for cs in conf.values() for c in cs}
    counts: Counter[tuple[str, ...]] = Counter()
    n_tokens = 0
    for run in _all():
        n_tokens += len(run)
        seq = [START, *run, END]
        for i, w in enumerate(seq):
            if w not in keep:
                continue
            # every n-gram up to length 3 that holds this word, and the (w-2, w-1) history it is scored against
            if i >= 1:
                counts[(seq[i - 1], w)] += 1
            if i + 1 < len(seq):
                counts[(w, seq[i + 1])] += 1
            if i >= 2:
                counts[(seq[i - 2], seq[i - 1], w)] += 1
                counts[("#", seq[i - 2], seq[i - 1])] += 1
            if i >= 1 and i + 1 < len(seq):
                counts[(seq[i - 1], w, seq[i + 1])] += 1
            if i + 2 < len(seq):
                counts[(w, seq[i + 1], seq[i + 2])] += 1
    # unigram counts of the context words (denominators of the bigram estimates)
    context = {g[0] for g in counts if len(g) == 2} | {g[1] for g in counts if len(g) == 2}
    uni: Counter[str] = Counter()
    for run in _all():
        for w in [START, *run, END]:
            if w in context:
                uni[w] += 1
    for w, c in uni.items():
        counts[(w,)] = c
    for w in keep:
        counts[("%", w)] = prior_counts.get(w, 0)
    rows = sorted(counts.items(), key=lambda kv: (len(kv[0]), kv[0]))
    body = "".join(f"{' '.join(g)}\t{c}\n" for g, c in rows if c > 0)
    # mtime 0 so the same counts give the same bytes, and the recorded hash only moves when they do
    write_file(out, gzip.compress(body.encode("utf-8"), mtime=0), mode=0o644)
    sizes = {"tokens": n_tokens, "bokmaal_tokens": prior_total, "rows": body.count("\n"), "confusable_forms": len(conf)}
    record = {"sha256": _sha256(out), **sizes,
              "sources": ["shared/norne/ndt/nob", "shared/norne/ndt/nno", *NB_DOCS, *NN_DOCS],
              "pairs": {d: " ".join(ws) for d, ws in sorted(conf.items())}}
    write_file(meta, json.dumps(record, ensure_ascii=False, indent=0) + "\n", mode=0o644)
    return sizes


def _bokmaal() -> Iterator[list[str]]:
    yield from norne_sentences(NORNE / "nob")
    yield from document_sentences(NB_DOCS)


def _all() -> Iterator[list[str]]:
    yield from _bokmaal()
    yield from norne_sentences(NORNE / "nno")
    yield from document_sentences(NN_DOCS)


def _mix(count: int, total: int, general: float) -> float:
    """The prior of a word: Bokmål training text and wordfreq's Bokmål, half each.

    The training text alone is too small for rare words (`handtere` vs `håndtere`); the prior is Bokmål
    only because the damaged report is, so a Nynorsk form (`då`, `frå`) needs strong context to win.
    """
    return 0.5 * count / total + 0.5 * general + 1e-8


def _general() -> dict[str, float]:
    out: dict[str, float] = {}
    for line in (DATA_DIR / "general_nb.txt").read_text(encoding="utf-8").splitlines():
        w, _, c = line.rpartition("\t")
        out[w] = int(c) / 1e6
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- scoring -------------------------------------------------------------------

class ContextModel:
    """Interpolated trigram probabilities over the kept n-grams (Dirichlet smoothing, unigram floor)."""

    def __init__(self, table: Path = TABLE, meta: Path = META):
        record = json.loads(meta.read_text(encoding="utf-8"))
        if _sha256(table) != record["sha256"]:
            raise ValueError(f"{table} does not match the sha256 in {meta}; rebuild it")
        self.pairs: dict[str, list[str]] = {d: ws.split() for d, ws in record["pairs"].items()}
        self.bokmaal_tokens: int = record["bokmaal_tokens"]
        self.n: dict[tuple[str, ...], int] = {}
        for line in gzip.decompress(table.read_bytes()).decode("utf-8").splitlines():
            key, _, c = line.rpartition("\t")
            self.n[tuple(key.split(" "))] = int(c)
        self.general = _general()

    def p_uni(self, w: str) -> float:
        """The floor of every estimate (see `_mix`)."""
        return _mix(self.n.get(("%", w), 0), self.bokmaal_tokens, self.general.get(w, 0.0))

    def p_bi(self, a: str, w: str) -> float:
        return (self.n.get((a, w), 0) + MU_BI * self.p_uni(w)) / (self.n.get((a,), 0) + MU_BI)

    def p_tri(self, a: str, b: str, w: str, history: int | None = None) -> float:
        h = self.n.get(("#", a, b), 0) if history is None else history
        return (self.n.get((a, b, w), 0) + MU_TRI * self.p_bi(b, w)) / (h + MU_TRI)

    def score(self, left: tuple[str, str], word: str, right: tuple[str, str]) -> float:
        """log P of `word` and the two words after it, given the two before (START/END pad the edges).

        The histories that end in `word` are counted in full (the table keeps every n-gram holding a
        confusable word), so only the last factor's history is approximated when `right[0]` is a
        plain word: its trigram count with `word` is known, its bigram context is floored by the unigram.
        """
        pp, p = left
        n1, n2 = right
        s = math.log(self.p_tri(pp, p, word))
        if n1:
            s += math.log(self.p_tri(p, word, n1, history=self.n.get((p, word), 0)))
            if n2:
                s += math.log(self.p_tri(word, n1, n2, history=self.n.get((word, n1), 0)))
        return s


@lru_cache(maxsize=1)
def model() -> ContextModel:
    return ContextModel()


if __name__ == "__main__":
    print(build())
