"""eval/load_benchmark.py: bounded, loopback only, and it reports what it measured."""

from __future__ import annotations

import asyncio
import json

import pytest
from apisupport import fake_loader, live_server, small_config

from eval import load_benchmark as lb
from search_api.app import create_app


def test_short_run_against_a_live_server_reports_every_endpoint(small_data):
    questions = lb.load_questions(lb.DEV_QUESTIONS)
    assert len(questions) > 100
    with live_server(create_app(small_config(small_data), loader=fake_loader)) as url:
        lb.wait_ready(url, timeout=30)
        result = asyncio.run(lb.run_load(url, questions, clients=4, duration=2.0, timeout=20))
    summary = result.summary()
    assert 2.0 <= summary["duration_s"] < 25  # stops by itself: the deadline plus at most one request
    for name in ("search", "answer", "facts", "all"):
        s = summary["endpoints"][name]
        assert s["requests"] > 0 and s["errors"] == 0 and s["statuses"] == {"200": s["requests"]}
        assert 0 < s["p50_ms"] <= s["p95_ms"] <= s["p99_ms"]
    assert summary["endpoints"]["all"]["requests"] == len(result.samples)
    table = lb.format_table(summary)
    assert "p95 ms" in table and "answer" in table
    json.dumps(summary)


def test_only_loopback_is_accepted():
    lb.check_loopback("http://127.0.0.1:8000")
    lb.check_loopback("http://localhost:8000")
    with pytest.raises(lb.BenchmarkError, match="loopback"):
        lb.check_loopback("http://10.20.30.40:8000")
    assert lb.main(["--url", "http://10.20.30.40:8000", "--duration", "1"]) == 2


def test_facts_query_takes_indicator_words_and_the_year():
    params = lb.facts_params("hva var andel bosatt innen 6 måneder i 2020")
    assert params["year"] == "2020"
    assert set(params["indicator"].split()) <= {"bosatt", "måneder", "andel"} and params["indicator"]


def test_bad_arguments_are_refused_before_any_load(tmp_path):
    assert lb.main(["--clients", "0"]) == 2
    assert lb.main(["--duration", "100000"]) == 2
    assert lb.main(["--endpoints", "search,delete"]) == 2
    empty = tmp_path / "q.jsonl"
    empty.write_text("", encoding="utf-8")
    assert lb.main(["--questions", str(empty)]) == 2
