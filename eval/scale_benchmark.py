"""Scale measurements on this machine (eval/SCALE.md): Ray throughput with 1 and 2 workers, Milvus beside FAISS.

Stages (each writes its figures into --out as JSON, so they can run one at a time on a busy machine):

* ingest   — the synthetic collection (eval/synthetic_corpus.py) ingested by Ray with 1 and with 2 workers
* embed    — a sample of its documents chunked and embedded by the real model on Ray, 1 and 2 workers
* store    — query latency p50/p95 of the Milvus store (Milvus Lite) and the in-process index (FAISS + bm25s) on
             the same chunks: the whole synthetic collection, with SYNTHETIC vectors (random unit vectors
             seeded by the text) standing in for the model's, for passages and queries alike
* cost     — CPU-seconds per chunk embedded and per document ingested in one thread: per-core costs that a
             busy machine's contention does not change (wall-clock ratios above do change with it)
* parity   — top-10 overlap, recall@5 and MRR@10, Milvus vs. FAISS, on the dev set (bundled corpus) and the
             outside set (NorQuAD), with the real vectors of already built indexes and the real model for queries;
             hybrid mode also with Milvus' own hybrid search and ranker (--milvus-fusion native) against FAISS
* rankers  — after `parity` (its published collections): Milvus' rankers as they come (RRFRanker without the
             repeated routes that carry the fitted weights; WeightedRanker with the fitted weights), and hybrid
             latency p50/p95 of FAISS, Milvus with local fusion and Milvus with its ranker (query vectors cached)
* replica  — what one API replica costs: an index published to Milvus Lite and served by a Lite gRPC server, then
             opened by fresh processes (open seconds, the process' peak resident memory after the open, chunk
             records read by the open) and, in another, hybrid p50/p95 over the dev questions (query vectors cached),
             also with nothing held before each question
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from core.config import OUTSIDE_DIR

ROOT = Path(__file__).resolve().parent.parent


def _save(out: Path, key: str, value) -> None:
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data[key] = value
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps({key: value}, ensure_ascii=False, indent=2))


def _pcts(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(float(np.percentile(ms, 50)), 2),
            "p95_ms": round(float(np.percentile(ms, 95)), 2), "mean_ms": round(statistics.fmean(ms), 2)}


class SyntheticEmbedder:
    """Random unit vectors seeded by the text: the store benchmark's stand-in for the model (384 dims as e5-small)."""

    name = "synthetic-384"
    dim = 384
    fingerprint = "synthetic-384:v1"

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    embed_queries = embed_passages


# -- stages --------------------------------------------------------------------------------------------


def stage_ingest(collection: Path, work: Path, workers: list[int], limit: int | None) -> dict:
    from ingest.engines.ray_pipeline import ingest_paths_ray
    from ingest.engines.ray_session import ray_session
    from ingest.store import DocumentStore

    files = sorted(collection.glob("*.md"))[:limit]
    out = {"documents": len(files), "megabytes": round(sum(f.stat().st_size for f in files) / 1e6, 2)}
    for w in workers:
        data = work / f"ingest-{w}"
        shutil.rmtree(data, ignore_errors=True)
        with ray_session(None, w):
            t0 = time.perf_counter()
            results = ingest_paths_ray(files, DocumentStore(data), workers=w)
            secs = time.perf_counter() - t0
        ok = sum(r.status == "ingested" for r in results)
        out[f"{w}_workers"] = {"seconds": round(secs, 1), "ingested": ok, "docs_per_s": round(ok / secs, 2)}
    return out


def stage_embed(data: Path, work: Path, workers: list[int], docs: int) -> dict:
    from index.build import EMBED_BATCH
    from index.engines.ray_index import embed_store_ray
    from index.settings import IndexSettings
    from ingest.engines.ray_session import ray_session
    from ingest.store import DocumentStore

    sample = work / "embed-sample"
    shutil.rmtree(sample, ignore_errors=True)
    store = DocumentStore(data)
    dst = DocumentStore(sample)
    for doc_id in store.ids()[:docs]:
        dst.write(store.read(doc_id), store.source(doc_id))
    out: dict = {"documents": docs, "batch": EMBED_BATCH}
    for w in workers:
        with ray_session(None, w):
            from functools import partial

            from embedders import get_embedder

            factory = partial(get_embedder)
            t0 = time.perf_counter()
            # chunks only, as in the capacity plan's per-chunk figures (sentence vectors: eval/SCALE.md)
            vectors = embed_store_ray(sample, IndexSettings(sentences=False), frozenset(), factory, workers=w)
            secs = time.perf_counter() - t0
        out[f"{w}_workers"] = {"seconds": round(secs, 1), "chunks": len(vectors),
                               "chunks_per_s": round(len(vectors) / secs, 2)}
    return out


