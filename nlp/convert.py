"""NorNE → spaCy DocBin: NDT sentences minus the UD dev/test sentences for training, UD dev/test as is."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

LABELS = ("PER", "ORG", "LOC", "GPE_LOC", "GPE_ORG", "PROD", "EVT", "DRV", "MISC")
STANDARDS = {"nb": "nob", "nn": "nno"}
UD_NAMES = {"nob": "no_bokmaal", "nno": "no_nynorsk"}

# NDT has no spacing information; these keep the reconstructed text close to real prose so that the
# tokenizer sees the same kind of input in training as at run time.
NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "»", "%", "..."}
NO_SPACE_AFTER = {"(", "[", "«"}


@dataclass
class Sentence:
    """One annotated sentence: words, trailing spaces and BIO tags."""

    words: list[str]
    spaces: list[bool]
    tags: list[str]

    @property
    def key(self) -> str:
        """Match key: the sentence's letters and digits only.

        NDT and UD space differently, and UD drops NDT's `|` headline marks and some punctuation.
        """
        return re.sub(r"[\W_]+", "", "".join(self.words))


@dataclass
class Split:
    """The three splits of one written standard, plus the files they were read from."""

    train: list[Sentence]
    dev: list[Sentence]
    test: list[Sentence]
    files: list[Path] = field(default_factory=list)


def read_blocks(path: Path) -> Iterator[list[str]]:
    """Blank-line separated blocks of lines."""
    block: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def tag_of(misc: str) -> str:
    """The `name=` BIO tag of a MISC column, 'O' when absent."""
    for part in misc.split("|"):
        if part.startswith("name="):
            return part[5:]
    return "O"


def read_ndt(path: Path) -> Iterator[Sentence]:
    """Sentences of a 10-column NDT file; spaces reconstructed from punctuation."""
    for block in read_blocks(path):
        rows = [line.split("\t") for line in block if not line.startswith("#")]
        words = [r[1] for r in rows]
        tags = [tag_of(r[9]) for r in rows]
        spaces = [
            i + 1 < len(words) and words[i + 1] not in NO_SPACE_BEFORE and w not in NO_SPACE_AFTER
            for i, w in enumerate(words)
        ]
        yield Sentence(words, spaces, tags)


def read_conllu(path: Path) -> Iterator[Sentence]:
    """Sentences of a UD CoNLL-U file, spacing from SpaceAfter=No; multiword-token ranges skipped."""
    for block in read_blocks(path):
        rows = [line.split("\t") for line in block if not line.startswith("#")]
        rows = [r for r in rows if r[0].isdigit()]
        words = [r[1] for r in rows]
        tags = [tag_of(r[9]) for r in rows]
        spaces = ["SpaceAfter=No" not in r[9] for r in rows]
        if spaces:
            spaces[-1] = False
        yield Sentence(words, spaces, tags)


def ud_file(root: Path, code: str, part: str) -> Path:
    """The UD dev or test file of a written standard ('nob' or 'nno')."""
    return root / "ud" / code / f"{UD_NAMES[code]}-ud-{part}.conllu"


def load_split(root: Path, code: str) -> Split:
    """Train/dev/test for one standard; train = NDT sentences whose text is in neither dev nor test."""
    dev_path, test_path = ud_file(root, code, "dev"), ud_file(root, code, "test")
    dev, test = list(read_conllu(dev_path)), list(read_conllu(test_path))
    held_out = {s.key for s in dev} | {s.key for s in test}
    ndt_files = sorted((root / "ndt" / code).glob("*.conll"))
    train = [s for f in ndt_files for s in read_ndt(f) if s.key not in held_out]
    return Split(train, dev, test, [*ndt_files, dev_path, test_path])


def held_out_keys(root: Path) -> set[str]:
    """Keys of every dev and test sentence of both standards (never to be trained on by any pipeline)."""
    keys: set[str] = set()
    for code in STANDARDS.values():
        for part in ("dev", "test"):
            keys |= {s.key for s in read_conllu(ud_file(root, code, part))}
    return keys


def to_doc(vocab: Vocab, sent: Sentence) -> Doc:
    """A Doc with the sentence's entities (IOB tags converted to spaCy's BILUO-free ents)."""
    iob = ["O" if t == "O" else t for t in sent.tags]
    # An I- tag with no opening B- (rare annotation slips) becomes a B- so the Doc is valid.
    fixed: list[str] = []
    for i, t in enumerate(iob):
        if t.startswith("I-") and (i == 0 or fixed[-1] == "O" or fixed[-1][2:] != t[2:]):
            t = "B-" + t[2:]
        fixed.append(t)
    return Doc(vocab, words=sent.words, spaces=sent.spaces, ents=fixed)


def write_docbin(sents: Iterable[Sentence], path: Path) -> int:
    """Write sentences to a .spacy file; returns the number of sentences."""
    vocab = Vocab()
    db = DocBin(store_user_data=False)
    n = 0
    for s in sents:
        db.add(to_doc(vocab, s))
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return n


def data_hash(root: Path, files: Iterable[str]) -> str:
    """sha256 over the named files (paths relative to root, in sorted order, name and content)."""
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode())
        h.update(b"\0")
        h.update(hashlib.sha256((root / rel).read_bytes()).digest())
    return h.hexdigest()


def convert(root: Path, lang: str, out: Path, both: bool = True) -> dict:
    """Write train/dev/test DocBins for `lang` into `out`; returns counts, files used and their hash.

    With `both`, the other standard's training sentences join the training set; every dev or test
    sentence of either standard stays out of it.
    """
    own = load_split(root, STANDARDS[lang])
    train = list(own.train)
    files = list(own.files)
    if both:
        other_code = next(c for k, c in STANDARDS.items() if k != lang)
        other = load_split(root, other_code)
        held = held_out_keys(root)
        train += [s for s in other.train if s.key not in held]
        files += other.files
    else:
        held = held_out_keys(root)
    train = [s for s in train if s.key not in held]
    rel = sorted({str(f.relative_to(root)) for f in files})
    counts = {
        "train": write_docbin(train, out / "train.spacy"),
        "dev": write_docbin(own.dev, out / "dev.spacy"),
        "test": write_docbin(own.test, out / "test.spacy"),
    }
    return {"sentences": counts, "data_files": rel, "data_sha256": data_hash(root, rel)}
