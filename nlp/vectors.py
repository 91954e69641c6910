"""Static word vectors for the NER pipelines, distilled from the project's e5 embedder.

`python -m nlp.vectors [--method distilled|pieces] [--dims N]` builds (or finds current) the vector table that
`nlp.train` turns into spaCy's `[initialize] vectors` when a config has `include_static_vectors = true`. There are
no fastText vectors offline, so (a) `distilled` encodes each vocabulary word alone through multilingual-e5-small
(the ONNX int8 embedder `index` uses, mean-pooled), (b) `pieces` averages the model's input embeddings of the
word's pieces; the 384 dims are reduced by PCA so the table can live inside each pipeline. Measured and not
adopted (no better on NorNE dev; eval/REPORT.md, "Trained NER"): the committed configs do not use it.

Vocabulary (never from the dev or test files): the words of NorNE's training sentences (both standards, as the
pipelines are trained on both), the bundled corpus, then wordfreq's most frequent Bokmål words. One row per
lower-cased word (case is the SHAPE feature's job), encoded in its most frequent written form, so `Oslo` is
embedded as a name and not as `oslo`; spaCy finds the row under the word's lower, Capitalised and UPPER forms.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from core.config import NORNE_DIR

VERSION = "1"  # bump when the recipe changes: a folder built by another recipe is rebuilt
DIMS = 64
MAX_WORDS = 50_000
WORDFREQ_WORDS = 30_000
MAX_CHARS = 30
HAS_WORD_CHAR = re.compile(r"\w")
METHODS = {
    # (a) the default: what the whole model makes of the word
    "distilled": "each word encoded alone (passage prompt, mean-pooled, L2-normalised), PCA",
    # (b) no transformer pass: the model's input embeddings only
    "pieces": "mean of the input-embedding rows of the word's sentencepiece pieces, PCA",
}


def count_words(sentences: Iterable[list[str]], texts: Iterable[str] = ()) -> Counter:
    """Counts of surface forms: tokens of the annotated sentences, whitespace words of raw texts."""
    counts: Counter = Counter()
    for words in sentences:
        counts.update(words)
    for text in texts:
        counts.update(w.strip(".,:;!?()[]«»\"'") for w in text.split())
    return counts


def vocabulary(counts: Counter, extra: Iterable[str] = (), max_words: int = MAX_WORDS) -> list[tuple[str, str]]:
    """(lower-cased key, form to encode) pairs: counted words by frequency, then `extra` words, capped.

    The form is the key's most frequent written form; words with no letter or digit and over-long tokens
    (URLs, table debris) are left out.
    """
    forms: dict[str, Counter] = {}
    for form, n in counts.items():
        if not form or len(form) > MAX_CHARS or not HAS_WORD_CHAR.search(form):
            continue
        forms.setdefault(form.lower(), Counter())[form] += n
    ranked = sorted(forms, key=lambda k: (-forms[k].total(), k))
    out = [(k, forms[k].most_common(1)[0][0]) for k in ranked[:max_words]]
    seen = {k for k, _ in out}
    for word in extra:
        if len(out) >= max_words:
            break
        key = word.lower()
        if key not in seen and len(word) <= MAX_CHARS and HAS_WORD_CHAR.search(word):
            seen.add(key)
            out.append((key, word))
    return out


def reduce(vectors: np.ndarray, dims: int) -> np.ndarray:
    """PCA to `dims` components, scaled so the mean row has unit length; float32."""
    x = vectors.astype(np.float64)
    x -= x.mean(axis=0)
    # the component signs of an SVD are arbitrary; fixing them keeps rebuilds byte-identical
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    comps = vt[:dims]
    comps *= np.where(comps[np.arange(len(comps)), np.abs(comps).argmax(axis=1)] < 0, -1.0, 1.0)[:, None]
    out = x @ comps.T
    out /= np.linalg.norm(out, axis=1).mean() or 1.0
    return out.astype(np.float32)


def table_sha256(keys: list[str], data: np.ndarray) -> str:
    """sha256 over the keys (in order) and the float32 table."""
    h = hashlib.sha256()
    h.update("\n".join(keys).encode("utf-8"))
    h.update(np.ascontiguousarray(data, dtype=np.float32).tobytes())
    return h.hexdigest()


def save(keys: list[str], data: np.ndarray, out: Path, source: dict) -> dict:
    """Write the table (keys.txt, vectors.npy, source.json) to `out` atomically; returns its record."""
    from core.atomic import building_folder

    record = {**source, "words": len(keys), "dims": int(data.shape[1]), "sha256": table_sha256(keys, data)}
    with building_folder(out) as tmp:
        (tmp / "keys.txt").write_text("\n".join(keys) + "\n", encoding="utf-8")
        np.save(tmp / "vectors.npy", data)
        (tmp / "source.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


def case_variants(key: str) -> set[str]:
    """The written forms a lower-cased key is looked up under: as is, Capitalised and UPPER."""
    return {key, key[:1].upper() + key[1:], key.upper()}


def to_spacy(table: Path, lang: str, dest: Path) -> Path:
    """A spaCy pipeline folder for `lang` holding only the table (for `[initialize] vectors`).

    One row per lower-cased word, reached from each of its case variants: spaCy keeps the key attribute of
    default-mode vectors only in memory (to_disk writes no `attr`), so a `LOWER` table would be read back as
    `ORTH` and every capitalised name would miss. One per language: spaCy refuses another language's vectors.
    """
    import spacy
    from spacy.vectors import Vectors

    keys = (table / "keys.txt").read_text(encoding="utf-8").split("\n")[:-1]
    data = np.load(table / "vectors.npy")
    nlp = spacy.blank(lang)
    vectors = Vectors(strings=nlp.vocab.strings, data=data)
    # rarer words first, so where two keys share a variant (upper-casing is not one-to-one: "ß" -> "SS") the
    # more frequent one wins
    for row in range(len(keys) - 1, -1, -1):
        for form in case_variants(keys[row]):
            vectors.add(form, row=row)
    nlp.vocab.vectors = vectors
    nlp.to_disk(dest)
    return dest


def default_dir(method: str = "distilled", dims: int = DIMS) -> Path:
    from embedders.convert import cache_root

    return cache_root() / f"ner-static-vectors-{method}-{dims}"


def piece_vectors(forms: list[str]) -> np.ndarray:
    """Method (b): per word, the mean of e5's input-embedding rows of its pieces (no special tokens)."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    import embedders.convert as e5_convert

    folder = e5_convert.ensure_model()
    table = load_file(str(folder / "model.safetensors"))
    name = next(k for k in table if k.endswith("word_embeddings.weight"))
    rows = table[name]
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    out = np.empty((len(forms), rows.shape[1]), dtype=np.float32)
    for i, enc in enumerate(tokenizer.encode_batch(forms, add_special_tokens=False)):
        out[i] = rows[enc.ids].mean(axis=0)
    return out


