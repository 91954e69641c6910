"""OCR repair on text it never saw: clean Bokmål damaged the way the 2024 report is, repaired, compared.

    python -m eval.ocr_synthetic [--articles N] [--seed S]

The articles in `shared/outside/norquad-val/corpus` (news and encyclopedia text, none of it
in the lexicon) are damaged letter by letter with the report's own substitution rates
(`SUBSTITUTIONS` in `ingest/formats/ocr/substitutions.py`: every æ, ø and å is replaced, as in the report, by one of
its OCR forms drawn with the estimated likelihoods), repaired, and compared word by word
with the clean original:

* recall = damaged words restored exactly / damaged words;
* precision = changed words that are now right / words the repair changed.

Only letter damage is simulated (not lost thousands separators or merged cells).

Real-word errors come out of the same draw at the report's rates: `får` printed with `a` for `å`
is `far`, as in the report. They are counted apart (`real_*`): a damaged word whose damaged form is
itself a Bokmål word of the lexicon, and a change made to a token that is a Bokmål word.

Seeds: 13 (40 articles) and 5 (60 articles) were used while developing; 77 (second pass) and 2718
(real-word pass) were run once, for the held-out figures; 8080 for the document-evidence pass.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from core.config import OUTSIDE_DIR
from ingest.formats.ocr.repair import TOKEN_RE, apply, lexicon, repair_text
from ingest.formats.ocr.substitutions import SUBSTITUTIONS

CORPUS = OUTSIDE_DIR / "norquad-val" / "corpus"
SEED = 13
# Damage that the report shows for letters other than æ/ø/å (o -> 0, l -> I) is left out: it is rare
# and the repair treats it as a separate rule.
_DAMAGED = {"æ", "ø", "å"}


def damage_table() -> dict[str, list[tuple[str, float]]]:
    """For each clean letter, its OCR forms and their probabilities (normalised per letter)."""
    table: dict[str, list[tuple[str, float]]] = {}
    for dmg, clean, p in SUBSTITUTIONS:
        if clean in _DAMAGED:
            table.setdefault(clean, []).append((dmg, p))
    return {c: [(d, p / sum(q for _, q in forms)) for d, p in forms] for c, forms in table.items()}


def damage(text: str, rng: random.Random) -> str:
    table = damage_table()
    out = []
    for ch in text:
        low = ch.lower()
        if low in table:
            forms, weights = zip(*table[low], strict=True)
            form = rng.choices(forms, weights)[0]
            out.append(form.upper() if ch.isupper() and form.isalpha() else form)
        else:
            out.append(ch)
    return "".join(out)


def compare(clean: str, damaged: str, repaired: str) -> dict[str, int]:
    """Word-by-word counts; the three texts tokenise alike because damage never adds or removes a word."""
    c = [m.group(0) for m in TOKEN_RE.finditer(clean)]
    d = [m.group(0) for m in TOKEN_RE.finditer(damaged)]
    r = [m.group(0) for m in TOKEN_RE.finditer(repaired)]
    if not (len(c) == len(d) == len(r)):
        raise ValueError(f"token counts differ: {len(c)} {len(d)} {len(r)}")
    nb = lexicon().nb
    out = dict.fromkeys(KEYS, 0)
    out["words"] = len(c)
    for cw, dw, rw in zip(c, d, r, strict=True):
        real = nb.get(dw.lower(), 0) > 0
        if cw != dw:
            out["damaged"] += 1
            out["restored"] += rw == cw
            if real:
                out["real_damaged"] += 1
                out["real_restored"] += rw == cw
        if rw != dw:
            out["changed"] += 1
            out["changed_right"] += rw == cw
            if real:
                out["real_changed"] += 1
                out["real_changed_right"] += rw == cw
    return out


KEYS = ("words", "damaged", "restored", "changed", "changed_right",
        "real_damaged", "real_restored", "real_changed", "real_changed_right")


def run(articles: int, seed: int = SEED, corpus: Path = CORPUS, verbose: bool = False) -> dict:
    rng = random.Random(seed)
    files = sorted(corpus.glob("*.txt"))
    chosen = rng.sample(files, min(articles, len(files)))
    total = dict.fromkeys(KEYS, 0)
    misses: list[tuple[str, str, str]] = []
    real_misses: list[tuple[str, str, str, str]] = []
    for path in chosen:
        clean = path.read_text(encoding="utf-8")
        dmg = damage(clean, rng)
        _, repairs = repair_text(dmg)
        rep = apply(dmg, repairs)
        for k, v in compare(clean, dmg, rep).items():
            total[k] += v
        if len(misses) < 40:
            c = [m.group(0) for m in TOKEN_RE.finditer(clean)]
            d = [m.group(0) for m in TOKEN_RE.finditer(dmg)]
            r = [m.group(0) for m in TOKEN_RE.finditer(rep)]
            misses += [(cw, dw, rw) for cw, dw, rw in zip(c, d, r, strict=True) if rw != cw][:3]
        if verbose:
            toks = list(TOKEN_RE.finditer(clean))
            d = [m.group(0) for m in TOKEN_RE.finditer(dmg)]
            r = [m.group(0) for m in TOKEN_RE.finditer(rep)]
            for k, m in enumerate(toks):
                cw, dw, rw = m.group(0), d[k], r[k]
                if rw != cw and (cw != dw or rw != dw) and lexicon().nb.get(dw.lower(), 0) > 0:
                    ctx = clean[max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
                    real_misses.append((cw, dw, rw, ctx))
    recall = total["restored"] / max(1, total["damaged"])
    precision = total["changed_right"] / max(1, total["changed"])
    return {**total, "articles": len(chosen), "recall": recall, "precision": precision, "misses": misses,
            "real_recall": total["real_restored"] / max(1, total["real_damaged"]),
            "real_precision": total["real_changed_right"] / max(1, total["real_changed"]), "real_misses": real_misses}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--verbose", action="store_true", help="list every real-word miss and wrong change")
    args = ap.parse_args(argv)
    res = run(args.articles, args.seed, verbose=args.verbose)
    print(f"articles {res['articles']}, words {res['words']}, damaged {res['damaged']}")
    print(f"recall {res['restored']}/{res['damaged']} = {res['recall']:.1%}; "
          f"precision {res['changed_right']}/{res['changed']} = {res['precision']:.1%}")
    print(f"real-word errors: recall {res['real_restored']}/{res['real_damaged']} = {res['real_recall']:.1%}; "
          f"precision of changes to real words {res['real_changed_right']}/{res['real_changed']} = "
          f"{res['real_precision']:.1%}")
    for cw, dw, rw in res["misses"][:25]:
        print(f"  {dw!r} -> {rw!r} (clean {cw!r})")
    for cw, dw, rw, ctx in res["real_misses"]:
        print(f"  real: {dw!r} -> {rw!r} (clean {cw!r})  {ctx}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
