"""From library records (core.records) to API responses, adding links for people."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote, urlencode

from core.records import NAME_LABELS, Citation, Entity, Fact, Hit, PageCertainty, PageRef, Span
from search_api.catalog import Snapshot
from search_api.models import (
    AlternativeOut,
    AnswerResponse,
    AnswerValueOut,
    CitationOut,
    EntityFacet,
    EntityOut,
    FactOut,
    Highlight,
    HitOut,
)


def view_url(doc_id: str, span: Span, page: PageRef | None, snap: Snapshot | None) -> str:
    """The HTML view of a passage: on its page when the page is exactly or nearly known and in the evidence."""
    params: dict[str, int] = {"start": span.start, "end": span.end}
    n = cited_page(doc_id, page, snap)
    if n is not None:
        params["page"] = n
    return f"/view/{quote(doc_id, safe='')}?{urlencode(params)}"


def cited_page(doc_id: str, page: PageRef | None, snap: Snapshot | None) -> int | None:
    """The page to open for a citation: exact, or an estimate narrow enough to turn to, if the store has it."""
    n = page.turn_to if page is not None else None
    if n is None or page is None or page.certainty not in (PageCertainty.exact, PageCertainty.estimated):
        return None
    summary = snap.summaries.get(doc_id) if snap is not None else None  # a citation reads no document
    if summary is None or n not in summary.pages:
        return None
    return n


def page_error(page: PageRef) -> int | None:
    return 0 if page.certainty == PageCertainty.exact else page.error


def page_url(doc_id: str, page: PageRef | None, snap: Snapshot | None) -> str | None:
    n = cited_page(doc_id, page, snap)
    return None if n is None else f"/documents/{quote(doc_id, safe='')}/pages/{n}"


def citation_out(c: Citation, snap: Snapshot | None) -> CitationOut:
    return CitationOut(
        **c.model_dump(exclude={"page_label"}), page_label=c.page_label or c.page.label(),
        page_certainty=c.page.certainty, page_estimate=c.page.turn_to, page_error=page_error(c.page),
        view_url=view_url(c.doc_id, c.span, c.page, snap),
        page_url=page_url(c.doc_id, c.page, snap),
    )


def split_highlights(snippet: str) -> tuple[str, list[Highlight]]:
    """'a **b** c' -> ('a b c', [(2, 3)]). An unpaired marker is kept as text."""
    parts = snippet.split("**")
    if len(parts) % 2 == 0:  # odd number of markers: not ours to interpret
        return snippet, []
    text, marks, pos = [], [], 0
    for i, part in enumerate(parts):
        if i % 2 and part:
            marks.append(Highlight(start=pos, end=pos + len(part)))
        text.append(part)
        pos += len(part)
    return "".join(text), marks


FACETS = 15  # names shown beside the hits; more is a list nobody reads


def names(entities: list[Entity]) -> list[EntityOut]:
    """The name entities (NAME_LABELS), once per canonical form and label, in text order."""
    seen: set[tuple[str, str]] = set()
    out = []
    for e in entities:
        key = ((e.norm or e.text).lower(), e.label)
        if e.label in NAME_LABELS and key not in seen:
            seen.add(key)
            out.append(EntityOut(text=e.text, norm=e.norm, label=e.label))
    return out


def entity_facets(hits: list[HitOut], limit: int = FACETS) -> list[EntityFacet]:
    """The names among `hits` by how many hits carry them; ties keep the order of first appearance."""
    counts: Counter[tuple[str, str]] = Counter()
    shown: dict[tuple[str, str], str] = {}
    for h in hits:
        for e in h.entities:
            name = e.norm or e.text
            key = (name.lower(), e.label)
            shown.setdefault(key, name)
            counts[key] += 1
    return [EntityFacet(name=shown[key], label=key[1], count=n) for key, n in counts.most_common(limit)]


def hit_out(h: Hit, snap: Snapshot | None) -> HitOut:
    plain, marks = split_highlights(h.snippet)
    return HitOut(
        rank=h.rank, score=h.score, chunk_id=h.chunk_id, doc_id=h.doc_id, title=h.citation.title,
        year=h.citation.year, snippet=h.snippet, snippet_text=plain, highlights=marks, text=h.text,
        kinds=list(h.kinds), scores=dict(h.scores), ranks=dict(h.ranks), citation=citation_out(h.citation, snap),
        entities=names(h.entities),
    )


def answer_out(a: Any, snap: Snapshot | None, took_ms: float) -> AnswerResponse:
    """core.records.Answer -> AnswerResponse (read by attribute, so added fields there do no harm)."""
    citation = getattr(a, "citation", None)
    alternatives = [
        AlternativeOut(value=alt.value, unit=alt.unit, value_text=alt.value_text, year=alt.year,
                       qualifier=alt.qualifier, relation=alt.relation, citation=citation_out(alt.citation, snap),
                       fact=alt.fact)
        for alt in getattr(a, "alternatives", None) or []
    ]
    values = [
        AnswerValueOut(text=v.text, value=v.value, unit=v.unit, year=v.year, label=v.label,
                       confidence=float(v.confidence or 0.0), citation=citation_out(v.citation, snap))
        for v in getattr(a, "values", None) or []
    ]
    return AnswerResponse(
        answer_type=getattr(a, "answer_type", "number"), item_type=getattr(a, "item_type", None),
        short_answer=getattr(a, "short_answer", None), values=values,
        question=a.question, found=bool(a.found), value=a.value, unit=a.unit, value_text=a.value_text, text=a.text,
        confidence=float(a.confidence or 0.0), citation=citation_out(citation, snap) if citation else None,
        fact=getattr(a, "fact", None), alternatives=alternatives, disagreement=getattr(a, "disagreement", None),
        passages=[hit_out(h, snap) for h in getattr(a, "passages", None) or []], took_ms=round(took_ms, 2),
    )


def fact_out(f: Fact, snap: Snapshot, score: float | None = None) -> FactOut:
    summary = snap.summaries.get(f.doc_id)
    source = snap.source(f.doc_id)  # the source text only: a page of facts may cite as many documents
    quote_text = source[f.span.start:f.span.end] if source is not None else None
    title = summary.meta.title if summary is not None else f.doc_id
    return FactOut(**f.model_dump(), title=title, page_label=f.page.label(), page_estimate=f.page.turn_to,
                   page_error=page_error(f.page), quote=quote_text,
                   view_url=view_url(f.doc_id, f.span, f.page, snap), match_score=score)