def stage_store(data: Path, work: Path, questions: Path, index_type: str) -> dict:
    from eval.questions_format import parse_questions
    from index.build import build_index
    from index.search import open_index
    from index.stores.milvus import MilvusSettings, payload_from_folder, publish

    emb = SyntheticEmbedder()
    folder = work / "store-index"
    t0 = time.perf_counter()
    report = build_index(data, index_dir=folder, embedder=emb, force=True)
    build_s = time.perf_counter() - t0
    uri = str(work / "store-milvus.db")
    settings = MilvusSettings(uri=uri, index_type=index_type)
    t0 = time.perf_counter()
    publish(payload_from_folder(folder), settings)
    publish_s = time.perf_counter() - t0
    local = open_index(folder, embedder=emb)
    milvus = open_index(data, store="milvus", uri=uri, embedder=emb)
    qs = [q.question for q in parse_questions(questions.read_text(encoding="utf-8")).questions]
    out: dict = {"chunks": report.chunks, "documents": report.documents, "vectors": "synthetic (random unit, 384-d)",
                 "milvus_index": index_type, "local_build_s": round(build_s, 1), "publish_s": round(publish_s, 1)}
    for mode in ("keyword", "semantic", "hybrid"):
        for name, idx in (("faiss", local), ("milvus", milvus)):
            for q in qs[:10]:  # warm-up: query vectors cached, Milvus segments loaded
                idx.search(q, k=10, mode=mode)
            ms = []
            for q in qs:
                t = time.perf_counter()
                idx.search(q, k=10, mode=mode)
                ms.append((time.perf_counter() - t) * 1000)
            out[f"{mode}_{name}"] = _pcts(ms)
    return out


def stage_cost(data: Path, collection: Path, bundled: Path, work: Path) -> dict:
    import torch

    from embedders import get_embedder
    from index.chunking import chunk_document, embed_text
    from index.settings import IndexSettings
    from ingest.pipeline import ingest_paths
    from ingest.store import DocumentStore

    torch.set_num_threads(1)
    store = DocumentStore(data)
    texts: list[str] = []
    for d in store.ids()[100:140]:
        texts += [embed_text(c) for c in chunk_document(store.read(d), store.source(d), IndexSettings().chunking)]
    samples = {"synthetic": texts[:192],
               "bundled": [json.loads(line)["text"] for line in (bundled / "index" / "chunks.jsonl").open()][:128]}
    emb = get_embedder()
    emb.embed_passages(samples["synthetic"][:8])  # the model loaded and warm
    out: dict = {}
    for name, sample in samples.items():
        t0 = time.process_time()
        for i in range(0, len(sample), 64):
            emb.embed_passages(sample[i:i + 64])
        cpu = time.process_time() - t0
        out[f"embed_{name}"] = {"chunks": len(sample), "cpu_s": round(cpu, 1), "chunks_per_cpu_s":
                                round(len(sample) / cpu, 2), "mean_chars": int(sum(map(len, sample)) / len(sample))}
    files = sorted(collection.glob("*.md"))[500:540]
    ingest_paths(files[:2], DocumentStore(work / "cost-warm"))  # parsers and the NER pipeline loaded
    shutil.rmtree(work / "cost-ingest", ignore_errors=True)
    t0 = time.process_time()
    ingest_paths(files[2:], DocumentStore(work / "cost-ingest"))
    cpu = time.process_time() - t0
    mb = sum(f.stat().st_size for f in files[2:]) / 1e6
    out["ingest_synthetic"] = {"documents": len(files) - 2, "megabytes": round(mb, 3), "cpu_s": round(cpu, 1),
                               "docs_per_cpu_s": round((len(files) - 2) / cpu, 2), "mb_per_cpu_s": round(mb / cpu, 3)}
    return out


