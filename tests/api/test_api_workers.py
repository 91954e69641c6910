"""`kb serve --workers N`: the workers share the connections evenly, and move the ones placed badly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from search_api import workers
from search_api.workers import Shares, closing_when

ROOT = Path(__file__).resolve().parents[2]
PID_APP = '''
import os

def create():
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"8")]})
        await send({"type": "http.response.body", "body": b"%08d" % os.getpid()})
    return app
'''


def _board(*workers_now: tuple[int, float]) -> Shares:
    """Shares over a plain list: (connections, seconds since the last beat, or None for never) per worker."""
    board = []
    for connections, ago in workers_now:
        board += [float(connections), 0.0 if ago is None else time.monotonic() - ago]
    return Shares(board)


def test_a_worker_accepts_only_while_no_live_worker_holds_fewer():
    shares = _board((0, 0.0), (5, 0.0), (6, 0.0))
    assert shares.my_turn(0, 5)  # ties accept
    assert not shares.my_turn(0, 6)
    assert shares.board[0] == 6.0  # its count is published as it asks
    # a worker that is silent (dead, starting, stuck) does not hold the others back
    assert _board((0, 0.0), (2, 5.0), (9, None)).my_turn(0, 7)
    assert _board((0, 0.0), (0, 10.0)).my_turn(0, 50)


def test_a_worker_two_beyond_the_least_loaded_is_over_its_share():
    assert _board((0, 0.0), (3, 0.0)).over_share(0, 5)
    assert not _board((0, 0.0), (3, 0.0)).over_share(0, 4)
    assert not _board((0, 0.0), (0, 10.0)).over_share(0, 50)  # alone: nowhere to move to


def test_closing_when_over_share_asks_the_client_to_reconnect():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    def headers(over: bool, kind: str = "http") -> list:
        sent = []

        async def send(message):
            sent.append(message)

        asyncio.run(closing_when(app, lambda: over)({"type": kind}, None, send))
        return sent[0]["headers"]

    assert headers(True) == [(b"content-type", b"text/plain"), (b"connection", b"close")]
    assert headers(False) == [(b"content-type", b"text/plain")]
    assert headers(True, "websocket") == [(b"content-type", b"text/plain")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Conn:
    """A keep-alive HTTP/1.1 connection that asks which worker process holds it."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)

    def ask(self) -> tuple[int, bool]:
        """The worker's pid, and whether it asked to close the connection."""
        self.sock.sendall(b"GET / HTTP/1.1\r\nHost: kb\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 8:
            chunk = self.sock.recv(4096)
            assert chunk, "the server closed the connection before answering"
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        return int(body[:8]), b"connection: close" in head.lower()

    def close(self):
        self.sock.close()


@pytest.mark.skipif(not workers.spread_supported(), reason="workers share a socket on POSIX only")
def test_two_workers_hold_equal_shares_and_move_connections_placed_badly(tmp_path):
    (tmp_path / "pid_app.py").write_text(PID_APP, encoding="utf-8")
    port = _free_port()
    code = f"from search_api.workers import serve_workers; serve_workers(2, '127.0.0.1', {port}, 'warning', " \
           "app='pid_app:create')"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    conns: dict[Conn, int] = {}
    try:
        pids: set[int] = set()
        deadline = time.monotonic() + 60
        while len(pids) < 2:  # both workers up: each has answered a connection of its own
            assert time.monotonic() < deadline and proc.poll() is None
            try:
                c = Conn(port)
                pids.add(c.ask()[0])
                c.close()
            except OSError:
                pass
            time.sleep(0.3)  # a worker that is starting is left out until it beats; give both time to
        # clients arriving one by one alternate between the workers: never more than one apart
        for _ in range(16):
            c = Conn(port)
            conns[c] = c.ask()[0]
            held = Counter(conns.values())
            assert max(held.values()) - min(held.get(p, 0) for p in pids) <= 1, held
            time.sleep(workers.BEAT_S * 2)
        # a worker that stops (here: paused) is left out, and the other takes the new clients ...
        paused = min(pids)
        busy = max(pids)
        os.kill(paused, signal.SIGSTOP)
        try:
            time.sleep(workers.STALE_S * 2)
            for _ in range(6):
                c = Conn(port)
                conns[c] = c.ask()[0]
                assert conns[c] == busy
        finally:
            os.kill(paused, signal.SIGCONT)
        time.sleep(workers.STALE_S)
        assert Counter(conns.values()) == {paused: 8, busy: 14}
        # ... and once the paused worker is back, the busy one asks clients to reconnect until the two are within one
        closed = 0
        for c in [c for c, pid in conns.items() if pid == busy]:
            _, closing = c.ask()
            if closing:
                assert c.sock.recv(1) == b""  # the worker closes its end after the answer
                c.close()
                del conns[c]
                closed += 1
                time.sleep(workers.BEAT_S * 2)
        assert closed == 5  # 14 -> 9 against 8: one more would leave it below the other
        for _ in range(closed):  # the clients come back; the accept turns place them
            c = Conn(port)
            conns[c] = c.ask()[0]
            time.sleep(workers.BEAT_S * 2)
        held = Counter(conns.values())
        assert abs(held[paused] - held[busy]) <= 1, held
    finally:
        for c in conns:
            c.close()
        proc.terminate()
        proc.wait(30)
    assert proc.returncode == 0
    assert "leaked" not in proc.stderr.read()
