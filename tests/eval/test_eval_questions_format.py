"""Question-file format: bad lines are reported by id and line number and counted as misses."""

from __future__ import annotations

import json

import pytest
from evalfakes import FakeIndex, write_questions

from eval.harness import SourceDoc, evaluate, prepare
from eval.questions_format import QuestionFileError, load_questions, parse_questions

SOURCE = "Det ble bosatt 2 819 flyktninger i 2020 (4 822 i 2019). Andre setning om noe helt annet her."
DOCS = [SourceDoc("doc-a", SOURCE, frozenset({"doc-a.txt"}))]
SUPPORT = "Det ble bosatt 2 819 flyktninger i 2020 (4 822 i 2019)."


def good(qid: str, **extra) -> str:
    return json.dumps({"id": qid, "question": "hvor mange ble bosatt", "support": SUPPORT,
                       "answer_values": ["2819"], **extra}, ensure_ascii=False)


def test_errors_carry_id_and_line_and_count_as_misses():
    text = "\n".join([
        good("ok-1", doc="doc-a.txt", lang="nb", kind="fact", page_hint=None),
        '{"id": "broken", "question": "mangler slutt"',  # invalid JSON (line 2)
        json.dumps({"id": "no-support", "question": "x", "answer_values": []}),  # missing field (line 3)
        "",  # blank lines are not questions
        good("ok-2", unknown_field={"nested": True}, another=1),  # unknown fields ignored (line 5)
        json.dumps({"id": "elsewhere", "question": "x", "support": "Denne teksten finnes ikke i noe dokument.",
                    "answer_values": []}),  # support not found (line 6)
        good("ok-1"),  # duplicate id (line 7)
        "[1, 2, 3]",  # not an object (line 8)
    ])
    qf = parse_questions(text)
    assert [q.id for q in qf.questions] == ["ok-1", "ok-2", "elsewhere"]
    errs = {(e.id, e.line): e.message for e in qf.errors}
    assert ("line-2", 2) in errs and "invalid JSON" in errs[("line-2", 2)]
    assert ("no-support", 3) in errs and "support" in errs[("no-support", 3)]
    assert ("ok-1", 7) in errs and "duplicate" in errs[("ok-1", 7)]
    assert ("line-8", 8) in errs
    assert qf.n == 7

    prepared = prepare(qf, DOCS)
    by_id = {(r.id, r.line): r for r in prepared}
    assert by_id[("elsewhere", 6)].status == "no_support"
    assert by_id[("ok-2", 5)].status == "ok" and by_id[("ok-2", 5)].gold.doc_id == "doc-a"

    index = FakeIndex({"hvor mange ble bosatt": [("doc-a", 0, 60)]})
    report, _ = evaluate(qf, DOCS, {"hybrid": (index, "hybrid")})
    assert report["n"] == 7
    assert report["recall@1"] == pytest.approx(2 / 7, abs=1e-4)  # only the two valid, located questions can hit
    miss = {(m["id"], m["line"]): m["reason"] for m in report["misses"]}
    assert miss == {("line-2", 2): "invalid line", ("no-support", 3): "invalid line",
                    ("elsewhere", 6): "support not found", ("ok-1", 7): "invalid line",
                    ("line-8", 8): "invalid line"}
    # invalid or unlocated lines are never sent to the index
    assert len(index.calls) == 2


def test_wrong_types_are_invalid():
    qf = parse_questions("\n".join([
        json.dumps({"id": "a", "question": "q", "support": SUPPORT, "answer_values": "2819"}),
        json.dumps({"id": "b", "question": "", "support": SUPPORT, "answer_values": []}),
        json.dumps({"id": "c", "question": "q", "support": SUPPORT, "answer_values": [49], "page_hint": "tolv"}),
        json.dumps({"id": "d", "question": "q", "support": SUPPORT, "answer_values": [49, 9.6]}),
    ]))
    assert [e.id for e in qf.errors] == ["a", "b", "c"]
    assert qf.questions[0].answer_values == ["49", "9.6"]  # numbers are read as their tokens


def test_load_questions_file_level_errors(tmp_path):
    with pytest.raises(QuestionFileError, match="not found"):
        load_questions(tmp_path / "missing.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(QuestionFileError, match="no questions"):
        load_questions(empty)
    csv = write_questions(tmp_path / "q.csv", ["id,question,support", "1,hva,noe"])
    with pytest.raises(QuestionFileError, match="no valid question line"):
        load_questions(csv)
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes(good("x").encode("latin-1", errors="replace").replace(b"2 819", b"\xe6\xf8"))
    with pytest.raises(QuestionFileError, match="not UTF-8"):
        load_questions(latin1)


def test_load_questions_with_bom(tmp_path):
    p = tmp_path / "bom.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + good("x").encode("utf-8") + b"\n")
    qf = load_questions(p)
    assert [q.id for q in qf.questions] == ["x"] and qf.questions[0].line == 1


def test_support_may_be_a_list_and_any_one_passage_counts():
    second = "Andre setning om noe helt annet her."
    qf = parse_questions("\n".join([
        json.dumps({"id": "both", "question": "hvor mange ble bosatt", "support": [SUPPORT, second],
                    "answer_values": []}),
        json.dumps({"id": "one-missing", "question": "x", "support": ["Finnes ikke i teksten.", second],
                    "answer_values": []}),
        json.dumps({"id": "empty-list", "question": "x", "support": [], "answer_values": []}),
        json.dumps({"id": "blank-item", "question": "x", "support": [SUPPORT, " "], "answer_values": []}),
        json.dumps({"id": "plain", "question": "x", "support": SUPPORT, "answer_values": []}),
    ]))
    assert [e.id for e in qf.errors] == ["empty-list", "blank-item"]
    assert [q.supports for q in qf.questions][-1] == [SUPPORT]  # the old form reads as a list of one
    prepared = {r.id: r for r in prepare(qf, DOCS)}
    assert len(prepared["both"].gold.spans) == 2
    (span,) = prepared["one-missing"].gold.spans  # a passage not found is skipped, the other is gold
    assert SOURCE[span.start:span.end] == second

    # a hit over the second passage alone is relevant: covering half of any one support is enough
    start = SOURCE.index(second)
    index = FakeIndex({"hvor mange ble bosatt": [("doc-a", start, len(SOURCE))]})
    only_both = parse_questions(json.dumps({"id": "both", "question": "hvor mange ble bosatt",
                                            "support": [SUPPORT, second], "answer_values": []}))
    report, _ = evaluate(only_both, DOCS, {"hybrid": (index, "hybrid")})
    assert report["recall@1"] == 1.0
