"""Re-indexing under load: the index folder is rebuilt and swapped while clients search; no request fails."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections import Counter

import httpx
import pytest
from apisupport import SMALL_CORPUS, HashEmbedder, fake_loader, live_server, small_config

from core.config import CORPUS_DIR
from index.build import build_index
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore
from search_api.app import create_app

QUERIES = ["bosatt innen 6 måneder", "FoU-prosjekter", "introduksjonsprogram", "tilskudd til kommunene"]


@pytest.fixture(scope="module")
def fou_only(tmp_path_factory):
    data = tmp_path_factory.mktemp("fou-only")
    ingest_paths([CORPUS_DIR / SMALL_CORPUS[1]], DocumentStore(data))
    return data


def _wait_for(url: str, docs: set[str], timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = httpx.get(f"{url}/health").json()
        if {d["id"] for d in health["index"]["documents"]} == docs:
            return health
        time.sleep(0.1)
    raise AssertionError(f"the server did not pick up the index with {docs}")


def test_index_swap_under_load_loses_no_request(small_data, fou_only, tmp_path):
    folder = tmp_path / "swap-index"
    build_index(small_data, index_dir=folder, embedder=HashEmbedder())
    both = {"imdi-arsrapport-2020", "imdi-fou-2020"}
    app = create_app(small_config(small_data, index=folder), loader=fake_loader)
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def client(i: int, url: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as c:
            n = 0
            while not stop.is_set():
                try:
                    r = c.get("/search", params={"q": QUERIES[(i + n) % len(QUERIES)], "k": 5})
                    code = r.status_code
                    if code != 200:
                        errors.append(r.text[:200])
                except httpx.HTTPError as exc:
                    code = -1
                    errors.append(repr(exc))
                with lock:
                    statuses[code] += 1
                n += 1

    with live_server(app) as url:
        first = _wait_for(url, both)
        threads = [threading.Thread(target=client, args=(i, url)) for i in range(4)]
        for t in threads:
            t.start()
        try:
            # alternate between two corpora so each swap is visible; the last build holds only the FoU report
            builds = 0
            t_end = time.monotonic() + 4
            while time.monotonic() < t_end or builds < 3:
                data = fou_only if builds % 2 == 0 else small_data
                build_index(data, index_dir=folder, embedder=HashEmbedder(), force=True)
                builds += 1
                time.sleep(0.3)
            if builds % 2 == 0:
                build_index(fou_only, index_dir=folder, embedder=HashEmbedder(), force=True)
            last = _wait_for(url, {"imdi-fou-2020"})
            time.sleep(0.5)  # requests keep going on the new index too
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)

    assert not errors, errors[:3]
    assert set(statuses) == {200} and statuses[200] >= 40, statuses
    assert last["index"]["generation"] >= first["index"]["generation"] + 2
    assert last["index"]["build_id"] and last["index"]["error"] is None


def test_a_broken_new_index_keeps_the_old_one_serving(small_data, tmp_path):
    from search_api.state import IndexHolder

    folder = tmp_path / "index"
    build_index(small_data, index_dir=folder, embedder=HashEmbedder())
    holder = IndexHolder(folder, fake_loader, interval=0.05)
    assert holder.check() and holder.generation == 1
    old = holder.current
    assert not holder.check()  # unchanged manifest: nothing is reloaded
    (folder / "manifest.json").write_text('{"format": 999}', encoding="utf-8")
    assert not holder.check()
    assert holder.current is old and "format 999" in holder.error
    assert old.search("bosetting", k=1)  # still serves
    build_index(small_data, index_dir=folder, embedder=HashEmbedder(), force=True)
    assert holder.check() and holder.current is not old and holder.error is None and holder.generation == 2


def test_a_loaded_index_is_out_of_the_garbage_collectors_scans_and_a_replaced_one_is_freed(small_data, tmp_path):
    from search_api.state import IndexHolder

    folder = tmp_path / "index"
    build_index(small_data, index_dir=folder, embedder=HashEmbedder())
    holder = IndexHolder(folder, fake_loader)
    assert holder.check()
    chunks = holder.current.chunks
    # frozen: no collection walks it (a full one over a loaded index holds the interpreter lock ~230 ms)
    assert not any(o is chunks for o in gc.get_objects())
    old = weakref.ref(holder.current)
    holder.current.cycle = holder.current  # frozen, an index in a reference cycle would never be freed
    del chunks
    build_index(small_data, index_dir=folder, embedder=HashEmbedder(), force=True)
    assert holder.check()
    assert old() is None  # the reload unfroze it, so the collector could free it
