"""Build the search index of a data folder: chunks, BM25, FAISS, embedding cache, manifest.

The index is one directory (default `<data>/index`). A build writes a complete new
directory beside it and swaps it in by rename, so a crash at any point leaves the
old index usable. Embeddings are cached by chunk content hash and model fingerprint:
re-indexing reuses every vector whose text did not change.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from core.config import index_dir as default_index_dir
from core.errors import IndexCorruptError
from core.records import Chunk, Document, Fact
from embedders import Embedder, expected_fingerprint, get_embedder
from index.chunking import chunk_document, content_hash, embed_text
from index.offsets import TokenOffsets
from index.retrievers.dense import DenseIndex
from index.retrievers.keyword import KeywordIndex
from index.sentences import SentenceVectors
from index.settings import INDEX_FORMAT, IndexSettings, code_version
from ingest.store import DocumentStore
from text.tokenizer import NorwegianTokenizer

MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
EMBEDDINGS = "embeddings.json"
FACTS = "facts.jsonl"  # the documents' facts, so an index answers from its own documents (index/answer.py)
SOURCES = "sources"
EMBED_BATCH = 64
MODEL_MAX_TOKENS = 512  # e5-small reads this many tokens of a passage; the rest gets no vector

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class BuildReport:
    index_dir: Path
    unchanged: bool = False  # nothing to do: same documents, model and settings
    documents: int = 0
    chunks: int = 0
    embedded: int = 0  # chunks whose vectors were computed in this build
    sentences_embedded: int = 0  # sentences whose vectors were computed in this build
    reused: int = 0  # chunks whose vectors came from the cache
    embedded_by_doc: dict[str, int] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # doc id -> why it could not be read
    # chunks longer than the model reads: their tail is found by keyword search only (and said so, not silently)
    truncated: list[str] = field(default_factory=list)
    seconds: float = 0.0


# -- the directory swap ------------------------------------------------------------------------------


def _old_dir(out: Path) -> Path:
    return out.with_name(f".{out.name}.old")


def recover_interrupted_swap(out: Path) -> None:
    """A crash between the two renames leaves only `.index.old`: put it back."""
    old = _old_dir(out)
    if not out.exists() and old.exists() and (old / MANIFEST).exists():
        os.replace(old, out)


def _remove_stale_temps(out: Path) -> None:
    for p in out.parent.glob(f".{out.name}.tmp-*"):
        try:
            pid = int(p.name.split("-")[1])
            os.kill(pid, 0)
            continue  # another build is still writing it
        except (ValueError, IndexError, ProcessLookupError):
            shutil.rmtree(p, ignore_errors=True)
        except PermissionError:
            continue


def _swap_in(tmp: Path, out: Path) -> None:
    old = _old_dir(out)
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    for p in [*path.rglob("*"), path]:
        if p.is_file():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())


# -- reading what exists ------------------------------------------------------------------------------


def resolve_index_dir(path: Path) -> Path:
    """`path` may be the index folder itself or the data folder holding it."""
    path = Path(path)
    if (path / MANIFEST).exists() or (_old_dir(path) / MANIFEST).exists():
        return path
    return default_index_dir(path)


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(
            f"the index manifest {folder / MANIFEST} cannot be read ({exc}); run `kb index`") from exc


def load_embedding_cache(folder: Path, fingerprint: str) -> dict[str, np.ndarray]:
    """content hash -> vector, from an existing index built with the same model; empty otherwise."""
    try:
        meta = json.loads((folder / EMBEDDINGS).read_text(encoding="utf-8"))
        if meta.get("fingerprint") != fingerprint:
            return {}
        vectors = np.load(folder / "vectors.npy")
    except (OSError, ValueError):
        return {}
    hashes = meta.get("hashes", [])
    if len(hashes) != len(vectors):
        return {}
    return dict(zip(hashes, vectors, strict=True))


def load_truncated(folder: Path, fingerprint: str) -> set[str]:
    """Content hashes of chunk texts the model truncated, as recorded when they were embedded."""
    try:
        meta = json.loads((folder / EMBEDDINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return set(meta.get("truncated", [])) if meta.get("fingerprint") == fingerprint else set()


def over_limit(embedder: Embedder, texts: list[str]) -> list[bool]:
    """Which passages exceed what the model reads (False for an embedder without a tokenizer to ask)."""
    tok = getattr(embedder, "tokenizer", None)
    if tok is None:
        return [False] * len(texts)
    if callable(tok):  # a Hugging Face tokenizer (sentence-transformers): it counts without truncating
        return [len(tok("passage: " + t)["input_ids"]) > MODEL_MAX_TOKENS for t in texts]
    # a `tokenizers` tokenizer set to truncate (the ONNX backend): what it cut off is its overflow
    encodings = [tok.encode("passage: " + t) for t in texts]
    return [bool(e.overflowing) or len(e.ids) > MODEL_MAX_TOKENS for e in encodings]


def _doc_entry(doc: Document, n_chunks: int) -> dict:
    m = doc.meta
    return {"id": m.id, "title": m.title, "year": m.year, "doc_type": m.doc_type, "lang": m.lang,
            "source_file": m.source_file, "format": m.format, "sha256": m.sha256,
            "ingest_version": m.ingest_version, "chunks": n_chunks}


def _doc_key(entry: dict) -> tuple:
    return entry["id"], entry["sha256"], entry["ingest_version"]


# -- the build -----------------------------------------------------------------------------------------


def chunk_store(store: DocumentStore, settings: IndexSettings, report: BuildReport,
                progress: Progress | None = None) -> tuple[list[Document], dict[str, str], list[Chunk]]:
    docs: list[Document] = []
    sources: dict[str, str] = {}
    chunks: list[Chunk] = []
    ids = store.ids()
    for i, doc_id in enumerate(ids):
        try:
            doc = store.read(doc_id)
            source = store.source(doc_id)
        except (OSError, ValueError, KeyError, ValidationError) as exc:
            report.failed[doc_id] = f"cannot read the stored document ({type(exc).__name__}: {exc})"[:300]
            continue
        docs.append(doc)
        sources[doc_id] = source
        chunks.extend(chunk_document(doc, source, settings.chunking))
        if progress:
            progress("chunking", i + 1, len(ids))
    return docs, sources, chunks


def build_index(
    data: Path,
    index_dir: Path | None = None,
    settings: IndexSettings | None = None,
    embedder: Embedder | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """(Re)build the index of the documents in `data`; only new chunk texts are embedded."""
    t0 = time.perf_counter()
    settings = settings or IndexSettings()
    data = Path(data)
    out = Path(index_dir) if index_dir else default_index_dir(data)
    report = BuildReport(index_dir=out)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted_swap(out)
    _remove_stale_temps(out)

    fingerprint = embedder.fingerprint if embedder is not None else expected_fingerprint(
        settings.model, settings.backend, settings.quantize)
    model_name = embedder.name if embedder is not None else settings.model
    old = read_manifest(out) if out.exists() else None

    store = DocumentStore(data)
    docs, sources, chunks = chunk_store(store, settings, report, progress)
    if not docs:
        why = f" ({len(report.failed)} could not be read)" if report.failed else ""
        raise ValueError(f"no ingested documents in {data}{why}; run `kb ingest` first")
    per_doc = Counter(c.doc_id for c in chunks)
    doc_entries = [_doc_entry(d, per_doc[d.meta.id]) for d in docs]
    report.documents, report.chunks = len(docs), len(chunks)

    old_docs = {e["id"]: e for e in (old or {}).get("documents", [])}
    new_docs = {e["id"]: e for e in doc_entries}
    report.added = sorted(set(new_docs) - set(old_docs))
    report.removed = sorted(set(old_docs) - set(new_docs))
    report.changed = sorted(d for d in set(new_docs) & set(old_docs) if _doc_key(new_docs[d]) != _doc_key(old_docs[d]))
    if (not force and old is not None and old.get("format") == INDEX_FORMAT
            and old.get("code_version") == code_version()
            and old.get("model", {}).get("fingerprint") == fingerprint
            and old.get("settings") == settings.as_dict()
            and sorted(map(_doc_key, old_docs.values())) == sorted(map(_doc_key, doc_entries))):
        report.unchanged = True
        report.reused = report.chunks
        report.seconds = time.perf_counter() - t0
        return report

    # embeddings: the cache first, the model only for what is new
    cache = load_embedding_cache(out, fingerprint) if out.exists() else {}
    truncated = load_truncated(out, fingerprint) if out.exists() else set()
    hashes = [content_hash(embed_text(c)) for c in chunks]
    missing = list(dict.fromkeys(h for h in hashes if h not in cache))
    fresh = set(missing)
    texts = {h: embed_text(c) for h, c in zip(hashes, chunks, strict=True) if h in fresh}

    def model() -> Embedder:
        """The embedder, loaded on first need (nothing new to embed: never) and checked against the manifest's."""
        nonlocal embedder
        if embedder is None:
            embedder = get_embedder(settings.model, settings.backend, settings.quantize)
            if embedder.fingerprint != fingerprint:
                raise RuntimeError(f"embedder fingerprint {embedder.fingerprint} != expected {fingerprint}")
        return embedder

    if missing:
        # longest first in one pass: batches of similar length pad little
        order = sorted(missing, key=lambda h: -len(texts[h]))
        for i in range(0, len(order), EMBED_BATCH):
            batch = order[i:i + EMBED_BATCH]
            vecs = model().embed_passages([texts[h] for h in batch])
            truncated.update(h for h, over in zip(batch, over_limit(model(), [texts[h] for h in batch]),
                                                  strict=True) if over)
            cache.update(zip(batch, vecs, strict=True))
            if progress:
                progress("embedding", min(i + EMBED_BATCH, len(order)), len(order))
    report.embedded = len(fresh)
    report.reused = sum(1 for h in hashes if h not in fresh)
    counted: set[str] = set()  # a text repeated across chunks is embedded once: count it once
    for h, c in zip(hashes, chunks, strict=True):
        if h in fresh and h not in counted:
            counted.add(h)
            report.embedded_by_doc[c.doc_id] = report.embedded_by_doc.get(c.doc_id, 0) + 1
    dim = embedder.dim if embedder is not None else (len(next(iter(cache.values()))) if cache else 0)
    vectors = np.stack([cache[h] for h in hashes]).astype(np.float32) if hashes else np.zeros((0, dim), np.float32)
    sentences = None
    if settings.sentences:
        known = SentenceVectors.load_cache(out, fingerprint) if out.exists() else {}
        sentences, report.sentences_embedded = SentenceVectors.build(
            chunks, lambda batch: model().embed_passages(batch), fingerprint, known, progress)

    if progress:
        progress("indexing", 0, 1)
    tokenizer = NorwegianTokenizer(settings.tokenizer)
    offsets, keyword = index_texts(chunks, tokenizer, settings.bm25_k1, settings.bm25_b)
    dense = DenseIndex(vectors, settings.dense)
    if progress:
        progress("indexing", 1, 1)

    manifest = {
        "format": INDEX_FORMAT,
        "code_version": code_version(),
        "model": {"name": model_name, "backend": settings.backend, "quantize": settings.quantize,
                  "fingerprint": fingerprint,
                  "dim": int(vectors.shape[1]) if vectors.ndim == 2 else dim},
        "settings": settings.as_dict(),
        "documents": doc_entries,
        "counts": {"documents": len(docs), "chunks": len(chunks), "vectors": int(len(vectors)),
                   "sentence_vectors": len(sentences) if sentences is not None else 0,
                   "vocabulary": len(getattr(keyword.bm25, "vocab_dict", {}) or {}),
                   "chunks_by_kind": dict(Counter(k for c in chunks for k in c.kinds))},
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - t0, 2),
        "last_build": {"embedded": report.embedded, "reused": report.reused,
                       "sentences_embedded": report.sentences_embedded, "added": report.added,
                       "changed": report.changed, "removed": report.removed, "failed": report.failed},
    }
    facts = [f for d in docs for f in d.facts]
    manifest["counts"]["facts"] = len(facts)
    truncated &= set(hashes)
    report.truncated = [c.id for h, c in zip(hashes, chunks, strict=True) if h in truncated]
    manifest["counts"]["truncated_chunks"] = len(report.truncated)
    manifest["truncated_chunks"] = report.truncated
    write_index(out, manifest, chunks, hashes, keyword, dense, offsets, sources, facts, truncated, sentences)
    report.seconds = time.perf_counter() - t0
    return report


