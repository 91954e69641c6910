"""Prometheus metrics: HTTP requests and latency per route template (prometheus-fastapi-instrumentator), and the
index's own gauges. One registry per app, so several apps in one process (tests) do not collide."""

from __future__ import annotations

import os

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Gauge, generate_latest, multiprocess
from prometheus_fastapi_instrumentator import Instrumentator

# where the workers of `kb serve --workers N` write their counts (prometheus_client's multiprocess mode)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        # with several workers (`kb serve --workers N`) the value the last scraped worker set, among live workers
        mode = "livemostrecent"
        self.index_generation = Gauge("kb_index_generation", "Indexes loaded since start-up", registry=self.registry,
                                      multiprocess_mode=mode)
        self.index_chunks = Gauge("kb_index_chunks", "Chunks in the loaded index", registry=self.registry,
                                  multiprocess_mode=mode)

    def instrument(self, app: FastAPI) -> None:
        """Count every request by route template (ids do not explode the label set), method and exact status."""
        # no in-progress gauge: the instrumentator registers it anew whenever Starlette rebuilds the middleware
        # stack (a second client on one app), which a shared registry refuses
        Instrumentator(registry=self.registry, should_group_status_codes=False).instrument(
            app, metric_namespace="kb", latency_lowr_buckets=LATENCY_BUCKETS)

    def render(self) -> bytes:
        """This process's metrics; with several workers, all workers' together (summed per label set), which they
        write to the folder PROMETHEUS_MULTIPROC_DIR names (search_api/workers.py sets it)."""
        if MULTIPROC_ENV not in os.environ:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)
        return generate_latest(merged)
