"""Records that cross module borders. Every record keeps its provenance.

Offsets (`Span`) are character offsets into the source file decoded as UTF-8
(Python `str` indices), end exclusive, so `source_text[span.start:span.end]`
is the exact passage a citation points at.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Record):
    start: int
    end: int

    def covers(self, other: Span) -> int:
        """Number of characters of `other` inside this span."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))


class PageCertainty(StrEnum):
    exact = "exact"  # a PDF page, or a surviving page number/footer anchors it
    estimated = "estimated"  # a best-estimate page; `error` says how far off it may be
    range = "range"  # only first..last known (e.g. a chapter's TOC range)
    unknown = "unknown"


WIDEST_ESTIMATE = 5  # an estimate with a larger error bound is shown as its range instead


class PageRef(Record):
    certainty: PageCertainty = PageCertainty.unknown
    page: int | None = None  # set for exact and estimated
    first: int | None = None  # set for range (and may bound an estimate)
    last: int | None = None
    # best-estimate page and its error bound in pages (measured 90th percentile for this kind of
    # stretch); None in stores written before estimates existed
    estimate: int | None = None
    error: int | None = None

    @classmethod
    def exact(cls, page: int) -> PageRef:
        return cls(certainty=PageCertainty.exact, page=page, first=page, last=page)

    @classmethod
    def estimated(cls, page: int, first: int | None = None, last: int | None = None) -> PageRef:
        return cls(certainty=PageCertainty.estimated, page=page, first=first, last=last)

    @classmethod
    def span_of(cls, first: int, last: int) -> PageRef:
        if first == last:
            return cls.estimated(first, first, last)
        return cls(certainty=PageCertainty.range, first=first, last=last)

    @classmethod
    def unknown(cls) -> PageRef:
        return cls()

    def with_estimate(self, estimate: int, error: int) -> PageRef:
        """This evidence plus a best estimate: `estimated` when the bound is narrow enough to turn to."""
        if self.certainty == PageCertainty.exact:
            return self
        if error <= WIDEST_ESTIMATE or self.first is None:
            return self.model_copy(update={"certainty": PageCertainty.estimated, "page": estimate,
                                           "estimate": estimate, "error": error})
        return self.model_copy(update={"estimate": estimate, "error": error})

    @property
    def turn_to(self) -> int | None:
        """The page a reader should open: the exact page, else the best estimate."""
        if self.certainty == PageCertainty.exact:
            return self.page
        return self.estimate if self.estimate is not None else self.page

    def label(self) -> str:
        """Human label: 's. 13', 'ca. s. 63 (±2)', 'ca. s. 13', 's. 22–37', 'side ukjent'."""
        if self.certainty == PageCertainty.exact and self.page is not None:
            return f"s. {self.page}"
        if self.certainty == PageCertainty.estimated and self.page is not None:
            if self.error is not None and self.estimate == self.page:
                return f"ca. s. {self.page} (±{self.error})"
            return f"ca. s. {self.page}"
        if self.certainty == PageCertainty.range and self.first is not None:
            return f"s. {self.first}–{self.last}"
        if self.estimate is not None and self.error is not None:
            return f"ca. s. {self.estimate} (±{self.error})"
        return "side ukjent"


BlockKind = Literal["paragraph", "list", "table", "caption", "footnote", "heading"]


class Page(Record):
    """A page as far as the evidence allows; `span` is where it lies in the source."""

    number: int
    certainty: PageCertainty
    span: Span | None = None
    text: str | None = None  # cleaned text of the page where it can be cut out
    error: int | None = None  # for an estimated page: its passages' measured error bound in pages


class Section(Record):
    id: str  # "<doc_id>:s0012"
    doc_id: str
    number: str | None = None  # "3.1", "4.2.1"; None for unnumbered headings
    title: str
    level: int  # 1 = chapter
    path: list[str]  # titles from the root down to this section, number included
    parent_id: str | None = None
    page: PageRef = Field(default_factory=PageRef)
    span: Span  # the heading line in the source
    lang: str | None = None  # nb / nn, detected from the section's own text


class Block(Record):
    id: str  # "<doc_id>:b00042"
    doc_id: str
    kind: BlockKind
    text: str  # cleaned text (markup stripped, wraps joined, OCR repaired)
    raw: str | None = None  # the text before OCR repair, only when it differs
    section_id: str | None = None
    section_path: list[str] = Field(default_factory=list)
    page: PageRef = Field(default_factory=PageRef)
    span: Span
    table_id: str | None = None  # for kind == "table"
    figure_id: str | None = None  # for captions of named tables/figures
    lang: str | None = None
    entities: list[Entity] = Field(default_factory=list)


