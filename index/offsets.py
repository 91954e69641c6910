"""Where each index token sits in each chunk's text, computed once at build time.

Highlighting a hit then needs no tokenizing at query time: the query's terms are
looked up in a flat array of token ids per chunk.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from text.tokenizer import NorwegianTokenizer

FILE = "offsets.npz"
VOCAB = "offsets_vocab.json"


def row_items(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows of a ragged layout (row i's items at `indptr[i]:indptr[i+1]`): the positions of all their items,
    row after row, and for each item its index into `rows`. One vectorised gather; a loop per row would cost
    more than the scoring it feeds."""
    starts = indptr[rows]
    lens = indptr[rows + 1] - starts
    flat = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens) + np.arange(lens.sum())
    return flat, np.repeat(np.arange(len(rows)), lens)


def vocab_ids(vocab: dict[str, int], terms: set[str]) -> np.ndarray:
    """The sorted token ids of those `terms` the vocabulary knows: one lookup for a built index and a published one."""
    return np.asarray(sorted(vocab[t] for t in terms if t in vocab), dtype=np.int32)


def idf_from(df: np.ndarray, n: int) -> np.ndarray:
    """log(N / document frequency) per token id: the one formula for a built index and a published one."""
    return np.log((n + 1) / (df + 0.5)).astype(np.float32)


class TokenOffsets:
    def __init__(self, vocab: dict[str, int], ids: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                 indptr: np.ndarray):
        self.vocab, self.ids, self.starts, self.ends, self.indptr = vocab, ids, starts, ends, indptr

    @classmethod
    def build(cls, texts: list[str], tokenizer: NorwegianTokenizer) -> tuple[TokenOffsets, list[list[str]]]:
        """Offsets for each text, and each text's tokens (for the keyword index)."""
        vocab: dict[str, int] = {}
        ids: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        indptr = [0]
        tokens: list[list[str]] = []
        for text in texts:
            toks = []
            for tok, s, e in tokenizer.analyze(text):
                toks.append(tok)
                ids.append(vocab.setdefault(tok, len(vocab)))
                starts.append(s)
                ends.append(e)
            tokens.append(toks)
            indptr.append(len(ids))
        arr = lambda xs: np.asarray(xs, dtype=np.int32)  # noqa: E731
        return cls(vocab, arr(ids), arr(starts), arr(ends), np.asarray(indptr, dtype=np.int64)), tokens

    def doc_freq(self) -> np.ndarray:
        """Per token id, the number of chunk texts it occurs in."""
        n = len(self.indptr) - 1
        chunk_of = np.repeat(np.arange(n), np.diff(self.indptr))
        pairs = np.unique(np.stack([self.ids.astype(np.int64), chunk_of]), axis=1)
        return np.bincount(pairs[0], minlength=len(self.vocab))

    def idf(self) -> np.ndarray:
        """log(N / document frequency) per token id, over the chunk texts."""
        return idf_from(self.doc_freq(), len(self.indptr) - 1)

    def row_tokens(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token ids and start offsets of `rows`' texts, row after row, and for each token its index into `rows`."""
        flat, owner = row_items(self.indptr, rows)
        return self.ids[flat], self.starts[flat], owner

    def term_ids(self, terms: set[str]) -> np.ndarray:
        return vocab_ids(self.vocab, terms)

    def matches(self, row: int, term_ids: np.ndarray) -> list[tuple[int, int, int]]:
        """(start, end, token id) in chunk `row`'s text of every token that is a query term."""
        if not len(term_ids):
            return []
        a, b = self.indptr[row], self.indptr[row + 1]
        hit = np.isin(self.ids[a:b], term_ids)
        return list(zip(self.starts[a:b][hit].tolist(), self.ends[a:b][hit].tolist(), self.ids[a:b][hit].tolist(),
                        strict=True))

    def save(self, folder: Path) -> None:
        np.savez(folder / FILE, ids=self.ids, starts=self.starts, ends=self.ends, indptr=self.indptr)
        (folder / VOCAB).write_text(json.dumps(list(self.vocab), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> TokenOffsets:
        z = np.load(folder / FILE)
        words = json.loads((folder / VOCAB).read_text(encoding="utf-8"))
        return cls({w: i for i, w in enumerate(words)}, z["ids"], z["starts"], z["ends"], z["indptr"])
