"""A Ray instance for one command: local (num_cpus = workers, no dashboard) or a cluster's address."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from core.extras import require

LOCAL_OBJECT_STORE = 512 * 1024 * 1024  # bytes; the machines here are shared, Ray's default takes 30 % of RAM


@contextmanager
def ray_session(address: str | None = None, workers: int = 2) -> Iterator:
    """Ray, started for the block and stopped after it (an already running session is used as it is)."""
    ray = require("ray", feature="--engine ray")
    require("ray.data", feature="--engine ray")
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, not {workers}")
    if ray.is_initialized():
        yield ray
        return
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        # local workers import this project's modules (and a test's) from the driver's own path
        path = os.pathsep.join(p for p in sys.path if p)
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                 object_store_memory=LOCAL_OBJECT_STORE, runtime_env={"env_vars": {"PYTHONPATH": path}})
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.execution_options.preserve_order = True  # results in input order, as the local path gives them
    try:
        yield ray
    finally:
        ray.shutdown()
