"""GET /answer: the answer object with citations; 422 for bad input."""

from __future__ import annotations

import threading
import time

import pytest
from apisupport import fake_loader, small_config
from fastapi.testclient import TestClient

from core.records import Answer, AnswerAlternative
from search_api.app import create_app

QUESTION = "hva var andel bosatt innen 6 måneder i 2020"


def test_answer_from_the_installed_answer_module(client):
    r = client.get("/answer", params={"q": f"  {QUESTION} "})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["question"] == QUESTION
    assert isinstance(body["found"], bool) and body["text"]
    for p in body["passages"]:
        assert p["citation"]["view_url"].startswith("/view/")
    if body["citation"]:
        assert body["citation"]["doc_id"] in {"imdi-arsrapport-2020", "imdi-fou-2020"}


def _stub(client, monkeypatch, fn) -> None:
    monkeypatch.setattr(client.app.state.kb, "answerer", fn)


def test_answer_object_is_converted_with_citations_and_alternatives(client, monkeypatch):
    seen = {}

    def fake_answer(question, index):
        seen["question"], seen["index"] = question, index
        hits = index.search("bosatt innen 6 måneder", k=3, filters={"doc": "imdi-arsrapport-2020"})
        alt = AnswerAlternative(value=95, unit="%", value_text="95 %", year=2019, relation="other_year",
                                citation=hits[1].citation)
        return Answer(question=question, found=True, value=49, unit="%", value_text="49 %", text="Det var 49 %.",
                      confidence=0.8, citation=hits[0].citation, alternatives=[alt], passages=hits,
                      disagreement="Kildene sier ulikt.")

    _stub(client, monkeypatch, fake_answer)
    body = client.get("/answer", params={"q": QUESTION}).json()
    assert seen["question"] == QUESTION and len(seen["index"]) > 0  # the server's loaded index is passed
    assert body["value_text"] == "49 %" and body["value"] == 49 and body["confidence"] == 0.8
    assert body["citation"]["doc_id"] == "imdi-arsrapport-2020" and body["citation"]["view_url"]
    assert body["alternatives"][0]["relation"] == "other_year" and body["alternatives"][0]["citation"]["page_label"]
    assert len(body["passages"]) == 3 and body["disagreement"] == "Kildene sier ulikt."


def test_answer_value_error_is_a_422(client, monkeypatch):
    def refuse(question, index):
        raise ValueError("the question has no words")

    _stub(client, monkeypatch, refuse)
    r = client.get("/answer", params={"q": "???"})
    assert r.status_code == 422 and "no words" in r.json()["error"]["message"]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": " \t "}, {"q": "x" * 1001}, {"q": "\u200b\ufeff"},
                                    {"q": "?!"}])
def test_answer_rejects_a_missing_or_empty_question(client, params):
    r = client.get("/answer", params=params)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("q", ["\u200b", "\ufeff \u200d", "…"])
def test_search_refuses_a_query_with_no_words(client, q):
    r = client.get("/search", params={"q": q})
    assert r.status_code == 422 and "has no words" in r.json()["error"]["message"]
    assert client.get("/search", params={"q": "49 %"}).status_code == 200  # a figure is a word here


def test_a_list_answer_keeps_its_type_and_each_item_with_its_own_citation(client, monkeypatch):
    from core.records import AnswerType, AnswerValue

    def fake_answer(question, index):
        hits = index.search("kommuner", k=2)
        values = [AnswerValue(text=name, label="GPE", citation=h.citation, confidence=0.7)
                  for name, h in zip(("Gjøvik", "Trondheim"), hits, strict=True)]
        return Answer(question=question, found=True, answer_type=AnswerType.list, item_type=AnswerType.place,
                      short_answer="Gjøvik, Trondheim", values=values, text="Kontorene i Gjøvik og Trondheim.",
                      confidence=0.7, citation=hits[0].citation)

    _stub(client, monkeypatch, fake_answer)
    body = client.get("/answer", params={"q": "hvilke kontorer skal legges ned"}).json()
    assert body["answer_type"] == "list" and body["item_type"] == "place"
    assert body["short_answer"] == "Gjøvik, Trondheim"
    assert [v["text"] for v in body["values"]] == ["Gjøvik", "Trondheim"]
    assert all(v["citation"]["view_url"].startswith("/view/") for v in body["values"])


def test_answers_wait_for_the_cpu_slot_in_arrival_order_without_holding_threads(small_data):
    """With one slot busy, later questions queue in the event loop (no thread each) and run first come first
    served."""
    gate, order, waiting = threading.Event(), [], 20

    def slow_answer(question, index):
        order.append(question)
        assert gate.wait(30)
        return Answer(question=question, found=False, text="Fant ikke noe svar.")

    with TestClient(create_app(small_config(small_data, cpu_slots=1), loader=fake_loader)) as c:
        state = c.app.state.kb
        state.answerer = slow_answer
        threads_before = threading.active_count()
        asks = [threading.Thread(target=c.get, args=("/answer",), kwargs={"params": {"q": q}})
                for q in ["først", *(f"spørsmål {i}" for i in range(waiting))]]
        try:
            asks[0].start()
            _until(lambda: order == ["først"])
            for n, t in enumerate(asks[1:], 1):
                t.start()
                _until(lambda n=n: state.cpu.statistics().tasks_waiting == n)
            # the 21 client threads, and one thread for the answer that runs; not one per waiting question
            threads = threading.active_count() - threads_before
        finally:
            gate.set()  # a failed check must not leave the server waiting on the gate
            for t in asks:
                t.join(30)
    assert threads <= len(asks) + 3
    assert order == ["først", *(f"spørsmål {i}" for i in range(waiting))]


def _until(check, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)