def stage_parity(name: str, data: Path, questions: Path, work: Path) -> dict:
    from eval.harness import sources_from_store
    from eval.scale_parity import compare
    from index.search import open_index
    from index.stores.milvus import MilvusSettings, payload_from_folder, publish

    uri = str(work / f"parity-{name}.db")
    publish(payload_from_folder(data / "index"), MilvusSettings(uri=uri))
    local = open_index(data)
    milvus = open_index(data, store="milvus", uri=uri, embedder=local.embedder, store_fusion="local")
    native = open_index(data, store="milvus", uri=uri, embedder=local.embedder, store_fusion="native")
    docs = sources_from_store(data)
    out = {mode: compare(local, milvus, questions, docs, mode=mode).row() for mode in ("hybrid", "keyword", "semantic")}
    # keyword and semantic modes never fuse: only hybrid differs with Milvus' ranker
    out["hybrid native"] = compare(local, native, questions, docs, mode="hybrid").row()
    return out


def stage_rankers(name: str, data: Path, questions: Path, work: Path) -> dict:
    from dataclasses import replace

    import index.stores.milvus as milvus_store
    from eval.harness import sources_from_store
    from eval.questions_format import parse_questions
    from eval.scale_parity import compare
    from index.search import open_index

    uri = str(work / f"parity-{name}.db")
    local = open_index(data)
    milvus = open_index(data, store="milvus", uri=uri, embedder=local.embedder, store_fusion="local")
    native = open_index(data, store="milvus", uri=uri, embedder=local.embedder, store_fusion="native")
    docs = sources_from_store(data)
    out: dict = {}
    repeats = milvus_store.route_repeats
    milvus_store.route_repeats = lambda w: ((1, 1), 1)  # RRFRanker as it comes: every route weighs the same
    try:
        out["native rrf unweighted"] = compare(local, native, questions, docs, mode="hybrid").row()
    finally:
        milvus_store.route_repeats = repeats
    fitted = native.search_settings
    native.search_settings = replace(fitted, fusion="score")  # WeightedRanker(keyword, semantic weights)
    try:
        out["native weighted ranker"] = compare(local, native, questions, docs, mode="hybrid").row()
    finally:
        native.search_settings = fitted
    qs = [q.question for q in parse_questions(questions.read_text(encoding="utf-8")).questions]
    paths = {"faiss": local, "milvus local fusion": milvus, "milvus native fusion": native}
    for idx in paths.values():
        for q in qs:  # warm: query vectors cached, so the store and the fusion are timed, not the model
            idx.search(q, k=10)
    ms: dict[str, list[float]] = {label: [] for label in paths}
    # interleaved, in a rotating order, twice over: the others' load on this shared machine drifts, and timing
    # one path after the other measured that drift (two sequential runs disagreed on which path was faster)
    for i, q in enumerate(qs * 2):
        labels = list(paths)
        for label in labels[i % 3:] + labels[:i % 3]:
            t = time.perf_counter()
            paths[label].search(q, k=10)
            ms[label].append((time.perf_counter() - t) * 1000)
    for label, values in ms.items():
        out[f"latency hybrid {label}"] = _pcts(values)
    return out


