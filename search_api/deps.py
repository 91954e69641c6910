"""What every request shares: the index holder, the document catalog, the CPU slots; and the checks on them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from anyio import CapacityLimiter
from fastapi import Request

from answer.compose import answer
from index.retrievers.facts import FactRecords
from index.search import Index
from search_api.catalog import DocumentCatalog, Snapshot, StoredDoc
from search_api.config import ServerConfig
from search_api.errors import ApiError
from search_api.metrics import Metrics
from search_api.state import IndexHolder

#: Answers a question from an index (answer.compose.answer; a test may put another in its place).
Answerer = Callable[[str, Index], Any]


@dataclass
class AppState:
    config: ServerConfig
    holder: IndexHolder
    catalog: DocumentCatalog
    metrics: Metrics
    cpu: CapacityLimiter  # search/answer computations at once; waiters are served in arrival order
    answerer: Answerer = answer
    started: float = field(default_factory=time.monotonic)

    def index(self) -> Index:
        """The current index; a request keeps this object to its end, whatever a reload swaps in meanwhile."""
        index = self.holder.current
        if index is None:
            why = f" (last error: {self.holder.error})" if self.holder.error else ""
            raise ApiError(503, "index_unavailable",
                           f"no search index is loaded from {self.holder.folder}{why}; build one with `kb index`; "
                           "the server picks it up by itself")
        return index

    def snapshot(self) -> Snapshot:
        return self.catalog.snapshot()

    def fact_records(self, snap: Snapshot) -> FactRecords:
        """The facts GET /facts lists, wherever the holder keeps them."""
        return self.holder.fact_records(snap)

    def document(self, doc_id: str, snap: Snapshot | None = None) -> StoredDoc:
        """The full document (read now if the catalog's cache lacks it); 404 if unknown or unreadable."""
        snap = snap if snap is not None else self.snapshot()
        stored = snap.docs.get(doc_id)
        if stored is None:
            known = ", ".join(sorted(snap.docs)) or "none"
            raise ApiError(404, "unknown_document", f"no document with id {doc_id!r}; known documents: {known}")
        return stored


async def get_state(request: Request) -> AppState:
    # async: a plain function would cost every request a hop to the threadpool and back
    return request.app.state.kb