def index_texts(chunks: list[Chunk], tokenizer: NorwegianTokenizer, k1: float = 1.2,
                b: float = 0.85) -> tuple[TokenOffsets, KeywordIndex]:
    """Tokenize each chunk once: offsets of its readable text (for highlighting) and the tokens of its
    index text (section path + text + raw OCR) for BM25."""
    offsets, text_tokens = TokenOffsets.build([c.text for c in chunks], tokenizer)
    corpus = []
    for c, toks in zip(chunks, text_tokens, strict=True):
        pos = c.index_text.find(c.text)
        if pos < 0:
            corpus.append(tokenizer.tokens(c.index_text))
        else:
            corpus.append(tokenizer.tokens(c.index_text[:pos]) + toks
                          + tokenizer.tokens(c.index_text[pos + len(c.text):]))
    return offsets, KeywordIndex.from_tokens(corpus, tokenizer, k1, b)


def write_index(out: Path, manifest: dict, chunks: list[Chunk], hashes: list[str], keyword: KeywordIndex,
                dense: DenseIndex, offsets: TokenOffsets, sources: dict[str, str], facts: list[Fact],
                truncated: set[str] | None = None, sentences: SentenceVectors | None = None) -> None:
    """Everything into a fresh directory beside `out`, the manifest last, then swap it in."""
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.tmp-{os.getpid()}-"))
    try:
        with (tmp / CHUNKS).open("w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(c.model_dump_json() + "\n")
        with (tmp / FACTS).open("w", encoding="utf-8") as fh:
            for f in facts:
                fh.write(f.model_dump_json() + "\n")
        (tmp / EMBEDDINGS).write_text(json.dumps({"fingerprint": manifest["model"]["fingerprint"],
                                                  "hashes": hashes, "truncated": sorted(truncated or ())}),
                                      encoding="utf-8")
        dense.save(tmp)
        if sentences is not None:
            sentences.save(tmp)
        keyword.save(tmp)
        offsets.save(tmp)
        (tmp / SOURCES).mkdir()
        for doc_id, text in sources.items():
            (tmp / SOURCES / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _fsync_dir(tmp)
        os.chmod(tmp, 0o755)
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
