"""`kb eval` end to end on a tiny store cut from the real corpus, with a scripted index."""

from __future__ import annotations

import json

import pytest
from evalfakes import FakeIndex, write_questions
from typer.testing import CliRunner

from core.records import Answer, Citation, Span
from eval import commands
from eval.harness import TOP_KEYS, locate_support
from ingest.store import DocumentStore
from kb.cli import app

runner = CliRunner()

ROW_49 = ("Andel flyktninger bosatt innen 6 måneder etter at vedtak som danner grunnlag for bosetting eller "
          "innreisetillatelse er gitt\t76 %\t83 %\t95 %\t90 %\t49 %\tDet ble bosatt 2 819 flyktninger i 2020 "
          "(4 822 i 2019).")
POST_60 = "Post 60 Integreringstilskudd, kan overføres 7 545,63"
SP4 = "<b>SP4:</b> Andel personer med rett og plikt til opplæring i norsk og samfunns-kunnskap"
QUESTIONS = [
    {"id": "q49", "question": "hva var andel bosatt innen 6 måneder i 2020", "support": ROW_49,
     "answer_values": ["49"], "doc": "imdi-arsrapport-2020.txt", "lang": "nb", "kind": "table"},
    {"id": "post60", "question": "integreringstilskudd post 60", "support": POST_60,
     "answer_values": ["7545,63"], "doc": "kd-tildelingsbrev-imdi-2020.txt", "lang": "nb", "kind": "table"},
    {"id": "sp4", "question": "norskopplæring innen 3 måneder", "support": SP4,
     "answer_values": ["52"], "lang": "en", "kind": "fact"},
]


@pytest.fixture()
def scripted(tiny_data, monkeypatch):
    """A fake index: q49 relevant at rank 1, post60 at rank 3, sp4 never (it returns the wrong document)."""
    store = DocumentStore(tiny_data)
    a20, tb = store.source("arsrapport-2020-utdrag"), store.source("tildelingsbrev-utdrag")
    (g49,) = locate_support(a20, ROW_49)
    (g60,) = locate_support(tb, POST_60)
    index = FakeIndex({
        QUESTIONS[0]["question"]: [("arsrapport-2020-utdrag", g49.start - 10, g49.end + 10)],
        QUESTIONS[1]["question"]: [("tildelingsbrev-utdrag", 0, 20), ("arsrapport-2020-utdrag", g60.start, g60.end),
                                   ("tildelingsbrev-utdrag", g60.start, g60.end)],
        QUESTIONS[2]["question"]: [("tildelingsbrev-utdrag", 0, 400)],
    })
    monkeypatch.setattr(commands, "open_searcher", lambda data: index)
    return index


def run(*args: str):
    return runner.invoke(app, ["eval", *args])


