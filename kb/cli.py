"""The `kb` command. Each stage registers its own subcommands."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="Knowledge base over IMDi reports: ingest, index, search, answer, serve, eval.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """Knowledge base over IMDi reports: ingest, index, search, answer, serve, eval."""


# Stages register in pipeline order; a stage whose module is not there yet is skipped.
for _module in ("ingest.commands", "index.commands", "index.answer_commands", "search_api.commands",
                "eval.commands"):
    try:
        importlib.import_module(_module).register(app)
    except ModuleNotFoundError as exc:
        if exc.name != _module:
            raise


def main() -> None:
    app()


if __name__ == "__main__":
    main()
