"""The answer stage's settings: one typed, validated object (recorded in the evaluation report)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AnswerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    k_passages: int = Field(5, ge=1, le=50, description="passages returned beside the answer")
    fact_pool: int = Field(300, ge=1, le=5000, description="facts matched by words before ranking")
    span_hits: int = Field(5, ge=1, le=20, description="passages whose sentences give name/date/reason candidates")
    ngram_sentences: int = Field(3, ge=0, le=20, description="best-matching sentences that give phrase candidates")
    max_values: int = Field(3, ge=1, le=6, description="figures a several-figures question may get")
    max_list_items: int = Field(12, ge=1, le=50)
    max_item_words: int = Field(8, ge=1, le=20, description="longest list item cut from a sentence")
    list_ratio: float = Field(0.3, ge=0.0, le=1.0, description="an item joins a list above this share of the best")
    second_sentence_ratio: float = Field(0.6, ge=0.0, le=1.0,
                                         description="a reason takes the next sentence above this share of the best")
    # the ranker's form (answer/fit.py): a linear score per family, with boosted trees on top for the reason and
    # description sentences only (R45, eval/REPORT.md stop 31: on figures and spans the trees did not hold on dev);
    # within-question rank weights are an option
    ranker_relative: bool = Field(False, description="linear weights also on each feature's rank in the question")
    ranker_trees: int = Field(30, ge=0, le=500, description="boosted trees added to a family's linear score")
    ranker_tree_depth: int = Field(3, ge=1, le=6)
    ranker_learning_rate: float = Field(0.1, gt=0.0, le=1.0)
    ranker_min_leaf: int = Field(100, ge=1, description="fewest candidates in a tree's leaf")
    ranker_tree_families: tuple[Literal["fact", "span", "sentence"], ...] = Field(
        ("sentence",), description="candidate families that get the trees")
