"""BM25 over fixed word windows of the raw files: spans slice the source, search finds the passage."""

from __future__ import annotations

from itertools import pairwise

import pytest

from eval.baseline import WindowBM25, tokenize, windows
from eval.harness import SourceDoc, locate_support, sources_from_corpus
from eval.metrics import is_relevant


@pytest.fixture(scope="module")
def corpus() -> list[SourceDoc]:
    return sources_from_corpus()


def test_tokenizer_is_plain_lowercase_words():
    assert tokenize("Bosatte flyktninger (totalt)\t2 819 – Overføringsflyktninger!") == [
        "bosatte", "flyktninger", "totalt", "2", "819", "overføringsflyktninger"]


def test_windows_cover_the_text_and_slice_the_source(corpus):
    doc = next(d for d in corpus if d.doc_id == "kd-tildelingsbrev-2020")
    ws = windows(doc.doc_id, doc.text, size=150, stride=75)
    assert all(doc.text[w.span.start:w.span.end] == w.text for w in ws)
    assert all(len(w.text.split()) == 150 for w in ws[:-1])
    assert ws[0].span.start == len(doc.text) - len(doc.text.lstrip())
    assert ws[-1].span.end == len(doc.text.rstrip())
    # half-overlapping windows: each window starts inside the previous one
    assert all(b.span.start < a.span.end for a, b in pairwise(ws))


def test_short_text_is_one_window():
    (w,) = windows("d", "  tre små ord  ")
    assert w.text == "tre små ord" and (w.span.start, w.span.end) == (2, 13)
    assert windows("d", "   ") == []


def test_search_finds_a_verbatim_phrase(corpus):
    bm25 = WindowBM25.from_sources(corpus)
    doc = next(d for d in corpus if d.doc_id == "imdi-arsrapport-2020")
    support = "Nettportalen hadde 19 216 sidevisninger i 2020."
    (gold,) = locate_support(doc.text, support)
    hits = bm25.search("nettportalen sidevisninger 19 216", k=5)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert hits[0].doc_id == "imdi-arsrapport-2020"
    assert is_relevant(hits[0].citation.span, gold)
    assert hits[0].citation.quote == doc.text[hits[0].citation.span.start:hits[0].citation.span.end]


def test_search_without_known_words_returns_nothing(corpus):
    bm25 = WindowBM25.from_sources(corpus[:1])
    assert bm25.search("zzqx qqzv", k=10) == []
    assert bm25.search("  ", k=10) == []