def replica_probe(data: str, uri: str, questions: str | None = None) -> None:
    """In a fresh process: open the Milvus index (and, with `questions`, time hybrid searches); prints JSON."""
    import pymilvus  # noqa: F401 - imported before the first figure, so that the open's own memory is measured

    import index.stores.milvus as milvus_store
    import index.stores.serving  # noqa: F401
    from index.search import open_index

    fetched = [0]
    query = milvus_store.MilvusStore.__dict__.get("iter_chunks")
    if query is not None:  # the eager replica (before index/stores/rows.py) read every record here: count them
        def counting(self, *a, **kw):
            for c in query(self, *a, **kw):
                fetched[0] += 1
                yield c
        milvus_store.MilvusStore.iter_chunks = counting
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    idx = open_index(Path(data), store="milvus", uri=uri)
    out: dict = {"open_s": round(time.perf_counter() - t0, 3), "chunks": len(idx),
                 "maxrss_mb_before_open": round(before / 1024, 1),
                 "maxrss_mb_after_open": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    out["records_read_by_open"] = fetched[0] if query is not None else getattr(idx.chunks, "fetched", None)
    source = getattr(idx, "fact_source", None)  # None: the facts were parsed whole at open (before the collection)
    out["facts"] = len(source) if source is not None else len(idx.facts)
    out["fact_records_read_by_open"] = source.fetched if source is not None else len(idx.facts)
    if questions:
        from eval.questions_format import parse_questions

        qs = [q.question for q in parse_questions(Path(questions).read_text(encoding="utf-8")).questions]
        for q in qs:  # warm: query vectors cached, so the store and the ranking are timed, not the model
            idx.search(q, k=10)
        ms = []
        for q in qs * 2:
            t = time.perf_counter()
            idx.search(q, k=10)
            ms.append((time.perf_counter() - t) * 1000)
        out["hybrid"] = _pcts(ms)
        if hasattr(idx.chunks, "fetched"):  # the lazy record sequence (the eager replica holds a list)
            # the lazy replica holds the records of recent queries; at 30 M chunks most queries' rows are not
            # held. Each question is timed with its rows held and right after with nothing held (records read,
            # rows tokenized again), in pairs, so that the machine's drifting load hits both alike
            held, cold, reads = [], [], []
            for q in qs * 2:
                idx.search(q, k=10)
                t = time.perf_counter()
                idx.search(q, k=10)
                held.append((time.perf_counter() - t) * 1000)
                idx.chunks.clear()
                idx.offsets.clear()
                idx.ranker._dup_keys.clear()
                idx.ranker._heading_ids.clear()
                if source is not None:
                    source.clear()
                n0 = idx.chunks.fetched
                t = time.perf_counter()
                idx.search(q, k=10)
                cold.append((time.perf_counter() - t) * 1000)
                reads.append(idx.chunks.fetched - n0)
            out["hybrid_rows_held"] = _pcts(held)
            out["hybrid_nothing_held"] = {**_pcts(cold), "records_read_per_query_p50": float(np.median(reads)),
                                          "records_read_per_query_max": int(max(reads))}
            out["nothing_held_minus_held_ms_p50"] = round(float(np.median(np.subtract(cold, held))), 2)
        from answer.compose import answer

        for q in qs:  # warm, as above; then each question answered once more, timed
            answer(q, idx)
        # in pairs as above: the fact records the question ranks held (as the cache left them), then none held
        # (every one read from the store: what a large index meets for most questions)
        held, cold, reads = [], [], []
        for q in qs:
            answer(q, idx)  # the question's facts read now (the warm pass's have been evicted by the others')
            t = time.perf_counter()
            answer(q, idx)
            held.append((time.perf_counter() - t) * 1000)
            if source is not None:
                source.clear()
            n0 = source.fetched if source is not None else 0
            t = time.perf_counter()
            answer(q, idx)
            cold.append((time.perf_counter() - t) * 1000)
            reads.append(source.fetched - n0 if source is not None else 0)
        out["answer_facts_held"] = _pcts(held)
        out["answer"] = {**_pcts(cold), "fact_records_read_per_answer_p50": float(np.median(reads)),
                         "fact_records_read_per_answer_max": int(max(reads))}
        out["maxrss_mb_after_queries"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out))


