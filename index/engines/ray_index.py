"""`kb index --engine ray`: read → chunk → embed in batches as a Ray Data pipeline, then the index is written
by the same code as the local path (build_index), with the vectors the workers computed.

Each embedding worker is an actor that loads the model once (map_batches with a class). Vectors already
in the index's embedding cache are not sent to the workers. Chunking runs again in the driver when the
index is written (cheap next to embedding: milliseconds per document against seconds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from core.config import index_dir as default_index_dir
from embedders import Embedder, expected_fingerprint, get_embedder
from index.build import EMBED_BATCH, BuildReport, Progress, build_index, load_embedding_cache
from index.chunking import ChunkSettings, chunk_document, content_hash, embed_text
from index.sentences import SentenceVectors, chunk_sentences
from index.settings import IndexSettings
from ingest.store import DocumentStore

EmbedderFactory = Callable[[], Embedder]


class ChunkDocuments:
    """A Ray Data stage: each stored document's chunks (and their sentences, when the index stores sentence
    vectors) as (content hash, text to embed), minus cached ones."""

    def __init__(self, data: str, chunking: ChunkSettings, cached: frozenset[str], sentences: bool = False):
        self.store, self.chunking, self.cached = DocumentStore(Path(data)), chunking, cached
        self.sentences = sentences

    def __call__(self, batch: dict) -> dict:
        hashes, texts = [], []
        for doc_id in batch["doc_id"]:
            doc_id = str(doc_id)
            try:
                doc, source = self.store.read(doc_id), self.store.source(doc_id)
            except (OSError, ValueError, KeyError):
                continue  # the driver's build reports an unreadable document by name
            for c in chunk_document(doc, source, self.chunking):
                for text in [embed_text(c), *(chunk_sentences(c) if self.sentences else ())]:
                    h = content_hash(text)
                    if h not in self.cached:
                        hashes.append(h)
                        texts.append(text)
        return {"hash": np.array(hashes, dtype=object), "text": np.array(texts, dtype=object)}


class EmbedPassages:
    """A Ray Data stage run by actors: the model is loaded once per worker, then embeds batch after batch."""

    def __init__(self, factory: EmbedderFactory):
        self.embedder = factory()

    def __call__(self, batch: dict) -> dict:
        vectors = self.embedder.embed_passages([str(t) for t in batch["text"]])
        return {"hash": batch["hash"], "vector": np.asarray(vectors, dtype=np.float32)}


@dataclass
class Precomputed:
    """The vectors the workers computed, looked up by text hash where build_index asks its embedder."""

    name: str
    fingerprint: str
    dim: int
    vectors: dict[str, np.ndarray]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        try:
            return np.stack([self.vectors[content_hash(t)] for t in texts])
        except KeyError as exc:
            raise RuntimeError("a chunk was not embedded by the Ray pipeline (the documents changed while "
                               "indexing?); run `kb index --engine ray` again") from exc

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("the Ray pipeline's vectors are for building an index, not for queries")


def embed_store_ray(data: Path, settings: IndexSettings, cached: frozenset[str], factory: EmbedderFactory,
                    workers: int = 2, address: str | None = None) -> dict[str, np.ndarray]:
    """content hash → vector for every chunk text (and sentence) of the stored documents not in `cached`."""
    from ingest.engines.ray_session import ray_session

    ids = DocumentStore(data).ids()
    if not ids:
        return {}
    with ray_session(address, workers) as ray:
        docs = ray.data.from_items([{"doc_id": d} for d in ids], override_num_blocks=min(len(ids), 8 * workers))
        # chunking reserves no CPU: it is light, and with one CPU per embedding actor a reserving chunk stage
        # could wait for ever behind actors that wait for its output
        texts = docs.map_batches(ChunkDocuments, batch_size=1, batch_format="numpy", num_cpus=0,
                                 compute=ray.data.ActorPoolStrategy(size=workers),
                                 fn_constructor_kwargs={"data": str(data), "chunking": settings.chunking,
                                                        "cached": cached, "sentences": settings.sentences})
        vectors = texts.map_batches(EmbedPassages, batch_size=EMBED_BATCH, batch_format="numpy",
                                    compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
                                    fn_constructor_kwargs={"factory": factory})
        out: dict[str, np.ndarray] = {}
        for batch in vectors.iter_batches(batch_size=1024, batch_format="numpy"):
            out.update(zip((str(h) for h in batch["hash"]), batch["vector"], strict=True))
    return out


def build_index_ray(data: Path, index_dir: Path | None = None, settings: IndexSettings | None = None,
                    factory: EmbedderFactory | None = None, workers: int = 2, address: str | None = None,
                    force: bool = False, progress: Progress | None = None) -> BuildReport:
    """build_index with the embedding done by `workers` Ray actors (`factory` makes each one's model)."""
    t0 = time.perf_counter()
    settings = settings or IndexSettings()
    data = Path(data)
    out = Path(index_dir) if index_dir else default_index_dir(data)
    factory = factory or partial(get_embedder, settings.model, settings.backend, settings.quantize)
    probe = factory() if not _is_model_factory(factory) else None  # a test double: cheap to make here
    name = probe.name if probe else settings.model
    fingerprint = (probe.fingerprint if probe
                   else expected_fingerprint(settings.model, settings.backend, settings.quantize))
    cached = load_embedding_cache(out, fingerprint) if out.exists() else {}
    if settings.sentences and out.exists():
        cached.update(SentenceVectors.load_cache(out, fingerprint))
    if progress:
        progress("embedding", 0, 1)
    vectors = {**cached, **embed_store_ray(data, settings, frozenset(cached), factory, workers, address)}
    if progress:
        progress("embedding", 1, 1)
    dim = len(next(iter(vectors.values()))) if vectors else (probe.dim if probe else 0)
    report = build_index(data, out, settings, embedder=Precomputed(name, fingerprint, dim, vectors), force=force,
                         progress=progress)
    report.seconds = time.perf_counter() - t0  # the Ray stages included, not only the write
    return report


def _is_model_factory(factory: EmbedderFactory) -> bool:
    """The real model is loaded in the workers only: the driver needs its fingerprint, not its weights."""
    return isinstance(factory, partial) and factory.func is get_embedder
