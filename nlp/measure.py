"""Rules alone vs rules + trained NER: `python -m nlp.measure` prints gold P/R and speed as Markdown.

Gold: eval/ner_gold.jsonl (eval.facts_eval.evaluate_ner). Speed: words per CPU second of the whole entity
pipeline over the bundled corpus's paragraphs, per written standard (one thread; CPU time, so that a busy
shared machine does not change the figure).
"""

from __future__ import annotations

import time

from core.config import CORPUS_DIR
from eval.facts_eval import evaluate_ner
from ingest.enrich.ner import get_nlp
from ingest.manifest import load_manifest
from nlp.timing import best_pass_seconds


def corpus_paragraphs() -> dict[str, list[str]]:
    """Paragraphs of the bundled corpus grouped by the document's written standard."""
    out: dict[str, list[str]] = {"nb": [], "nn": []}
    for entry in load_manifest():
        text = (CORPUS_DIR / entry.source).read_text(encoding="utf-8")
        lang = entry.lang if entry.lang in out else "nb"
        out[lang] += [p for p in text.split("\n\n") if p.strip()]
    return out


def speed(lang: str, texts: list[str], model: bool, repeat: int = 1) -> tuple[int, float]:
    """(words, words per CPU second) of the entity pipeline over `texts`."""
    nlp = get_nlp(lang, model)
    words = sum(len(d) for d in nlp.tokenizer.pipe(texts))
    list(nlp.pipe(texts[:50]))  # warm up: loading and first allocations are not throughput
    # CPU time: on a shared machine wall time measures the neighbours
    return words, words / best_pass_seconds(nlp, texts, repeat, batch_size=64, clock=time.process_time)


def main() -> None:
    print("| entities | gold | predicted | correct | precision | recall |")
    print("|---|---|---|---|---|---|")
    results = {}
    for model in (False, True):
        r = evaluate_ner(model=model)
        results[model] = r
        m = r["micro"]
        name = "rules + model" if model else "rules only"
        print(f"| {name} | {m['gold']} | {m['predicted']} | {m['correct']} | {m['precision']:.3f} "
              f"| {m['recall']:.3f} |")
    print("\n| label | rules P | rules R | rules + model P | rules + model R |")
    print("|---|---|---|---|---|")
    labels = sorted(set(results[False]["labels"]) | set(results[True]["labels"]))
    for label in labels:
        cells = []
        for model in (False, True):
            c = results[model]["labels"].get(label, {})
            cells += [_fmt(c.get("precision")), _fmt(c.get("recall"))]
        print(f"| {label} | " + " | ".join(cells) + " |")
    changed = _diff(results[False]["errors"], results[True]["errors"])
    print("\nchanges with the model: " + "; ".join(changed))
    print("\n| pipeline | standard | words | words per CPU second |")
    print("|---|---|---|---|")
    for lang, texts in corpus_paragraphs().items():
        for model in (False, True):
            words, wps = speed(lang, texts, model)
            print(f"| {'rules + model' if model else 'rules only'} | {lang} | {words} | {wps:,.0f} |")


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def _diff(before: list[dict], after: list[dict]) -> list[str]:
    """Errors fixed and errors introduced by the model, as `+spurious`/`-missed` notes."""
    b = {(e["text"], e["label"], e["kind"]) for e in before}
    a = {(e["text"], e["label"], e["kind"]) for e in after}
    return [f"fixed {k} {t!r} {lab}" for t, lab, k in sorted(b - a)] + [
        f"new {k} {t!r} {lab}" for t, lab, k in sorted(a - b)]


if __name__ == "__main__":
    main()
