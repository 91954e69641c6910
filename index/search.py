"""Open an index once and search it: keyword (BM25), semantic (FAISS) or hybrid (fused, re-ranked), with citations."""

from __future__ import annotations

import importlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from core.records import Chunk, Citation, Fact, Hit, SearchMode
from embedders import MODELS, Embedder, expected_fingerprint, get_embedder
from index.build import CHUNKS, MANIFEST, SOURCES, read_manifest, resolve_index_dir
from index.filters import FilterColumns, SearchFilters
from index.highlight import snippet, trim_quote
from index.offsets import TokenOffsets
from index.rerank import Candidates, Ranked, Ranker
from index.retrievers import facts as facts_index
from index.retrievers.dense import DenseIndex
from index.retrievers.keyword import KeywordIndex
from index.sentences import SentenceScorer, SentenceVectors
from index.settings import INDEX_FORMAT, IndexSettings, SearchSettings
from index.stores import REMOTE_STORES, check_store
from text.query import classify, has_words, too_long
from text.tokenizer import NorwegianTokenizer

REBUILD = "run `kb index` to rebuild it"


class Index:
    """A loaded index. Everything is in memory: a search reads no files."""

    #: the facts when a store keeps them (index/stores/serving.py); None: `facts`, searched in this process
    fact_source: facts_index.SearchableFacts | None = None

    def __init__(self, folder: Path, manifest: dict, chunks: Sequence[Chunk], keyword: KeywordIndex, dense: DenseIndex,
                 offsets: TokenOffsets, sources: dict[str, str], embedder: Embedder | None = None,
                 query_cache: int = 1024, facts: list[Fact] | None = None,
                 sentences: SentenceScorer | None = None):
        self.folder = folder
        self._manifest = manifest
        self.settings = IndexSettings.from_manifest(manifest)
        self.chunks = chunks
        self.columns, self._by_id = self._row_tables(chunks)
        self.keyword = keyword
        self.tokenizer = keyword.tokenizer
        self.dense = dense
        self.offsets = offsets
        self._idf = offsets.idf()
        self.sources = sources
        self._embedder = embedder
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the API searches from several threads
        self._query_cache = query_cache
        self._docs = {d["id"]: d for d in manifest.get("documents", [])}
        self.facts = facts or []  # key figures of the indexed documents (index/retrievers/facts.py, answer/)
        self.ranker = Ranker(chunks, offsets, self._idf, self.tokenizer, sentences)
        self._search_settings = self.settings.search

    def _row_tables(self, chunks: Sequence[Chunk]) -> tuple[FilterColumns | None, dict[str, int]]:
        """Filter columns and chunk id -> row, built over all chunks at open; an index served from a store
        (index/stores/serving.py) builds neither: its store filters and looks chunks up."""
        return FilterColumns(chunks), {c.id: i for i, c in enumerate(chunks)}

    def row_mask(self, filters: SearchFilters) -> np.ndarray | None:
        """The rows `filters` allow (None: all), for the retrievers that run here."""
        return self.columns.mask(filters) if self.columns is not None else None

    @property
    def search_settings(self) -> SearchSettings:
        """How hybrid search fuses and re-ranks: what the manifest recorded, unless replaced (experiments)."""
        return self._search_settings

    @search_settings.setter
    def search_settings(self, value: SearchSettings) -> None:
        if not isinstance(value, SearchSettings):
            raise TypeError(f"search settings must be a SearchSettings, not {type(value).__name__}")
        self._search_settings = value

    def settings_record(self) -> dict:
        """What an evaluation records: the build settings from the manifest and the search settings in use."""
        return {"index": {k: v for k, v in self.settings.as_dict().items() if k != "search"},
                "search": self._search_settings.as_dict(), "model": dict(self._manifest.get("model", {}))}

    # -- facts about the index -------------------------------------------------------------------
    @property
    def manifest(self) -> dict:
        return self._manifest

    @property
    def counts(self) -> dict:
        return dict(self._manifest.get("counts", {}))

    def documents(self) -> list[dict]:
        return [dict(d) for d in self._manifest.get("documents", [])]

    def document(self, doc_id: str) -> dict:
        """The manifest entry of one indexed document (title, year, doc_type, source_file, …); {} if unknown."""
        return self._docs.get(doc_id, {})

    def chunk(self, chunk_id: str) -> Chunk:
        return self.chunks[self.row_of(chunk_id)]

    def row_of(self, chunk_id: str) -> int:
        """The row of a chunk id (KeyError when the index has no such chunk)."""
        try:
            return self._by_id[chunk_id]
        except KeyError:
            raise KeyError(f"no chunk {chunk_id!r} in this index") from None

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of each chunk's sentences, in `index.sentences.chunk_sentences` order; {} when the
        index keeps none."""
        scorer = self.ranker.sentences
        if scorer is None or not chunk_ids:
            return {}
        return dict(zip(chunk_ids, scorer.of_rows([self.row_of(c) for c in chunk_ids]), strict=True))

    def __len__(self) -> int:
        return len(self.chunks)

    # -- embedding ---------------------------------------------------------------------------------
    @property
    def loaded_embedder(self) -> Embedder | None:
        """The embedder if it is loaded already (a reloaded index can borrow it), without loading it."""
        return self._embedder

    def clear_query_cache(self) -> None:
        """Forget cached query vectors (benchmarks: every query then pays for its embedding)."""
        with self._lock:
            self._query_vectors.clear()

    def prime_query_cache(self, vectors: dict[str, np.ndarray]) -> None:
        """Query vectors computed elsewhere (a batch pass in an experiment), used as if this index had embedded them."""
        with self._lock:
            for q, v in vectors.items():
                v = np.asarray(v, dtype=np.float32)
                v.setflags(write=False)
                self._query_vectors[q] = v
            while len(self._query_vectors) > max(self._query_cache, len(vectors)):
                self._query_vectors.popitem(last=False)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            m = self._manifest["model"]
            if m["name"] not in MODELS:
                raise IndexMismatchError(f"the index was built with embedder {m['name']!r}, which is not available "
                                         f"here; {REBUILD}")
            self._embedder = get_embedder(m["name"], m["backend"], m.get("quantize", "none"))
            _check_fingerprint(self._embedder, self._manifest)
        return self._embedder

    def embed_query(self, query: str) -> np.ndarray:
        """The query vector, cached (LRU) so a repeated query costs nothing."""
        with self._lock:
            vec = self._query_vectors.get(query)
            if vec is not None:
                self._query_vectors.move_to_end(query)
                return vec
        vec = self.embedder.embed_queries([query])[0]
        vec.setflags(write=False)
        with self._lock:
            self._query_vectors[query] = vec
            if len(self._query_vectors) > self._query_cache:
                self._query_vectors.popitem(last=False)
        return vec

    # -- search ------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, mode: str | SearchMode = "hybrid",
               filters: SearchFilters | dict | None = None) -> list[Hit]:
        """The k best chunks for `query`, ranked, each with a snippet and a citation."""
        if not isinstance(query, str) or not query.strip():
            raise ValueError("the query is empty: give some words to search for")
        if problem := too_long(query.strip()):
            raise ValueError(f"the query {problem}")
        if not has_words(query):
            raise ValueError("the query has no words (only punctuation or invisible characters): give some words to "
                             "search for")
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive whole number, not {k!r}")
        mode = SearchMode.from_str(mode)
        wanted = SearchFilters.from_any(filters)
        mask = self.row_mask(wanted)
        s = self._search_settings
        if mode is SearchMode.hybrid:
            cands = self.candidates(query, max(k, s.pool, s.rerank.pool), mask, filters=wanted)
            order = self.ranker.rank(cands, k, s)
            if len(order) < k and "semantic" not in cands.lists:
                # a query type fused without the dense model (short keyword queries) still gets hits when its
                # words are unknown to BM25 (a typo, an English word): the model's ranking fills the tail
                ids, sc = self.retrieve("semantic", query, [], k, mask, wanted)
                cands.lists["semantic"] = (ids, sc)
                seen = {r.row for r in order}
                low = min((r.score for r in order), default=0.0)
                order += [Ranked(row, low - 1 - i) for i, row in enumerate(r for r in ids.tolist() if r not in seen)]
                order = order[:k]
        else:
            cands = self.candidates(query, k, mask, retrievers=(mode.value,), filters=wanted)
            ids, sc = cands.lists[mode.value]
            order = [Ranked(row, score) for row, score in zip(ids.tolist(), sc.tolist(), strict=True)][:k]
        scores = {n: dict(zip(ids.tolist(), sc.tolist(), strict=True)) for n, (ids, sc) in cands.lists.items()}
        ranks = {n: {int(r): i + 1 for i, r in enumerate(ids)} for n, (ids, _) in cands.lists.items()}
        return [self._hit(rank, r, cands.term_ids, scores, ranks) for rank, r in enumerate(order, 1)]

    def candidates(self, query: str, depth: int, mask: np.ndarray | None = None,
                   retrievers: tuple[str, ...] | None = None, filters: SearchFilters | None = None) -> Candidates:
        """Each retriever's best `depth` rows for `query`. Hybrid asks only the retrievers its query type weighs
        (`retrievers=None`); experiments pass all three to rank the cached lists under many settings."""
        info = classify(query)
        terms = self.tokenizer.tokens(query)
        hybrid = retrievers is None
        if hybrid:
            w = self._search_settings.weights_for(info.type)
            retrievers = tuple(n for n, v in w.as_dict().items() if v > 0)
        depth = min(depth, max(1, len(self.chunks)))
        lists = {name: self.retrieve(name, query, terms, depth, mask, filters)
                 for name in ("keyword", "semantic", "facts") if name in retrievers}
        cands = Candidates(query, info, self.offsets.term_ids(set(terms)), lists)
        if hybrid and self.ranker.sentences is not None and self._search_settings.rerank.sentence > 0:
            cands.qvec = self.embed_query(query.strip())  # cached: a hybrid query has embedded it already
        return cands

    def retrieve(self, name: str, query: str, terms: list[str], depth: int, mask: np.ndarray | None,
                 filters: SearchFilters | None = None) -> tuple[np.ndarray, np.ndarray]:
        """One retriever's best `depth` rows (ids, scores), within `mask`; a store-backed index (Milvus)
        answers keyword and semantic from the store, with `filters` as its own expressions."""
        if name == "keyword":
            return self.keyword.search(terms, depth, mask)
        if name == "semantic":
            return self.dense.search(self.embed_query(query.strip()), depth, mask)
        return facts_index.for_index(self).rank_chunks_scored(query, depth, mask)

    def _hit(self, rank: int, r: Ranked, term_ids: np.ndarray, scores: dict, ranks: dict) -> Hit:
        row = r.row
        c = self.chunks[row]
        spans = self.offsets.matches(row, term_ids)
        return Hit(
            rank=rank, score=float(r.score), chunk_id=c.id, doc_id=c.doc_id, text=c.text,
            more=[self.chunks[m].id for m in r.more],
            snippet=snippet(c.text, [(s, e) for s, e, _ in spans]), kinds=list(c.kinds),
            scores={n: float(s[row]) for n, s in scores.items() if row in s},
            ranks={n: r[row] for n, r in ranks.items() if row in r},
            citation=self.cite(c, spans), entities=list(c.entities),
        )

    def cite(self, c: Chunk, spans: list[tuple[int, int, int]] | None = None) -> Citation:
        """Where the chunk comes from. For a table chunk, the one row that holds the query's rarest terms
        best (`spans`: (start, end, token id) of query terms in the chunk text); the whole chunk when
        no row stands out."""
        doc = self.document(c.doc_id)
        span, row, column = c.span, None, None
        if c.rows and spans:
            row_i, column = _best_row(c, spans, self._idf)
            if row_i is not None:
                row, span = c.rows[row_i], c.row_spans[row_i]
        source = self.sources.get(c.doc_id)
        quote = trim_quote(source[span.start:span.end]) if source is not None else None
        return Citation(
            doc_id=c.doc_id, title=c.title, year=c.year, doc_type=c.doc_type, page=c.page,
            page_label=c.page.label(), section_path=list(c.section_path),
            source_file=doc.get("source_file") or f"{c.doc_id}.txt", span=span, table_id=c.table_id,
            row=row, column=column, quote=quote,
        )


def _best_row(c: Chunk, spans: list[tuple[int, int, int]], idf: np.ndarray) -> tuple[int | None, str | None]:
    """The row line (index into c.rows) whose distinct query terms weigh most (by idf), if it beats every
    other row; and the one column header the query names, if exactly one."""
    lines = c.text.split("\n")
    starts = np.cumsum([0] + [len(x) + 1 for x in lines])
    weights = []
    for i in range(1, 1 + len(c.rows)):
        terms = {t for s, _, t in spans if starts[i] <= s < starts[i] + len(lines[i])}
        weights.append(float(sum(idf[t] for t in terms)))
    order = np.argsort(weights)[::-1]
    if not weights or weights[order[0]] <= 0 or (len(order) > 1 and weights[order[1]] >= weights[order[0]] - 1e-6):
        return None, None
    best = int(order[0])
    line, base = lines[best + 1], int(starts[best + 1])
    cols: dict[str, int] = {}
    pos = 0
    for cell in line.split(" | "):
        head, sep, _ = cell.partition(": ")
        if sep and pos > 0:
            a = base + pos
            cols[head] = sum(1 for s, _, _ in spans if a <= s < a + len(head))
        pos += len(cell) + 3
    top = max(cols.values(), default=0)
    winners = [h for h, n in cols.items() if n == top and n > 0]
    return best, winners[0] if len(winners) == 1 else None


def _check_fingerprint(embedder: Embedder, manifest: dict) -> None:
    built = manifest["model"]
    if embedder.fingerprint != built["fingerprint"]:
        raise IndexMismatchError(
            f"the index was built with model {built['name']} ({built['backend']}, fingerprint "
            f"{built['fingerprint']}) but the embedder here is {embedder.name} (fingerprint "
            f"{embedder.fingerprint}); {REBUILD}")


def _describe(s: IndexSettings) -> dict[str, str]:
    return {"model": s.model, "backend": s.backend, "dense index": s.dense.kind,
            "stemming": "on" if s.tokenizer.stem else "off"}


def open_index(path: Path | str, *, model: str | None = None, backend: str | None = None, dense: str | None = None,
               stem: bool | None = None, embedder: Embedder | None = None, store: str = "local",
               uri: str | None = None, collection: str = "kb", store_fusion: str | None = None) -> Index:
    """Load the index of a data folder (or an index folder). Arguments left None accept what was built;
    any other value must match the build, else IndexMismatchError says what differs. With store="milvus" the
    index is the one published to Milvus at `uri` and `path` the data folder holding the documents;
    `store_fusion` says who fuses a hybrid query's keyword and semantic lists: "native" the store's own ranker
    (the default), "local" this process."""
    if store != "local" or uri is not None or store_fusion is not None:
        check_store(store, uri, store_fusion)
        # a remote store's module subclasses Index (and needs an optional extra): found by name, like a parser
        opener = getattr(importlib.import_module(REMOTE_STORES[store][0]), REMOTE_STORES[store][1])
        return opener(path, uri, collection=collection, embedder=embedder, model=model, dense=dense,
                      fusion=store_fusion)
    folder = _readable(resolve_index_dir(Path(path)))
    manifest = read_manifest(folder)
    if manifest is None:
        raise IndexMissingError(f"no search index in {folder}; run `kb index` first")
    if manifest.get("format") != INDEX_FORMAT:
        raise IndexMismatchError(f"the index in {folder} has format {manifest.get('format')}, this program reads "
                                 f"format {INDEX_FORMAT}; {REBUILD}")
    try:
        built = IndexSettings.from_manifest(manifest)
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorruptError(f"the index manifest in {folder} is incomplete ({exc}); {REBUILD}") from exc
    asked = {"model": model, "backend": backend, "dense index": dense,
             "stemming": None if stem is None else ("on" if stem else "off")}
    have = _describe(built)
    diffs = [f"{k}: index has {have[k]}, asked for {v}" for k, v in asked.items() if v is not None and v != have[k]]
    if diffs:
        raise IndexMismatchError(f"the index in {folder} was built with other settings ({'; '.join(diffs)}); "
                                 f"{REBUILD} with those options")
    if embedder is not None:
        _check_fingerprint(embedder, manifest)
    elif manifest["model"]["name"] in MODELS:
        m = manifest["model"]
        expected = expected_fingerprint(m["name"], m["backend"], m.get("quantize", "none"))
        if expected != manifest["model"]["fingerprint"]:
            raise IndexMismatchError(
                f"the index in {folder} was built with other model weights (fingerprint "
                f"{manifest['model']['fingerprint']}, installed {expected}); {REBUILD}")
    try:
        chunks = [Chunk.model_validate_json(line)
                  for line in (folder / CHUNKS).read_text(encoding="utf-8").splitlines() if line]
        tokenizer = NorwegianTokenizer(built.tokenizer)
        keyword = KeywordIndex.load(folder, tokenizer, len(chunks))
        dense_index = DenseIndex.load(folder, built.dense)
        offsets = TokenOffsets.load(folder)
        sources = {p.stem: p.read_text(encoding="utf-8") for p in sorted((folder / SOURCES).glob("*.txt"))}
        facts = facts_index.load_facts(folder)  # now, not on first answer: the folder may be swapped out later
        sentences = SentenceVectors.load(folder)
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"the index in {folder} cannot be read ({exc}); {REBUILD}") from exc
    if len(dense_index) != len(chunks):
        raise IndexCorruptError(f"the index in {folder} is inconsistent ({len(chunks)} chunks, "
                                f"{len(dense_index)} vectors); {REBUILD}")
    if sentences is not None and (sentences.chunks != len(chunks)
                                  or sentences.fingerprint != manifest["model"]["fingerprint"]):
        raise IndexCorruptError(f"the sentence vectors in {folder} do not belong to its chunks or model; {REBUILD}")
    return Index(folder, manifest, chunks, keyword, dense_index, offsets, sources, embedder, facts=facts,
                 sentences=sentences)


def _readable(folder: Path) -> Path:
    """Readers never rename anything (only `kb index` repairs a swap): between the builder's two renames, or after
    a crash there, the previous index is read where it stands."""
    old = folder.with_name(f".{folder.name}.old")
    if not (folder / MANIFEST).exists() and (old / MANIFEST).exists():
        return old
    return folder


__all__ = ["Index", "open_index", "SearchFilters", "SearchMode", "MANIFEST"]
