"""A client for notebooks: `KBClient("http://127.0.0.1:8000").search("...").to_frame()`.

Results are the API's own pydantic models; every failure is a KBClientError whose
message says what the server (or the network) said.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from search_api.models import (
    AnswerResponse,
    DocumentDetail,
    DocumentList,
    FactsPage,
    HealthResponse,
    PageResponse,
    SearchResponse,
    TableDetail,
)

M = TypeVar("M", bound=BaseModel)


class KBClientError(Exception):
    """The server could not be reached, or answered with an error (status, code and message kept)."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.code = status, code


def _seg(value: str) -> str:
    """One path segment: '/' and '..' cannot reach another endpoint."""
    return quote(str(value), safe="")


class KBClient:
    def __init__(self, base_url: str = "http://127.0.0.1:8000", timeout: float = 60.0,
                 transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport,
                                  headers={"Accept": "application/json"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KBClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"KBClient({self.base_url!r})"

    # -- endpoints --------------------------------------------------------------------------------------
    def search(self, q: str, k: int = 10, mode: str = "hybrid", year: int | str | None = None,
               doc: str | list[str] | None = None, lang: str | list[str] | None = None,
               kind: str | list[str] | None = None, entity: str | list[str] | None = None,
               entity_label: str | list[str] | None = None) -> SearchResponse:
        """Ranked passages with citations; `year` is 2020 or '2019-2021'; `entity` a name in the passage."""
        return self._get("/search", SearchResponse, q=q, k=k, mode=mode, year=year, doc=doc, lang=lang, kind=kind,
                         entity=entity, entity_label=entity_label)

    def answer(self, q: str) -> AnswerResponse:
        return self._get("/answer", AnswerResponse, q=q)

    def facts(self, indicator: str | None = None, year: int | str | None = None, unit: str | None = None,
              doc: str | list[str] | None = None, entity: str | list[str] | None = None,
              entity_label: str | list[str] | None = None, post: str | int | None = None, limit: int = 50,
              offset: int = 0) -> FactsPage:
        """`post` is a budget post's number (62) or label ('Post 62')."""
        return self._get("/facts", FactsPage, indicator=indicator, year=year, unit=unit, doc=doc, entity=entity,
                         entity_label=entity_label, post=post, limit=limit, offset=offset)

    def documents(self) -> DocumentList:
        return self._get("/documents", DocumentList)

    def document(self, doc_id: str) -> DocumentDetail:
        return self._get(f"/documents/{_seg(doc_id)}", DocumentDetail)

    def page(self, doc_id: str, n: int) -> PageResponse:
        return self._get(f"/documents/{_seg(doc_id)}/pages/{int(n)}", PageResponse)

    def table(self, doc_id: str, table_id: str) -> TableDetail:
        """`table_id` as 'imdi-arsrapport-2020:t003' or 't003'."""
        return self._get(f"/documents/{_seg(doc_id)}/tables/{_seg(table_id)}", TableDetail)

    def health(self) -> HealthResponse:
        return self._get("/health", HealthResponse)

    # -- plumbing -----------------------------------------------------------------------------------------
    def _get(self, path: str, model: type[M], **params: Any) -> M:
        query = {k: v for k, v in params.items() if v is not None}
        try:
            response = self._http.get(path, params=query)
        except httpx.TimeoutException as exc:
            raise KBClientError(f"the knowledge base server at {self.base_url} did not answer in time "
                                f"({type(exc).__name__}); is it busy, or is the timeout too short?") from exc
        except httpx.TransportError as exc:
            raise KBClientError(f"cannot reach the knowledge base server at {self.base_url} ({exc}); is `kb serve` "
                                "running there?") from exc
        if response.status_code >= 400:
            raise _error(response)
        try:
            return model.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            raise KBClientError(f"the server at {self.base_url} sent a response this client cannot read "
                                f"({path}): {str(exc)[:300]}", status=response.status_code) from exc


def _error(response: httpx.Response) -> KBClientError:
    code = message = None
    try:
        err = response.json().get("error", {})
        code, message = err.get("code"), err.get("message")
    except (ValueError, AttributeError):
        pass
    message = message or response.text[:300] or response.reason_phrase
    return KBClientError(f"{response.status_code} {code or 'error'}: {message}", status=response.status_code,
                         code=code)
