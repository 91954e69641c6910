"""Markdown report and plots of an evaluation run."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def pyplot():
    """matplotlib's pyplot, headless (no display on servers or CI), imported at the first plot: every `kb` command
    reads this module, and most draw nothing."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


METRIC_COLS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
MODE_LABELS = {
    "hybrid": "index: hybrid",
    "keyword": "index: keyword",
    "semantic": "index: semantic",
    "bm25-window": "baseline: BM25 over 150-word windows",
}


def _f(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _ms(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_f(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def mode_rows(report: dict[str, Any], long_labels: bool = True) -> list[list[Any]]:
    rows = []
    for name, m in report["modes"].items():
        lat = m.get("latency_ms") or {}
        label = MODE_LABELS.get(name, name) if long_labels else name
        rows.append([label, m["n"], *(m[c] for c in METRIC_COLS), lat.get("p50"), lat.get("p95")])
    return rows


def breakdown_table(groups: dict[str, dict[str, Any]]) -> str:
    return _table(["group", "n", *METRIC_COLS], [[g, v["n"], *(v[c] for c in METRIC_COLS)] for g, v in groups.items()])


def plot_recall_at_k(report: dict[str, Any], path: Path) -> Path:
    """Recall@1..k, one line per mode."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for name, m in report["modes"].items():
        curve = m.get("recall_curve") or []
        if curve:
            ax.plot(range(1, len(curve) + 1), curve, marker="o", label=MODE_LABELS.get(name, name))
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"Recall@k ({report['n']} questions)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_by_kind(report: dict[str, Any], path: Path) -> Path:
    """Recall@5 per question kind, one bar group per kind, one bar per mode."""
    plt = pyplot()
    modes = list(report["modes"])
    kinds = sorted({k for m in report["modes"].values() for k in m["by_kind"]})
    fig, ax = plt.subplots(figsize=(7, 4))
    width = 0.8 / max(1, len(modes))
    for i, name in enumerate(modes):
        vals = [report["modes"][name]["by_kind"].get(k, {}).get("recall@5", 0) for k in kinds]
        ax.bar([x + i * width for x in range(len(kinds))], vals, width, label=MODE_LABELS.get(name, name))
    ax.set_xticks([x + width * (len(modes) - 1) / 2 for x in range(len(kinds))], kinds)
    ax.set_ylabel("recall@5")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def render_markdown(report: dict[str, Any], top_mode: str, question_file: str = "",
                    images: dict[str, str] | None = None, max_misses: int = 40) -> str:
    out = [f"# Evaluation: {question_file or 'questions'}", ""]
    lat = report["latency_ms"]
    out.append(f"{report['n']} questions; top-level figures for **{MODE_LABELS.get(top_mode, top_mode)}**. "
               "A hit is relevant when its source span covers at least half of the question's support "
               "passage; nDCG@10 counts the first relevant hit against an ideal of one at rank 1.")
    rows = [[*r[:-2], *(_ms(v) for v in r[-2:])] for r in mode_rows(report)]
    out += ["", "## Retrieval by mode", "", _table(["mode", "n", *METRIC_COLS, "p50 ms", "p95 ms"], rows), ""]
    if images and "recall" in images:
        out += [f"![recall@k]({images['recall']})", ""]
    out += ["## Answers", ""]
    if report["answer_accuracy"] is None:
        out += ["Answers were not evaluated (run with `--answers`).", ""]
    else:
        out += [f"- answer accuracy: {_f(report['answer_accuracy'])}",
                f"- citation accuracy (cites the gold document): {_f(report['citation_accuracy'])}", ""]
        by_type = report.get("answer_accuracy_by_type") or {}
        if by_type:
            rows = [[t, v["n"], v["answer_accuracy"]] for t, v in by_type.items()]
            out += ["Only the short answer is scored (the value(s), name(s) or list items; at most 12 words unless "
                    "a list; a reason by its first sentence).", "",
                    _table(["answer type", "n", "answer accuracy"], rows), ""]
        settings = report.get("answer_settings")
        if settings:
            out += ["Answer settings: " + ", ".join(f"`{k}={v}`" for k, v in settings.items()), ""]
    out += [f"Latency of the top mode: p50 {_ms(lat.get('p50'))} ms, p95 {_ms(lat.get('p95'))} ms.", ""]
    for title, key in (("By kind", "by_kind"), ("By language", "by_lang"), ("By document", "by_doc")):
        out += [f"## {title} ({top_mode})", "", breakdown_table(report[key]), ""]
    if images and "kind" in images:
        out += [f"![recall@5 by kind]({images['kind']})", ""]
    misses = report["misses"]
    out += [f"## Misses ({top_mode}): {len(misses)} without a relevant hit in the top k", ""]
    for m in misses[:max_misses]:
        got = "; ".join(f"#{h['rank']} {h['doc']} {h['page']}: {h['text'][:70]!r}" for h in m["retrieved"])
        detail = m.get("message") or got or "nothing retrieved"
        out.append(f"- `{m['id']}` (line {m['line']}, {m['reason']}) {m['question']!r} → {detail}")
    if len(misses) > max_misses:
        out.append(f"- … and {len(misses) - max_misses} more (see the JSON output)")
    return "\n".join(out) + "\n"


def write_report(report: dict[str, Any], path: Path, top_mode: str, question_file: str = "") -> list[Path]:
    """Write the Markdown report and its PNG plots next to it; returns the files written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    recall_png = plot_recall_at_k(report, path.parent / "recall_at_k.png")
    kind_png = plot_by_kind(report, path.parent / "recall_by_kind.png")
    md = render_markdown(report, top_mode, question_file, {"recall": recall_png.name, "kind": kind_png.name})
    path.write_text(md, encoding="utf-8")
    return [path, recall_png, kind_png]
