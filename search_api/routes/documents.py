"""GET /documents, /documents/{id}, its pages and its tables. Ids are looked up in the store's listing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from core.records import Page, PageCertainty, PageRef, Section, Table
from ingest.store import DocumentDigest
from search_api.catalog import StoredDoc
from search_api.convert import view_url
from search_api.deps import AppState, get_state
from search_api.errors import ERRORS, ApiError
from search_api.models import (
    DocumentCounts,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    FigureOut,
    PageResponse,
    PageSummary,
    SectionNode,
    TableDetail,
    TableSummary,
)

router = APIRouter(tags=["documents"])

DocId = Annotated[str, Path(max_length=200, description="Document id, e.g. imdi-arsrapport-2020")]


def _counts(d: DocumentDigest) -> DocumentCounts:
    return DocumentCounts(pages=len(d.pages), sections=d.sections, blocks=d.blocks, tables=d.tables,
                          figures=d.figures, facts=d.facts)


def _indexed(state: AppState) -> set[str]:
    index = state.holder.current
    return {d["id"] for d in index.documents()} if index is not None else set()


def section_tree(sections: list[Section]) -> list[SectionNode]:
    """Sections nested by parent id; a section whose parent is missing becomes a root."""
    nodes = {s.id: SectionNode(id=s.id, number=s.number, title=s.title, level=s.level, page=s.page,
                               page_label=s.page.label(), span=s.span, lang=s.lang) for s in sections}
    roots = []
    for s in sections:
        parent = nodes.get(s.parent_id) if s.parent_id else None
        (parent.children if parent is not None and parent is not nodes[s.id] else roots).append(nodes[s.id])
    return roots


def short_id(table_id: str) -> str:
    return table_id.rsplit(":", 1)[-1]


def _table_summary(t: Table) -> TableSummary:
    return TableSummary(id=t.id, short_id=short_id(t.id), number=t.number, caption=t.caption, title=t.title,
                        columns=list(t.columns), n_rows=len(t.rows), section_path=list(t.section_path), page=t.page,
                        page_label=t.page.label(), span=t.span)


def page_ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> '3–5, 9'."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


@router.get("/documents", response_model=DocumentList, responses=ERRORS, summary="The documents in the store")
def documents(state: Annotated[AppState, Depends(get_state)]) -> DocumentList:
    snap = state.snapshot()
    indexed = _indexed(state)
    out = []
    for doc_id, summary in sorted(snap.summaries.items()):  # summaries: listing reads no document
        m = summary.meta
        out.append(DocumentSummary(id=doc_id, title=m.title, publisher=m.publisher, doc_type=m.doc_type, year=m.year,
                                   lang=m.lang, format=m.format, source_file=m.source_file, sha256=m.sha256,
                                   n_chars=m.n_chars, counts=_counts(summary), indexed=doc_id in indexed))
    return DocumentList(documents=out, errors=dict(snap.errors))


@router.get("/documents/{doc_id}", response_model=DocumentDetail, responses=ERRORS,
            summary="Metadata, section tree, tables and named figures of a document")
def document(state: Annotated[AppState, Depends(get_state)], doc_id: DocId) -> DocumentDetail:
    snap = state.snapshot()
    stored = state.document(doc_id, snap)
    doc = stored.doc
    return DocumentDetail(
        meta=doc.meta, counts=_counts(snap.summaries[doc_id]), indexed=doc_id in _indexed(state),
        sections=section_tree(doc.sections),
        tables=[_table_summary(t) for t in doc.tables],
        figures=[FigureOut(**f.model_dump(), page_label=f.page.label()) for f in doc.figures],
        pages=[PageSummary(number=p.number, certainty=p.certainty, error=p.error) for p in doc.pages],
        warnings=list(doc.warnings), ocr=doc.ocr,
    )


def _page_label(p: Page) -> str:
    if p.certainty == PageCertainty.exact:
        return PageRef.exact(p.number).label()
    ref = PageRef.estimated(p.number)
    return (ref.with_estimate(p.number, p.error) if p.error is not None else ref).label()


def page_response(stored: StoredDoc, n: int) -> PageResponse:
    doc = stored.doc
    i = stored.pages.get(n)
    if i is None:
        known = page_ranges(list(stored.pages))
        hint = f"the source text gives pages {known}" if known else "the source text gives no page numbers"
        raise ApiError(404, "no_such_page", f"document {doc.meta.id!r} has no page {n} in the evidence: {hint}")
    p = doc.pages[i]
    source = stored.source[p.span.start:p.span.end] if p.span is not None else None
    numbers = sorted(stored.pages)
    pos = numbers.index(n)
    return PageResponse(
        doc_id=doc.meta.id, title=doc.meta.title, number=p.number, certainty=p.certainty,
        error=0 if p.certainty == PageCertainty.exact else p.error, label=_page_label(p), span=p.span,
        text=p.text if p.text is not None else (source or ""), source_text=source,
        previous=numbers[pos - 1] if pos > 0 else None, next=numbers[pos + 1] if pos + 1 < len(numbers) else None,
    )


@router.get("/documents/{doc_id}/pages/{n}", response_model=PageResponse, responses=ERRORS,
            summary="The text of one page, with how certain its page number is")
def page(state: Annotated[AppState, Depends(get_state)], doc_id: DocId,
         n: Annotated[int, Path(ge=1, le=100_000, description="Page number as printed")]) -> PageResponse:
    return page_response(state.document(doc_id), n)


def find_table(stored: StoredDoc, table_id: str) -> Table:
    tables = stored.doc.tables
    for t in tables:
        if table_id in (t.id, short_id(t.id)):
            return t
    shown = ", ".join(short_id(t.id) for t in tables[:12]) + (" …" if len(tables) > 12 else "")
    raise ApiError(404, "unknown_table", f"document {stored.doc.meta.id!r} has no table {table_id!r}"
                   + (f"; its tables: {shown}" if tables else "; it has no parsed tables"))


@router.get("/documents/{doc_id}/tables/{table_id}", response_model=TableDetail, responses=ERRORS,
            summary="A table's rows and cells (full id or short form t003)")
def table(state: Annotated[AppState, Depends(get_state)], doc_id: DocId,
          table_id: Annotated[str, Path(max_length=250, description="imdi-arsrapport-2020:t003 or t003")]
          ) -> TableDetail:
    stored = state.document(doc_id)
    t = find_table(stored, table_id)
    return TableDetail(**t.model_dump(), short_id=short_id(t.id), page_label=t.page.label(),
                       view_url=view_url(t.doc_id, t.span, t.page, state.snapshot()))
