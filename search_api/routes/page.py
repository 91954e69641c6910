"""The staff page at `/` (static files) and `/view/{doc_id}`: a cited passage in its page, highlighted."""

from __future__ import annotations

from html import escape
from pathlib import Path as FsPath
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse, HTMLResponse

from core.records import PageCertainty, Span
from search_api.catalog import StoredDoc
from search_api.deps import AppState, get_state
from search_api.errors import ApiError
from search_api.params import invalid

STATIC = FsPath(__file__).parent.parent / "static"
CONTEXT = 800  # characters of source shown either side of a passage whose page is not known

router = APIRouter(include_in_schema=False)


@router.get("/")
def home() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole lines."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


def _touches(span: Span, start: int, end: int) -> bool:
    return (start < span.end and end > span.start) or span.start <= start == end <= span.end


def _section_at(stored: StoredDoc, pos: int) -> list[str]:
    for b in stored.doc.blocks:
        if b.span.start <= pos < b.span.end:
            return list(b.section_path)
    return []


def _marked(source: str, lo: int, hi: int, start: int | None, end: int | None) -> str:
    """source[lo:hi] escaped, with [start, end) in <mark>."""
    if start is None or end is None or end <= lo or start >= hi:
        return escape(source[lo:hi])
    s, e = max(start, lo), min(end, hi)
    return (escape(source[lo:s]) + '<mark id="sitat">' + escape(source[s:e]) + "</mark>" + escape(source[e:hi]))


def _page_link(doc_id: str, n: int | None, label: str) -> str:
    if n is None:
        return ""
    return f'<a href="/view/{quote(doc_id, safe="")}?{urlencode({"page": n})}">{escape(label)}</a>'


@router.get("/view/{doc_id}", response_class=HTMLResponse)
def view(state: Annotated[AppState, Depends(get_state)], doc_id: Annotated[str, Path(max_length=200)],
         page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
         start: Annotated[int | None, Query(ge=0)] = None, end: Annotated[int | None, Query(ge=0)] = None
         ) -> HTMLResponse:
    stored = state.document(doc_id)
    source = stored.source
    if (start is None) != (end is None):
        raise invalid("start" if start is None else "end", "give both start and end, or neither")
    if start is not None and end is not None and not start <= end <= len(source):
        raise invalid("end", f"the span {start}-{end} is not within the source text (0-{len(source)})")
    if page is None and start is None:
        raise invalid("page", "give a page number, or a span (start and end)")
    meta = stored.doc.meta
    heading, nav = "", ""
    p = stored.doc.pages[stored.pages[page]] if page is not None and page in stored.pages else None
    # the page view when the page is in the evidence and holds (part of) the span; else the passage in context
    if p is not None and p.span is not None and (start is None or _touches(p.span, start, end)):
        lo, hi = p.span.start, p.span.end
        numbers = sorted(stored.pages)
        i = numbers.index(page)
        certain = "sikkert sidetall" if p.certainty == PageCertainty.exact else "omtrentlig sidetall (±1)"
        heading = f"Side {page} <small>({certain})</small>"
        nav = " ".join(x for x in (
            _page_link(doc_id, numbers[i - 1] if i > 0 else None, f"← side {numbers[i - 1]}" if i > 0 else ""),
            _page_link(doc_id, numbers[i + 1] if i + 1 < len(numbers) else None,
                       f"side {numbers[i + 1]} →" if i + 1 < len(numbers) else "")) if x)
    elif start is not None and end is not None:
        lo, hi = _line_bounds(source, max(0, start - CONTEXT), min(len(source), end + CONTEXT))
        heading = "Utdrag" + (f" <small>(side {page} finnes ikke i kilden; viser utdraget)</small>" if page else "")
    else:
        raise ApiError(404, "no_such_page", f"document {doc_id!r} has no page {page} in the evidence")
    section = _section_at(stored, start if start is not None else lo)
    html = f"""<!doctype html>
<html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(meta.title)} – kilde</title>
<link rel="stylesheet" href="/static/style.css"></head>
<body class="view">
<header><a href="/" class="back">← Til søket</a></header>
<main>
<h1>{escape(meta.title)}{f" ({meta.year})" if meta.year else ""}</h1>
<p class="meta">{heading}{" · " + escape(" › ".join(section)) if section else ""}</p>
<nav class="pages">{nav}</nav>
<pre class="source">{_marked(source, lo, hi, start, end)}</pre>
<p class="meta">Kildefil: {escape(meta.source_file)} · tegn {lo}–{hi}</p>
</main></body></html>"""
    return HTMLResponse(html)
