"""Precision of the OCR repair, from a hand-checked sample of changed words.

    python -m eval.ocr_precision            # precision from eval/ocr_repair_sample.jsonl
    python -m eval.ocr_precision --sample   # draw a new sample (fixed seed) to be checked by hand
    python -m eval.ocr_precision --sample 120 --seed 1313 --version v5
    python -m eval.ocr_precision --real-words 60 --seed 1313   # changes to tokens that are words themselves

Each line of the sample holds one change the repair made (offsets into the
2024 report, raw and repaired word, context) and, once checked by a person,
`"correct": true/false` with a short note for the wrong ones. Entries keep
their judgement when a new sample is drawn over the same changes.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from core.config import CORPUS_DIR
from ingest.formats.ocr import context
from ingest.formats.ocr.repair import Repair, repair_text, stats

SAMPLE = Path(__file__).resolve().parent / "ocr_repair_sample.jsonl"
SOURCE = CORPUS_DIR / "imdi-arsrapport-2024-ocr.txt"
SEED = 2024
REAL_SAMPLE = Path(__file__).resolve().parent / "ocr_realword_sample.jsonl"


def load(path: Path = SAMPLE) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def draw(text: str, repairs: list[Repair], n: int, seed: int = SEED, version: str = "v1") -> list[dict]:
    """`n` changes chosen at random over the whole document, in document order."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(len(repairs)), min(n, len(repairs))))
    out = []
    for i in chosen:
        r = repairs[i]
        out.append({
            "version": version,
            "start": r.start,
            "end": r.end,
            "raw": r.raw,
            "fixed": r.fixed,
            "context": text[max(0, r.start - 60):r.end + 60].replace("\n", " "),
        })
    return out


def real_word_changes(repairs: list[Repair]) -> list[Repair]:
    """Changes to a token that is itself a word the OCR also makes of an æ/ø/å word (`far` -> `får`)."""
    pairs = context.model().pairs
    return [r for r in repairs if r.raw.lower() in pairs]


def precision(entries: list[dict]) -> tuple[int, int]:
    """(correct, judged) over the entries that carry a judgement."""
    judged = [e for e in entries if isinstance(e.get("correct"), bool)]
    return sum(e["correct"] for e in judged), len(judged)


def stale(entries: list[dict], repairs: list[Repair]) -> list[dict]:
    """Sampled changes the current repair no longer makes (the figure would then be out of date)."""
    made = {(r.start, r.end, r.raw, r.fixed) for r in repairs}
    return [e for e in entries if (e["start"], e["end"], e["raw"], e["fixed"]) not in made]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, nargs="?", const=120, help="draw a new sample of N changes")
    ap.add_argument("--version", default="v1")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--real-words", type=int, nargs="?", const=60,
                    help="draw N real-word changes (all of them when there are fewer) into ocr_realword_sample.jsonl")
    args = ap.parse_args(argv)
    text = SOURCE.read_text(encoding="utf-8")
    _, repairs = repair_text(text)
    st = stats(text, repairs)
    if args.real_words:
        real = real_word_changes(repairs)
        new = draw(text, real, args.real_words, seed=args.seed, version=args.version)
        REAL_SAMPLE.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in new), encoding="utf-8")
        print(f"{len(real)} real-word changes; wrote {len(new)} to {REAL_SAMPLE}; check each by hand")
        return 0
    if args.sample:
        old = {(e["start"], e["raw"], e["fixed"]): e for e in load()}
        new = draw(text, repairs, args.sample, seed=args.seed, version=args.version)
        for e in new:
            prev = old.get((e["start"], e["raw"], e["fixed"]))
            if prev and "correct" in prev:
                e["correct"] = prev["correct"]
                if prev.get("note"):
                    e["note"] = prev["note"]
        SAMPLE.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in new), encoding="utf-8")
        print(f"wrote {len(new)} changes to {SAMPLE}; check each by hand")
        return 0
    entries = load()
    good, judged = precision(entries)
    versions = sorted({e.get("version", "?") for e in entries})
    print(f"tokens: {st.tokens}  changed: {st.changed} ({st.changed / max(1, st.tokens):.1%})")
    print(f"sample {', '.join(versions)}: {judged} judged of {len(entries)}")
    if judged:
        print(f"precision: {good}/{judged} = {good / judged:.1%}")
    for e in entries:
        if e.get("correct") is False:
            print(f"  wrong: {e['raw']} -> {e['fixed']}  ({e.get('note', '')})")
    gone = stale(entries, repairs)
    if gone:
        print(f"warning: {len(gone)} sampled changes are no longer made; re-sample")
    real = load(REAL_SAMPLE)
    if real:
        good, judged = precision(real)
        print(f"real-word changes: {len(real_word_changes(repairs))}; sample {judged} judged of {len(real)}"
              + (f", precision {good}/{judged} = {good / judged:.1%}" if judged else ""))
        for e in real:
            if e.get("correct") is False:
                print(f"  wrong: {e['raw']} -> {e['fixed']}  ({e.get('note', '')})")
        if stale(real, repairs):
            print(f"warning: {len(stale(real, repairs))} sampled real-word changes are no longer made; re-sample")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
