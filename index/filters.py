"""Search filters, applied as a boolean mask over chunks before any top-k is taken."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

from core.records import Chunk, Entity, Fact
from text.budget import post_number

_YEAR_RANGE = re.compile(r"^\s*(\d{4})\s*(?:[-–:]|\.\.)\s*(\d{4})\s*$")


def parse_years(value: str | int | Sequence[int] | None) -> tuple[int | None, int | None]:
    """'2020' -> (2020, 2020); '2019-2021' -> (2019, 2021); [2019, 2021] -> (2019, 2021)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, int):
        return value, value
    if isinstance(value, str):
        m = _YEAR_RANGE.match(value)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            return min(a, b), max(a, b)
        if value.strip().isdigit():
            y = int(value)
            return y, y
        raise ValueError(f"year must be a year (2020) or a range (2019-2021), not {value!r}")
    a, b = list(value)
    return int(a), int(b)


def entity_keys(e: Entity) -> set[str]:
    """What the entity filters match on one entity, lower-cased: its text, canonical form and label, and
    `label:text` / `label:norm` for a name asked for with its label (`Oslo` the place, not the municipality)."""
    label = e.label.lower()
    names = {e.text.lower(), (e.norm or "").lower()} - {""}
    return {*names, label, *(f"{label}:{n}" for n in names)}


def _as_list(v) -> list[str] | None:
    if v is None or v == "" or v == []:
        return None
    if isinstance(v, str):
        return [x.strip() for x in v.split(",") if x.strip()]
    return [str(x) for x in v]


class SearchFilters(BaseModel):
    """All given conditions must hold; a list means any of its values."""

    model_config = ConfigDict(extra="forbid")

    doc_ids: list[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    doc_types: list[str] | None = None
    langs: list[str] | None = None
    kinds: list[str] | None = None  # block kinds inside the chunk: paragraph, table, caption, ...
    entities: list[str] | None = None  # entity text, canonical form or label (ORG, GPE, ...)
    entity_labels: list[str] | None = None  # with `entities`: that name with one of these labels; alone: any

    @field_validator("doc_ids", "doc_types", "langs", "kinds", "entities", "entity_labels", mode="before")
    @classmethod
    def normalise_lists(cls, v):
        return _as_list(v)

    @classmethod
    def from_any(cls, value: SearchFilters | dict | None) -> SearchFilters:
        """Accepts the model, None, or a dict with friendly keys: doc/doc_id/doc_ids, year ('2020',
        '2019-2021', [a, b]), year_from, year_to, doc_type, lang, kind, entity, entity_label."""
        if value is None:
            return cls()
        if isinstance(value, SearchFilters):
            return value
        aliases = {"doc": "doc_ids", "doc_id": "doc_ids", "doc_type": "doc_types", "lang": "langs",
                   "language": "langs", "kind": "kinds", "entity": "entities", "entity_label": "entity_labels"}
        data: dict = {}
        for key, v in dict(value).items():
            if v is None:
                continue
            if key == "year":
                lo, hi = parse_years(v)
                data["year_from"], data["year_to"] = lo, hi
                continue
            name = aliases.get(key, key)
            if name not in cls.model_fields:
                valid = sorted({*cls.model_fields, *aliases, "year"})
                raise ValueError(f"unknown filter {key!r}; expected one of: {', '.join(valid)}")
            data[name] = v
        return cls(**data)

    def is_empty(self) -> bool:
        return all(v is None for v in self.model_dump().values())

    def entity_wanted(self) -> list[str] | None:
        """The entity keys (see `entity_keys`) of which a chunk must carry at least one; None: no entity filter."""
        names = [e.lower() for e in self.entities or []]
        labels = [x.lower() for x in self.entity_labels or []]
        if names and labels:
            return [f"{label}:{n}" for label in labels for n in names]
        return names or labels or None


def fact_post(f: Fact) -> str | None:
    """The number of the budget post a fact is on: its `post` field (a figure in a block under `Post 62 …`), else
    a post its indicator names (a budget table's row `Post 62 Kommunale innvandrertiltak`)."""
    return post_number(f.post) or post_number(f.indicator)


class FactFilters(BaseModel):
    """What GET /facts narrows the facts by; all given conditions must hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_ids: tuple[str, ...] | None = None
    year_from: int | None = None  # with year_to: a fact without a year never passes
    year_to: int | None = None
    unit: str | None = None  # as stored, any case
    entity_keys: tuple[str, ...] | None = None  # SearchFilters.entity_wanted(): any of them on one of its entities
    post: str | None = None  # a budget post's two-digit number (text/budget.py): facts on that post

    @property
    def year_upto(self) -> int | None:
        return self.year_to if self.year_to is not None else self.year_from

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.year_from is not None or self.unit or self.entity_keys or self.post)

    def matches(self, f: Fact) -> bool:
        if self.doc_ids and f.doc_id not in self.doc_ids:
            return False
        if self.year_from is not None and (f.year is None or not self.year_from <= f.year <= self.year_upto):
            return False
        if self.unit and (f.unit or "").lower() != self.unit.lower():
            return False
        if self.post and fact_post(f) != self.post:
            return False
        return not self.entity_keys or bool(set(self.entity_keys) & {k for e in f.entities for k in entity_keys(e)})


class FilterColumns:
    """Per-chunk columns the filters test, built once when an index is opened."""

    def __init__(self, chunks: Sequence[Chunk]):
        self.n = len(chunks)
        self.doc_id = np.array([c.doc_id for c in chunks], dtype=object)
        self.year = np.array([c.year if c.year is not None else -1 for c in chunks], dtype=np.int32)
        self.doc_type = np.array([(c.doc_type or "").lower() for c in chunks], dtype=object)
        self.lang = np.array([(c.lang or "").lower() for c in chunks], dtype=object)
        self._kinds: dict[str, np.ndarray] = {}
        self._entities: dict[str, list[int]] = {}
        for i, c in enumerate(chunks):
            for kind in c.kinds:
                self._kinds.setdefault(kind, np.zeros(self.n, dtype=bool))[i] = True
            for key in {k for e in c.entities for k in entity_keys(e)}:
                self._entities.setdefault(key, []).append(i)

    def mask(self, f: SearchFilters) -> np.ndarray | None:
        """Boolean mask of allowed chunks, or None when nothing is filtered."""
        if f.is_empty():
            return None
        m = np.ones(self.n, dtype=bool)
        if f.doc_ids:
            m &= np.isin(self.doc_id, f.doc_ids)
        if f.year_from is not None:
            m &= self.year >= f.year_from
        if f.year_to is not None:
            m &= (self.year <= f.year_to) & (self.year >= 0)
        if f.doc_types:
            m &= np.isin(self.doc_type, [t.lower() for t in f.doc_types])
        if f.langs:
            m &= np.isin(self.lang, [x.lower() for x in f.langs])
        if f.kinds:
            km = np.zeros(self.n, dtype=bool)
            for kind in f.kinds:
                if kind in self._kinds:
                    km |= self._kinds[kind]
            m &= km
        if wanted := f.entity_wanted():
            em = np.zeros(self.n, dtype=bool)
            for key in wanted:
                em[self._entities.get(key, [])] = True
            m &= em
        return m
