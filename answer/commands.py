"""`kb answer`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from core.config import data_dir
from core.errors import IndexError_ as KbIndexError

console = Console(highlight=False)


def answer_command(
    question: str = typer.Argument(..., help="A question in Bokmål, Nynorsk or English."),
    data: str | None = typer.Option(None, "--data", help="Data folder (default: $KB_DATA or ./data)."),
    passages: int = typer.Option(3, "--passages", min=0, max=20, help="Supporting passages to show."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer object as JSON."),
) -> None:
    """Answer a question with a value and its source, or the best passage."""
    # imported here: `kb` reads every stage's commands at start, and the other commands need neither
    from answer.compose import answer, answer_json
    from index.search import open_index

    try:
        idx = open_index(data_dir(data))
        a = answer(question, idx, k_passages=max(passages, 1))
    except (KbIndexError, ValueError) as exc:
        console.print(f"[red]error[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if as_json:
        print(answer_json(a))
        return
    if not a.found:
        console.print(f"[yellow]{escape(a.text)}[/yellow]")
    else:
        kind = a.answer_type.value + (f" ({a.item_type.value})" if a.item_type else "")
        if a.answer_type.value in ("list", "numbers") and len(a.values) > 1:
            console.print(f"[dim]{kind}[/dim]  (sikkerhet {a.confidence:.2f})")
            for v in a.values:  # each value with its own source
                label = f" [{escape(v.label)}]" if v.label and a.answer_type.value == "numbers" else ""
                console.print(f"  • [bold green]{escape(v.text)}[/bold green]{label} — {escape(v.citation.title)}, "
                              f"{v.citation.page_label} [{v.citation.span.start}:{v.citation.span.end}]")
        elif a.short_answer and a.answer_type.value != "reason":
            console.print(f"[bold green]{escape(a.short_answer)}[/bold green]  [dim]{kind}[/dim]  "
                          f"(sikkerhet {a.confidence:.2f})")
        else:
            console.print(f"[dim]{kind}[/dim]  (sikkerhet {a.confidence:.2f})")
        console.print(escape(a.text))
        if a.citation:
            c = a.citation
            where = " › ".join(c.section_path[-2:])
            cell = f", rad {c.row}, kolonne «{c.column}»" if c.row is not None and c.column else ""
            console.print(f"[dim]Kilde: {escape(c.title)}, {c.page_label}, {escape(where)}{escape(cell)} "
                          f"({escape(c.source_file)} [{c.span.start}:{c.span.end}])[/dim]")
    if a.disagreement:
        console.print(f"[magenta]{escape(a.disagreement)}[/magenta]")
    for alt in a.alternatives:
        qual = escape(alt.qualifier or "")
        console.print(f"  · {alt.relation}: {escape(alt.value_text)} ({alt.year or '–'}, {qual}) "
                      f"— {escape(alt.citation.title)}, {alt.citation.page_label}")
    for h in a.passages[:passages]:
        console.print(f"[cyan]{h.rank}.[/cyan] {escape(h.citation.title)}, {h.citation.page_label}: "
                      f"{escape(h.snippet[:200])}")


def register(app: typer.Typer) -> None:
    app.command("answer")(answer_command)
