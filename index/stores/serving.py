"""An Index whose retrieval runs in a store (Milvus): the same Hit, Citation, filters and answers as in-process.

What a replica holds comes from the store and the document store only, so any number of API processes can open
one index. Opening reads what was published whole (manifest, the vocabularies, the highlighter's document
frequencies) and no chunk or fact record: records are fetched by row for the rows a query ranks
(index/stores/rows.py), tokenized for highlighting when needed (index/stores/tokens.py); facts are searched in
the store and read by position (index/stores/facts.py); filters and chunk-id lookups are Milvus queries;
source texts are read on demand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import bm25s
import numpy as np

from core.errors import IndexMismatchError, IndexMissingError
from core.lru import Lru
from embedders import MODELS, Embedder, expected_fingerprint
from index.filters import SearchFilters
from index.rerank import Candidates
from index.retrievers.dense import DenseIndex
from index.retrievers.facts import best_rows
from index.retrievers.keyword import KeywordIndex
from index.search import Index
from index.settings import INDEX_FORMAT, IndexSettings, SearchSettings
from index.stores import DEFAULT_FUSION
from index.stores.base import ChunkStore, Ranking
from index.stores.facts import StoreFacts
from index.stores.rows import StoreChunks
from index.stores.tokens import RowOffsets
from ingest.store import DocumentStore
from text.query import classify
from text.tokenizer import NorwegianTokenizer


class StoreSources(Mapping[str, str]):
    """Source texts from the document store, read when a citation first needs them (a few kept)."""

    def __init__(self, data: Path, doc_ids: list[str], keep: int = 64):
        self._store, self._ids = DocumentStore(data), list(doc_ids)
        self._cache = Lru[str, str](keep)

    def __getitem__(self, doc_id: str) -> str:
        text = self._cache.get(doc_id)
        if text is not None:
            return text
        if doc_id not in self._ids:
            raise KeyError(doc_id)
        try:
            text = self._store.source(doc_id)
        except (OSError, KeyError) as exc:
            raise KeyError(doc_id) from exc
        self._cache.put(doc_id, text)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class StoreIndex(Index):
    """Keyword, semantic and fused retrieval (with filters) and the facts in `store`; citations and answers here."""

    def __init__(self, folder: Path, manifest: dict, chunks: StoreChunks, store: ChunkStore,
                 sources: Mapping[str, str], embedder: Embedder | None = None, fusion: str = DEFAULT_FUSION):
        settings = IndexSettings.from_manifest(manifest)
        tokenizer = NorwegianTokenizer(settings.tokenizer)
        # highlighting, row choice and the second stage's proximity: tokens of the rows a query ranks
        offsets = RowOffsets(chunks, tokenizer, store.terms["words"], store.terms["df"])
        dim = int(manifest["model"].get("dim") or 1)
        # the local retrievers stay empty: every search goes to the store
        sentences = StoreSentences(store) if store.has_sentences else None
        super().__init__(folder, manifest, chunks, KeywordIndex(bm25s.BM25(), tokenizer, 0),
                         DenseIndex(np.zeros((0, dim), np.float32)), offsets, sources, embedder,
                         sentences=sentences)
        # searched and read in the store by position: `facts` stays empty, every reader goes through this
        self.fact_source: StoreFacts = StoreFacts(store, tokenizer)
        self.chunks: StoreChunks = chunks
        self.store = store
        self.fusion = fusion  # "native": a hybrid query's keyword and semantic lists fused by the store

    def _row_tables(self, chunks) -> tuple[None, dict[str, int]]:
        # filters are Milvus expressions (the store's retrievers and `retrieve("facts")`), ids a Milvus query
        return None, {}

    def row_of(self, chunk_id: str) -> int:
        row = self.chunks.row_of(chunk_id)
        if row is None:
            raise KeyError(f"no chunk {chunk_id!r} in this index")
        return row

    def candidates(self, query: str, depth: int, mask: np.ndarray | None = None,
                   retrievers: tuple[str, ...] | None = None, filters: SearchFilters | None = None) -> Candidates:
        """With native fusion, a hybrid query whose type weighs both keyword and semantic is one hybrid search
        in the store, fused by its ranker (Candidates.fused); the facts list (a search in the store's facts) and
        the second stage join here. Hits then carry the fused score under "milvus" instead of per-retriever
        keyword/semantic ranks."""
        s = self.search_settings
        w = s.weights_for(classify(query).type)
        if self.fusion != "native" or retrievers is not None or not (w.keyword > 0 and w.semantic > 0):
            cands = super().candidates(query, depth, mask, retrievers, filters)
            self._prefetch(cands)
            return cands
        cands = super().candidates(query, depth, mask, retrievers=("facts",) if w.facts > 0 else (),
                                   filters=filters)
        depth = min(depth, max(1, len(self.chunks)))
        qvec = self.embed_query(query.strip())
        fused = self.store.hybrid(self.tokenizer.tokens(query), qvec, depth, filters or SearchFilters(),
                                  (w.keyword, w.semantic), s.fusion, s.rrf_k)
        cands.fused = fused
        cands.lists["milvus"] = _arrays(fused)  # shown on hits; the ranker reads `fused`
        if self.ranker.sentences is not None and s.rerank.sentence > 0:
            cands.qvec = qvec
        self._prefetch(cands)
        return cands

    def _prefetch(self, cands: Candidates) -> None:
        """The records of every candidate row in one read: the ranker's year prior and duplicate collapse and the
        hits look at all of them, one by one."""
        rows = {int(r) for ids, _ in cands.lists.values() for r in ids.tolist()}
        rows.update(int(r) for r, _ in cands.fused or [])
        self.chunks.prefetch(rows)

    def retrieve(self, name: str, query: str, terms: list[str], depth: int, mask: np.ndarray | None,
                 filters: SearchFilters | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Keyword, semantic and facts lists come from the store (its filters are Milvus expressions); with local
        fusion the fitted fusion, the re-rank and the year prior then run here exactly as in-process, so both
        paths rank alike."""
        f = filters or SearchFilters()
        if name == "keyword":
            ranking = self.store.keyword(terms, depth, f)
        elif name == "semantic":
            ranking = self.store.semantic(self.embed_query(query.strip()), depth, f)
        elif name == "facts":
            facts = self.fact_source
            if f.is_empty():
                return facts.rank_chunks_scored(query, depth)
            # the rows its facts point at, filtered by the store in one query (no per-chunk columns here); one
            # fact search serves both steps
            ranked = facts.ranked_rows(query, depth)
            allowed = AllowedRows(self.store.allowed(sorted({r for r, _ in ranked if r >= 0}), f))
            return best_rows(ranked, depth, allowed)
        else:
            return super().retrieve(name, query, terms, depth, mask, filters)
        return _arrays(ranking)


class AllowedRows:
    """A row mask over a set of rows (the facts retriever reads `mask[row]`): no array of every row."""

    def __init__(self, rows: set[int]):
        self.rows = rows

    def __getitem__(self, row: int) -> bool:
        return int(row) in self.rows


class StoreSentences:
    """The second stage's best-matching sentence, answered by the store (index/sentences.py SentenceScorer)."""

    def __init__(self, store: ChunkStore):
        self.store = store

    def best(self, query: np.ndarray, rows: list[int]) -> np.ndarray:
        return self.store.best_sentences(query, rows)

    def of_rows(self, rows: list[int]) -> list[np.ndarray]:
        return self.store.sentence_vectors(rows)


def _arrays(ranking: Ranking) -> tuple[np.ndarray, np.ndarray]:
    ids = np.array([row for row, _ in ranking], dtype=np.int64)
    return ids, np.array([score for _, score in ranking], dtype=np.float32)


def check_native(s: SearchSettings) -> None:
    """Milvus' ranker can express these settings' fusion for every query type (ValueError naming it if not)."""
    from index.stores.milvus import route_repeats

    if s.fusion != "rrf":
        return
    for qtype, w in s.weights.items():
        if w.keyword > 0 and w.semantic > 0:
            try:
                route_repeats((w.keyword, w.semantic))
            except ValueError as exc:
                raise ValueError(f"query type {qtype.value}: {exc}") from None


def open_milvus_index(data: Path | str, uri: str, *, collection: str = "kb", embedder: Embedder | None = None,
                      model: str | None = None, dense: str | None = None, fusion: str | None = None) -> StoreIndex:
    """The index published to Milvus at `uri`; `data` is the data folder whose document store holds the sources.
    `fusion` "native" (the default) fuses a hybrid query's keyword and semantic lists with Milvus' hybrid search and
    ranker, "local" here with the fitted fusion."""
    from index.stores.milvus import MilvusSettings, MilvusStore

    fusion = fusion or DEFAULT_FUSION
    settings = MilvusSettings.for_dense(uri, collection=collection, fusion=fusion)
    try:
        store = MilvusStore(settings)
    except LookupError as exc:
        raise IndexMissingError(str(exc)) from exc
    manifest = store.manifest
    if manifest.get("format") != INDEX_FORMAT:
        raise IndexMismatchError(f"the index in Milvus ({uri}) has format {manifest.get('format')}, this program "
                                 f"reads format {INDEX_FORMAT}; run `kb index --store milvus --uri {uri}`")
    built = IndexSettings.from_manifest(manifest)
    if model is not None and model != built.model:
        raise IndexMismatchError(f"the index in Milvus was built with model {built.model}, asked for {model}")
    if dense is not None and dense != built.dense.kind:
        raise IndexMismatchError(f"the index in Milvus was built with dense index {built.dense.kind}, "
                                 f"asked for {dense}")
    if embedder is not None and embedder.fingerprint != manifest["model"]["fingerprint"]:
        raise IndexMismatchError(f"the index in Milvus was built with model fingerprint "
                                 f"{manifest['model']['fingerprint']}, the embedder here has {embedder.fingerprint}; "
                                 f"run `kb index --store milvus --uri {uri}`")
    if embedder is None and manifest["model"]["name"] in MODELS:
        if expected_fingerprint(manifest["model"]["name"], manifest["model"]["backend"],
                                manifest["model"].get("quantize", "none")) != \
                manifest["model"]["fingerprint"]:
            raise IndexMismatchError("the index in Milvus was built with other model weights than installed here; "
                                     f"run `kb index --store milvus --uri {uri}`")
    chunks = StoreChunks(store, len(store))  # no record read here: by row when a query ranks it
    sources = StoreSources(Path(data), [d["id"] for d in manifest.get("documents", [])])
    # no record read here either: chunks by row, facts by position when a query ranks them
    index = StoreIndex(Path(data), manifest, chunks, store, sources, embedder, fusion=fusion)
    if fusion == "native":
        check_native(index.search_settings)
    index.generation = store.generation
    return index
