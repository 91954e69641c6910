"""GET /facts: the numbers the ingest stage found, with provenance, filtered and paged."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from rapidfuzz import fuzz, process, utils

from index.filters import FactFilters, SearchFilters
from search_api import params
from search_api.convert import fact_out
from search_api.deps import AppState, get_state
from search_api.errors import ERRORS
from search_api.models import FactsPage

router = APIRouter()

FUZZY_CUTOFF = 80.0  # partial_ratio; below this an indicator is a different one


def match_indicator(query: str, indicators: list[str]) -> list[tuple[int, float]]:
    """(index into `indicators`, score) of those that contain `query` (score 100) or match it closely
    (rapidfuzz partial ratio)."""
    needle = utils.default_process(query)
    if not needle:
        return []
    choices = [_processed(x) for x in indicators]
    out = []
    for _, score, i in process.extract(needle, choices, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF,
                                       limit=None):
        out.append((i, 100.0 if needle in choices[i] else round(float(score), 1)))
    return out


# every request matches against the same few thousand indicators: lower-case and strip each once
@lru_cache(maxsize=200_000)
def _processed(text: str) -> str:
    return utils.default_process(text)


@router.get("/facts", response_model=FactsPage, responses=ERRORS, tags=["facts"],
            summary="Numbers with their indicator, unit, year and source")
def facts(
    state: Annotated[AppState, Depends(get_state)],
    indicator: Annotated[str | None, Query(max_length=1000, description="Words of the indicator: case-insensitive "
                                           "substring or close (fuzzy) match, best first")] = None,
    year: Annotated[str | None, Query(description="A year (2020) or a range (2019-2021), 1900-2100")] = None,
    unit: Annotated[str | None, Query(max_length=100, description="Unit as stored: %, personer, kroner, ...")]
    = None,
    doc: Annotated[list[str] | None, Query(description="Document id(s); repeat or separate by commas")] = None,
    entity: Annotated[list[str] | None, Query(description="An entity on the fact: text or canonical form, any "
                                              "case, or a label (ORG, GPE, ...); repeat for any of several")] = None,
    entity_label: Annotated[list[str] | None, Query(description="Entity label(s); with `entity`, that name with "
                                                    "this label; alone, any entity with it")] = None,
    post: Annotated[str | None, Query(max_length=100, description="Budget post the figure is on: its number (62) "
                                      "or label (Post 62)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> FactsPage:
    year_from, year_to = params.years(year)
    post_no = params.post(post)
    doc_ids = params.split_list(doc)
    wanted = SearchFilters(entities=params.entities(entity), entity_labels=params.entity_labels(entity_label))
    wanted_keys = set(wanted.entity_wanted() or ())
    snap = state.snapshot()
    unknown = [d for d in doc_ids or [] if d not in snap.docs]
    if unknown:
        raise params.invalid("doc", f"no document {', '.join(map(repr, unknown))}; known: "
                             f"{', '.join(sorted(snap.docs)) or 'none'}", "unknown_document")
    filters = FactFilters(doc_ids=tuple(doc_ids) if doc_ids else None, year_from=year_from, year_to=year_to,
                          unit=unit.strip() if unit and unit.strip() else None,
                          entity_keys=tuple(sorted(wanted_keys)) if wanted_keys else None, post=post_no)
    # the document store's facts, or on a Milvus replica the published index's, filtered and read there
    source = state.fact_records(snap)
    positions: Sequence[int]
    scores: list[float] | None = None
    if indicator and indicator.strip():
        pairs = source.indicators(filters)
        matched = sorted(match_indicator(indicator.strip(), [text for _, text in pairs]), key=lambda m: -m[1])  # stable
        positions = [pairs[i][0] for i, _ in matched]
        scores = [score for _, score in matched]
    else:
        # unfiltered, the positions are 0..n-1: a page of a 30 M-fact store needs no scan of it
        positions = range(len(source)) if filters.is_empty() else source.select(filters)
    page = positions[offset:offset + limit]
    records = source.records(list(page))  # only the page's records are read
    nxt = offset + limit if offset + limit < len(positions) else None
    return FactsPage(total=len(positions), limit=limit, offset=offset, next_offset=nxt,
                     items=[fact_out(f, snap, scores[offset + i] if scores is not None else None)
                            for i, f in enumerate(records)])