def recipe(norne: Path, dims: int, max_words: int, method: str = "distilled") -> dict:
    """What a built folder depends on: the embedder's fingerprint, the inputs' hashes and the recipe."""
    from core.config import CORPUS_DIR
    from embedders import DEFAULT_MODEL, expected_fingerprint
    from nlp.convert import data_hash

    norne_files = sorted(str(p.relative_to(norne)) for p in (norne / "ndt").rglob("*.conll"))
    norne_files += sorted(str(p.relative_to(norne)) for p in (norne / "ud").rglob("*.conllu"))
    corpus_files = sorted(p.name for p in CORPUS_DIR.glob("*.txt"))
    return {
        "recipe": VERSION,
        # the weights the vectors come from: the int8 ONNX graph for (a), the model's own tensors for (b)
        "source": expected_fingerprint(DEFAULT_MODEL, *(("st", "none") if method == "pieces" else ("onnx", "int8"))),
        "method": METHODS[method],
        "norne_sha256": data_hash(norne, norne_files),
        "corpus_sha256": data_hash(CORPUS_DIR, corpus_files),
        "wordfreq_words": WORDFREQ_WORDS,
        "max_words": max_words,
        "dims_requested": dims,
    }


def build(norne: Path, out: Path | None = None, dims: int = DIMS, max_words: int = MAX_WORDS,
          force: bool = False, method: str = "distilled") -> tuple[Path, dict]:
    """Build the vectors folder at `out` unless a current one is there; returns (folder, record)."""
    import wordfreq

    from core.config import CORPUS_DIR
    from embedders.onnx import OnnxEmbedder
    from nlp.convert import STANDARDS, load_split

    out = Path(out or default_dir(method, dims))
    stamp = recipe(norne, dims, max_words, method)
    marker = out / "source.json"
    if not force and marker.exists() and (out / "vectors.npy").exists():
        record = json.loads(marker.read_text(encoding="utf-8"))
        if {k: record.get(k) for k in stamp} == stamp:
            return out, record
    # training sentences only: load_split leaves out every UD dev and test sentence
    train = [s.words for code in STANDARDS.values() for s in load_split(norne, code).train]
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS_DIR.glob("*.txt"))]
    vocab = vocabulary(count_words(train, texts), wordfreq.top_n_list("nb", WORDFREQ_WORDS), max_words)
    forms = [form for _, form in vocab]
    if method == "pieces":
        full = piece_vectors(forms)
    else:
        # a large batch: words are a few tokens each, so padding costs little and calls are few
        full = OnnxEmbedder("int8", batch_size=256).embed_passages(forms)
    record = save([k for k, _ in vocab], reduce(full, dims), out, stamp)
    return out, record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--norne", type=Path, default=NORNE_DIR)
    ap.add_argument("--out", type=Path, default=None, help="folder to write (default: in the model cache)")
    ap.add_argument("--dims", type=int, default=DIMS)
    ap.add_argument("--max-words", type=int, default=MAX_WORDS)
    ap.add_argument("--method", choices=sorted(METHODS), default="distilled")
    ap.add_argument("--force", action="store_true", help="rebuild even if a current folder is there")
    args = ap.parse_args(argv)
    out, record = build(args.norne, args.out, args.dims, args.max_words, args.force, args.method)
    print(json.dumps({"folder": str(out), **{k: record[k] for k in ("words", "dims", "sha256", "source")}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