def test_json_keys_and_figures(tiny_data, scripted, tmp_path):
    qfile = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    out = tmp_path / "out.json"
    res = run(str(qfile), "--data", str(tiny_data), "--json", str(out))
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert tuple(report) == TOP_KEYS
    assert set(report) == {"n", "recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "answer_accuracy", "settings",
                           "citation_accuracy", "latency_ms", "by_kind", "by_lang", "by_doc", "misses", "modes",
                           "answer_accuracy_by_type", "answers", "answer_settings"}
    assert set(report["latency_ms"]) == {"p50", "p95"}
    assert report["n"] == 3
    assert report["recall@1"] == pytest.approx(1 / 3, abs=1e-4)
    assert report["recall@5"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["mrr@10"] == pytest.approx((1 + 1 / 3) / 3, abs=1e-4)
    assert report["answer_accuracy"] is None and report["citation_accuracy"] is None
    assert [m["id"] for m in report["misses"]] == ["sp4"]
    assert report["misses"][0]["retrieved"][0]["doc"] == "tildelingsbrev-utdrag"
    assert report["by_kind"]["table"]["recall@5"] == 1.0 and report["by_kind"]["fact"]["recall@5"] == 0.0
    assert set(report["by_doc"]) == {"arsrapport-2020-utdrag", "tildelingsbrev-utdrag"}
    assert list(report["modes"]) == ["hybrid"]
    assert all(call[1] == 10 and call[2] == "hybrid" for call in scripted.calls)
    assert "recall@1" in res.output  # the rich table


def test_mode_all_runs_every_mode_and_the_baseline(tiny_data, scripted, tmp_path):
    qfile = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    out = tmp_path / "out.json"
    res = run(str(qfile), "--data", str(tiny_data), "--mode", "all", "--k", "5", "--json", str(out))
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert list(report["modes"]) == ["hybrid", "keyword", "semantic", "bm25-window"]
    assert {c[2] for c in scripted.calls} == {"hybrid", "keyword", "semantic"}
    assert all(c[1] == 5 for c in scripted.calls)
    for key in ("n", "recall@1", "recall@5", "mrr@10", "ndcg@10"):
        assert report[key] == report["modes"]["hybrid"][key]
    # the BM25 window baseline finds the exact budget line in the letter excerpt
    assert report["modes"]["bm25-window"]["by_kind"]["table"]["recall@5"] > 0


def test_each_index_mode_gets_its_own_copy(tiny_data, scripted, tmp_path, monkeypatch):
    """No mode may profit from another's query cache: one index per mode, the first opened before any search."""
    opened = []
    monkeypatch.setattr(commands, "open_searcher", lambda data: opened.append(data) or scripted)
    qfile = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    assert run(str(qfile), "--data", str(tiny_data), "--mode", "all").exit_code == 0
    assert len(opened) == 3
    opened.clear()
    assert run(str(qfile), "--data", str(tiny_data), "--mode", "keyword").exit_code == 0
    assert len(opened) == 1


def test_min_recall5_gate(tiny_data, scripted, tmp_path):
    qfile = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    assert run(str(qfile), "--data", str(tiny_data), "--min-recall5", "1.01").exit_code == 1
    assert run(str(qfile), "--data", str(tiny_data), "--min-recall5", "0.5").exit_code == 0


def test_report_writes_markdown_and_plots(tiny_data, scripted, tmp_path):
    qfile = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    md = tmp_path / "rep" / "REPORT.md"
    res = run(str(qfile), "--data", str(tiny_data), "--mode", "all", "--report", str(md))
    assert res.exit_code == 0, res.output
    text = md.read_text(encoding="utf-8")
    assert "| index: hybrid |" in text and "baseline: BM25" in text
    assert "![recall@k](recall_at_k.png)" in text
    png = md.parent / "recall_at_k.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "`sp4`" in text  # the miss is listed


def test_bad_lines_are_reported_and_counted(tiny_data, scripted, tmp_path):
    qfile = write_questions(tmp_path / "q.jsonl", [*QUESTIONS, '{"id": "half"', {"id": "nosup", "question": "x"}])
    out = tmp_path / "out.json"
    res = run(str(qfile), "--data", str(tiny_data), "--json", str(out))
    assert res.exit_code == 0
    assert "q.jsonl:4 (line-4)" in res.output and "q.jsonl:5 (nosup)" in res.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["n"] == 5
    assert {m["id"] for m in report["misses"]} == {"sp4", "line-4", "nosup"}


@pytest.mark.parametrize("content", [None, "not json at all\nstill not\n", ""])
def test_unusable_question_file_exits_2(tiny_data, scripted, tmp_path, content):
    qfile = tmp_path / "q.jsonl"
    if content is not None:
        qfile.write_text(content, encoding="utf-8")
    res = run(str(qfile), "--data", str(tiny_data))
    assert res.exit_code == 2
    assert "Traceback" not in res.output and "error" in res.output


def test_setup_problems_exit_2(tiny_data, tmp_path, monkeypatch):
    qfile = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    res = run(str(qfile), "--data", str(tmp_path / "empty"))
    assert res.exit_code == 2 and "no ingested documents" in res.output

    def broken(data):
        raise commands.EvalSetupError("cannot open the index in x")

    monkeypatch.setattr(commands, "open_searcher", broken)
    res = run(str(qfile), "--data", str(tiny_data))
    assert res.exit_code == 2 and "cannot open the index" in res.output and "Traceback" not in res.output
    res = run(str(qfile), "--data", str(tiny_data), "--mode", "fuzzy")
    assert res.exit_code == 2


def test_answers_scored_when_the_module_exists(tiny_data, scripted, tmp_path, monkeypatch):
    def fake_answer(question: str) -> Answer:
        doc = "arsrapport-2020-utdrag" if "6 måneder" in question else "tildelingsbrev-utdrag"
        cit = Citation(doc_id=doc, title=doc, source_file=doc, span=Span(start=0, end=1))
        if "post 60" in question:
            return Answer(question=question, found=True, value=7545.63, unit="mill. kroner",
                          value_text="7 545,63 mill. kroner", text="Post 60 fikk 7 545,63 mill. kroner.", citation=cit)
        if "6 måneder" in question:
            return Answer(question=question, found=True, value=49, unit="%", value_text="49 %",
                          text="49 % ble bosatt innen 6 måneder i 2020.", citation=cit)
        return Answer(question=question, found=False, text="Fant ikke noe svar.")

    monkeypatch.setattr(commands, "open_answerer", lambda idx: fake_answer)
    qfile = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    out = tmp_path / "out.json"
    assert run(str(qfile), "--data", str(tiny_data), "--answers", "--json", str(out)).exit_code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["answer_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["citation_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["answer_accuracy_by_type"]["number"]["n"] == 3


def test_only_the_short_answer_counts_not_the_sentence(tiny_data, scripted, tmp_path, monkeypatch):
    def sentence_only(question: str) -> Answer:
        # the right number stands in the sentence, but the answer gives no value of its own
        cit = Citation(doc_id="x", title="x", source_file="x", span=Span(start=0, end=1))
        return Answer(question=question, found=True, text="49 % ble bosatt; post 60 fikk 7 545,63 mill. kroner.",
                      citation=cit, answer_type="reason")

    monkeypatch.setattr(commands, "open_answerer", lambda idx: sentence_only)
    qfile = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    out = tmp_path / "out.json"
    assert run(str(qfile), "--data", str(tiny_data), "--answers", "--json", str(out)).exit_code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["answer_accuracy"] == 0.0
    assert report["answer_accuracy_by_type"]["reason"]["answer_accuracy"] == 0.0


def test_answers_null_without_the_module(tiny_data, scripted, tmp_path, monkeypatch):
    monkeypatch.setattr(commands, "open_answerer", lambda idx: None)
    qfile = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    out = tmp_path / "out.json"
    res = run(str(qfile), "--data", str(tiny_data), "--answers", "--json", str(out))
    assert res.exit_code == 0 and "answer module is not available" in res.output
    assert json.loads(out.read_text(encoding="utf-8"))["answer_accuracy"] is None
