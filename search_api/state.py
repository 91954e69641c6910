"""The loaded index, swapped atomically when `kb index` replaces the index folder.

A watcher thread stats the index manifest (at most once per `interval`); when the file
is a new one it loads the new index in that thread and then swaps the reference. A
request takes the reference once and keeps that object to the end, so in-flight
requests finish on the old index and none is dropped.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from answer.compose import answer
from index.build import MANIFEST
from index.retrievers.facts import FactRecords
from index.search import Index, open_index
from search_api.catalog import Snapshot

log = logging.getLogger("search_api")

#: Loads the index in `folder`; `previous` (may be None) lends its already-loaded model.
Loader = Callable[[Path, Index | None], Index]

Identity = tuple[int, int, int]  # inode, mtime_ns, size of the manifest file


def default_loader(folder: Path, previous: Index | None, warm: bool = True) -> Index:
    """open_index, reusing the previous index's embedder when the model is the same, then warm the model."""
    embedder = previous.loaded_embedder if previous is not None else None
    index = None
    if embedder is not None:
        try:
            index = open_index(folder, embedder=embedder)
        except Exception:  # another model: load that one instead
            index = None
    if index is None:
        index = open_index(folder)
    if warm:
        warm_up(index)
    return index


def warm_up(index: Index) -> None:
    """Load the model and whatever the answer module reads lazily from the index folder, now: the folder is
    the one just loaded, and the first request does not wait for it."""
    index.embed_query("oppvarming")
    try:
        answer("hva var andel bosatt innen 6 måneder i 2020", index)
    except Exception:  # a broken answer module must not stop searching; /answer reports it
        log.exception("answer warm-up failed")


def settle_heap() -> None:
    """Take what is loaded now out of the garbage collector's scans. A full collection walks every tracked object
    (~365 000 with the bundled index: ~230 ms with the interpreter lock held, stalling every queued request); frozen,
    the loaded index is never walked again. Unfrozen first, so a replaced index's reference cycles are freed."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class IndexHolder:
    def __init__(self, folder: Path, loader: Loader, interval: float = 1.0):
        self.folder = Path(folder)
        self.loader = loader
        self.interval = interval
        self._current: Index | None = None
        self._identity: Identity | None = None  # of the manifest the current index was loaded from
        self._failed: Identity | None = None  # a manifest that could not be loaded: not retried until it changes
        self.error: str | None = None
        self.generation = 0  # how many indexes have been loaded
        self.loaded_at: str | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def current(self) -> Index | None:
        return self._current

    def fact_records(self, snapshot: Snapshot) -> FactRecords:
        """What GET /facts lists: the facts of the documents in the data folder (the catalog holds them)."""
        return snapshot.fact_list

    def identity(self) -> Identity | None:
        try:
            st = os.stat(self.folder / MANIFEST)
        except OSError:
            return None  # no index yet, or a build is between its two renames
        return st.st_ino, st.st_mtime_ns, st.st_size

    def check(self) -> bool:
        """Load the index if its manifest changed since the last load. True when a new index was swapped in."""
        with self._lock:  # one load at a time
            ident = self.identity()
            if ident is None or ident == self._identity or ident == self._failed:
                return False
            t0 = time.perf_counter()
            try:
                index = self.loader(self.folder, self._current)
            except Exception as exc:  # keep serving the old index; say why in /health
                self._failed = ident
                self.error = f"{type(exc).__name__}: {exc}"
                log.error("could not load the index in %s: %s", self.folder, self.error)
                return False
            if self.identity() != ident:
                return False  # swapped again while we read it: the files may be mixed; load again next time
            self._current, self._identity, self._failed, self.error = index, ident, None, None
            self.generation += 1
            self.loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
            log.info("index loaded from %s (%d chunks, %.1f s, generation %d)", self.folder, len(index),
                     time.perf_counter() - t0, self.generation)
        settle_heap()
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the watcher must outlive any surprise
                log.exception("index watcher")

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="kb-index-watcher", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
