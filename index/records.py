"""Records of the index stage: chunks, hits with citations, answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ingest.records import Entity, Fact, PageRef, Span

Mode = Literal["keyword", "semantic", "hybrid"]
MODES: tuple[str, ...] = ("keyword", "semantic", "hybrid")


class Chunk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str  # "<doc_id>:c00042"
    doc_id: str
    title: str  # document title
    year: int | None = None
    doc_type: str | None = None
    lang: str | None = None
    section_path: list[str] = Field(default_factory=list)
    page: PageRef = Field(default_factory=PageRef)
    span: Span  # union of the source spans of the blocks inside
    block_ids: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)  # block kinds inside: paragraph, table, caption, ...
    text: str  # what a person reads (cleaned, OCR-repaired)
    index_text: str  # what is indexed: section path + text (+ raw OCR text where repaired)
    table_id: str | None = None
    figure_ids: list[str] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    rows: list[int] = Field(default_factory=list)  # table chunks: Table.rows indices, one line each after caption
    row_spans: list[Span] = Field(default_factory=list)  # source span of each of those rows


class Citation(BaseModel):
    doc_id: str
    title: str
    year: int | None = None
    doc_type: str | None = None
    page: PageRef = Field(default_factory=PageRef)
    page_label: str = ""  # "s. 13", "ca. s. 13", "s. 22–37", "side ukjent"
    section_path: list[str] = Field(default_factory=list)
    source_file: str
    span: Span
    table_id: str | None = None
    row: int | None = None
    column: str | None = None
    quote: str | None = None  # the exact passage in the source file


class Hit(BaseModel):
    rank: int  # 1-based, in the fused (or single-mode) ranking
    score: float
    chunk_id: str
    doc_id: str
    text: str
    snippet: str  # short extract with the query terms in **bold**
    kinds: list[str] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)  # per retriever: "keyword", "semantic"
    ranks: dict[str, int] = Field(default_factory=dict)  # per retriever, 1-based; absent = not retrieved
    citation: Citation


class Answer(BaseModel):
    question: str
    found: bool  # False: nothing fits well enough; `text` says so plainly
    value: float | None = None
    unit: str | None = None
    value_text: str | None = None  # "49 %", "2 819 personer", "30 mill. kroner"
    text: str  # one-line Norwegian sentence
    confidence: float = 0.0  # 0..1
    citation: Citation | None = None
    fact: Fact | None = None
    alternatives: list[AnswerAlternative] = Field(default_factory=list)
    disagreement: str | None = None  # set when sources give different values
    passages: list[Hit] = Field(default_factory=list)


class AnswerAlternative(BaseModel):
    value: float
    unit: str | None = None
    value_text: str
    year: int | None = None
    qualifier: str | None = None
    relation: str  # "other_year", "other_document", "target", "revised", ...
    citation: Citation
    fact: Fact | None = None


Answer.model_rebuild()
