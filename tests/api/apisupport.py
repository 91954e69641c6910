"""Test support for the API: a tiny deterministic embedder (a real index in seconds without the model), the
server configuration for tests, and a live uvicorn server on loopback."""

from __future__ import annotations

import contextlib
import hashlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import uvicorn

from index.search import Index, open_index
from search_api.config import ServerConfig

_WORD = re.compile(r"\w+")


class HashEmbedder:
    """Bag of hashed words: texts sharing words get similar vectors. Not a model; only for tests."""

    name = "hash-test"
    dim = 64
    fingerprint = "hash-test:v1"

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)


def fake_loader(folder: Path, previous: Index | None) -> Index:
    return open_index(folder, embedder=HashEmbedder())


SMALL_CORPUS = ("imdi-arsrapport-2020.txt", "imdi-fou-prosjekter-2020.txt")


def small_config(data: Path, **kw) -> ServerConfig:
    return ServerConfig(data=data, warm_model=False, **{"reload_interval": 0.2, **kw})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app) -> Iterator[str]:
    """uvicorn in a thread on a free loopback port; yields the base URL and stops the server after."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
