"""The shared bounded LRU cache (core/lru.py): what goes first, the bound, the eviction callback, threads."""

from __future__ import annotations

import threading

import pytest

from core.lru import Lru


def test_the_least_recently_used_goes_first_and_a_get_refreshes():
    lru = Lru[str, int](3)
    for k, v in (("a", 1), ("b", 2), ("c", 3)):
        lru.put(k, v)
    assert lru.get("a") == 1  # b is now the least recently used
    lru.put("d", 4)
    assert "b" not in lru and [k for k, _ in lru.items()] == ["c", "a", "d"]
    lru.put("c", 30)  # a put refreshes too
    lru.put("e", 5)
    assert [k for k, _ in lru.items()] == ["d", "c", "e"] and lru.get("c") == 30


def test_peek_and_in_do_not_refresh():
    lru = Lru[str, int](2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.peek("a") == 1 and "a" in lru and lru.peek("x", -1) == -1
    lru.put("c", 3)
    assert "a" not in lru and lru.get("a") is None and lru.get("a", 0) == 0


def test_get_many_returns_the_held_keys_and_refreshes_them():
    lru = Lru[int, str](3)
    lru.update({1: "a", 2: "b", 3: "c"})
    assert lru.get_many([1, 9, 1, 2]) == {1: "a", 2: "b"}
    lru.put(4, "d")
    assert sorted(k for k, _ in lru.items()) == [1, 2, 4]


def test_the_size_bounds_every_put_and_update():
    lru = Lru[int, int](5)
    for i in range(20):
        lru.put(i, i)
        assert len(lru) == min(i + 1, 5)
    lru.update((i, i) for i in range(100, 120))  # one batch past the bound keeps its last `size`
    assert [k for k, _ in lru.items()] == list(range(115, 120))
    assert Lru[int, int](0).update({1: 1}) is None and len(Lru(0)) == 0
    with pytest.raises(ValueError):
        Lru(-1)


def test_on_evict_gets_each_evicted_key_and_value_but_not_pops_or_clears():
    evicted: list[tuple[str, int]] = []
    lru = Lru[str, int](2, on_evict=lambda k, v: evicted.append((k, v)))
    lru.put("a", 1)
    lru.put("b", 2)
    lru.get("a")
    lru.put("c", 3)
    assert evicted == [("b", 2)]
    lru.update({"d": 4, "e": 5})
    assert evicted == [("b", 2), ("a", 1), ("c", 3)]
    assert lru.pop("d") == 4 and lru.pop("d") is None
    lru.clear()
    assert len(lru) == 0 and evicted == [("b", 2), ("a", 1), ("c", 3)]


def test_a_side_map_follows_evictions():
    """As StoreChunks keeps chunk id -> row: the callback runs under the cache's lock, which the owner shares."""
    ids: dict[str, int] = {}
    lru = Lru[int, str](3, on_evict=lambda r, cid: ids.pop(cid))
    for r in range(10):
        with lru.lock:
            ids[f"c{r}"] = r
            lru.put(r, f"c{r}")
        assert {cid: r for r, cid in lru.items()} == ids


def test_threads_put_and_get_without_errors_and_the_bound_holds():
    size, threads, rounds = 64, 8, 5000
    evicted: list[int] = []
    lru = Lru[int, int](size, on_evict=lambda k, v: evicted.append(k))
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(t: int) -> None:
        try:
            start.wait()
            for i in range(rounds):
                k = (t * 7919 + i) % 500
                lru.put(k, k * 2)
                got = lru.get((k + 3) % 500)
                assert got is None or got == ((k + 3) % 500) * 2
                lru.get_many(range(k, k + 10))
                assert len(lru) <= size
        except BaseException as exc:  # an assert in a thread would otherwise pass unseen
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert len(lru) == size and all(v == k * 2 for k, v in lru.items())
    assert evicted and set(evicted) <= set(range(500))
