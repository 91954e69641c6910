"""The `kb` command. Each stage registers its own subcommands."""

from __future__ import annotations

import typer

from answer import commands as answer_commands
from eval import commands as eval_commands
from index import commands as index_commands
from ingest import commands as ingest_commands
from kb import models as model_commands
from search_api import commands as api_commands

app = typer.Typer(
    help="Knowledge base over IMDi reports: ingest, index, search, answer, serve, eval.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Knowledge base over IMDi reports: ingest, index, search, answer, serve, eval."""


for _stage in (model_commands, ingest_commands, index_commands, answer_commands, api_commands, eval_commands):
    _stage.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
