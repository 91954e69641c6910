"""Milvus as the index store: chunk records, dense vectors and BM25 sparse vectors in one collection.

One URI decides where: a file path is Milvus Lite (embedded, what the tests use), `http://host:19530` a
cluster; the schema, index spec and queries are the same. The keyword side is the project's own BM25
(bm25s over the Norwegian tokenizer): each chunk's sparse vector holds its precomputed BM25 term weights,
a query's sparse vector its term counts, so inner product equals bm25s' score. Milvus' built-in BM25
function is not used because its analyzers cannot reproduce the tokenizer (number joining, Bokmål/Nynorsk
folding, the English glossary).

A publish writes new collections and then points one alias at the new meta collection, so readers switch
in one step and a replica never reads half an index. The meta collection names its chunk, sentence and fact
collections and holds what a replica needs whole: the manifest, the vocabularies (chunks' and facts' BM25, the
highlighter's with its document frequencies). Chunk records are read by row when a query ranks them
(index/stores/rows.py); facts are rows of their own collection (filter fields, the chunk row, the record and a
sparse BM25 vector of the fact's search text), searched and read by position (index/stores/facts.py).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import IndexUnavailableError
from core.extras import require
from core.records import Chunk, Fact
from index.filters import FactFilters, SearchFilters, fact_post
from index.filters import entity_keys as filter_keys
from index.sentences import SentenceVectors
from index.stores import DEFAULT_FUSION, STORE_FUSIONS
from index.stores.base import Ranking

INDEX_TYPES = ("FLAT", "HNSW", "IVF_FLAT", "IVF_PQ", "AUTOINDEX")
MAX_REPEATS = 12  # requests per route in one hybrid search, when RRF weights are expressed by repeating a route
VARCHAR_MAX = 65_535  # bytes: Milvus' limit for one VARCHAR value
BLOB_PIECE = 16_000  # characters per meta row: at most 4 bytes each in UTF-8, so always under VARCHAR_MAX
ARRAY_MAX = 4_096  # Milvus' limit for the elements of one ARRAY value
KEY_MAX = 512
FETCH_BATCH = 1024  # chunk rows per query when records are fetched by row
NO_TERM = 2**32 - 2  # the largest sparse index Milvus accepts


@dataclass(frozen=True)
class MilvusSettings:
    """Where the index lives in Milvus and how its dense vectors are indexed."""

    uri: str
    collection: str = "kb"  # prefix of the collections and the alias readers open
    index_type: str = "FLAT"  # exact; HNSW or IVF_PQ on a cluster (eval/SCALE.md)
    hnsw_m: int = 32
    hnsw_ef_construction: int = 200
    hnsw_ef: int = 96
    ivf_nlist: int = 1024
    ivf_nprobe: int = 16
    pq_m: int = 48  # sub-quantizers for IVF_PQ; must divide the vector dimension
    insert_batch: int = 256
    token: str = ""  # a cluster's credentials ("user:password" or an API key); empty for Milvus Lite
    # hybrid mode: keyword and semantic fused by Milvus' hybrid search and ranker (native), or in the reader with
    # the fitted fusion (local); facts and the second stage run in the reader either way. Not published.
    fusion: str = DEFAULT_FUSION

    def __post_init__(self):
        if not self.uri:
            raise ValueError("a Milvus store needs a URI: a file path (Milvus Lite) or http://host:19530")
        if self.index_type not in INDEX_TYPES:
            raise ValueError(f"unknown Milvus index type {self.index_type!r}; expected one of {', '.join(INDEX_TYPES)}")
        if not self.collection.replace("_", "").isalnum() or not self.collection[0].isalpha():
            raise ValueError(f"collection name {self.collection!r}: letters, digits and _ only, starting with a letter")
        if self.fusion not in STORE_FUSIONS:
            raise ValueError(f"unknown Milvus fusion {self.fusion!r}; expected one of {', '.join(STORE_FUSIONS)}")
        if min(self.hnsw_m, self.hnsw_ef, self.ivf_nlist, self.ivf_nprobe, self.pq_m, self.insert_batch) < 1:
            raise ValueError("Milvus index parameters must be positive")

    @classmethod
    def for_dense(cls, uri: str, dense_kind: str = "flat", collection: str = "kb",
                  fusion: str = DEFAULT_FUSION) -> MilvusSettings:
        """From `kb index --dense`: flat → FLAT, hnsw → HNSW, ivf → IVF_FLAT."""
        kinds = {"flat": "FLAT", "hnsw": "HNSW", "ivf": "IVF_FLAT"}
        return cls(uri=uri, collection=collection, index_type=kinds[dense_kind],
                   token=os.environ.get("KB_MILVUS_TOKEN", ""), fusion=fusion)

    @property
    def alias(self) -> str:
        return f"{self.collection}_meta"

    def index_params(self) -> dict:
        if self.index_type == "HNSW":
            return {"M": self.hnsw_m, "efConstruction": self.hnsw_ef_construction}
        if self.index_type == "IVF_FLAT":
            return {"nlist": self.ivf_nlist}
        if self.index_type == "IVF_PQ":
            return {"nlist": self.ivf_nlist, "m": self.pq_m, "nbits": 8}
        return {}

    def search_params(self) -> dict:
        if self.index_type == "HNSW":
            return {"metric_type": "IP", "params": {"ef": self.hnsw_ef}}
        if self.index_type.startswith("IVF"):
            return {"metric_type": "IP", "params": {"nprobe": self.ivf_nprobe}}
        return {"metric_type": "IP", "params": {}}


def connect(settings: MilvusSettings):
    """A client for the URI; a Milvus Lite file's folder is created first. An address nothing answers at is
    an IndexUnavailableError of one line (pymilvus' own error is a traceback with a generic message)."""
    pymilvus = require("pymilvus", feature="the Milvus store")
    if "://" not in settings.uri:
        Path(settings.uri).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    lite_log = logging.getLogger("milvus_lite")
    level = lite_log.level
    if "://" not in settings.uri:  # Lite logs a locked file as a traceback; the error below says it in one line
        lite_log.setLevel(logging.CRITICAL)
    try:
        return pymilvus.MilvusClient(uri=settings.uri, token=settings.token)
    except pymilvus.MilvusException as exc:
        # Milvus Lite locks its file: a second process cannot open it (its own error names no cause)
        hint = "" if "://" in settings.uri else (" (a Milvus Lite file opens in one process at a time; for several, "
                                                 "run `milvus-lite server --data-dir FILE --port 19530` and use "
                                                 "--uri http://127.0.0.1:19530)")
        raise IndexUnavailableError(f"cannot reach Milvus at {settings.uri}: {exc.message}{hint}") from None
    finally:
        lite_log.setLevel(level)


def route_repeats(weights: tuple[float, float]) -> tuple[tuple[int, int], int]:
    """(keyword, semantic) weights as whole repeats of each route, and the factor they were scaled by.

    Milvus' RRFRanker has no weights: a route sent n times adds n/(k + rank), so repeats are the weights
    times the smallest factor that makes both whole (2 and 1 stay 2 and 1; 1.5 and 1 become 3 and 2, the
    fused scores then divided by 2)."""
    for scale in range(1, MAX_REPEATS + 1):
        n = tuple(round(w * scale) for w in weights)
        if all(abs(w * scale - r) < 1e-9 for w, r in zip(weights, n, strict=True)) and sum(n) <= MAX_REPEATS:
            return (n[0], n[1]), scale
    raise ValueError(f"Milvus' RRF ranker cannot weigh keyword {weights[0]} against semantic {weights[1]} with "
                     f"at most {MAX_REPEATS} repeated requests; use --milvus-fusion local")


# -- filters -----------------------------------------------------------------------------------------


def _quoted(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def filter_expression(f: SearchFilters) -> str:
    """The filters as a Milvus boolean expression (the same conditions as FilterColumns.mask); '' for none."""
    parts = []
    if f.doc_ids:
        parts.append(f"doc_id in {_quoted(f.doc_ids)}")
    if f.year_from is not None:
        parts.append(f"year >= {int(f.year_from)}")
    if f.year_to is not None:
        parts.append(f"(year <= {int(f.year_to)} and year >= 0)")
    if f.doc_types:
        parts.append(f"doc_type in {_quoted([t.lower() for t in f.doc_types])}")
    if f.langs:
        parts.append(f"lang in {_quoted([x.lower() for x in f.langs])}")
    if f.kinds:
        parts.append(f"array_contains_any(kinds, {_quoted(f.kinds)})")
    if wanted := f.entity_wanted():
        parts.append(f"array_contains_any(entities, {_quoted(wanted)})")
    return " and ".join(parts)


def fact_filter_expression(f: FactFilters) -> str:
    """GET /facts' filters as a Milvus expression over the facts collection (the conditions of
    FactFilters.matches); a fact with no year (-1) fails any year range."""
    parts = []
    if f.doc_ids:
        parts.append(f"doc_id in {_quoted(list(f.doc_ids))}")
    if f.year_from is not None:
        parts.append(f"year >= {int(f.year_from)} and year <= {int(f.year_upto)}")
    if f.unit:
        parts.append(f"unit == {json.dumps(f.unit.lower(), ensure_ascii=False)}")
    if f.entity_keys:
        parts.append(f"array_contains_any(entities, {_quoted(list(f.entity_keys))})")
    if f.post:
        parts.append(f"post == {json.dumps(f.post)}")
    return " and ".join(parts) or "pos >= 0"


def entity_keys(c: Chunk | Fact) -> list[str]:
    """What the entity filter matches: index.filters.entity_keys of each entity."""
    keys = sorted({k for e in c.entities for k in filter_keys(e)})
    return [k[:KEY_MAX] for k in keys][:ARRAY_MAX]


# -- the data written -------------------------------------------------------------------------------


@dataclass
class Payload:
    """Everything a published index holds: the documents' side (manifest, chunks, facts) and both vectors."""

    manifest: dict
    chunks: list[Chunk]
    vectors: np.ndarray  # (n, dim) float32, L2-normalised
    sparse: list[dict[int, float]]  # per chunk: BM25 term id -> weight
    vocab: dict[str, int]  # BM25 term -> id
    facts: list[Fact]
    terms: list[str]  # the highlighter's vocabulary (index/offsets.py), in token id order
    doc_freq: list[int]  # per term of `terms`: the chunks it occurs in (the second stage's and row choice's idf)
    fact_rows: list[int]  # per fact: the chunk row holding it (-1: none)
    fact_sparse: list[dict[int, float]]  # per fact: BM25 term id -> weight over the facts' search texts
    fact_vocab: dict[str, int]  # that BM25's term -> id
    sentences: SentenceVectors | None = None  # the second stage's sentence vectors, when the index has them


def sparse_rows(bm25) -> list[dict[int, float]]:
    """Per-document {term id: BM25 weight} from a bm25s index (its precomputed term × document scores)."""
    from scipy.sparse import csc_matrix

    s = bm25.scores
    n_docs, n_terms = int(s["num_docs"]), len(s["indptr"]) - 1
    m = csc_matrix((s["data"], s["indices"], s["indptr"]), shape=(n_docs, n_terms)).tocsr()
    return [dict(zip(m.indices[m.indptr[i]:m.indptr[i + 1]].tolist(), m.data[m.indptr[i]:m.indptr[i + 1]].tolist(),
                     strict=True)) for i in range(n_docs)]


def query_sparse(terms: list[str], vocab: dict[str, int]) -> dict[int, float]:
    """A query's sparse vector: each known term's count (bm25s adds a repeated query term once per repeat)."""
    return {vocab[t]: float(n) for t, n in Counter(terms).items() if t in vocab}


def current_generation(client, settings: MilvusSettings) -> str | None:
    """The generation of the index the alias points at; None when there is none or Milvus does not answer."""
    try:
        if not client.has_collection(settings.alias):
            return None
        # loaded once per server (a restarted Milvus or Lite process starts with collections released)
        if str(client.get_load_state(settings.alias).get("state")) != "Loaded":
            client.load_collection(settings.alias)
        meta = client.query(settings.alias, filter='key == "info#0"', output_fields=["text"])
    except Exception:  # noqa: BLE001 - the alias between collections, or the server restarting
        return None
    return json.loads(meta[0]["text"])["generation"] if meta else None


# -- the store ----------------------------------------------------------------------------------------


class MilvusStore:
    """One published index in Milvus: search (ChunkStore) and the records a server needs to open it."""

    def __init__(self, settings: MilvusSettings, client=None):
        self.settings = settings
        self.client = client if client is not None else connect(settings)
        meta = self._read_meta()
        if meta is None:
            raise LookupError(f"no index named {settings.collection!r} in Milvus at {settings.uri}; "
                              f"run `kb index --store milvus --uri {settings.uri}` first")
        self.generation: str = meta["generation"]
        self.chunks_collection: str = meta["chunks_collection"]
        self.sentences_collection: str | None = meta.get("sentences_collection")
        self.has_sentences = bool(self.sentences_collection)
        self.manifest: dict = meta["manifest"]
        self.vocab: dict[str, int] = meta["vocab"]
        if (meta.get("terms") is None or not meta.get("facts_collection") or meta.get("fact_vocab") is None
                or not meta.get("facts_post")):
            raise LookupError(f"the index {settings.collection!r} in Milvus at {settings.uri} was published by an "
                              f"older version (no term frequencies, facts collection or budget posts); run "
                              f"`kb index --store milvus --uri {settings.uri}` again")
        self.terms: dict = meta["terms"]  # {"words": [...], "df": [...]}: the highlighter's vocabulary and df
        self.facts_collection: str = meta["facts_collection"]
        self.fact_vocab: dict[str, int] = meta["fact_vocab"]
        self.fact_count = int(meta["fact_count"])
        self._n = int(self.manifest["counts"]["chunks"])
        # as published: a reader searches the dense index with the parameters its type needs (ef, nprobe)
        self.search_params: dict = meta.get("search_params") or settings.search_params()
        self.client.load_collection(self.chunks_collection)
        self.client.load_collection(self.facts_collection)
        if self.sentences_collection:
            self.client.load_collection(self.sentences_collection)

    def __len__(self) -> int:
        return self._n

    # -- reading what was published
    def _read_meta(self) -> dict | None:
        if not self.client.has_collection(self.settings.alias):
            return None
        self.client.load_collection(self.settings.alias)  # a no-op when loaded; needed after a server restart
        parts: dict[str, list[tuple[int, str]]] = {}
        # paged: one query returns at most 16 384 rows, and a large index's vocabularies and facts need more
        it = self.client.query_iterator(self.settings.alias, batch_size=1000, filter='key != ""',
                                        output_fields=["key", "part", "text"])
        try:
            while page := it.next():
                for r in page:
                    parts.setdefault(r["key"].split("#")[0], []).append((int(r["part"]), r["text"]))
        finally:
            it.close()
        blobs = {k: "".join(t for _, t in sorted(v)) for k, v in parts.items()}
        info = json.loads(blobs["info"])
        return {**info, "manifest": json.loads(blobs["manifest"]), "vocab": json.loads(blobs["vocab"]),
                "terms": json.loads(blobs["terms"]) if "terms" in blobs else None,
                "fact_vocab": json.loads(blobs["fact_vocab"]) if "fact_vocab" in blobs else None}

    def current_generation(self) -> str | None:
        """The generation the alias points at now (a new publish changes it)."""
        return current_generation(self.client, self.settings)

    # -- facts (index/stores/facts.py reads them through these)
    def fact_search(self, terms: list[str], k: int) -> list[tuple[int, float, int]]:
        """(fact position, BM25 score, chunk row) of the `k` facts whose search text best matches `terms`."""
        q = query_sparse(terms, self.fact_vocab)
        if not q or k <= 0:
            return []
        res = self.client.search(self.facts_collection, data=[q], anns_field="sparse", limit=min(k, 16_384),
                                 output_fields=["pos", "chunk_row"], search_params={"metric_type": "IP", "params": {}})
        return [(int(h["entity"]["pos"]), float(h["distance"]), int(h["entity"]["chunk_row"])) for h in res[0]
                if h["distance"] > 0]

    def fact_fields(self, positions: list[int], fields: list[str]) -> dict[int, dict]:
        """`fields` of the facts at `positions`, by position; one query per FETCH_BATCH positions."""
        wanted = sorted({int(p) for p in positions})
        out = {}
        for i in range(0, len(wanted), FETCH_BATCH):
            part = wanted[i:i + FETCH_BATCH]
            for r in self.client.query(self.facts_collection, filter=f"pos in {part}", output_fields=["pos", *fields],
                                       limit=len(part)):
                out[int(r["pos"])] = r
        return out

    def fact_records(self, positions: list[int]) -> dict[int, Fact]:
        """The fact records at `positions` (a position not in the index is left out)."""
        return {p: Fact.model_validate_json(r["record"]) for p, r in self.fact_fields(positions, ["record"]).items()}

    def fact_scan(self, filters: FactFilters, fields: list[str]) -> list[dict]:
        """`fields` (and the position) of every fact `filters` let through, ascending by position; paged, as
        there may be more than one query returns."""
        it = self.client.query_iterator(self.facts_collection, batch_size=4096, filter=fact_filter_expression(filters),
                                        output_fields=["pos", *fields])
        got: list[dict] = []
        try:
            while page := it.next():
                got.extend(page)
        finally:
            it.close()
        return sorted(got, key=lambda r: int(r["pos"]))

    def _by_rows(self, rows: list[int], fields: list[str], expr: str = "") -> Iterator[dict]:
        """The entities of `rows` (and `expr`, when given), one query per FETCH_BATCH rows."""
        rows = sorted({int(r) for r in rows})
        for i in range(0, len(rows), FETCH_BATCH):
            part = rows[i:i + FETCH_BATCH]
            where = f"row in {part}" + (f" and ({expr})" if expr else "")
            yield from self.client.query(self.chunks_collection, filter=where, output_fields=fields, limit=len(part))

    def records(self, rows: list[int]) -> dict[int, Chunk]:
        """The chunk records of `rows` (a row not in the index is left out)."""
        return {int(r["row"]): Chunk.model_validate_json(r["record"]) for r in self._by_rows(rows, ["row", "record"])}

    def row_of(self, chunk_id: str) -> tuple[int, Chunk] | None:
        """The row and record of the chunk `chunk_id`, or None."""
        got = self.client.query(self.chunks_collection, filter=f"chunk_id == {json.dumps(chunk_id[:KEY_MAX])}",
                                output_fields=["row", "record"], limit=16)
        for r in got:  # ids are cut at KEY_MAX characters in the field: the record says which is meant
            c = Chunk.model_validate_json(r["record"])
            if c.id == chunk_id:
                return int(r["row"]), c
        return None

    def allowed(self, rows: list[int], filters: SearchFilters) -> set[int]:
        """Which of `rows` `filters` allow (the retrievers that run in the reader, facts, filter this way)."""
        expr = filter_expression(filters)
        if not expr:
            return {int(r) for r in rows}
        return {int(r["row"]) for r in self._by_rows(rows, ["row"], expr)}

    def _sentences_of(self, rows: list[int], fields: list[str]) -> list[dict]:
        """The sentence records of chunk `rows` (about six a chunk; a question asks for a few dozen rows)."""
        return self.client.query(self.sentences_collection, filter=f"row in {rows}", output_fields=fields,
                                 limit=16_384)

    def best_sentences(self, query: np.ndarray, rows: list[int]) -> np.ndarray:
        """Per chunk row, the largest cosine between `query` and one of its sentences (0 for a row without any):
        the rows' sentence vectors are fetched by row, so a replica holds none of them."""
        rows = [int(r) for r in rows]
        out = np.zeros(len(rows), dtype=np.float32)
        if not self.sentences_collection or not rows:
            return out
        got = self._sentences_of(rows, ["row", "dense"])
        if not got:
            return out
        sims = np.asarray([r["dense"] for r in got], dtype=np.float32) @ np.asarray(query, dtype=np.float32)
        position = {r: i for i, r in enumerate(rows)}
        owner = np.fromiter((position[int(r["row"])] for r in got), dtype=np.int64, count=len(got))
        best = np.full(len(rows), -np.inf, dtype=np.float32)
        np.maximum.at(best, owner, sims)
        out[np.isfinite(best)] = best[np.isfinite(best)]
        return out

    def sentence_vectors(self, rows: list[int]) -> list[np.ndarray]:
        """Per chunk row, its sentence vectors in stored order (their ids ascend within a row)."""
        rows = [int(r) for r in rows]
        none = np.zeros((0, 0), np.float32)
        if not self.sentences_collection or not rows:
            return [none for _ in rows]
        got = self._sentences_of(sorted(set(rows)), ["id", "row", "dense"])
        by_row: dict[int, list[tuple[int, list[float]]]] = {}
        for r in got:
            by_row.setdefault(int(r["row"]), []).append((int(r["id"]), r["dense"]))
        out = []
        for row in rows:
            vs = [v for _, v in sorted(by_row.get(row, []), key=lambda x: x[0])]
            out.append(np.asarray(vs, dtype=np.float32) if vs else none)
        return out

    # -- ChunkStore
    def _search(self, field: str, query, k: int, filters: SearchFilters, params: dict) -> Ranking:
        if k <= 0:
            return []
        res = self.client.search(self.chunks_collection, data=[query], anns_field=field, limit=k,
                                 filter=filter_expression(filters), output_fields=["row"], search_params=params)
        return [(int(h["entity"]["row"]), float(h["distance"])) for h in res[0]]

    def keyword(self, terms: list[str], k: int, filters: SearchFilters) -> Ranking:
        q = query_sparse(terms, self.vocab)
        if not q:
            return []
        hits = self._search("sparse", q, k, filters, {"metric_type": "IP", "params": {}})
        return [(r, s) for r, s in hits if s > 0]

    def semantic(self, vector: np.ndarray, k: int, filters: SearchFilters) -> Ranking:
        return self._search("dense", np.asarray(vector, dtype=np.float32).tolist(), k, filters, self.search_params)

    def hybrid(self, terms: list[str], vector: np.ndarray, k: int, filters: SearchFilters,
               weights: tuple[float, float], method: str = "rrf", rrf_k: int = 60) -> Ranking:
        """Keyword and semantic fused by Milvus (one hybrid search, both routes `k` deep, the same filter):
        RRFRanker(rrf_k) with each route repeated by its weight (route_repeats), or WeightedRanker with the
        weights (Milvus normalises each route's scores by arctan, where the local score fusion uses min-max).
        Every row of either route is returned, so the fused list is whole, as the local fusion's is."""
        pymilvus = require("pymilvus", feature="the Milvus store")
        if k <= 0:
            return []
        expr = filter_expression(filters)
        q = query_sparse(terms, self.vocab)
        routes = []  # (field, query, params, weight)
        if q and weights[0] > 0:  # no known term: Milvus rejects an empty sparse query, bm25s finds nothing
            routes.append(("sparse", q, {"metric_type": "IP", "params": {}}, weights[0]))
        if weights[1] > 0:
            routes.append(("dense", np.asarray(vector, dtype=np.float32).tolist(), self.search_params, weights[1]))
        if not routes:
            return []
        scale = 1
        if method == "rrf":
            ranker = pymilvus.RRFRanker(rrf_k)
            repeats, scale = route_repeats(weights)
            counts = {"sparse": repeats[0], "dense": repeats[1]}
            routes = [r for r in routes for _ in range(counts[r[0]])]
        else:
            ranker = pymilvus.WeightedRanker(*(w for *_, w in routes))
        reqs = [pymilvus.AnnSearchRequest(data=[query], anns_field=field, param=params, limit=k, expr=expr or None)
                for field, query, params, _ in routes]
        res = self.client.hybrid_search(self.chunks_collection, reqs, ranker, limit=min(2 * k, 16_384),
                                        output_fields=["row"])
        return [(int(h["entity"]["row"]), float(h["distance"]) / scale) for h in res[0]]


# -- publishing ---------------------------------------------------------------------------------------


def _blob_rows(key: str, text: str) -> list[dict]:
    pieces = [text[i:i + BLOB_PIECE] for i in range(0, len(text), BLOB_PIECE)] or [""]
    return [{"key": f"{key}#{i}", "part": i, "text": p, "pad": [0.0, 0.0]} for i, p in enumerate(pieces)]


def _chunk_schema(pymilvus, dim: int):
    DataType = pymilvus.DataType
    s = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("row", DataType.INT64, is_primary=True)
    s.add_field("chunk_id", DataType.VARCHAR, max_length=KEY_MAX)
    s.add_field("doc_id", DataType.VARCHAR, max_length=KEY_MAX)
    s.add_field("year", DataType.INT32)  # -1: no year
    s.add_field("doc_type", DataType.VARCHAR, max_length=KEY_MAX)
    s.add_field("lang", DataType.VARCHAR, max_length=16)
    s.add_field("kinds", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=64, max_length=64)
    s.add_field("entities", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=ARRAY_MAX,
                max_length=KEY_MAX)
    s.add_field("record", DataType.VARCHAR, max_length=VARCHAR_MAX)  # the Chunk as JSON: hits need no other copy
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    return s


def _sentence_schema(pymilvus, dim: int):
    DataType = pymilvus.DataType
    s = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("row", DataType.INT64)  # the chunk the sentence belongs to
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    return s


def _publish_sentences(client, pymilvus, name: str, sentences: SentenceVectors, batch_size: int) -> None:
    ip = client.prepare_index_params()
    ip.add_index("dense", index_type="FLAT", metric_type="IP")  # read by row, never searched: any index loads
    client.create_collection(name, schema=_sentence_schema(pymilvus, int(sentences.vectors.shape[1])),
                             index_params=ip, consistency_level="Strong")
    owner = np.repeat(np.arange(sentences.chunks), np.diff(sentences.indptr))
    for i in range(0, len(sentences), batch_size):
        client.insert(name, [{"id": j, "row": int(owner[j]), "dense": sentences.vectors[j].tolist()}
                             for j in range(i, min(i + batch_size, len(sentences)))])
    client.flush(name)
    client.load_collection(name)


def _fact_schema(pymilvus):
    DataType = pymilvus.DataType
    s = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("pos", DataType.INT64, is_primary=True)  # the fact's place in the index's list of facts
    s.add_field("doc_id", DataType.VARCHAR, max_length=KEY_MAX)
    s.add_field("year", DataType.INT32)  # -1: no year
    s.add_field("period", DataType.VARCHAR, max_length=KEY_MAX)
    s.add_field("indicator", DataType.VARCHAR, max_length=VARCHAR_MAX)  # GET /facts matches it without the record
    s.add_field("unit", DataType.VARCHAR, max_length=KEY_MAX)  # lower-cased: GET /facts' unit is any case
    s.add_field("post", DataType.VARCHAR, max_length=8)  # index.filters.fact_post, "" for none
    s.add_field("page", DataType.INT32)  # -1: not known
    s.add_field("chunk_row", DataType.INT64)  # the chunk holding the fact (-1: none): the facts retriever's row
    s.add_field("entities", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=ARRAY_MAX,
                max_length=KEY_MAX)
    s.add_field("record", DataType.VARCHAR, max_length=VARCHAR_MAX)  # the Fact as JSON
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)  # BM25 weights of its search text (fact_text)
    return s


def _fact_row(pos: int, f: Fact, row: int, sparse: dict[int, float]) -> dict:
    record = f.model_dump_json()
    if len(record.encode("utf-8")) > VARCHAR_MAX:
        raise ValueError(f"fact {f.id} is {len(record.encode('utf-8'))} bytes as JSON, over Milvus' "
                         f"{VARCHAR_MAX}-byte VARCHAR limit")
    page = f.page.page if f.page.page is not None else f.page.estimate
    return {"pos": pos, "doc_id": f.doc_id[:KEY_MAX], "year": f.year if f.year is not None else -1,
            "period": (f.period or "")[:KEY_MAX], "indicator": f.indicator[:VARCHAR_MAX // 4],
            "unit": (f.unit or "").lower()[:KEY_MAX], "post": fact_post(f) or "",
            "page": page if page is not None else -1, "chunk_row": int(row),
            "entities": entity_keys(f), "record": record, "sparse": sparse or {NO_TERM: 0.0}}


def _publish_facts(client, pymilvus, name: str, payload: Payload, batch_size: int) -> None:
    if not (len(payload.facts) == len(payload.fact_rows) == len(payload.fact_sparse)):
        raise ValueError(f"{len(payload.facts)} facts, {len(payload.fact_rows)} chunk rows, "
                         f"{len(payload.fact_sparse)} keyword rows")
    ip = client.prepare_index_params()
    ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    client.create_collection(name, schema=_fact_schema(pymilvus), index_params=ip, consistency_level="Strong")
    rows = list(zip(payload.facts, payload.fact_rows, payload.fact_sparse, strict=True))
    for i in range(0, len(rows), batch_size):
        client.insert(name, [_fact_row(i + j, f, r, sp) for j, (f, r, sp) in enumerate(rows[i:i + batch_size])])
    client.flush(name)
    client.load_collection(name)


def _meta_schema(pymilvus):
    DataType = pymilvus.DataType
    s = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=128)
    s.add_field("part", DataType.INT32)
    s.add_field("text", DataType.VARCHAR, max_length=VARCHAR_MAX)
    s.add_field("pad", DataType.FLOAT_VECTOR, dim=2)  # Milvus requires a vector field in every collection
    return s


def _chunk_row(row: int, c: Chunk, vector: np.ndarray, sparse: dict[int, float]) -> dict:
    record = c.model_dump_json()
    if len(record.encode("utf-8")) > VARCHAR_MAX:
        raise ValueError(f"chunk {c.id} is {len(record.encode('utf-8'))} bytes as JSON, over Milvus' "
                         f"{VARCHAR_MAX}-byte VARCHAR limit; lower the chunk size")
    return {"row": row, "chunk_id": c.id[:KEY_MAX], "doc_id": c.doc_id, "year": c.year if c.year is not None else -1,
            "doc_type": (c.doc_type or "").lower(), "lang": (c.lang or "").lower(), "kinds": list(c.kinds)[:64],
            "entities": entity_keys(c), "record": record, "dense": vector.tolist(),
            # Milvus rejects an empty sparse row; a term id no vocabulary reaches keeps it unmatched
            "sparse": sparse or {NO_TERM: 0.0}}


def publish(payload: Payload, settings: MilvusSettings, client=None) -> str:
    """Write a new generation of the index and switch the alias to it; the generation before stays readable
    (a replica may still be answering from it), older ones are dropped. Returns the new generation."""
    pymilvus = require("pymilvus", feature="the Milvus store")
    client = client if client is not None else connect(settings)
    gen = time.strftime("%Y%m%d%H%M%S") + f"{time.time_ns() % 1_000_000:06d}"
    prefix = settings.collection
    chunks_name, meta_name = f"{prefix}_chunks_{gen}", f"{prefix}_metagen_{gen}"
    facts_name = f"{prefix}_facts_{gen}"
    sentences_name = f"{prefix}_sentences_{gen}" if payload.sentences is not None and len(payload.sentences) else None
    dim = int(payload.vectors.shape[1])

    ip = client.prepare_index_params()
    ip.add_index("dense", index_type=settings.index_type, metric_type="IP", params=settings.index_params())
    ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    client.create_collection(chunks_name, schema=_chunk_schema(pymilvus, dim), index_params=ip,
                             consistency_level="Strong")
    batch: list[dict] = []
    for row, (c, v, sp) in enumerate(zip(payload.chunks, payload.vectors, payload.sparse, strict=True)):
        batch.append(_chunk_row(row, c, v, sp))
        if len(batch) >= settings.insert_batch:
            client.insert(chunks_name, batch)
            batch = []
    if batch:
        client.insert(chunks_name, batch)
    client.flush(chunks_name)
    client.load_collection(chunks_name)
    if sentences_name:
        _publish_sentences(client, pymilvus, sentences_name, payload.sentences, settings.insert_batch)
    _publish_facts(client, pymilvus, facts_name, payload, settings.insert_batch)

    mp = client.prepare_index_params()
    mp.add_index("pad", index_type="FLAT", metric_type="L2")
    client.create_collection(meta_name, schema=_meta_schema(pymilvus), index_params=mp, consistency_level="Strong")
    info = {"generation": gen, "chunks_collection": chunks_name, "index_type": settings.index_type,
            "search_params": settings.search_params(), "sentences_collection": sentences_name,
            "facts_collection": facts_name, "fact_count": len(payload.facts),
            "facts_post": True}  # the facts collection has the `post` field GET /facts filters on
    rows = (_blob_rows("info", json.dumps(info)) + _blob_rows("manifest", json.dumps(payload.manifest))
            + _blob_rows("vocab", json.dumps(payload.vocab, ensure_ascii=False))
            + _blob_rows("fact_vocab", json.dumps(payload.fact_vocab, ensure_ascii=False))
            + _blob_rows("terms", json.dumps({"words": payload.terms, "df": payload.doc_freq}, ensure_ascii=False)))
    for i in range(0, len(rows), 64):
        client.insert(meta_name, rows[i:i + 64])
    client.flush(meta_name)
    client.load_collection(meta_name)

    previous = _alias_target(client, settings.alias, prefix)
    if previous is None:
        client.create_alias(meta_name, settings.alias)
    else:
        client.alter_alias(meta_name, settings.alias)
    _drop_old(client, prefix, keep={gen, _generation_of(previous)})
    return gen


def _alias_target(client, alias: str, prefix: str) -> str | None:
    """The meta collection `alias` points at (looked up per collection: describe_alias logs an error when
    the alias does not exist yet)."""
    for name in client.list_collections():
        if name.startswith(f"{prefix}_metagen_") and alias in client.list_aliases(name).get("aliases", []):
            return name
    return None


def _generation_of(collection: str | None) -> str | None:
    return collection.rsplit("_", 1)[-1] if collection else None


def _drop_old(client, prefix: str, keep: set[str | None]) -> None:
    for name in client.list_collections():
        for kind in ("chunks", "metagen", "sentences", "facts"):
            head = f"{prefix}_{kind}_"
            if name.startswith(head) and name[len(head):] not in keep:
                client.drop_collection(name)


def payload_from_folder(folder: Path) -> Payload:
    """What a built index folder (`kb index`) holds, ready to publish: no re-embedding."""
    import bm25s

    from index.build import CHUNKS, read_manifest
    from index.offsets import TokenOffsets
    from index.retrievers import facts as facts_index
    from index.settings import IndexSettings
    from text.tokenizer import NorwegianTokenizer

    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        raise FileNotFoundError(f"no index in {folder}; run `kb index` first")
    chunks = [Chunk.model_validate_json(line) for line in (folder / CHUNKS).read_text(encoding="utf-8").splitlines()
              if line]
    vectors = np.load(folder / "vectors.npy").astype(np.float32)
    if chunks:
        bm25 = bm25s.BM25.load(str(folder / "bm25"))
        sparse, vocab = sparse_rows(bm25), {str(t): int(i) for t, i in bm25.vocab_dict.items()}
    else:
        sparse, vocab = [], {}
    if not (len(chunks) == len(vectors) == len(sparse)):
        raise ValueError(f"the index in {folder} is inconsistent: {len(chunks)} chunks, {len(vectors)} vectors, "
                         f"{len(sparse)} keyword rows")
    sentences = SentenceVectors.load(folder)
    if sentences is not None and sentences.chunks != len(chunks):
        raise ValueError(f"the index in {folder} is inconsistent: {len(chunks)} chunks, sentence vectors for "
                         f"{sentences.chunks}")
    # what a replica would otherwise compute over every chunk when it opens: the highlighter's document
    # frequencies (from the offsets `kb index` saved, so the idf is the local index's) and each fact's chunk row
    offsets = TokenOffsets.load(folder)
    if len(offsets.indptr) - 1 != len(chunks):
        raise ValueError(f"the index in {folder} is inconsistent: {len(chunks)} chunks, token offsets for "
                         f"{len(offsets.indptr) - 1}")
    terms = sorted(offsets.vocab, key=offsets.vocab.__getitem__)
    facts = facts_index.load_facts(folder)
    # the facts' BM25 as the in-process FactIndex builds it (same tokenizer, same weighting), as sparse rows
    fact_keyword = facts_index.fact_keyword(facts, NorwegianTokenizer(IndexSettings.from_manifest(manifest).tokenizer))
    fact_sparse = sparse_rows(fact_keyword.bm25) if facts else []
    fact_vocab = {str(t): int(i) for t, i in (fact_keyword.bm25.vocab_dict or {}).items()} if facts else {}
    return Payload(manifest=manifest, chunks=chunks, vectors=vectors, sparse=sparse, vocab=vocab, facts=facts,
                   terms=terms, doc_freq=offsets.doc_freq().tolist(),
                   fact_rows=facts_index.chunk_rows(facts, chunks).tolist(), fact_sparse=fact_sparse,
                   fact_vocab=fact_vocab, sentences=sentences)
