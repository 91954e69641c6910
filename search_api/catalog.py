"""The document store as the API sees it: every document's summary, and full documents on demand.

Listing the store gives ids and file stamps; each changed file's summary (ingest.store.DocumentDigest, written
beside it by ingest, or read from the document when it is missing or stale) is all that is kept per document.
Full documents and source texts are read when a request needs one, into bounded least-recently-used caches
that a changed stamp invalidates: a server holds the summaries of 100 000 documents, not the documents.

Ids come from listing the store, so a request's id is only ever a dictionary key, never part of a file path.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Generic, TypeVar

from core.lru import Lru
from core.records import Document, Fact
from index.retrievers.facts import FactList
from ingest.store import DocumentDigest, DocumentStore

log = logging.getLogger("search_api")

Stamp = tuple[int, int]  # (mtime_ns, size) of a document's records file
T = TypeVar("T")


@dataclass(frozen=True)
class StoredDoc:
    doc: Document  # without its facts when the catalog does not keep them (a Milvus replica)
    source: str
    pages: dict[int, int] = field(default_factory=dict)  # page number -> index in doc.pages


def failed(errors: dict[str, str], doc_id: str, exc: Exception) -> None:
    """Record and log why a stored document could not be read."""
    errors[doc_id] = f"{type(exc).__name__}: {exc}"[:300]
    log.error("cannot read stored document %s: %s", doc_id, errors[doc_id])


class StampedLru(Generic[T]):
    """At most `size` values, each valid for one stamp of its document; thread-safe."""

    def __init__(self, size: int):
        self._items = Lru[str, tuple[Stamp, T]](size)

    def get(self, key: str, stamp: Stamp) -> T | None:
        with self._items.lock:
            hit = self._items.peek(key)  # a stale value is not refreshed: it is the first to go
            if hit is None or hit[0] != stamp:
                return None
            self._items.get(key)
            return hit[1]

    def put(self, key: str, stamp: Stamp, value: T) -> None:
        self._items.put(key, (stamp, value))

    def keep(self, stamps: Mapping[str, Stamp]) -> None:
        """Drop what a changed or removed file made stale."""
        with self._items.lock:
            for key, (s, _) in self._items.items():
                if stamps.get(key) != s:
                    self._items.pop(key)

    def __len__(self) -> int:
        return len(self._items)


class LazyDocs(Mapping[str, StoredDoc]):
    """A snapshot's documents by id: the keys are the listing's, a value is read when it is asked for.
    Iterating values or items reads every document: listings use `Snapshot.summaries`."""

    def __init__(self, snap: Snapshot):
        self._snap = snap

    def __getitem__(self, doc_id: str) -> StoredDoc:
        stored = self._snap.load(doc_id)
        if stored is None:
            raise KeyError(doc_id)
        return stored

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._snap.summaries

    def __iter__(self) -> Iterator[str]:
        return iter(self._snap.summaries)

    def __len__(self) -> int:
        return len(self._snap.summaries)


class Snapshot:
    """The documents of one listing of the store: their summaries, and their records read on demand."""

    def __init__(self, summaries: dict[str, DocumentDigest], stamps: dict[str, Stamp], errors: dict[str, str],
                 generation: int, catalog: DocumentCatalog | None = None):
        self.summaries = summaries
        self.stamps = stamps
        self.errors = errors  # doc id -> why it could not be read; a failed read on demand adds to it
        self.generation = generation
        self.docs: Mapping[str, StoredDoc] = LazyDocs(self)
        self._catalog = catalog

    def load(self, doc_id: str) -> StoredDoc | None:
        """The document as stored when this snapshot listed it; None if unknown or unreadable."""
        if doc_id not in self.summaries or self._catalog is None:
            return None
        return self._catalog.document(doc_id, self)

    def source(self, doc_id: str) -> str | None:
        """A document's source text, without reading its records."""
        if doc_id not in self.summaries or self._catalog is None:
            return None
        try:
            return self._catalog.source(doc_id, self)
        except OSError as exc:
            failed(self.errors, doc_id, exc)
            return None

    @cached_property
    def facts(self) -> list[Fact]:
        """All documents' facts in document order, read on first use (none when the catalog does not keep them)."""
        return self._catalog.all_facts(self) if self._catalog is not None else []

    @cached_property
    def fact_list(self) -> FactList:
        """`facts` as GET /facts reads them, one per snapshot: what it lists once (every indicator) is kept."""
        return FactList(self.facts)


