"""How much OCR damage the repair leaves in the 2024 report, from a hand-judged random sample of words.

    python -m eval.ocr_damage_left            # the share from eval/ocr_damage_sample.jsonl
    python -m eval.ocr_damage_left --draw N   # draw N words at random (fixed seed) to judge by hand
    python -m eval.ocr_damage_left --sample eval/ocr_damage_sample_1000.jsonl [--draw 1000 --seed 9191]
    python -m eval.ocr_damage_left --sample eval/ocr_damage_sample_30517.jsonl   # drawn after seed 9191 guided work
    python -m eval.ocr_damage_left --sample eval/ocr_damage_sample_30303.jsonl   # a second draw on the same repair

Each sampled word shows its raw OCR form, what the repair made of it, and its context. A
person judges `damaged` (the raw word misprints a letter: `gkt`, `pa`, `far` for `før`) and
`left` (the repaired word is still wrong). The figure is left / damaged: the share of damaged
words the repair did not restore. Words without a letter (numbers) are not drawn.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from core.config import CORPUS_DIR
from eval.fact_audit import wilson
from ingest.formats.ocr.repair import TOKEN_RE, repair_text

SAMPLE = Path(__file__).resolve().parent / "ocr_damage_sample.jsonl"
SOURCE = CORPUS_DIR / "imdi-arsrapport-2024-ocr.txt"
SEED = 4242


def draw(n: int, seed: int = SEED) -> list[dict]:
    """`n` words drawn at random, each with what the current repair makes of it."""
    text = SOURCE.read_text(encoding="utf-8")
    _, repairs = repair_text(text)
    fixed = {(r.start, r.end): r.fixed for r in repairs}
    words = [m for m in TOKEN_RE.finditer(text) if any(ch.isalpha() for ch in m.group(0)) or m.group(0) == "&"]
    chosen = sorted(random.Random(seed).sample(range(len(words)), n))
    out = []
    for i in chosen:
        m = words[i]
        out.append({"start": m.start(), "raw": m.group(0), "repaired": fixed.get((m.start(), m.end()), m.group(0)),
                    "context": text[max(0, m.start() - 50):m.end() + 50].replace("\n", " ")})
    return out


def load(path: Path = SAMPLE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draw", type=int, default=0)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--sample", type=Path, default=SAMPLE)
    args = ap.parse_args(argv)
    if args.draw:
        entries = draw(args.draw, args.seed)
        args.sample.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
        print(f"wrote {len(entries)} words to {args.sample}; judge each by hand")
        return 0
    entries = [e for e in load(args.sample) if isinstance(e.get("damaged"), bool)]
    damaged = [e for e in entries if e["damaged"]]
    left = [e for e in damaged if e.get("left")]
    lo, hi = wilson(len(left), len(damaged))
    share = len(damaged) / max(1, len(entries))
    print(f"judged words: {len(entries)}; damaged in the raw OCR: {len(damaged)} ({share:.1%})")
    print(f"left damaged after repair: {len(left)}/{len(damaged)} = {len(left) / max(1, len(damaged)):.1%} "
          f"(95 % {lo:.1%}–{hi:.1%})")
    wrong = [e for e in entries if not e["damaged"] and e["repaired"] != e["raw"]]
    print(f"undamaged words changed: {len(wrong)}")
    for e in left:
        print(f"  left: {e['raw']} -> {e['repaired']}  ({e.get('note', '')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
