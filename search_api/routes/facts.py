"""GET /facts: the numbers the ingest stage found, with provenance, filtered and paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from rapidfuzz import fuzz, process, utils

from core.records import Fact
from index.filters import SearchFilters, entity_keys
from search_api import params
from search_api.convert import fact_out
from search_api.deps import AppState, get_state
from search_api.errors import ERRORS
from search_api.models import FactsPage

router = APIRouter()

FUZZY_CUTOFF = 80.0  # partial_ratio; below this an indicator is a different one


def match_indicator(query: str, facts: list[Fact]) -> list[tuple[Fact, float]]:
    """Facts whose indicator contains `query` (score 100) or matches it closely (rapidfuzz partial ratio)."""
    needle = utils.default_process(query)
    if not needle:
        return []
    choices = [utils.default_process(f.indicator) for f in facts]
    out = []
    for _, score, i in process.extract(needle, choices, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF,
                                       limit=None):
        out.append((facts[i], 100.0 if needle in choices[i] else round(float(score), 1)))
    return out


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
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> FactsPage:
    year_from, year_to = params.years(year)
    doc_ids = params.split_list(doc)
    wanted = SearchFilters(entities=params.entities(entity), entity_labels=params.entity_labels(entity_label))
    wanted_keys = set(wanted.entity_wanted() or ())
    snap = state.snapshot()
    unknown = [d for d in doc_ids or [] if d not in snap.docs]
    if unknown:
        raise params.invalid("doc", f"no document {', '.join(map(repr, unknown))}; known: "
                             f"{', '.join(sorted(snap.docs)) or 'none'}", "unknown_document")
    pool: list[Fact] = snap.facts
    if doc_ids:
        pool = [f for f in pool if f.doc_id in doc_ids]
    if year_from is not None:
        pool = [f for f in pool if f.year is not None and year_from <= f.year <= year_to]
    if unit and unit.strip():
        u = unit.strip().lower()
        pool = [f for f in pool if (f.unit or "").lower() == u]
    if wanted_keys:
        pool = [f for f in pool if wanted_keys & {k for e in f.entities for k in entity_keys(e)}]
    scored: list[tuple[Fact, float | None]]
    if indicator and indicator.strip():
        scored = sorted(match_indicator(indicator.strip(), pool), key=lambda fs: -fs[1])  # stable: store order
    else:
        scored = [(f, None) for f in pool]
    page = scored[offset:offset + limit]
    nxt = offset + limit if offset + limit < len(scored) else None
    return FactsPage(total=len(scored), limit=limit, offset=offset, next_offset=nxt,
                     items=[fact_out(f, snap, s) for f, s in page])
