"""Metric arithmetic on hand-made rankings, the half-coverage rule and answer-value normalisation."""

from __future__ import annotations

import math

import pytest

from core.records import Span
from eval import metrics

GOLD = Span(start=100, end=200)  # a 100-character support passage


@pytest.mark.parametrize(
    ("hit", "relevant"),
    [
        (Span(start=0, end=1000), True),  # contains it
        (Span(start=150, end=400), True),  # covers exactly half: the boundary counts
        (Span(start=151, end=400), False),  # 49 of 100 characters
        (Span(start=50, end=149), False),  # 49 characters from the left
        (Span(start=50, end=150), True),  # 50 from the left
        (Span(start=200, end=300), False),  # touches the end, covers nothing
        (Span(start=120, end=130), False),  # inside but too small
    ],
)
def test_half_coverage_rule(hit, relevant):
    assert metrics.is_relevant(hit, GOLD) is relevant


def test_half_coverage_odd_length_rounds_up():
    gold = Span(start=0, end=5)  # half of 5 is 2.5: 2 is not enough, 3 is
    assert not metrics.is_relevant(Span(start=0, end=2), gold)
    assert metrics.is_relevant(Span(start=0, end=3), gold)


def test_rank_metrics_on_known_ranks():
    # four questions: relevant first at rank 1, rank 3, rank 7, and never
    ranks = [1, 3, 7, None]
    m = metrics.rank_metrics(ranks, k=10)
    assert m["recall@1"] == pytest.approx(1 / 4)
    assert m["recall@5"] == pytest.approx(2 / 4)
    assert m["recall@10"] == pytest.approx(3 / 4)
    assert m["mrr@10"] == pytest.approx((1 + 1 / 3 + 1 / 7 + 0) / 4)
    expected_ndcg = (1 + 1 / math.log2(4) + 1 / math.log2(8) + 0) / 4
    assert m["ndcg@10"] == pytest.approx(expected_ndcg)


def test_rank_beyond_cutoff_counts_as_miss():
    assert metrics.reciprocal_rank(11, k=10) == 0
    assert metrics.ndcg_at(11, k=10) == 0
    assert metrics.recall_at(11, 10) == 0
    assert metrics.recall_at(10, 10) == 1


def test_ndcg_counts_only_the_first_relevant_hit():
    # two hits covering the same support (ranks 2 and 3) score like one at rank 2
    rank = metrics.first_relevant_rank([False, True, True, False])
    assert rank == 2
    assert metrics.ndcg_at(rank) == pytest.approx(1 / math.log2(3))
    assert metrics.ndcg_at(1) == 1.0  # the ideal: never above 1


def test_no_relevant_hit():
    assert metrics.first_relevant_rank([False] * 10) is None
    assert metrics.first_relevant_rank([]) is None
    assert metrics.rank_metrics([None, None]) == {
        "recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}


def test_recall_curve_is_monotone_and_ends_at_recall10():
    ranks = [1, 2, 2, 9, None]
    curve = metrics.recall_curve(ranks, 10)
    assert curve[0] == pytest.approx(0.2) and curve[1] == pytest.approx(0.6)
    assert curve == sorted(curve)
    assert curve[-1] == metrics.rank_metrics(ranks)["recall@10"]


def test_percentiles():
    ms = [10.0, 20.0, 30.0, 40.0, 1000.0]
    lat = metrics.latency_summary(ms)
    assert lat["p50"] == 30.0
    assert lat["p95"] == pytest.approx(808.0)  # linear between 40 and 1000 at 0.8
    assert metrics.latency_summary([]) == {"p50": None, "p95": None}


@pytest.mark.parametrize(
    ("values", "answer", "ok"),
    [
        (["2819"], "Det ble bosatt 2 819 flyktninger i 2020.", True),
        (["2 819"], "2819 personer", True),
        (["9,6"], "9.6 måneder", True),
        (["9.6"], "ventetiden var 9,6 mnd.", True),
        (["205,4"], "205,40 mill. kroner", True),  # numerically equal
        (["49"], "49 %", True),
        (["49"], "149 personer", False),  # no partial numbers
        (["49"], "49,5 prosent", False),
        (["9,6"], "9 måneder og 6 dager", False),
        (["ukrainsk", "19"], "19 prosent av oppdragene var på Ukrainsk", True),  # case folded, prefix of word
        (["ukrainsk", "19"], "19 prosent var på arabisk", False),  # every token must occur
        (["7068926000"], "7 068 926 000 kroner", True),
        ([], "anything", True),
    ],
)
def test_answer_value_normalisation(values, answer, ok):
    assert metrics.answer_matches(values, answer) is ok


def test_answer_value_from_the_number_field():
    assert metrics.answer_matches(["9,6"], "Ventetiden for barnefamilier", number=9.6)
    assert metrics.answer_matches(["2819"], None, number=2819.0)
    assert not metrics.answer_matches(["2819"], "ingen tall", number=None)


def test_normalise_keeps_separate_numbers_apart():
    assert metrics.normalise_answer_text("I 2020 49 %") == "i 2020 49 prosent"
    assert metrics.normalise_answer_text("2 819 og 4 822") == "2819 og 4822"


def test_a_unit_written_short_matches_the_unit_spelled_out():
    # NorQuAD's gold `minst 20 millioner kroner` is the answer `minst 20 mill. kroner`
    assert metrics.answer_matches(["kroner", "minst", "millioner"], "minst 20 mill. kroner")
    assert metrics.answer_matches(["8,1 prosent"], "8,1 %") and metrics.answer_matches(["49 %"], "49 pst.")
    assert metrics.answer_matches(["2 mrd. kr"], "2 milliarder kroner")
    assert not metrics.answer_matches(["20 millioner"], "20 milliarder")
    assert not metrics.answer_matches(["kroner"], "Kristiansand")  # `kr` is a word of its own, not a word's start


def test_a_gold_token_with_a_no_break_space_matches_a_plain_space():
    assert metrics.answer_matches(["37\xa0km"], "37 km")
    assert metrics.answer_matches(["Oslo kommune"], "Oslo\u202fkommune")
    assert not metrics.answer_matches(["37\xa0km"], "370 km")


@pytest.mark.parametrize(
    ("short", "answer_type", "expected"),
    [
        ("49 %", "number", "49 %"),
        (" ".join(f"ord{i}" for i in range(20)), "person", " ".join(f"ord{i}" for i in range(12))),
        (" ".join(f"by{i}" for i in range(20)), "list", " ".join(f"by{i}" for i in range(20))),
        ("Mottakene stengte. Derfor stoppet bosettingen.", "reason", "Mottakene stengte."),
        ("Ventetiden var 2,5 måneder i snitt.", "reason", "Ventetiden var 2,5 måneder i snitt."),
        (None, "number", ""),
    ],
)
def test_short_answer_text_limits_what_is_scored(short, answer_type, expected):
    assert metrics.short_answer_text(short, answer_type) == expected


def test_a_long_passage_cannot_pass_as_a_short_answer():
    passage = "I 2020 ble det bosatt færre flyktninger enn året før fordi grensene stengte, og andelen bosatt " \
              "innen seks måneder falt til 49 prosent."
    assert not metrics.answer_matches(["49"], metrics.short_answer_text(passage, "number"))
    assert metrics.answer_matches(["49"], metrics.short_answer_text("49 %", "number"))