class DocumentCatalog:
    def __init__(self, store: DocumentStore, interval: float = 1.0, keep_facts: bool = True, cache_size: int = 64):
        """`keep_facts` False: GET /facts does not list the store's facts and loaded documents drop theirs (a
        Milvus replica lists the published facts from Milvus). `cache_size`: full documents (and, apart, source
        texts) kept after a request read them."""
        if cache_size < 1:
            raise ValueError(f"cache_size must be at least 1, not {cache_size}")
        self.store = store
        self.interval = interval
        self.keep_facts = keep_facts
        self.documents = StampedLru[StoredDoc](cache_size)
        self.sources = StampedLru[str](cache_size)
        # bounded by the listing (keep()): in-process /facts holds them all
        self._facts = StampedLru[list[Fact]](1 << 30)
        self._stamps: dict[str, Stamp] = {}  # of the last listing, unreadable files too: those are not re-read
        self._snap = Snapshot({}, {}, {}, 0, self)
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The current documents; the store is re-listed at most once per `interval`."""
        if time.monotonic() - self._checked >= self.interval:
            self.refresh()
        return self._snap

    def _listing(self) -> dict[str, Stamp]:
        out = {}
        for doc_id in self.store.ids():
            try:
                st = os.stat(self.store.path(doc_id))
            except OSError:
                continue
            out[doc_id] = (st.st_mtime_ns, st.st_size)
        return out

    def summary(self, doc_id: str) -> DocumentDigest:
        """The digest ingest wrote beside the document; an older data folder's is read from the document."""
        digest = self.store.digest(doc_id)
        if digest is None:
            doc = self.store.read(doc_id)
            digest = DocumentDigest.of(doc, os.stat(self.store.path(doc_id)).st_size)
        if not self.store.source_path(doc_id).is_file():  # a document is served with its source, or not at all
            raise FileNotFoundError(f"no source text {self.store.source_path(doc_id)}")
        return digest

    def refresh(self, force: bool = False) -> None:
        with self._lock:
            if not force and time.monotonic() - self._checked < self.interval:
                return
            listing = self._listing()
            self._checked = time.monotonic()
            old = self._snap
            if listing == self._stamps:
                return
            summaries: dict[str, DocumentDigest] = {}
            errors: dict[str, str] = {}
            for doc_id, stamp in listing.items():
                if old.stamps.get(doc_id) == stamp and doc_id in old.summaries:
                    summaries[doc_id] = old.summaries[doc_id]
                    continue
                try:
                    summaries[doc_id] = self.summary(doc_id)
                except Exception as exc:  # one broken file must not hide the others
                    failed(errors, doc_id, exc)
            self._stamps = listing
            stamps = {d: listing[d] for d in summaries}
            for cache in (self.documents, self.sources, self._facts):
                cache.keep(stamps)
            self._snap = Snapshot(summaries, stamps, errors, old.generation + 1, self)

    def document(self, doc_id: str, snap: Snapshot) -> StoredDoc | None:
        """The full document, from the cache or read now; None (and an error in `snap.errors`) if unreadable."""
        stamp = snap.stamps[doc_id]
        stored = self.documents.get(doc_id, stamp)
        if stored is not None:
            return stored
        # read outside any lock: requests for other documents go on meanwhile (two for this one may both read it)
        try:
            doc = self.store.read(doc_id)
            source = self.source(doc_id, snap)
        except Exception as exc:
            failed(snap.errors, doc_id, exc)
            return None
        if not self.keep_facts:
            doc = doc.model_copy(update={"facts": []})  # the summary keeps their count
        stored = StoredDoc(doc, source, {p.number: i for i, p in enumerate(doc.pages)})
        self.documents.put(doc_id, stamp, stored)
        return stored

    def source(self, doc_id: str, snap: Snapshot) -> str:
        stamp = snap.stamps[doc_id]
        text = self.sources.get(doc_id, stamp)
        if text is None:
            text = self.store.source(doc_id)
            self.sources.put(doc_id, stamp, text)
        return text

    def all_facts(self, snap: Snapshot) -> list[Fact]:
        if not self.keep_facts:
            return []
        out: list[Fact] = []
        for doc_id, stamp in snap.stamps.items():
            facts = self._facts.get(doc_id, stamp)
            if facts is None:
                try:
                    facts = self.store.facts(doc_id)
                except Exception as exc:
                    failed(snap.errors, doc_id, exc)
                    continue
                self._facts.put(doc_id, stamp, facts)
            out.extend(facts)
        return out
