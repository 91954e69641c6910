"""Load benchmark of the HTTP API: concurrent clients ask the development questions on /search, /answer, /facts.

    python -m eval.load_benchmark [--url http://127.0.0.1:8000] [--clients 32] [--duration 60] [--json]
    python -m eval.load_benchmark --data data          # starts `kb serve` on a free port, stops it after
    python -m eval.load_benchmark --data d-torch --data d-onnx --rounds 2 --fresh   # servers compared, interleaved
    python -m eval.load_benchmark --data d-onnx --data d-onnx --workers 1 --workers 2   # `kb serve --workers N`

With several --data folders (say, one indexed per embedding backend) each round runs every folder's server in
turn for --duration seconds, so a busy machine slows all of them alike; the report merges the rounds per folder
and gives throughput and p95 as ratios to the first folder.

Bounded by design: a fixed number of clients, a fixed duration (each client stops
issuing requests when it ends, and every request has a timeout), loopback only.
Reports throughput, p50/p95/p99 latency and errors per endpoint, as a table or JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import numpy as np

DEV_QUESTIONS = Path(__file__).parent / "questions" / "dev.jsonl"
ENDPOINTS = ("search", "answer", "facts")
_WORD = re.compile(r"[^\W\d_]{4,}")
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
# question words that name no indicator
_STOP = {"hva", "hvor", "mange", "mye", "var", "ble", "blei", "vart", "kva", "kor", "korleis", "hvilke", "what",
         "many", "much", "were", "which", "dette", "etter", "innen", "med", "som", "for"}


class BenchmarkError(Exception):
    """Set-up problem, reported plainly with exit code 2."""


@dataclass
class Sample:
    endpoint: str
    seconds: float
    status: int  # -1: no response (timeout, connection error)


@dataclass
class Result:
    clients: int
    duration_s: float
    url: str
    samples: list[Sample] = field(default_factory=list)

    def summary(self) -> dict:
        out = {}
        for name in (*ENDPOINTS, "all"):
            rows = [s for s in self.samples if name == "all" or s.endpoint == name]
            if not rows:
                continue
            ok = np.array([s.seconds for s in rows if s.status == 200]) * 1000
            pct = np.percentile(ok, [50, 95, 99]) if len(ok) else [float("nan")] * 3
            out[name] = {
                "requests": len(rows),
                "errors": sum(s.status != 200 for s in rows),
                "throughput_rps": round(len(rows) / self.duration_s, 2),
                "p50_ms": round(float(pct[0]), 1),
                "p95_ms": round(float(pct[1]), 1),
                "p99_ms": round(float(pct[2]), 1),
                "mean_ms": round(float(ok.mean()), 1) if len(ok) else float("nan"),
                "statuses": {str(k): v for k, v in sorted(_count(s.status for s in rows).items())},
            }
        return {"url": self.url, "clients": self.clients, "duration_s": round(self.duration_s, 2),
                "endpoints": out}


def _count(values) -> dict:
    out: dict = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def load_questions(path: Path) -> list[str]:
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise BenchmarkError(f"cannot read the question file {path}: {exc.strerror}") from exc
    questions = []
    for line in lines:
        if line.strip():
            try:
                q = json.loads(line).get("question")
            except (ValueError, AttributeError):
                continue
            if isinstance(q, str) and q.strip():
                questions.append(q.strip())
    if not questions:
        raise BenchmarkError(f"no questions (field 'question') in {path}")
    return questions


def facts_params(question: str) -> dict[str, str]:
    """A /facts query a person might make for the question: its longest content words, and its year."""
    words = [w for w in _WORD.findall(question.lower()) if w not in _STOP]
    params = {"indicator": " ".join(sorted(words, key=len, reverse=True)[:2]) or question[:40], "limit": "20"}
    year = _YEAR.search(question)
    if year:
        params["year"] = year.group(1)
    return params


def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {ai[4][0] for ai in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise BenchmarkError(f"cannot resolve {host!r}: {exc}") from exc
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise BenchmarkError(f"{url} is not on this machine; the load benchmark only runs against loopback")


def request_for(endpoint: str, question: str) -> tuple[str, dict[str, str]]:
    if endpoint == "facts":
        return "/facts", facts_params(question)
    if endpoint == "search":
        return "/search", {"q": question, "k": "10"}
    return "/answer", {"q": question}


async def _client(i: int, http: httpx.AsyncClient, questions: list[str], endpoints: tuple[str, ...],
                  deadline: float, seed: int, out: list[Sample], fresh: bool = False) -> None:
    rng = random.Random(seed * 1000 + i)
    n = i  # clients start at different endpoints so the mix is even from the first second
    while time.monotonic() < deadline:
        endpoint = endpoints[n % len(endpoints)]
        n += 1
        question = rng.choice(questions)
        if fresh:  # a word no cache has seen: every query is embedded anew
            question = f"{question} q{rng.randrange(10**9)}"
        path, params = request_for(endpoint, question)
        t0 = time.perf_counter()
        try:
            status = (await http.get(path, params=params)).status_code
        except httpx.HTTPError:
            status = -1
        out.append(Sample(endpoint, time.perf_counter() - t0, status))


async def run_load(url: str, questions: list[str], clients: int = 32, duration: float = 60.0,
                   endpoints: tuple[str, ...] = ENDPOINTS, timeout: float = 30.0, seed: int = 0,
                   fresh: bool = False) -> Result:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    samples: list[Sample] = []
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as http:
        t0 = time.monotonic()
        deadline = t0 + duration
        await asyncio.gather(*(_client(i, http, questions, endpoints, deadline, seed, samples, fresh)
                               for i in range(clients)))
        elapsed = time.monotonic() - t0
    return Result(clients=clients, duration_s=elapsed, url=url, samples=samples)


def wait_ready(url: str, timeout: float = 300.0, proc: subprocess.Popen | None = None, workers: int = 1) -> dict:
    """Wait until /health says the index is loaded, from as many server processes as `workers` (each answer names
    its process; a worker still loading takes no connections, so the ones that answer are the ready ones)."""
    deadline = time.monotonic() + timeout
    last, ready = "no answer", set()
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise BenchmarkError(f"the server exited with code {proc.returncode} before it was ready")
        try:
            health = httpx.get(f"{url}/health", timeout=5).json()
            if health.get("index", {}).get("loaded"):
                ready.add(health.get("process"))
                if len(ready) >= workers:
                    return health
                time.sleep(0.1)
                continue
            last = health.get("index", {}).get("error") or "index not loaded yet"
        except (httpx.HTTPError, ValueError) as exc:
            last = str(exc)
        time.sleep(0.5)
    raise BenchmarkError(f"the server at {url} is not ready ({last})")


def start_server(data: Path, workers: int = 1, index: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`kb serve --data DATA [--index INDEX] --workers N` on a free loopback port; the process and its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "kb.cli", "serve", "--data", str(data), "--port", str(port),
           "--log-level", "warning", "--workers", str(workers)]
    cmd += ["--index", str(index)] if index is not None else []
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return proc, f"http://127.0.0.1:{port}"


def format_table(summary: dict) -> str:
    head = f"{'endpoint':<8} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    lines = [f"{summary['clients']} clients, {summary['duration_s']:.1f} s, {summary['url']}", head,
             "-" * len(head)]
    for name, s in summary["endpoints"].items():
        lines.append(f"{name:<8} {s['requests']:>8} {s['errors']:>6} {s['throughput_rps']:>7.2f} "
                     f"{s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {s['p99_ms']:>8.1f}")
    return "\n".join(lines)


def serve_and_load(data: Path, questions: list[str], args, endpoints: tuple[str, ...], workers: int = 1) -> Result:
    """Start `kb serve --data DATA --workers N`, put it under load, stop it."""
    proc, url = start_server(data, workers)
    try:
        check_loopback(url)
        wait_ready(url, proc=proc, workers=workers)
        return asyncio.run(run_load(url, questions, args.clients, args.duration, endpoints, args.timeout,
                                    args.seed, args.fresh))
    finally:
        stop_server(proc)


def stop_server(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Ask the server to stop; kill it if it has not within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def compare(results: dict[str, Result]) -> dict:
    """Each folder's summary (its rounds merged) and its throughput and p95 as ratios to the first folder's."""
    summaries = {name: r.summary() for name, r in results.items()}
    base = next(iter(summaries.values()))["endpoints"]
    for s in summaries.values():
        s["vs_first"] = {ep: {"throughput": round(v["throughput_rps"] / base[ep]["throughput_rps"], 2),
                              "p95": round(v["p95_ms"] / base[ep]["p95_ms"], 3)}
                         for ep, v in s["endpoints"].items() if ep in base}
    return summaries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8000", help="a running `kb serve` (loopback only)")
    ap.add_argument("--data", type=Path, action="append",
                    help="start `kb serve --data DATA` on a free port instead of --url (repeat to compare)")
    ap.add_argument("--rounds", type=int, default=1, help="with --data: runs per folder, interleaved")
    ap.add_argument("--workers", type=int, action="append",
                    help="with --data: `kb serve --workers N`, once for every folder or once per --data")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds")
    ap.add_argument("--endpoints", default=",".join(ENDPOINTS), help="comma-separated: search,answer,facts")
    ap.add_argument("--questions", type=Path, default=DEV_QUESTIONS)
    ap.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fresh", action="store_true",
                    help="make every question unique, so no query-vector cache helps (worst case)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    try:
        if not 1 <= args.clients <= 512:
            raise BenchmarkError("--clients must be between 1 and 512")
        if not 0 < args.duration <= 3600:
            raise BenchmarkError("--duration must be between 0 and 3600 seconds")
        if not 1 <= args.rounds <= 20:
            raise BenchmarkError("--rounds must be between 1 and 20")
        endpoints = tuple(e.strip() for e in args.endpoints.split(",") if e.strip())
        if not endpoints or set(endpoints) - set(ENDPOINTS):
            raise BenchmarkError(f"--endpoints must be among {', '.join(ENDPOINTS)}")
        questions = load_questions(args.questions)
        if not args.data:
            url = args.url.rstrip("/")
            check_loopback(url)
            wait_ready(url)
            result = asyncio.run(run_load(url, questions, args.clients, args.duration, endpoints, args.timeout,
                                          args.seed, args.fresh))
            summary = result.summary()
            print(json.dumps(summary, indent=2) if args.json else format_table(summary))
            return 0
        workers = args.workers or [1]
        if len(workers) == 1:
            workers = workers * len(args.data)
        if len(workers) != len(args.data) or min(workers) < 1:
            raise BenchmarkError("--workers must be given once, or once per --data, and be at least 1")
        merged: dict[str, Result] = {}
        for _ in range(args.rounds):
            for data, n in zip(args.data, workers, strict=True):
                r = serve_and_load(data, questions, args, endpoints, n)
                name = str(data) if n == 1 else f"{data} ({n} workers)"
                m = merged.setdefault(name, Result(args.clients, 0.0, r.url))
                m.samples += r.samples
                m.duration_s += r.duration_s
    except BenchmarkError as exc:
        print(f"load benchmark: {exc}", file=sys.stderr)
        return 2
    summaries = compare(merged)
    if args.json:
        print(json.dumps(summaries if len(summaries) > 1 else next(iter(summaries.values())), indent=2))
        return 0
    for name, summary in summaries.items():
        print(f"== {name}")
        print(format_table(summary))
        if len(summaries) > 1:
            print("vs first: " + ", ".join(f"{ep} {v['throughput']}x throughput, p95 {v['p95']}x"
                                           for ep, v in summary["vs_first"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
