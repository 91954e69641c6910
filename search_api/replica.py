"""Serving the index published to Milvus: every replica follows the same alias, so none holds state another lacks.

The holder's identity is the generation the alias points at (one small Milvus query per check); a new
publish is loaded in the watcher thread and swapped in as a local index is after `kb index`.
"""

from __future__ import annotations

from pathlib import Path

from index.retrievers.facts import FactRecords
from index.retrievers.facts import for_index as fact_index
from index.search import Index
from search_api.catalog import Snapshot
from search_api.config import ServerConfig
from search_api.errors import ApiError
from search_api.state import IndexHolder, Loader, warm_up


class MilvusHolder(IndexHolder):
    def __init__(self, config: ServerConfig, loader: Loader):
        super().__init__(Path(config.uri or ""), loader, config.reload_interval)
        from index.stores.milvus import MilvusSettings

        self.settings = MilvusSettings.for_dense(config.uri or "", collection=config.collection)
        self._client = None

    def fact_records(self, snapshot: Snapshot) -> FactRecords:
        """The published index's facts, filtered and read in Milvus: a replica holds none of them."""
        index = self.current
        if index is None:
            raise ApiError(503, "index_unavailable", f"no index is loaded from Milvus at {self.settings.uri}"
                           + (f" (last error: {self.error})" if self.error else ""))
        return fact_index(index)

    def identity(self):
        from index.stores.milvus import connect, current_generation

        try:
            if self._client is None:
                self._client = connect(self.settings)
            gen = current_generation(self._client, self.settings)
        except Exception:  # noqa: BLE001 - Milvus unreachable: keep serving what is loaded, retry next time
            self._client = None
            return None
        return None if gen is None else ("milvus", gen)


def milvus_loader(config: ServerConfig) -> Loader:
    """Opens the published index, borrowing the previous index's loaded model."""

    def load(_folder: Path, previous: Index | None) -> Index:
        from index.search import open_index

        embedder = previous.loaded_embedder if previous is not None else None
        index = open_index(config.data, store="milvus", uri=config.uri, collection=config.collection,
                           embedder=embedder, store_fusion=config.milvus_fusion)
        if config.warm_model:
            warm_up(index)
        return index

    return load


def milvus_holder(config: ServerConfig, loader: Loader | None = None) -> MilvusHolder:
    return MilvusHolder(config, loader or milvus_loader(config))
