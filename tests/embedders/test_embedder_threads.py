"""A model uses the cores its process was given: OMP_NUM_THREADS when set (Ray actors), else every core."""

import os

from embedders.base import process_threads


def test_threads_follow_omp_num_threads(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert process_threads() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert process_threads() == 3


def test_threads_default_to_every_core(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert process_threads() == (os.cpu_count() or 1)
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
    assert process_threads() == (os.cpu_count() or 1)
