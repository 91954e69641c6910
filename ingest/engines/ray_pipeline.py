"""`kb ingest --engine ray`: the same stages as ingest_paths (read → parse → enrich → write) as a Ray Data pipeline.

The driver decides what to ingest and under which id (ids must be unique across the whole batch, so that
stays in one place); workers read, parse, enrich and write each document to the document store. On a
cluster the data folder must be storage every node sees (NFS or a mounted bucket).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from core.errors import IngestError
from ingest.manifest import find_entry, load_manifest
from ingest.pipeline import IngestResult, build_document, collect_files, identify, unchanged
from ingest.store import DocumentStore


def plan(paths: list[Path], store: DocumentStore, force: bool) -> tuple[list[dict], list[IngestResult]]:
    """(work items for the workers, results decided already: unreadable, unsupported, unchanged)."""
    entries = load_manifest()
    files, results = collect_files(paths)
    items: list[dict] = []
    seen_ids: dict[str, str] = {}
    for path in files:
        try:
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            results.append(IngestResult(str(path), "failed", message=f"cannot read ({exc.strerror})"))
            continue
        _, doc_id = identify(entries, path, sha, seen_ids)
        if not force and unchanged(store, doc_id, sha):
            results.append(IngestResult(str(path), "unchanged", doc_id))
            continue
        items.append({"path": str(path), "doc_id": doc_id})
    return items, results


class IngestDocuments:
    """A Ray Data stage: read, parse, enrich and write each document of a batch (state: the manifest, once)."""

    def __init__(self, data: str):
        self.store = DocumentStore(Path(data))
        self.entries = load_manifest()

    def __call__(self, batch: dict) -> dict:
        status, messages = [], []
        for path_s, doc_id in zip(batch["path"], batch["doc_id"], strict=True):
            r = self.one(Path(str(path_s)), str(doc_id))
            status.append(r.status)
            messages.append(r.message)
        return {"path": batch["path"], "doc_id": batch["doc_id"], "status": status, "message": messages}

    def one(self, path: Path, doc_id: str) -> IngestResult:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return IngestResult(str(path), "failed", doc_id, f"cannot read ({exc.strerror})")
        entry = find_entry(self.entries, path.name, hashlib.sha256(data).hexdigest())
        try:
            doc, text = build_document(path, data, entry, doc_id)
        except IngestError as exc:
            return IngestResult(str(path), "failed", doc_id, exc.reason)
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the batch, as in the local path
            if os.environ.get("KB_DEBUG"):
                raise
            return IngestResult(str(path), "failed", doc_id, (
                f"could not be parsed ({type(exc).__name__}: {str(exc)[:200]}); "
                "set KB_DEBUG=1 for the traceback and report the file"))
        try:
            self.store.write(doc, text)
        except OSError as exc:
            return IngestResult(str(path), "failed", doc_id,
                                f"cannot write to the data folder {self.store.data} ({exc.strerror or exc})")
        return IngestResult(str(path), "ingested", doc_id)


def ingest_paths_ray(paths: list[Path], store: DocumentStore, force: bool = False, workers: int = 2,
                     address: str | None = None) -> list[IngestResult]:
    """ingest_paths on Ray: the same documents in the store, the same results (in the same order)."""
    from ingest.engines.ray_session import ray_session

    items, results = plan(paths, store, force)
    if not items:
        return results
    with ray_session(address, workers) as ray:
        ds = ray.data.from_items(items, override_num_blocks=min(len(items), 4 * workers))
        out = ds.map_batches(IngestDocuments, fn_constructor_kwargs={"data": str(store.data)}, batch_size=1,
                             compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1, batch_format="numpy")
        done = {str(r["path"]): IngestResult(str(r["path"]), str(r["status"]), str(r["doc_id"]), str(r["message"]))
                for r in out.iter_rows()}
    results.extend(done[i["path"]] for i in items)
    order = {str(p): n for n, p in enumerate(collect_files(paths)[0])}
    # as ingest_paths: problems found before reading first, then every file in the order it was found
    return sorted(results, key=lambda r: (r.path in order, order.get(r.path, -1)))
