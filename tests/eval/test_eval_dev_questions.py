"""The development question set: every support lies in its named document; composition quotas hold."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.harness import locate_gold, sources_from_corpus
from eval.questions_format import load_questions

DEV = Path(__file__).resolve().parents[2] / "eval" / "questions" / "dev.jsonl"
OCR_DOC = {"imdi-arsrapport-2024-ocr.txt", "001_fdbb44fecce63a39.txt"}


@pytest.fixture(scope="module")
def dev():
    return load_questions(DEV)


def test_every_line_is_valid_and_ids_unique(dev):
    assert dev.errors == []
    raw_ids = [json.loads(line)["id"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(raw_ids) == len(set(raw_ids)) == len(dev.questions)


def test_every_support_is_in_its_named_document(dev):
    docs = sources_from_corpus()
    for q in dev.questions:
        named = [d for d in docs if d.known_as(q.doc)]
        assert len(named) == 1, (q.id, q.doc)
        gold = locate_gold(q, docs)
        assert gold is not None, q.id
        assert gold.doc_id == named[0].doc_id, q.id
        text = named[0].text
        for span in gold.spans:
            assert " ".join(text[span.start:span.end].split()) == " ".join(q.support.split())
        # a table support is exactly the answer's row (an index citing that row must count), so it may be short
        assert (12 if q.kind == "table" else 30) <= len(q.support) <= 320, (q.id, len(q.support))


def test_composition_quotas(dev):
    qs = dev.questions
    kinds = Counter(q.kind for q in qs)
    langs = Counter(q.lang for q in qs)
    assert len(qs) >= 120
    assert kinds["table"] >= 30 and kinds["fact"] >= 30 and kinds["passage"] >= 20
    assert langs["nn"] >= 20 and langs["en"] >= 10
    assert sum(q.doc in OCR_DOC or q.kind == "ocr" for q in qs) >= 15
    docs = Counter(q.doc for q in qs)
    named = {d for d in docs}
    for source in ("imdi-arsrapport-2020.txt", "imdi-arsrapport-2022-nn.txt", "imdi-arsrapport-2024-ocr.txt",
                   "kd-tildelingsbrev-imdi-2020.txt", "imdi-fou-prosjekter-2020.txt"):
        assert source in named
        assert docs[source] >= 15, source


def test_questions_are_typed_like_staff_would(dev):
    for q in dev.questions:
        assert q.question == q.question.lower(), q.id
        assert len(q.question) <= 120, q.id
        assert q.question not in q.support, q.id  # not copied from the text


def test_the_reference_question(dev):
    (q,) = [q for q in dev.questions if q.question == "hva var andel bosatt innen 6 måneder i 2020"]
    assert q.answer_values == ["49"]
    assert q.support.startswith("Andel flyktninger bosatt innen 6 måneder etter at vedtak")
    assert "\t90 %\t49 %\t" in q.support  # the Resultatkrav row, tabs kept
    text = next(d.text for d in sources_from_corpus() if d.doc_id == "imdi-arsrapport-2020")
    line = next(ln for ln in text.splitlines() if ln.startswith("Andel flyktninger bosatt innen 6 måneder"))
    assert q.support == line


def test_answer_values_occur_in_most_supports(dev):
    """A sanity check on the hand-written values; space-separated table rows may join cells when normalised."""
    from eval.metrics import answer_matches

    with_values = [q for q in dev.questions if q.answer_values]
    found = [q for q in with_values if answer_matches(q.answer_values, q.support)]
    assert len(found) >= 0.9 * len(with_values)