def catalog_probe(data: str) -> None:
    """In a fresh process: open a Milvus replica's document catalog (facts counted, not kept); prints JSON with
    the full document reads it made and the peak memory before and after."""
    from ingest.store import DocumentStore
    from search_api.catalog import DocumentCatalog

    reads = [0]
    read = DocumentStore.read

    def counting(self, doc_id):
        reads[0] += 1
        return read(self, doc_id)

    DocumentStore.read = counting
    store = DocumentStore(Path(data))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    catalog = DocumentCatalog(store, keep_facts=False)
    catalog.refresh(force=True)
    snap = catalog.snapshot()
    out = {"open_s": round(time.perf_counter() - t0, 3), "documents": len(snap.docs), "errors": len(snap.errors),
           "full_reads_by_open": reads[0],
           "digests": sum(1 for d in store.ids() if store.digest_path(d).exists()),
           "maxrss_mb_before_open": round(before / 1024, 1),
           "maxrss_mb_after_open": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    print(json.dumps(out))


def stage_catalog(data: Path, opens: int = 3) -> dict:
    """The API's document catalog opened in fresh processes (`catalog_probe`); medians of `opens`."""
    probe = "import sys; from eval.scale_benchmark import catalog_probe; catalog_probe(sys.argv[1])"
    runs = [json.loads(subprocess.run([sys.executable, "-c", probe, str(data)], check=True, capture_output=True,
                                      text=True).stdout.strip().splitlines()[-1]) for _ in range(opens)]
    return {**runs[-1], "open_s_median": statistics.median(r["open_s"] for r in runs),
            "maxrss_mb_after_open_median": statistics.median(r["maxrss_mb_after_open"] for r in runs)}


def stage_replica(data: Path, questions: Path | None, work: Path, opens: int = 3) -> dict:
    """Publish `data`'s index to a Milvus Lite file, serve it with a Lite gRPC server (as replicas use it, so the
    replica's memory holds no Milvus segments) and measure fresh replica processes against it."""
    import socket

    db = work / "replica.db"
    shutil.rmtree(db, ignore_errors=True)
    db.unlink(missing_ok=True)
    # published in a child: a Milvus Lite file is held by the process that opened it
    code = ("import sys; from pathlib import Path; from index.stores.milvus import MilvusSettings, "
            "payload_from_folder, publish; "
            "publish(payload_from_folder(Path(sys.argv[1])), MilvusSettings(uri=sys.argv[2]))")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(data / "index"), str(db)], check=True)
    out: dict = {"publish_s": round(time.perf_counter() - t0, 1)}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(db), "--host",
                               "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    probe = "import sys; from eval.scale_benchmark import replica_probe; replica_probe(*sys.argv[1:])"

    def run(*extra: str) -> dict:
        got = subprocess.run([sys.executable, "-c", probe, str(data), f"http://127.0.0.1:{port}", *extra],
                             check=True, capture_output=True, text=True)
        return json.loads(got.stdout.strip().splitlines()[-1])

    try:
        for _ in range(60):  # the server takes a few seconds to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(1)
        runs = [run() for _ in range(opens)]
        out["open"] = {**runs[-1], "open_s_runs": [r["open_s"] for r in runs],
                       "open_s_median": statistics.median(r["open_s"] for r in runs),
                       "maxrss_mb_after_open_median": statistics.median(r["maxrss_mb_after_open"] for r in runs)}
        if questions is not None:  # None: opens only (an index of synthetic vectors has no model for questions)
            out["queries"] = run(str(questions))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stage", choices=["ingest", "embed", "store", "cost", "parity", "rankers", "replica",
                                          "catalog"])
    ap.add_argument("--collection", type=Path, default=Path("/tmp/synth/docs"), help="synthetic markdown files")
    ap.add_argument("--work", type=Path, default=Path("/tmp/synth/work"))
    ap.add_argument("--data", type=Path, help="ingested synthetic collection (embed, store)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--docs", type=int, default=40, help="documents in the embedding sample")
    ap.add_argument("--limit", type=int, help="ingest only the first documents of the collection")
    ap.add_argument("--index-type", default="FLAT", help="Milvus dense index for the store stage")
    ap.add_argument("--dev-data", type=Path, default=Path("/work/base-data"))
    ap.add_argument("--outside-data", type=Path, default=Path("/work/nq-data"))
    ap.add_argument("--outside-questions", type=Path,
                    default=OUTSIDE_DIR / "norquad-val" / "questions.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "scale_results.json")
    ap.add_argument("--opens-only", action="store_true", help="replica: time opens only, no questions")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    dev = ROOT / "eval" / "questions" / "dev.jsonl"
    if args.stage == "ingest":
        _save(args.out, "ingest", stage_ingest(args.collection, args.work, args.workers, args.limit))
    elif args.stage == "embed":
        _save(args.out, "embed", stage_embed(args.data, args.work, args.workers, args.docs))
    elif args.stage == "store":
        _save(args.out, f"store_{args.index_type.lower()}", stage_store(args.data, args.work, dev, args.index_type))
    elif args.stage == "cost":
        _save(args.out, "cost", stage_cost(args.data, args.collection, args.dev_data, args.work))
    elif args.stage == "replica":
        _save(args.out, f"replica_{args.data.name}", stage_replica(args.data, None if args.opens_only else dev,
                                                                   args.work))
    elif args.stage == "catalog":
        _save(args.out, f"catalog_{args.data.name}", stage_catalog(args.data))
    elif args.stage == "rankers":
        _save(args.out, "rankers_dev", stage_rankers("dev", args.dev_data, dev, args.work))
        _save(args.out, "rankers_outside", stage_rankers("outside", args.outside_data, args.outside_questions,
                                                         args.work))
    else:
        _save(args.out, "parity_dev", stage_parity("dev", args.dev_data, dev, args.work))
        _save(args.out, "parity_outside", stage_parity("outside", args.outside_data, args.outside_questions, args.work))


if __name__ == "__main__":
    main()
