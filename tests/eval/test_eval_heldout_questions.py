"""The held-out question sets written blind at stops 32–48: valid lines, each support in its named document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eval.harness import locate_gold, sources_from_corpus
from eval.metrics import answer_matches
from eval.questions_format import load_questions

QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "questions"


@pytest.mark.parametrize("name", ["heldout_stop32.jsonl", "heldout_stop32b.jsonl", "heldout_stop33.jsonl",
                                  "heldout_stop34.jsonl", "heldout_stop38.jsonl", "heldout_stop44.jsonl",
                                  "heldout_stop45.jsonl", "heldout_stop46.jsonl", "heldout_stop47.jsonl",
                                  "heldout_stop48.jsonl"])
def test_every_line_is_valid_and_every_support_is_in_its_named_document(name):
    held = load_questions(QUESTIONS / name)
    assert held.errors == []
    assert len({q.id for q in held.questions}) == len(held.questions) == 60
    docs = sources_from_corpus()
    for q in held.questions:
        named = [d for d in docs if d.known_as(q.doc)]
        assert len(named) == 1, (q.id, q.doc)
        gold = locate_gold(q, docs)
        assert gold is not None and gold.doc_id == named[0].doc_id, q.id
        # words case-folded (`lav kompetanse` in `Lav kompetanse, …`); a figure as written, or with its digit groups
        # joined as the harness compares answers (`2819` in `2 819`)
        supports = " ".join(" ".join(s.split()) for s in q.supports)
        for v in q.answer_values:
            figure = re.fullmatch(r"[\d\s.,]+", v) is not None
            assert v.casefold() in supports.casefold() or (figure and answer_matches([v], supports)), (q.id, v)
