"""`kb eval`: score a question file against the index (and baselines), print, write JSON/Markdown."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table as RichTable

from core.records import SearchMode
from eval.harness import SourceDoc, evaluate, sources_from_store
from eval.questions_format import QuestionFileError, load_questions
from eval.report import METRIC_COLS, MODE_LABELS, mode_rows, write_report

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # paths and ids must stay whole and greppable

INDEX_MODES = tuple(m.value for m in (SearchMode.hybrid, SearchMode.keyword, SearchMode.semantic))
BASELINE = "bm25-window"
MODE_CHOICES = (*INDEX_MODES, "all", BASELINE)


class EvalSetupError(Exception):
    """Something the run needs is missing; reported as a clear message with exit code 2."""


def open_searcher(data: Path) -> Any:
    """The real index of a data folder (patched in tests)."""
    try:
        from index.search import open_index
    except ModuleNotFoundError as exc:
        raise EvalSetupError(f"the search index module is not available ({exc.name})") from exc
    try:
        return open_index(data)
    except Exception as exc:  # noqa: BLE001 - any failure to open is a setup problem for the user
        hint = "" if "kb index" in str(exc) else f" (run `kb index --data {data}`)"
        raise EvalSetupError(f"cannot open the index in {data}: {exc}{hint}") from exc


def open_answerer(idx: Any) -> Any | None:
    """`question -> Answer` using the answer module, or None when it is not there yet."""
    try:
        from answer.compose import answer
    except ModuleNotFoundError:
        return None
    return lambda q: answer(q, index=idx)


def answer_settings() -> dict[str, Any] | None:
    """The answer stage's settings and ranker, recorded beside the figures they produced."""
    try:
        from answer.ranker import load_ranker
        from answer.settings import AnswerSettings
    except ModuleNotFoundError:
        return None
    ranker = load_ranker()
    return {**AnswerSettings().model_dump(), "ranker": ranker.fitted, "threshold": ranker.threshold}


class FreshIndex:
    """The index of one mode, opened on its first search and released after the mode's run.

    Each mode gets its own copy so that none profits from another's cached query vectors:
    the latency of a mode is what a user of that mode would see.
    """

    def __init__(self, opener: Callable[[], Any], first: Any | None = None):
        self._open = opener
        self._idx = first

    def search(self, question: str, k: int = 10, mode: str = "hybrid", filters: Any = None) -> list[Any]:
        if self._idx is None:
            self._idx = self._open()
        return self._idx.search(question, k=k, mode=mode, filters=filters)

    def release(self) -> None:
        self._idx = None

    def settings_record(self) -> dict[str, Any] | None:
        """The settings of the index, when it is open (the first mode's is opened before any search)."""
        record = getattr(self._idx, "settings_record", None)
        return record() if callable(record) else None


def build_searchers(mode: str, data: Path, docs: list[SourceDoc]) -> dict[str, tuple[Any, str]]:
    from eval.baseline import WindowBM25

    if mode == BASELINE:
        return {BASELINE: (WindowBM25.from_sources(docs), BASELINE)}
    first = open_searcher(data)  # fails early, before any question is asked, when there is no index
    if mode != "all":
        return {mode: (first, mode)}
    opener = lambda: open_searcher(data)  # noqa: E731
    return {
        "hybrid": (FreshIndex(opener, first), "hybrid"),
        "keyword": (FreshIndex(opener), "keyword"),
        "semantic": (FreshIndex(opener), "semantic"),
        BASELINE: (WindowBM25.from_sources(docs), BASELINE),
    }


