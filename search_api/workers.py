"""`kb serve --workers N`: N server processes on one port, each listening on a socket of its own.

uvicorn's own workers share one listening socket, and whichever process wakes first accepts: under a 32-client
keep-alive load one worker took every connection and the other sat idle (eval/REPORT.md, stop 36). Here each
worker's socket joins one SO_REUSEPORT group, so the kernel spreads new connections across the workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from multiprocessing.process import BaseProcess

from prometheus_client import multiprocess

from search_api.metrics import MULTIPROC_ENV

log = logging.getLogger("search_api")

APP = "search_api.app:app_from_env"  # each worker builds its app from the config in its environment
STARTUP_GRACE_S = 60.0  # a worker that exits sooner failed to start; a restart would fail the same way


def spread_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, group: bool = True) -> socket.socket:
    """A socket listening on host:port, in the port's SO_REUSEPORT group when `group`; OSError (port taken, bad
    host) as raised."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if group:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(2048)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def _worker(sock: socket.socket, log_level: str, graceful_s: int) -> None:  # runs in the worker process
    import uvicorn

    config = uvicorn.Config(APP, factory=True, log_level=log_level, timeout_graceful_shutdown=graceful_s)
    # uvicorn shuts down on the supervisor's SIGTERM (or a terminal's SIGINT) and then raises the signal again under
    # the handler it found. The default one would kill this process before its exit handlers release its
    # semaphores, and the resource tracker would warn of leaked ones at every stop; here the worker just returns.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(n: int, host: str, port: int, log_level: str = "info", graceful_s: int = 10) -> int:
    """Run n workers until SIGINT or SIGTERM; a worker that dies is replaced. Returns the exit code."""
    # a server already on the port, even one of these groups, makes a plain bind fail: a second `kb serve` must not
    # join the first one's group and take half its connections
    listening_socket(host, port, group=False).close()
    sockets = [listening_socket(host, port) for _ in range(n)]
    # each worker counts its requests in files here, and /metrics in any worker reads them all
    metrics_dir = tempfile.mkdtemp(prefix="kb-metrics-")
    os.environ[MULTIPROC_ENV] = metrics_dir
    ctx = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    def start(sock: socket.socket) -> tuple[BaseProcess, float]:
        proc = ctx.Process(target=_worker, args=(sock, log_level, graceful_s), daemon=False)
        proc.start()
        return proc, time.monotonic()

    workers: list[tuple[BaseProcess, float]] = []
    code = 0
    try:
        workers = [start(s) for s in sockets]
        while not stop.wait(0.5):
            for i, (proc, started) in enumerate(workers):
                if proc.is_alive():
                    continue
                if time.monotonic() - started < STARTUP_GRACE_S:
                    log.error("worker %s exited with code %s while starting; stopping the server", proc.pid,
                              proc.exitcode)
                    code = 1
                    stop.set()
                    break
                log.warning("worker %s exited with code %s; starting another", proc.pid, proc.exitcode)
                multiprocess.mark_process_dead(proc.pid)
                workers[i] = start(sockets[i])
    finally:
        for proc, _ in workers:
            if proc.is_alive():
                proc.terminate()  # uvicorn in the worker shuts down gracefully on SIGTERM
        for proc, _ in workers:
            proc.join(graceful_s + 5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for sock in sockets:
            sock.close()
        shutil.rmtree(metrics_dir, ignore_errors=True)
        os.environ.pop(MULTIPROC_ENV, None)
    return code
