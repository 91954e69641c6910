"""The document store, read once and kept in memory; re-read per document when its file changes.

Ids come from listing the store, so a request's id is only ever a dictionary key,
never part of a file path.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field

from core.records import Document, Fact
from ingest.store import DocumentStore

log = logging.getLogger("search_api")


@dataclass(frozen=True)
class StoredDoc:
    doc: Document  # without its facts when the catalog does not keep them (a Milvus replica)
    source: str
    pages: dict[int, int] = field(default_factory=dict)  # page number -> index in doc.pages
    n_facts: int = 0  # counted before any facts were dropped


@dataclass(frozen=True)
class Snapshot:
    docs: dict[str, StoredDoc]
    facts: list[Fact]  # all documents' facts, in document order (none when the catalog does not keep them)
    errors: dict[str, str]  # doc id -> why it could not be read
    generation: int


class DocumentCatalog:
    def __init__(self, store: DocumentStore, interval: float = 1.0, keep_facts: bool = True):
        """`keep_facts` False: each document's facts are counted and dropped (a Milvus replica lists the
        published facts from Milvus, so holding them here would bring back what the facts collection removed)."""
        self.store = store
        self.interval = interval
        self.keep_facts = keep_facts
        self._stamps: dict[str, tuple[int, int]] = {}
        self._snap = Snapshot({}, [], {}, 0)
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The current documents; the store is re-listed at most once per `interval`."""
        if time.monotonic() - self._checked >= self.interval:
            self.refresh()
        return self._snap

    def _listing(self) -> dict[str, tuple[int, int]]:
        out = {}
        for doc_id in self.store.ids():
            try:
                st = os.stat(self.store.path(doc_id))
            except OSError:
                continue
            out[doc_id] = (st.st_mtime_ns, st.st_size)
        return out

    def refresh(self, force: bool = False) -> None:
        with self._lock:
            if not force and time.monotonic() - self._checked < self.interval:
                return
            listing = self._listing()
            self._checked = time.monotonic()
            if listing == self._stamps:
                return
            old = self._snap
            docs: dict[str, StoredDoc] = {}
            errors: dict[str, str] = {}
            for doc_id, stamp in listing.items():
                if self._stamps.get(doc_id) == stamp and doc_id in old.docs:
                    docs[doc_id] = old.docs[doc_id]
                    continue
                try:
                    doc = self.store.read(doc_id)
                    source = self.store.source(doc_id)
                except Exception as exc:  # one broken file must not hide the others
                    errors[doc_id] = f"{type(exc).__name__}: {exc}"[:300]
                    log.error("cannot read stored document %s: %s", doc_id, errors[doc_id])
                    continue
                n_facts = len(doc.facts)
                if not self.keep_facts:
                    doc = doc.model_copy(update={"facts": []})
                docs[doc_id] = StoredDoc(doc, source, {p.number: i for i, p in enumerate(doc.pages)}, n_facts)
            facts = [f for d in docs.values() for f in d.doc.facts]
            self._stamps = listing
            self._snap = Snapshot(docs, facts, errors, old.generation + 1)