def print_summary(report: dict[str, Any], top_mode: str, n_errors: int) -> None:
    t = RichTable(title=f"Retrieval, {report['n']} questions", show_lines=False)
    for col in ("mode", "n", *METRIC_COLS, "p50 ms", "p95 ms"):
        t.add_column(col, justify="left" if col == "mode" else "right")
    for row in mode_rows(report, long_labels=False):
        *figs, p50, p95 = row
        t.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in figs),
                  *("–" if v is None else f"{v:.1f}" for v in (p50, p95)))
    console.print(t)
    kinds = RichTable(title=f"By kind ({MODE_LABELS.get(top_mode, top_mode)})")
    for col in ("kind", "n", "recall@1", "recall@5", "mrr@10"):
        kinds.add_column(col, justify="left" if col == "kind" else "right")
    for name, v in report["by_kind"].items():
        kinds.add_row(name, str(v["n"]), f"{v['recall@1']:.3f}", f"{v['recall@5']:.3f}", f"{v['mrr@10']:.3f}")
    console.print(kinds)
    if report["answer_accuracy"] is not None:
        console.print(f"answer accuracy {report['answer_accuracy']:.3f}   "
                      f"citation accuracy {report['citation_accuracy']:.3f}")
        by_type = report.get("answer_accuracy_by_type") or {}
        console.print("by answer type: " + ", ".join(f"{t} {v['answer_accuracy']:.3f} (n={v['n']})"
                                                     for t, v in by_type.items()))
    console.print(f"{len(report['misses'])} miss(es) in the top k ({top_mode})"
                  + (f", of which {n_errors} invalid or unlocatable line(s)" if n_errors else ""))


def eval_command(
    questions: Path = typer.Argument(..., help="Question file (JSON Lines)."),
    data: str | None = typer.Option(None, "--data", help="Data folder (default: $KB_DATA or ./data)."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid | keyword | semantic | all (adds the baseline)."),
    k: int = typer.Option(10, "--k", min=1, help="Hits retrieved per question."),
    answers: bool = typer.Option(False, "--answers", help="Also score the answer module."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the figures as JSON here."),
    report_out: Path | None = typer.Option(None, "--report", help="Write a Markdown report (+ PNG plots) here."),
    min_recall5: float | None = typer.Option(None, "--min-recall5", help="Exit 1 when recall@5 is below this."),
) -> None:
    """Evaluate retrieval (and answers) on a question file with gold support passages."""
    from core.config import data_dir

    if mode not in MODE_CHOICES:
        err_console.print(f"[red]error[/red] unknown --mode {mode!r}; choose one of {', '.join(MODE_CHOICES)}")
        raise typer.Exit(2)
    data_path = data_dir(data)
    try:
        qf = load_questions(questions)
        docs = sources_from_store(data_path)
        if not docs:
            raise EvalSetupError(f"no ingested documents in {data_path} (run `kb ingest --data {data_path}`)")
        searchers = build_searchers(mode, data_path, docs)
    except (QuestionFileError, EvalSetupError) as exc:
        err_console.print(f"[red]error[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    for e in qf.errors:
        err_console.print(f"[yellow]invalid[/yellow] {escape(f'{questions}:{e.line} ({e.id}): {e.message}')}"
                          " — counted as a miss")

    answer_fn = None
    if answers:
        answer_fn = open_answerer(open_searcher(data_path)) if mode != BASELINE else None
        if answer_fn is None:
            err_console.print("[yellow]note[/yellow] the answer module is not available: answer_accuracy is null")

    top_mode = "hybrid" if mode == "all" else mode
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=err_console, transient=True) as progress:
        task = progress.add_task("evaluating", total=qf.n * len(searchers))
        report, results = evaluate(qf, docs, searchers, k=k, top_mode=top_mode, answer_fn=answer_fn,
                                   on_progress=lambda: progress.advance(task),
                                   answer_settings=answer_settings() if answer_fn else None)
    for r in results[top_mode]:
        if r.status == "no_support":
            err_console.print(f"[yellow]unlocated[/yellow] {escape(f'{questions}:{r.line} ({r.id}): {r.message}')}"
                              " — counted as a miss")
        elif r.status == "error":
            err_console.print(f"[yellow]error[/yellow] {escape(f'{r.id}: {r.message}')}")

    print_summary(report, top_mode, sum(r.status in ("invalid", "no_support") for r in results[top_mode]))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        console.print(f"wrote {json_out}")
    if report_out:
        written = write_report(report, report_out, top_mode, str(questions))
        console.print("wrote " + ", ".join(str(p) for p in written))
    if min_recall5 is not None and report["recall@5"] < min_recall5:
        err_console.print(f"[red]recall@5 {report['recall@5']:.3f} is below the required {min_recall5}[/red]")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
