"""What a server needs to know: where the documents and the index live, and how it behaves."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from core.config import index_dir
from index.build import MANIFEST


@dataclass(frozen=True)
class ServerConfig:
    data: Path  # the data folder: the document store (docs/, sources/)
    index: Path | None = None  # the index folder (default <data>/index), or a data folder holding one
    reload_interval: float = 1.0  # seconds between checks of the index manifest (a stat call)
    warm_model: bool = True  # embed one query at start-up so the first request does not pay for the model
    cpu_slots: int = max(1, os.cpu_count() or 1)  # concurrent search/answer computations
    store: str = "local"  # or "milvus": the index published at `uri` (any number of servers may share it)
    uri: str | None = None
    collection: str = "kb"
    milvus_fusion: str = "native"  # Milvus' hybrid search and ranker fuse keyword and semantic; "local": this process
    catalog_cache: int = 64  # full documents (and source texts) kept after a request read them; >= 1

    def __post_init__(self) -> None:
        if not isinstance(self.catalog_cache, int) or isinstance(self.catalog_cache, bool) or self.catalog_cache < 1:
            raise ValueError(f"catalog_cache must be a whole number of documents, at least 1: {self.catalog_cache!r}")

    def index_path(self) -> Path:
        """The index folder to watch. An explicit path that holds no index but whose `index/` does is a data
        folder; otherwise the path is taken as given (it may not exist yet: a build will create it)."""
        if self.index is None:
            return index_dir(Path(self.data))
        path = Path(self.index)
        if not (path / MANIFEST).exists() and (index_dir(path) / MANIFEST).exists():
            return index_dir(path)
        return path

    def to_env(self) -> str:
        """This config for the environment of worker processes (`kb serve --workers`), which build their own app."""
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()})

    @classmethod
    def from_env(cls, value: str | None = None) -> ServerConfig:
        raw = json.loads(value if value is not None else os.environ[CONFIG_ENV])
        for key in ("data", "index"):
            if raw.get(key) is not None:
                raw[key] = Path(raw[key])
        return cls(**raw)


CONFIG_ENV = "KB_SERVER_CONFIG"  # how `kb serve --workers N` hands its config to each worker process
