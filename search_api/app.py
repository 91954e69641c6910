"""The FastAPI app: search, answers, facts and documents over the IMDi knowledge base, read-only."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from anyio import CapacityLimiter
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from swagger_ui_bundle import swagger_ui_path

from ingest.store import DocumentStore
from search_api.catalog import DocumentCatalog
from search_api.config import ServerConfig
from search_api.deps import AppState
from search_api.errors import install_error_handlers
from search_api.metrics import Metrics
from search_api.params import known_only
from search_api.replica import milvus_holder
from search_api.routes import documents as routes_documents
from search_api.routes import facts as routes_facts
from search_api.routes import page as routes_page
from search_api.routes import search as routes_search
from search_api.routes import service as routes_service
from search_api.routes.page import STATIC
from search_api.state import IndexHolder, Loader, default_loader

log = logging.getLogger("search_api")

DESCRIPTION = """Search and answers over IMDi's reports and letters, with citations to document, page and
source span. Read-only. Every error is `{"error": {"code": ..., "message": ...}}`.

The staff page is at [/](/)."""


def app_from_env() -> FastAPI:
    """The app of one worker process of `kb serve --workers N`: its config comes from the environment."""
    return create_app(ServerConfig.from_env())


def create_app(config: ServerConfig, loader: Loader | None = None) -> FastAPI:
    """The app; the index and documents load in its lifespan (once), and the index reloads after `kb index`."""
    metrics = Metrics()
    load = loader or partial(default_loader, warm=config.warm_model)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = AppState(
            config=config,
            holder=milvus_holder(config, loader) if config.store == "milvus"
            else IndexHolder(config.index_path(), load, config.reload_interval),
            # a Milvus replica's facts are in Milvus (GET /facts reads them there): the documents' copies are dropped
            catalog=DocumentCatalog(DocumentStore(config.data), config.reload_interval,
                                    keep_facts=config.store != "milvus", cache_size=config.catalog_cache),
            metrics=metrics,
            cpu=CapacityLimiter(config.cpu_slots),
        )
        await run_in_threadpool(state.holder.check)
        await run_in_threadpool(state.catalog.refresh, True)
        if state.holder.current is None:
            log.warning("no index loaded from %s%s; /search and /answer answer 503 until one is built",
                        state.holder.folder, f" ({state.holder.error})" if state.holder.error else "")
        state.holder.start()
        app.state.kb = state
        try:
            yield
        finally:
            state.holder.stop()

    # /docs is served from the swagger-ui-bundle package, not a CDN: the machines here have no internet
    app = FastAPI(title="IMDi kunnskapsbase", version="1.0", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None)
    install_error_handlers(app)
    metrics.instrument(app)
    # the data endpoints refuse query parameters they do not take; the staff page (its own parameters live in the
    # browser's address) and the service probes do not
    for module in (routes_search, routes_facts, routes_documents):
        app.include_router(module.router, dependencies=[Depends(known_only)])
    for module in (routes_service, routes_page):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} – API",
                                   swagger_js_url="/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/swagger/swagger-ui.css", swagger_favicon_url="data:,")

    return app
