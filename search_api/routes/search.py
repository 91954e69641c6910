"""GET /search and GET /answer. The computation runs in a worker thread, at most `cpu_slots` at once; requests wait
for a slot in the event loop, first come first served."""

from __future__ import annotations

import time
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Query

from index.filters import SearchFilters
from index.search import Index
from search_api import params
from search_api.convert import answer_out, entity_facets, hit_out
from search_api.deps import AppState, get_state
from search_api.errors import ERRORS
from search_api.models import BLOCK_KINDS, AnswerResponse, Mode, SearchFiltersOut, SearchResponse

router = APIRouter()

Q_HELP = "The question or search words, 1-1000 characters after trimming."


@router.get("/search", response_model=SearchResponse, responses=ERRORS, tags=["search"],
            summary="Ranked passages with citations")
async def search(
    state: Annotated[AppState, Depends(get_state)],
    q: Annotated[str, Query(description=Q_HELP, examples=["hva var andel bosatt innen 6 måneder i 2020"])],
    k: Annotated[int, Query(ge=1, le=100, description="How many hits")] = 10,
    mode: Annotated[Mode, Query(description="keyword (BM25), semantic (embeddings) or hybrid (both, fused)")]
    = "hybrid",
    year: Annotated[str | None, Query(description="A year (2020) or a range (2019-2021), 1900-2100")] = None,
    doc: Annotated[list[str] | None, Query(description="Document id(s); repeat or separate by commas")] = None,
    lang: Annotated[list[str] | None, Query(description="Language code(s) of the passage: nb, nn")] = None,
    kind: Annotated[list[str] | None, Query(description=f"Block kind(s) inside: {', '.join(BLOCK_KINDS)}")]
    = None,
    entity: Annotated[list[str] | None, Query(description="Only passages naming this entity: its text or canonical "
                                              "form, any case (Oslo, udi); repeat for any of several")] = None,
    entity_label: Annotated[list[str] | None, Query(description="Entity label(s): PER, ORG, GPE, LOC, LAW, ...; "
                                                    "with `entity`, that name with this label; alone, any name "
                                                    "with it")] = None,
) -> SearchResponse:
    query = params.question(q)
    year_from, year_to = params.years(year)
    doc_ids = params.split_list(doc)
    langs = params.langs(lang)
    kinds = params.split_list(kind)
    entities, entity_labels = params.entities(entity), params.entity_labels(entity_label)
    for v in kinds or []:
        if v not in BLOCK_KINDS:
            raise params.invalid("kind", f"{v!r} is not a block kind; expected one of: {', '.join(BLOCK_KINDS)}")
    index = state.index()
    known = {d["id"] for d in index.documents()}
    unknown = [d for d in doc_ids or [] if d not in known]
    if unknown:
        raise params.invalid("doc", f"no indexed document {', '.join(map(repr, unknown))}; indexed: "
                             f"{', '.join(sorted(known)) or 'none'}", "unknown_document")
    filters = SearchFilters(doc_ids=doc_ids, year_from=year_from, year_to=year_to, langs=langs, kinds=kinds,
                            entities=entities, entity_labels=entity_labels)
    return await to_thread.run_sync(_search, state, index, query, k, mode, filters, limiter=state.cpu)


def _search(state: AppState, index: Index, query: str, k: int, mode: Mode, filters: SearchFilters) -> SearchResponse:
    t0 = time.perf_counter()
    hits = index.search(query, k=k, mode=mode, filters=filters)
    took = (time.perf_counter() - t0) * 1000
    snap = state.snapshot()
    out = [hit_out(h, snap) for h in hits]
    f = filters
    return SearchResponse(
        query=query, mode=mode, k=k, took_ms=round(took, 2), hits=out, entity_facets=entity_facets(out),
        filters=SearchFiltersOut(year_from=f.year_from, year_to=f.year_to, doc_ids=f.doc_ids, langs=f.langs,
                                 kinds=f.kinds, entities=f.entities, entity_labels=f.entity_labels),
    )


@router.get("/answer", response_model=AnswerResponse, responses=ERRORS, tags=["search"],
            summary="A value with its sentence and source, and the passages behind it")
async def answer(
    state: Annotated[AppState, Depends(get_state)],
    q: Annotated[str, Query(description=Q_HELP, examples=["hva var andel bosatt innen 6 måneder i 2020"])],
) -> AnswerResponse:
    question = params.question(q)
    return await to_thread.run_sync(_answer, state, state.index(), question, limiter=state.cpu)


def _answer(state: AppState, index: Index, question: str) -> AnswerResponse:
    t0 = time.perf_counter()
    try:
        result = state.answerer(question, index)
    except ValueError as exc:
        raise params.invalid("q", str(exc)) from exc
    return answer_out(result, state.snapshot(), (time.perf_counter() - t0) * 1000)
