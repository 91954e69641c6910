"""How fast a spaCy pipeline reads text: the best of several passes, so a busy machine's slow pass does not count."""

from __future__ import annotations

import time
from collections.abc import Callable

import spacy


def best_pass_seconds(nlp: spacy.language.Language, texts: list[str], repeat: int, batch_size: int,
                      clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds of the fastest of `repeat` passes of `nlp.pipe` over `texts`, by `clock` (wall or CPU time)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        for _doc in nlp.pipe(texts, batch_size=batch_size):
            pass
        best = min(best, clock() - t0)
    return best
