"""`kb ingest`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table as RichTable

from core.config import CORPUS_DIR, data_dir
from core.records import PageCertainty
from ingest.pipeline import IngestResult, ingest_paths
from ingest.store import DocumentStore

console = Console()


def ingest(
    paths: list[Path] = typer.Argument(None, help="Files or folders (.pdf, .txt, .md). Default: the bundled corpus."),
    data: str | None = typer.Option(None, "--data", help="Data folder (default: $KB_DATA or ./data)."),
    force: bool = typer.Option(False, "--force", help="Re-ingest even unchanged documents."),
    summary: bool = typer.Option(False, "--summary", help="Print per-document counts after ingesting."),
    engine: str = typer.Option("local", "--engine", help="local (this process) or ray (a Ray Data pipeline)."),
    workers: int = typer.Option(2, "--workers", min=1, help="Ray workers (--engine ray)."),
    address: str | None = typer.Option(None, "--address", help="Ray cluster address (default: a local Ray)."),
) -> None:
    """Load documents, parse them into pages, sections, blocks, tables and facts."""
    store = DocumentStore(data_dir(data))
    targets = list(paths) if paths else [CORPUS_DIR]
    if engine != "local" or address:
        results = _ingest_ray(targets, store, force, engine, workers, address)
    else:
        results = _ingest_local(targets, store, force)
    failed = 0
    for r in results:
        # paths and messages are user text: escape them so "[2020]" is not read as markup; never wrap a message
        if r.status == "failed":
            failed += 1
            console.print(f"[red]error[/red] {escape(r.path)}: {escape(r.message)}", soft_wrap=True)
        elif r.status == "skipped":
            continue  # one line for them all, below: a folder of reports may hold many images
        else:
            console.print(f"{r.status:>9}  {r.doc_id}  [dim]{escape(r.path)}[/dim]", soft_wrap=True)
    skipped = [Path(r.path) for r in results if r.status == "skipped"]
    if skipped:
        kinds = ", ".join(sorted({p.suffix.lower() or "no extension" for p in skipped}))
        console.print(f"[yellow]skipped[/yellow] {len(skipped)} file(s) of other types ({escape(kinds)}; e.g. "
                      f"{escape(skipped[0].name)}): only .pdf, .txt and .md are read.", soft_wrap=True)
    if summary:
        print_summary(store, [r.doc_id for r in results if r.doc_id and r.status != "failed"])
    if failed:
        read = any(r.status in ("ingested", "unchanged") for r in results)
        rest = "the others were ingested" if read else "nothing was ingested"
        console.print(f"[red]{failed} file(s) failed[/red]; {rest}.")
        raise typer.Exit(1)


def _ingest_local(targets: list[Path], store: DocumentStore, force: bool) -> list[IngestResult]:
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}"),
                  console=console, transient=True) as progress:
        task = progress.add_task("ingesting", total=None)

        def step(name: str) -> None:
            progress.update(task, description=f"ingesting {name}", advance=1)

        return ingest_paths(targets, store, force=force, on_progress=step)


def _ingest_ray(targets: list[Path], store: DocumentStore, force: bool, engine: str, workers: int,
                address: str | None) -> list[IngestResult]:
    from core.extras import MissingExtraError
    from ingest.engines import check_engine

    try:
        check_engine(engine, address)
        from ingest.engines.ray_pipeline import ingest_paths_ray

        return ingest_paths_ray(targets, store, force=force, workers=workers, address=address)
    except (ValueError, MissingExtraError) as exc:
        console.print(f"[red]error[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


def summary_rows(store: DocumentStore, ids: list[str]) -> list[dict]:
    rows = []
    for doc_id in ids:
        doc = store.read(doc_id)
        cert = {c.value: 0 for c in PageCertainty}
        for b in doc.blocks:
            cert[b.page.certainty.value] += 1
        rows.append({
            "doc": doc_id,
            "style": doc.meta.format,
            "style_reason": doc.meta.format_reason or "",
            "lang": f"{doc.meta.lang}/{doc.meta.lang_detected or '?'}",
            "pages": len(doc.pages),
            "pages_exact": sum(p.certainty == PageCertainty.exact for p in doc.pages),
            "sections": len(doc.sections),
            "blocks": len(doc.blocks),
            "tables": len(doc.tables),
            "figures": len(doc.figures),
            "facts": len(doc.facts),
            "ocr_repairs": doc.ocr.changed if doc.ocr else 0,
            "blocks_by_page_certainty": cert,
        })
    return rows


def print_summary(store: DocumentStore, ids: list[str]) -> None:
    t = RichTable(title="Document store")
    cols = ["doc", "style", "lang", "pages", "pages_exact", "sections", "blocks", "tables", "figures", "facts",
            "ocr_repairs", "blocks: exact/est./range/unknown"]
    for c in cols:
        t.add_column(c)
    rows = summary_rows(store, ids)
    for r in rows:
        c = r["blocks_by_page_certainty"]
        t.add_row(*[str(r[k]) for k in cols[:-1]],
                  f"{c['exact']}/{c['estimated']}/{c['range']}/{c['unknown']}")
    # the table is wider than a default 80-column pipe; never truncate its figures
    wide = Console(width=max(console.width, 170))
    wide.print(t)
    for r in rows:
        wide.print(f"style of {escape(r['doc'])}: {escape(r['style'])} — {escape(r['style_reason'])}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