class Cell(Record):
    text: str
    value: float | None = None  # parsed number: "2 819" -> 2819, "9,6" -> 9.6
    unit: str | None = None  # "%", "mnd.", "kr", "mill. kroner", ...


class TableRow(Record):
    label: str  # first column, cleaned ("SP13: Andel ... innen 6 måneder")
    cells: list[Cell]  # the remaining columns, aligned with Table.columns[1:]
    span: Span | None = None
    # where the row itself lies: a table running over pages has rows on each of them
    page: PageRef = Field(default_factory=PageRef)


class Table(Record):
    id: str  # "<doc_id>:t003"
    doc_id: str
    number: str | None = None  # normalised "3-1-1" for "Tabell 3.1.1" / "Tabell 3-1-1"
    caption: str | None = None  # full caption line, cleaned
    title: str | None = None  # caption without "Tabell N"
    columns: list[str] = Field(default_factory=list)  # header cells, first is the label column
    rows: list[TableRow] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # footnotes and "*" notes
    source: str | None = None  # "Kilde: IMDi"
    section_id: str | None = None
    section_path: list[str] = Field(default_factory=list)
    page: PageRef = Field(default_factory=PageRef)
    span: Span
    style: Literal["tab", "space", "ocr", "pdf", "text"] = "text"

    def row_page(self, i: int) -> PageRef:
        """Where row `i` lies: its own page where the evidence gives one, else the table's."""
        own = self.rows[i].page
        if own.certainty != PageCertainty.unknown or own.estimate is not None:
            return own
        return self.page


class NamedFigure(Record):
    """A numbered 'Tabell 3-2-1' or 'Figur 3-1-5' caption (tables may also be parsed as Table)."""

    id: str  # "<doc_id>:f007"
    doc_id: str
    kind: Literal["tabell", "figur"]
    number: str  # normalised with dashes: "3-1-5", "4-2"
    label: str  # as printed: "Figur 3.1.5"
    title: str
    notes: list[str] = Field(default_factory=list)
    source: str | None = None
    table_id: str | None = None  # the parsed Table this caption heads, if any
    section_id: str | None = None
    section_path: list[str] = Field(default_factory=list)
    page: PageRef = Field(default_factory=PageRef)
    span: Span


# Every entity label ingestion writes (ingest/enrich/ner.py): names from the trained NER and the EntityRuler,
# numbers and dates from the rules.
ENTITY_LABELS = ("PER", "ORG", "GPE", "LOC", "LAW", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "DATE", "YEAR",
                 "PERIOD", "DURATION", "REF")
# The labels a reader filters by: names. Numbers and dates are better asked for with /facts.
NAME_LABELS = ("PER", "ORG", "GPE", "LOC", "LAW")


class Entity(Record):
    text: str
    label: str  # ORG, GPE, LAW, MONEY, PERCENT, DATE, DURATION, REF, ...
    start: int  # offsets into the owning record's text (not the source)
    end: int
    norm: str | None = None  # canonical form ("UDI", "Ukraina", "49 %")


# between an indicator and what ingest puts before it (a section title, a table's subject, a budget post) or after it
# (a column's measure), so `own_indicator` can read them off again
TITLE_JOIN = " – "


def post_label(post: str) -> str:
    """A budget post as an indicator names it: `Post 71 Tilskudd til …:` without the label's colon."""
    return post.strip(" :.")


class Fact(Record):
    id: str
    doc_id: str
    indicator: str  # row label or the phrase the number measures
    value: float  # for a range, its low end
    low: float | None = None  # a range `18–20 %` is one fact: low 18, high 20
    high: float | None = None
    unit: str | None = None  # "%", "personer", "kroner", "mill. kroner", "måneder", "årsverk"
    year: int | None = None
    period: str | None = None  # "2020", "2016–2020", "per 31.12.2022", column header
    qualifier: str | None = None  # what kind of figure: "resultat", "krav", "foreløpig", "minst", "endring"
    group: str | None = None  # the sub-group a table row is for ("barnefamilier"), as its indicator names it
    context: str | None = None  # table caption or section title
    measure: str | None = None  # what a table cell's column says it is (`Omsøkt beløp`), ending its indicator
    # what a figure is part of, put before its indicator: a table's subject (from its caption), or the budget post a
    # sentence's figure is on when the sentence does not name it
    subject: str | None = None
    post: str | None = None  # the budget post the figure is on, as printed: "Post 62 Kommunale innvandrertiltak"
    source_kind: Literal["table", "text"]
    table_id: str | None = None
    row: int | None = None
    column: str | None = None
    sentence: str | None = None
    block_id: str | None = None
    section_path: list[str] = Field(default_factory=list)
    page: PageRef = Field(default_factory=PageRef)
    span: Span
    span_exact: bool = True  # False: the number was not found in the source, `span` is its whole block
    entities: list[Entity] = Field(default_factory=list)

    @property
    def own_indicator(self) -> str:
        """The indicator without the section title, table subject or budget post it starts with and the column
        measure it ends with: what ranks reads the title, caption and column once (as `context`, `column`) and
        never read the post, so a fact is not matched twice on the same words."""
        own = self.indicator
        if self.source_kind == "text" and self.context:
            own = own.removeprefix(f"{self.context}{TITLE_JOIN}")
        own = own.removeprefix(f"{self.subject}{TITLE_JOIN}") if self.subject else own
        return own.removesuffix(f"{TITLE_JOIN}{self.measure}") if self.measure else own


