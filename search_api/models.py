"""Response models of the HTTP API; the notebook client parses answers into the same classes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from core.records import (
    AnswerType,
    BlockKind,
    Citation,
    DocumentMeta,
    Fact,
    NamedFigure,
    OcrRepairStats,
    PageCertainty,
    PageRef,
    SearchMode,
    Span,
    Table,
)

Mode = SearchMode  # the one definition is core.records.SearchMode
BLOCK_KINDS: tuple[str, ...] = BlockKind.__args__  # type: ignore[attr-defined]


def _pandas():
    try:
        import pandas
    except ImportError as exc:
        raise ImportError("to_frame() needs pandas, which is not installed: `pip install pandas`") from exc
    return pandas


class FrameMixin:
    """`.to_frame()` for notebooks: one row per item."""

    def _rows(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def to_frame(self):
        return _pandas().DataFrame(self._rows())


class ItemsMixin:
    """A list response reads as its list (`for h in kb.search(…)`, `len(…)`, `[0]`), as a notebook user expects;
    without it a pydantic model iterates over its fields. `model_dump()` and `.hits`/`.items` are unchanged."""

    _items: ClassVar[str]

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return iter(getattr(self, self._items))

    def __len__(self) -> int:
        return len(getattr(self, self._items))

    def __getitem__(self, i: int) -> Any:
        return getattr(self, self._items)[i]


# -- search ---------------------------------------------------------------------------------------------


class Highlight(BaseModel):
    start: int  # offsets into `snippet_text`
    end: int


class CitationOut(Citation):
    """The library's citation plus what a client needs to show it: the page's certainty and links."""

    page_certainty: PageCertainty = PageCertainty.unknown
    page_estimate: int | None = None  # the page to turn to: exact, or the best estimate
    page_error: int | None = None  # pages the estimate may be off (measured 90th percentile); 0 when exact
    view_url: str  # an HTML view of the passage (its page when the page is known) with the span highlighted
    page_url: str | None = None  # JSON of the cited page, when the evidence gives that page


class EntityOut(BaseModel):
    """A name in a passage: as written, its canonical form, and its label (PER, ORG, GPE, LOC, LAW)."""

    text: str
    norm: str | None = None
    label: str


class EntityFacet(BaseModel):
    """A name among the hits and how many of them carry it; `entity=name&entity_label=label` keeps those."""

    name: str  # the canonical form where there is one, else the text
    label: str
    count: int


class HitOut(BaseModel):
    rank: int
    score: float
    chunk_id: str
    doc_id: str
    title: str
    year: int | None = None
    snippet: str  # with the query's terms in **bold**
    snippet_text: str  # the same without markers
    highlights: list[Highlight] = Field(default_factory=list)  # where the bold terms are in snippet_text
    text: str  # the whole passage
    kinds: list[str] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)  # per retriever: keyword, semantic (facts has a rank only)
    ranks: dict[str, int] = Field(default_factory=dict)  # per retriever, 1-based; absent = not retrieved
    citation: CitationOut
    entities: list[EntityOut] = Field(default_factory=list)  # the names in the passage, once each


class SearchFiltersOut(BaseModel):
    year_from: int | None = None
    year_to: int | None = None
    doc_ids: list[str] | None = None
    langs: list[str] | None = None
    kinds: list[str] | None = None
    entities: list[str] | None = None
    entity_labels: list[str] | None = None


class SearchResponse(ItemsMixin, BaseModel, FrameMixin):
    _items: ClassVar[str] = "hits"
    query: str
    mode: Mode
    k: int
    filters: SearchFiltersOut
    took_ms: float
    hits: list[HitOut]
    entity_facets: list[EntityFacet] = Field(default_factory=list)  # the names of these hits, most frequent first

    def _rows(self) -> list[dict[str, Any]]:
        return [{"rank": h.rank, "score": h.score, "doc_id": h.doc_id, "title": h.title, "year": h.year,
                 "page": h.citation.page_label, "section": " › ".join(h.citation.section_path),
                 "snippet": h.snippet_text, "keyword_rank": h.ranks.get("keyword"),
                 "semantic_rank": h.ranks.get("semantic"), "facts_rank": h.ranks.get("facts"),
                 "chunk_id": h.chunk_id} for h in self.hits]


# -- answers -----------------------------------------------------------------------------------------------


class AlternativeOut(BaseModel):
    value: float
    unit: str | None = None
    value_text: str
    year: int | None = None
    qualifier: str | None = None
    relation: str  # other_year, other_document, target, revised, ...
    citation: CitationOut
    fact: Fact | None = None


class AnswerValueOut(BaseModel):
    """One value of an answer (a figure, a name, a list item, a sentence) with its own citation."""

    text: str
    value: float | None = None
    unit: str | None = None
    year: int | None = None
    label: str | None = None  # the column or role of a figure, the entity label of a name
    confidence: float = 0.0
    citation: CitationOut


class AnswerResponse(BaseModel, FrameMixin):
    question: str
    found: bool  # False: nothing fits well enough; `text` says so plainly
    answer_type: AnswerType = AnswerType.number  # number, numbers, person, organisation, place, list, date, ...
    item_type: AnswerType | None = None  # for a list: what its items are
    short_answer: str | None = None  # the value(s) or name(s) alone
    values: list[AnswerValueOut] = Field(default_factory=list)
    value: float | None = None
    unit: str | None = None
    value_text: str | None = None  # "49 %", "2 819 personer"
    text: str  # one Norwegian sentence
    confidence: float = 0.0
    citation: CitationOut | None = None
    fact: Fact | None = None
    alternatives: list[AlternativeOut] = Field(default_factory=list)
    disagreement: str | None = None
    passages: list[HitOut] = Field(default_factory=list)
    took_ms: float = 0.0

    def _rows(self) -> list[dict[str, Any]]:
        """The answer and its alternatives, one row each."""
        rows = []
        if self.found:
            c = self.citation
            rows.append({"relation": "answer", "value": self.value, "unit": self.unit, "value_text": self.value_text,
                         "year": self.fact.year if self.fact else None, "doc_id": c.doc_id if c else None,
                         "page": c.page_label if c else None, "confidence": self.confidence})
        for a in self.alternatives:
            rows.append({"relation": a.relation, "value": a.value, "unit": a.unit, "value_text": a.value_text,
                         "year": a.year, "doc_id": a.citation.doc_id, "page": a.citation.page_label,
                         "confidence": None})
        return rows


# -- facts -------------------------------------------------------------------------------------------------


class FactOut(Fact):
    title: str  # the document's
    page_label: str
    page_estimate: int | None = None  # the page to turn to: exact, or the best estimate
    page_error: int | None = None  # measured error bound of the estimate in pages; 0 when exact
    quote: str | None = None  # the source text the fact's span covers
    view_url: str
    match_score: float | None = None  # how well `indicator` matched (100 = substring), when filtered by it


class FactsPage(ItemsMixin, BaseModel, FrameMixin):
    _items: ClassVar[str] = "items"
    total: int  # facts matching the filters, before paging
    limit: int
    offset: int
    next_offset: int | None = None  # None on the last page
    items: list[FactOut]

    def _rows(self) -> list[dict[str, Any]]:
        return [{"id": f.id, "doc_id": f.doc_id, "indicator": f.indicator, "value": f.value, "unit": f.unit,
                 "year": f.year, "period": f.period, "qualifier": f.qualifier, "group": f.group, "post": f.post,
                 "page": f.page_label, "source_kind": f.source_kind, "table_id": f.table_id, "sentence": f.sentence}
                for f in self.items]


# -- documents ---------------------------------------------------------------------------------------------


class DocumentCounts(BaseModel):
    pages: int
    sections: int
    blocks: int
    tables: int
    figures: int
    facts: int


class DocumentSummary(BaseModel):
    id: str
    title: str
    publisher: str | None = None
    doc_type: str | None = None
    year: int | None = None
    lang: str | None = None
    format: str
    source_file: str
    sha256: str
    n_chars: int
    counts: DocumentCounts
    indexed: bool  # in the index the server is using now


class DocumentList(ItemsMixin, BaseModel, FrameMixin):
    _items: ClassVar[str] = "documents"
    documents: list[DocumentSummary]
    errors: dict[str, str] = Field(default_factory=dict)  # stored documents that could not be read

    def _rows(self) -> list[dict[str, Any]]:
        return [{"id": d.id, "title": d.title, "year": d.year, "doc_type": d.doc_type, "lang": d.lang,
                 "format": d.format, "indexed": d.indexed, **d.counts.model_dump()} for d in self.documents]


class SectionNode(BaseModel):
    id: str
    number: str | None = None
    title: str
    level: int
    page: PageRef
    page_label: str
    span: Span
    lang: str | None = None
    children: list[SectionNode] = Field(default_factory=list)


class TableSummary(BaseModel):
    id: str
    short_id: str  # "t003": accepted by /documents/{id}/tables/{table_id}
    number: str | None = None
    caption: str | None = None
    title: str | None = None
    columns: list[str]
    n_rows: int
    section_path: list[str]
    page: PageRef
    page_label: str
    span: Span


class FigureOut(NamedFigure):
    page_label: str


class PageSummary(BaseModel):
    number: int
    certainty: PageCertainty
    error: int | None = None  # estimated pages: the measured bound of the passages estimated on it


class DocumentDetail(BaseModel):
    meta: DocumentMeta
    counts: DocumentCounts
    indexed: bool
    sections: list[SectionNode]  # the section tree: chapters with their subsections
    tables: list[TableSummary]
    figures: list[FigureOut]  # numbered "Tabell 3-2-1" / "Figur 3-1-5" captions
    pages: list[PageSummary]  # the pages the evidence gives (a text export may give only some)
    warnings: list[str] = Field(default_factory=list)
    ocr: OcrRepairStats | None = None


class PageResponse(BaseModel):
    doc_id: str
    title: str
    number: int
    certainty: PageCertainty  # exact: the page is certain; estimated: a best estimate, see `error`
    error: int | None = None  # estimated: the passages on it may lie this many pages off (measured p90)
    label: str
    span: Span | None = None
    text: str  # the page's cleaned text (or its source text where no cleaned text was cut out)
    source_text: str | None = None  # the exact source passage the page covers
    previous: int | None = None  # neighbouring pages the evidence gives
    next: int | None = None


class TableDetail(Table, FrameMixin):
    short_id: str
    page_label: str
    view_url: str

    def to_frame(self):
        """The table itself: its columns as header, one row per row, cells as printed."""
        pd = _pandas()
        width = max([len(self.columns)] + [len(r.cells) + 1 for r in self.rows]) if self.rows else len(self.columns)
        header = list(self.columns) + [f"col{i}" for i in range(len(self.columns), width)]
        header = [h or f"col{i}" for i, h in enumerate(header)]
        rows = [[r.label] + [c.text for c in r.cells] + [""] * (width - 1 - len(r.cells)) for r in self.rows]
        return pd.DataFrame(rows, columns=_unique(header[:width]))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


# -- service -----------------------------------------------------------------------------------------------


class ModelInfo(BaseModel):
    name: str | None = None
    backend: str | None = None
    fingerprint: str | None = None
    dim: int | None = None
    loaded: bool = False  # the embedding model is in memory


class CorpusDocument(BaseModel):
    id: str
    title: str | None = None
    sha256: str | None = None  # checksum of the source file the index was built from
    chunks: int | None = None


class IndexHealth(BaseModel):
    loaded: bool
    path: str
    build_id: str | None = None  # the build's time stamp: changes with every re-index
    loaded_at: str | None = None
    generation: int = 0  # indexes loaded since start-up (a re-index adds one)
    error: str | None = None  # why the newest index could not be loaded (the old one keeps serving)
    model: ModelInfo = Field(default_factory=ModelInfo)
    counts: dict[str, Any] = Field(default_factory=dict)
    documents: list[CorpusDocument] = Field(default_factory=list)


class StoreHealth(BaseModel):
    path: str
    documents: int
    errors: dict[str, str] = Field(default_factory=dict)


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]  # degraded: no index loaded, or a stored document is unreadable
    index: IndexHealth
    store: StoreHealth
    answers: bool  # /answer is served
    uptime_s: float
    process: int  # the server process that answered: with `kb serve --workers N`, one of N, each with its own index


SectionNode.model_rebuild()
