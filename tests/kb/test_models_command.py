"""`kb models`: the model cache built before the stages need it, the two graph exports side by side."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import pytest
from typer.testing import CliRunner

from kb import models
from kb.cli import app


def test_steps_are_what_the_cache_lacks(monkeypatch):
    from embedders import onnx
    from nlp import e5_features

    monkeypatch.setattr(onnx, "is_built", lambda: False)
    monkeypatch.setattr(e5_features, "is_built", lambda: False)
    # the committed pipelines read e5 features, so the NER graph is always one of them
    assert set(models.steps("onnx")) == {"ner token graph", "embedder graph"}
    assert set(models.steps("st")) == {"ner token graph"}  # torch reads the converted folder, no graph
    monkeypatch.setattr(e5_features, "is_built", lambda: True)
    assert set(models.steps("onnx")) == {"embedder graph"}
    monkeypatch.setattr(onnx, "is_built", lambda: True)
    assert models.steps("onnx") == {}


def test_the_conversion_runs_first_and_alone(monkeypatch):
    import embedders.convert

    calls = []
    monkeypatch.setattr(embedders.convert, "ensure_model", lambda: calls.append("conversion"))
    monkeypatch.setattr(models, "steps", lambda backend: {"a": lambda: calls.append("a") or 1.0,
                                                          "b": lambda: calls.append("b") or 2.0})
    seconds = models.prepare("onnx", jobs=1)
    assert calls == ["conversion", "a", "b"]
    assert seconds["a"] == 1.0 and seconds["b"] == 2.0 and "conversion" in seconds


def test_an_unknown_backend_is_one_clear_line():
    result = CliRunner().invoke(app, ["models", "--backend", "cuda"])
    assert result.exit_code == 1
    assert "unknown embedding backend 'cuda'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_both_graphs_built_in_parallel_into_an_empty_cache(monkeypatch, tmp_path):
    """Real exports, in two spawned processes, into a cache holding only the converted model."""
    from embedders import convert, onnx
    from nlp import e5_features

    st = convert.ensure_model()  # the shared cache's converted folder (built once for the whole suite)
    monkeypatch.setenv(convert.CACHE_ENV, str(tmp_path))
    # a link, not a copy: the exports only read the converted folder, and its half gigabyte once filled a CI disk
    convert.default_model_dir().parent.mkdir(parents=True, exist_ok=True)
    convert.default_model_dir().symlink_to(st, target_is_directory=True)
    assert not onnx.is_built() and not e5_features.is_built()
    result = CliRunner().invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    assert "ner token graph" in result.output and "embedder graph" in result.output
    assert onnx.is_built() and e5_features.is_built()
    # the stages then find them: nothing left to build, and a second call says so
    assert models.steps("onnx") == {}
    again = CliRunner().invoke(app, ["models"])
    assert again.exit_code == 0 and "up to date" in again.output


def test_the_export_workers_ask_for_huge_pages_and_the_parent_is_left_as_it_was(monkeypatch):
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    with models.huge_pages():
        seen = os.environ.get("GLIBC_TUNABLES")
    assert seen == models.HUGE_PAGES
    assert "GLIBC_TUNABLES" not in os.environ


def test_a_callers_own_tunables_are_kept(monkeypatch):
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")
    with models.huge_pages():
        assert os.environ["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2"
    assert os.environ["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2"


def test_a_spawned_worker_sees_the_tunable(monkeypatch):
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    with models.huge_pages(), ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as ex:
        assert ex.submit(os.getenv, "GLIBC_TUNABLES").result() == models.HUGE_PAGES
