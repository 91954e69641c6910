"""A bounded least-recently-used cache, thread-safe: the stores a replica reads records from on demand and the API's
document catalog keep the most recent ones in it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most `size` entries; putting one past the bound drops the least recently used (a get or put refreshes,
    `peek` and `in` do not). `on_evict(key, value)` is called for each entry dropped for the bound (not for pop
    or clear), with the lock held."""

    def __init__(self, size: int, on_evict: Callable[[K, V], None] | None = None):
        if size < 0:
            raise ValueError(f"an Lru's size must be at least 0, not {size}")
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._on_evict = on_evict
        # public and reentrant: an owner holds it to change a side map in the same step as the entries
        self.lock = threading.RLock()

    def get(self, key: K, default: V | None = None) -> V | None:
        with self.lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def get_many(self, keys: Iterable[K]) -> dict[K, V]:
        """The held ones of `keys`, each refreshed (in the order of first mention)."""
        with self.lock:
            held = {k: self._items[k] for k in dict.fromkeys(keys) if k in self._items}
            for k in held:
                self._items.move_to_end(k)
            return held

    def peek(self, key: K, default: V | None = None) -> V | None:
        """The value without refreshing it."""
        with self.lock:
            return self._items.get(key, default)

    def put(self, key: K, value: V) -> None:
        self.update(((key, value),))

    def update(self, items: Mapping[K, V] | Iterable[tuple[K, V]]) -> None:
        """Put each of `items`, trimming once: a batch past `size` keeps its last `size` entries."""
        pairs = items.items() if isinstance(items, Mapping) else items
        with self.lock:
            for k, v in pairs:
                self._items[k] = v
                self._items.move_to_end(k)
            while len(self._items) > self.size:
                k, v = self._items.popitem(last=False)
                if self._on_evict is not None:
                    self._on_evict(k, v)

    def pop(self, key: K, default: V | None = None) -> V | None:
        with self.lock:
            return self._items.pop(key, default)

    def clear(self) -> None:
        with self.lock:
            self._items.clear()

    def items(self) -> list[tuple[K, V]]:
        """A copy of the entries, least recently used first; nothing refreshed."""
        with self.lock:
            return list(self._items.items())

    def __contains__(self, key: object) -> bool:
        with self.lock:
            return key in self._items

    def __len__(self) -> int:
        with self.lock:
            return len(self._items)