class OcrRepairStats(Record):
    tokens: int = 0
    changed: int = 0
    examples: list[tuple[str, str]] = Field(default_factory=list)  # (raw, repaired), a sample


class DocumentMeta(Record):
    id: str
    title: str
    publisher: str | None = None
    doc_type: str | None = None
    year: int | None = None
    lang: str | None = None  # from the manifest, or detected
    lang_detected: str | None = None
    source_file: str  # path relative to the corpus root, or absolute for user files
    original_name: str | None = None
    sha256: str
    format: str  # parser profile used: markdown_html, ocr, letter, pdftotext, markdown, pdf, text
    format_reason: str | None = None  # why that profile: the manifest, or the measured evidence of the detector
    n_chars: int = 0
    ingest_version: str = ""  # hash of the ingest code; a change re-ingests


class Document(Record):
    meta: DocumentMeta
    pages: list[Page] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[NamedFigure] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    ocr: OcrRepairStats | None = None
    warnings: list[str] = Field(default_factory=list)


class ParsedDocument(Record):
    """What a format parser returns; the pipeline adds metadata, language, facts."""

    pages: list[Page] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[NamedFigure] = Field(default_factory=list)
    ocr: OcrRepairStats | None = None
    warnings: list[str] = Field(default_factory=list)
    # offsets where a page ends without a number, where the export shows it (pdftotext's blank page bottoms)
    page_bottoms: list[int] = Field(default_factory=list)
    # where a part with its own page numbering begins (a letter bundle's next letter or appendix, at its p. 1)
    numbering_starts: list[int] = Field(default_factory=list)
    # page starts the format's own evidence gives inside those parts: (offset, page, exact)
    page_starts: list[tuple[int, int, bool]] = Field(default_factory=list)


Block.model_rebuild()


# -- search: modes, chunks, hits with citations, answers --------------------------------------------

class SearchMode(StrEnum):
    keyword = "keyword"
    semantic = "semantic"
    hybrid = "hybrid"

    @classmethod
    def from_str(cls, value: str | SearchMode) -> SearchMode:
        if isinstance(value, SearchMode):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown search mode {value!r}; expected one of: {valid}") from None

    @property
    def retrievers(self) -> tuple[str, ...]:
        return ("keyword", "semantic") if self is SearchMode.hybrid else (self.value,)



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
    # near-duplicates folded under this hit ("more from this table": other row groups of its table, the same
    # passage in another letter), as chunk ids, best first
    more: list[str] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)  # the chunk's, for entity facets


class AnswerType(StrEnum):
    """What a question asks for, read from its wording (answer/intent.py)."""

    number = "number"  # one figure: a share, a count, an amount of money, a duration
    numbers = "numbers"  # several figures: a result beside its target, a count and a share
    person = "person"
    organisation = "organisation"
    place = "place"
    list = "list"  # several items of `Answer.item_type`
    date = "date"  # a date or a year
    reason = "reason"  # why/how/what is: one or two sentences
    term = "term"  # a name or noun phrase that is none of the above ("hvilken stilling", "hva heter")


class AnswerValue(BaseModel):
    """One value of an answer (a figure, a name, a list item, a sentence) and the exact span it came from."""

    text: str  # "49 %", "Lydgulvsystemer AS", "Oslo"
    value: float | None = None  # for figures
    unit: str | None = None
    year: int | None = None
    label: str | None = None  # the column or role of a figure ("Resultat 2020", "krav"), an entity's label
    citation: Citation
    fact: Fact | None = None
    confidence: float = 0.0


class Answer(BaseModel):
    question: str
    found: bool  # False: nothing fits well enough; `text` says so plainly
    answer_type: AnswerType = AnswerType.number
    item_type: AnswerType | None = None  # for a list: what its items are (place, organisation, person, term)
    short_answer: str | None = None  # the value(s) or name(s) alone: what the answer says in a few words
    values: list[AnswerValue] = Field(default_factory=list)  # each value with its own citation
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
