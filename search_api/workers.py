"""`kb serve --workers N`: N server processes on one port, sharing one listening socket, with connections
balanced between them.

A keep-alive connection stays with the worker that accepted it, so how connections are split decides how the load
is. uvicorn's own workers each accept whatever they can: under the load benchmark's 32 clients one worker took every
connection and the other sat idle (eval/REPORT.md, stop 36). A socket per worker in one SO_REUSEPORT group lets the
kernel split them by a hash of the client's address, which is even only on average (18 against 14 is common, and the
busier worker's clients wait 18/16 as long). Here every worker publishes how many connections it holds, and accepts
only while it holds no more than any other live worker. Connections placed badly all the same (a worker that was
ready first took them all while the other still loaded) are moved: a worker holding two or more beyond the
least-loaded one answers with `Connection: close`, and the client's next connection is placed afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
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
BEAT_S = 0.02  # how often a worker publishes its connection count
STALE_S = 0.25  # a worker silent this long (dead, starting, or stuck) is left out of the comparison
WAIT_S = 0.005  # how long a worker that holds more than its share waits before it looks again


def spread_supported() -> bool:
    """Workers that share one socket need the socket handed to a spawned process, which POSIX systems do."""
    return os.name == "posix"


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on host:port; OSError (port taken, bad host) as raised."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


class Shares:
    """Each worker's open connections and the time it last said so, in memory the workers share."""

    def __init__(self, board) -> None:
        self.board = board  # 2 doubles per worker: connections, monotonic time of the last beat (0: not serving)

    @classmethod
    def create(cls, ctx, n: int) -> Shares:
        return cls(ctx.Array("d", 2 * n, lock=False))

    def publish(self, me: int, connections: int) -> None:
        self.board[2 * me] = connections
        self.board[2 * me + 1] = time.monotonic()

    def withdraw(self, me: int) -> None:
        self.board[2 * me + 1] = 0.0

    def fewest_elsewhere(self, me: int) -> float:
        """The fewest connections any other live worker holds (infinite when none is live)."""
        now = time.monotonic()
        return min((self.board[2 * i] for i in range(len(self.board) // 2)
                    if i != me and now - self.board[2 * i + 1] < STALE_S), default=float("inf"))

    def my_turn(self, me: int, connections: int) -> bool:
        """Publish `connections` and say whether this worker may accept: no live worker holds fewer."""
        self.publish(me, connections)
        return connections <= self.fewest_elsewhere(me)

    def over_share(self, me: int, connections: int) -> bool:
        """This worker holds two or more connections beyond the least-loaded live one."""
        return connections >= self.fewest_elsewhere(me) + 2


def closing_when(app, over_share):
    """The ASGI `app`, answering with `Connection: close` while `over_share()` holds."""
    async def balanced(scope, receive, send):
        if scope["type"] != "http" or not over_share():
            return await app(scope, receive, send)

        async def send_closing(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await app(scope, receive, send_closing)

    return balanced


async def readable(loop: asyncio.AbstractEventLoop, sock: socket.socket, timeout: float) -> bool:
    """Whether `sock` has a client waiting, within `timeout` seconds."""
    ready = loop.create_future()
    loop.add_reader(sock.fileno(), lambda: ready.done() or ready.set_result(True))
    try:
        await asyncio.wait({ready}, timeout=timeout)
    finally:
        loop.remove_reader(sock.fileno())
    return ready.done()


def balanced_server(config, listener: socket.socket, shares: Shares, me: int):
    """A uvicorn server that accepts from the shared `listener` only in its turn."""
    import uvicorn

    class BalancedServer(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            self.config.loaded_app = closing_when(
                self.config.loaded_app, lambda: shares.over_share(me, len(self.server_state.connections)))
            await super().startup(sockets=[])  # the app starts up; connections are accepted below, not by uvicorn
            if self.started:
                self._tasks = [asyncio.create_task(self._accept()), asyncio.create_task(self._beat())]

        async def shutdown(self, sockets=None) -> None:
            shares.withdraw(me)
            for task in getattr(self, "_tasks", []):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            listener.close()
            await super().shutdown(sockets=[])

        async def _beat(self) -> None:  # counts fall as clients leave, also while _accept waits for one
            while True:
                shares.publish(me, len(self.server_state.connections))
                await asyncio.sleep(BEAT_S)

        async def _accept(self) -> None:
            loop = asyncio.get_running_loop()
            listener.setblocking(False)

            def protocol():
                return self.config.http_protocol_class(config=self.config, server_state=self.server_state,
                                                       app_state=self.lifespan.state)

            # not loop.sock_accept: a worker waiting in it would take the next client even after its turn passed
            while True:
                if not shares.my_turn(me, len(self.server_state.connections)):
                    await asyncio.sleep(WAIT_S)
                    continue
                if not await readable(loop, listener, BEAT_S) \
                        or not shares.my_turn(me, len(self.server_state.connections)):
                    continue
                try:
                    conn, _ = listener.accept()
                except (BlockingIOError, InterruptedError):  # another worker took this client
                    continue
                except OSError as exc:  # out of file descriptors, a client gone before its accept: not fatal
                    log.warning("accept failed: %s", exc)
                    await asyncio.sleep(WAIT_S)
                    continue
                conn.setblocking(False)
                try:
                    await loop.connect_accepted_socket(protocol, conn)
                except OSError as exc:
                    log.warning("connection dropped at its start: %s", exc)
                    conn.close()

    return BalancedServer(config)


def _worker(sock: socket.socket, shares: Shares, me: int, app: str, log_level: str, graceful_s: int) -> None:
    import uvicorn  # runs in the worker process

    config = uvicorn.Config(app, factory=True, log_level=log_level, timeout_graceful_shutdown=graceful_s)
    # uvicorn shuts down on the supervisor's SIGTERM (or a terminal's SIGINT) and then raises the signal again under
    # the handler it found. The default one would kill this process before its exit handlers release its
    # semaphores, and the resource tracker would warn of leaked ones at every stop; here the worker just returns.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    balanced_server(config, sock, shares, me).run()


def serve_workers(n: int, host: str, port: int, log_level: str = "info", graceful_s: int = 10, app: str = APP) -> int:
    """Run n workers of `app` (a factory's import path) until SIGINT or SIGTERM; a worker that dies is replaced.
    Returns the exit code."""
    sock = listening_socket(host, port)
    # each worker counts its requests in files here, and /metrics in any worker reads them all
    metrics_dir = tempfile.mkdtemp(prefix="kb-metrics-")
    os.environ[MULTIPROC_ENV] = metrics_dir
    ctx = multiprocessing.get_context("spawn")
    shares = Shares.create(ctx, n)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    def start(i: int) -> tuple[BaseProcess, float]:
        shares.withdraw(i)  # a dead worker's last count must not hold the others back
        proc = ctx.Process(target=_worker, args=(sock, shares, i, app, log_level, graceful_s), daemon=False)
        proc.start()
        return proc, time.monotonic()

    workers: list[tuple[BaseProcess, float]] = []
    code = 0
    try:
        workers = [start(i) for i in range(n)]
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
                workers[i] = start(i)
    finally:
        for proc, _ in workers:
            if proc.is_alive():
                proc.terminate()  # uvicorn in the worker shuts down gracefully on SIGTERM
        for proc, _ in workers:
            proc.join(graceful_s + 5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        sock.close()
        shutil.rmtree(metrics_dir, ignore_errors=True)
        os.environ.pop(MULTIPROC_ENV, None)
    return code
