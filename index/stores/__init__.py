"""Where an index's chunks are searched: in this process (FAISS + bm25s) or in Milvus.

A remote store satisfies `ChunkStore` (index/stores/base.py); `StoreIndex` (index/stores/serving.py) answers
searches through it with the same Hit, Citation, filters and answers as the in-process `Index`.
"""

from __future__ import annotations

STORES = ("local", "milvus")
# store -> (module, function) that opens an index kept there
REMOTE_STORES = {"milvus": ("index.stores.serving", "open_milvus_index")}


# who fuses a hybrid query's keyword and semantic lists (index/stores/milvus.py): Milvus' hybrid search and
# ranker by default (the same ranking as local, measured in eval/SCALE.md, in one request instead of two)
STORE_FUSIONS = ("native", "local")
DEFAULT_FUSION = "native"


def check_store(store: str, uri: str | None, fusion: str | None = None) -> None:
    """A store name this program knows, a URI exactly when the store needs one, and a fusion it can do
    (None: the store's default)."""
    if store not in STORES:
        raise ValueError(f"unknown store {store!r}; expected one of {', '.join(STORES)}")
    if store == "milvus" and not uri:
        raise ValueError("--store milvus needs --uri: a file (Milvus Lite, e.g. data/milvus.db) or a cluster "
                         "address (http://host:19530)")
    if store == "local" and uri:
        raise ValueError("--uri is only for --store milvus")
    if fusion is not None and fusion not in STORE_FUSIONS:
        raise ValueError(f"unknown --milvus-fusion {fusion!r}; expected one of {', '.join(STORE_FUSIONS)}")
    if store == "local" and fusion is not None:
        raise ValueError("--milvus-fusion is only for --store milvus")
