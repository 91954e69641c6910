"""GET /health and GET /metrics."""

from __future__ import annotations

import os
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from prometheus_client import CONTENT_TYPE_LATEST

from search_api.deps import AppState, get_state
from search_api.models import CorpusDocument, HealthResponse, IndexHealth, ModelInfo, StoreHealth

router = APIRouter(tags=["service"])


def index_health(state: AppState) -> IndexHealth:
    holder = state.holder
    index = holder.current
    if index is None:
        return IndexHealth(loaded=False, path=str(holder.folder), error=holder.error)
    m = index.manifest
    model = m.get("model", {})
    return IndexHealth(
        loaded=True, path=str(holder.folder), build_id=m.get("built_at"), loaded_at=holder.loaded_at,
        generation=holder.generation, error=holder.error,
        model=ModelInfo(name=model.get("name"), backend=model.get("backend"), fingerprint=model.get("fingerprint"),
                        dim=model.get("dim"), loaded=index.loaded_embedder is not None),
        counts=index.counts,
        documents=[CorpusDocument(id=d["id"], title=d.get("title"), sha256=d.get("sha256"), chunks=d.get("chunks"))
                   for d in index.documents()],
    )


@router.get("/health", response_model=HealthResponse, summary="Index, model, corpus checksums and counts")
def health(state: Annotated[AppState, Depends(get_state)]) -> HealthResponse:
    snap = state.snapshot()
    idx = index_health(state)
    return HealthResponse(
        status="ok" if idx.loaded and not snap.errors else "degraded", index=idx,
        store=StoreHealth(path=str(state.catalog.store.data), documents=len(snap.docs), errors=dict(snap.errors)),
        answers=True, uptime_s=round(time.monotonic() - state.started, 1), process=os.getpid(),
    )


@router.get("/metrics", response_class=Response, summary="Prometheus metrics: requests and latency per endpoint",
            responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}},
                             "description": "Prometheus text format"}})
def metrics(state: Annotated[AppState, Depends(get_state)]) -> Response:
    index = state.holder.current
    state.metrics.index_generation.set(state.holder.generation)
    state.metrics.index_chunks.set(len(index) if index is not None else 0)
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
