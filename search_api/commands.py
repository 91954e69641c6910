"""`kb serve`: the HTTP API and the staff page."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import typer

from core.config import data_dir


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 exposes it to the network)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    data: str | None = typer.Option(None, "--data", help="Data folder (default: $KB_DATA or ./data)."),
    index: Path | None = typer.Option(None, "--index", help="Index folder (default: <data>/index)."),
    log_level: str = typer.Option("info", "--log-level", help="debug, info, warning or error."),
    store: str = typer.Option("local", "--store", help="local (the index folder) or milvus (the index at --uri)."),
    uri: str | None = typer.Option(None, "--uri", help="Milvus: a file (Milvus Lite) or http://host:19530."),
    collection: str = typer.Option("kb", "--collection", help="Milvus collection prefix."),
    milvus_fusion: str | None = typer.Option(None, "--milvus-fusion", help="Milvus: keyword and semantic fused by "
                                             "Milvus' hybrid search and ranker (native, the default) or here (local)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Server processes; each loads the index and embeds with its share of the cores."),
    catalog_cache: int = typer.Option(64, "--catalog-cache", min=1, max=100_000,
                                      help="Full documents (and source texts) each process keeps after reading one."),
) -> None:
    """Serve search, answers, facts and documents over HTTP, and the staff page at /."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from search_api.workers import APP, listening_socket, serve_workers, spread_supported

    def cannot_listen(exc: OSError) -> typer.Exit:
        typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        return typer.Exit(2)

    try:  # a taken port or an unknown host is refused at once, before the slow imports and the index load
        listening_socket(host, port).close()
    except OSError as exc:
        raise cannot_listen(exc) from None
    import uvicorn

    from index.stores import DEFAULT_FUSION, check_store
    from search_api.app import create_app
    from search_api.config import CONFIG_ENV, ServerConfig

    try:
        check_store(store, uri, milvus_fusion)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # several processes share the cores: each embeds with its share of threads, so they do not oversubscribe
    share = max(1, (os.cpu_count() or 1) // workers)
    if workers > 1:
        os.environ.setdefault("OMP_NUM_THREADS", str(share))
    config = ServerConfig(data=data_dir(data), index=index, store=store, uri=uri, collection=collection,
                          milvus_fusion=milvus_fusion or DEFAULT_FUSION, catalog_cache=catalog_cache,
                          cpu_slots=share if workers > 1 else ServerConfig.cpu_slots)
    where = f"Milvus {uri} ({collection}, {config.milvus_fusion} fusion)" if store == "milvus" \
        else str(config.index_path())
    typer.echo(f"serving {config.data} (index {where}) on http://{host}:{port}/"
               + (f" with {workers} worker processes" if workers > 1 else ""), err=True)
    run = {"host": host, "port": port, "log_level": log_level.lower(), "timeout_graceful_shutdown": 10}
    if workers == 1:
        uvicorn.run(create_app(config), **run)
        return
    os.environ[CONFIG_ENV] = config.to_env()  # each worker builds its app from it
    if not spread_supported():  # Windows: uvicorn's own workers, which do not balance their connections
        uvicorn.run(APP, factory=True, workers=workers, **run)
        return
    try:
        code = serve_workers(workers, host, port, log_level.lower(), run["timeout_graceful_shutdown"])
    except OSError as exc:
        raise cannot_listen(exc) from None
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
