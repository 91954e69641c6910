"""Can an extracted fact be trusted? A seeded random audit, judged by hand, and mechanical counts.

    python -m eval.fact_audit --data DIR                      # mechanical counts + score of the committed sample
    python -m eval.fact_audit --data DIR --draw --seed S      # draw a new sample (16 facts per document)
    python -m eval.fact_audit --data DIR --rescore OLD.jsonl  # an older judged sample on today's extractor

The audit sample (`eval/fact_audit_sample.jsonl`) is drawn at random, stratified by
document, from every fact the extractor produced; each line holds the fact as extracted
and the source passage it points at. A person then reads the source and judges every
field (`value`, `unit`, `year`, `qualifier`, `indicator`), writing `ok: true/false` and a
one-line `reason`; a fact is right only when every field is. Money without a unit is a
wrong unit. The score is right/judged with a Wilson 95 % interval, overall and per
document. Because the sample is random over all facts, it measures the precision of
what users see, unlike the hand-picked gold (`eval/facts_eval.py`), which stays as a
regression test.

An older judged sample can be rescored on the current extractor (`rescore`): each entry is found
again by document, span, value, column, row and sentence. A fact whose judged fields are unchanged
keeps its verdict; a changed one counts only if it was judged again by hand (its `rejudged` block,
which records the fields it was judged on); a fact that is gone is reported and left out. Such a
sample guided the extractor's development, so its score is in-sample.

Mechanical counts, over all facts (no judgement needed):
* `code_indicator`: an indicator that is only a year, a number or a code (`0291`, `291/62`)
  or has no word of three letters;
* `kolonne_indicator` / `kolonne_column`: an indicator / a column that reads `kolonne N` (a header
  the parser lost);
* `column_year`: a table cell whose year differs from the one year its column header names
  (columns like `Overføring fra 2019` excepted: that is where the money came from).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

from core.records import Fact
from ingest.store import DocumentStore
from text.terms import single_year

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "fact_audit_sample.jsonl"
PER_DOC = 16
FIELDS = ("value", "unit", "year", "qualifier", "indicator")

_CODE = re.compile(r"^[\W_]*(\d[\d\s.,*/]*|[A-ZÆØÅ]{1,5}\s?\d+[\d.]*)[\W_]*$")
_WORD = re.compile(r"[A-Za-zÆØÅæøå]{3,}")
_KOLONNE = re.compile(r"\bkolonne\s+\d+\b", re.I)
_FROM_YEAR = re.compile(r"\b(fra|frå)\s+(19|20)\d\d\b", re.I)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


def is_cell_fact(f: Fact) -> bool:
    """A fact read from a numeric table cell (not a sentence in a comment cell)."""
    return f.source_kind == "table" and bool(f.sentence) and f.sentence.startswith(f"{f.own_indicator} — ")


def mechanical(facts: list[Fact]) -> dict[str, list[Fact]]:
    out: dict[str, list[Fact]] = {"code_indicator": [], "kolonne_indicator": [], "kolonne_column": [],
                                  "column_year": []}
    for f in facts:
        bare = re.sub(r"\([^)]*\)", " ", f.indicator)
        if _CODE.match(f.indicator) or not _WORD.search(bare):
            out["code_indicator"].append(f)
        if _KOLONNE.search(f.indicator):
            out["kolonne_indicator"].append(f)
        if _KOLONNE.search(f.column or ""):
            out["kolonne_column"].append(f)
        if is_cell_fact(f) and f.column and not _FROM_YEAR.search(f.column):
            cy = single_year(f.column)
            if cy is not None and f.year != cy:
                out["column_year"].append(f)
    return out


def _record(f: Fact, source: str) -> dict:
    a, b = f.span.start, f.span.end
    return {
        "doc": f.doc_id, "fact_id": f.id, "source_kind": f.source_kind, "table_id": f.table_id, "row": f.row,
        "column": f.column, "indicator": f.indicator, "value": f.value, "low": f.low, "high": f.high,
        "unit": f.unit, "year": f.year, "period": f.period, "qualifier": f.qualifier, "post": f.post,
        "context": f.context, "sentence": f.sentence, "span": [a, b], "source": source[a:b][:600],
    }


def draw(store: DocumentStore, seed: int, per_doc: int = PER_DOC) -> list[dict]:
    """`per_doc` facts drawn at random from each document, in document order."""
    rng = random.Random(seed)
    out = []
    for doc_id in sorted(store.ids()):
        doc = store.read(doc_id)
        source = store.source(doc_id)
        chosen = sorted(rng.sample(range(len(doc.facts)), min(per_doc, len(doc.facts))))
        out += [dict(_record(doc.facts[i], source), seed=seed) for i in chosen]
    return out


def load(path: Path = SAMPLE) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def judged(entry: dict) -> bool:
    return isinstance(entry.get("correct"), bool)


def score(entries: list[dict]) -> dict:
    """Right/judged overall and per document, with Wilson intervals, and wrong fields counted."""
    by_doc: dict[str, list[bool]] = defaultdict(list)
    wrong_fields: Counter[str] = Counter()
    for e in entries:
        if not judged(e):
            continue
        by_doc[e["doc"]].append(e["correct"])
        for name in FIELDS:
            if e.get("fields", {}).get(name) is False:
                wrong_fields[name] += 1
    allv = [v for vs in by_doc.values() for v in vs]
    k, n = sum(allv), len(allv)
    return {
        "right": k, "judged": n, "share": k / n if n else 0.0, "wilson": wilson(k, n),
        "by_doc": {d: (sum(vs), len(vs), wilson(sum(vs), len(vs))) for d, vs in sorted(by_doc.items())},
        "wrong_fields": dict(wrong_fields),
    }


COMPARED = ("value", "low", "high", "unit", "year", "period", "qualifier", "indicator", "post")


def _snapshot(f: Fact) -> dict:
    return {name: getattr(f, name) for name in COMPARED}


def rescore(entries: list[dict], facts: list[Fact]) -> dict:
    """Verdicts of an older judged sample carried to today's facts: same, changed (re-judged or not), gone.

    Returns the entries to score (old verdict when unchanged, the re-judgement when changed and
    re-judged on exactly today's fields) and the ids in each class.
    """
    index: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        index[(f.doc_id, f.span.start, f.span.end, f.value, f.column, f.row)].append(f)
    scored, same, changed, rejudged, gone = [], [], [], [], []
    for e in entries:
        hits = index.get((e["doc"], e["span"][0], e["span"][1], e["value"], e["column"], e["row"]), [])
        judged = {k: e.get(k) for k in COMPARED}
        # two facts may share a span and value (`30 studiepoeng … 30 studenter`): the unchanged one first
        f = next((h for h in hits if _snapshot(h) == judged), None) or next(
            (h for h in hits if h.sentence == e["sentence"]), hits[0] if hits else None)
        if f is None:
            gone.append(e["fact_id"])
            continue
        now = _snapshot(f)
        if now == judged:
            same.append(e["fact_id"])
            scored.append(e)
            continue
        changed.append(e["fact_id"])
        again = e.get("rejudged")
        if again and again.get("fact") == now:
            rejudged.append(e["fact_id"])
            scored.append({**e, "correct": again["correct"], "fields": again["fields"]})
    return {"scored": scored, "same": same, "changed": changed, "rejudged": rejudged, "gone": gone}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data")
    ap.add_argument("--draw", action="store_true", help="write a new unjudged sample")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--per-doc", type=int, default=PER_DOC)
    ap.add_argument("--sample", default=str(SAMPLE))
    ap.add_argument("--show", type=int, default=0, help="print N examples of each mechanical class")
    ap.add_argument("--rescore", default=None, help="an older judged sample to score on today's facts (in-sample)")
    args = ap.parse_args(argv)
    store = DocumentStore(Path(args.data))
    path = Path(args.sample)
    if args.draw:
        if args.seed is None:
            ap.error("--draw needs --seed")
        entries = draw(store, args.seed, args.per_doc)
        path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
        print(f"wrote {len(entries)} facts to {path}; judge each against the source")
        return 0
    facts = [f for doc in store for f in doc.facts]
    counts = mechanical(facts)
    print(f"facts: {len(facts)}")
    for name, fs in counts.items():
        print(f"  {name}: {len(fs)}")
        for f in fs[:args.show]:
            print(f"    {f.id} {f.indicator[:60]!r} = {f.value} {f.unit or ''} ({f.year}, {f.column})")
    entries = load(path)
    if entries:
        s = score(entries)
        lo, hi = s["wilson"]
        print(f"audit {path.name}: {s['right']}/{s['judged']} right = {s['share']:.1%} (95 % {lo:.1%}–{hi:.1%})")
        for d, (k, n, (a, b)) in s["by_doc"].items():
            print(f"  {d}: {k}/{n} ({a:.0%}–{b:.0%})")
        print(f"  wrong fields: {s['wrong_fields']}")
    if args.rescore:
        r = rescore(load(Path(args.rescore)), facts)
        s = score(r["scored"])
        lo, hi = s["wilson"]
        print(f"rescore {Path(args.rescore).name} (in-sample): {s['right']}/{s['judged']} right = {s['share']:.1%} "
              f"(95 % {lo:.1%}–{hi:.1%}); same {len(r['same'])}, changed {len(r['changed'])} "
              f"(re-judged {len(r['rejudged'])}), gone {len(r['gone'])}")
        for d, (k, n, (a, b)) in s["by_doc"].items():
            print(f"  {d}: {k}/{n} ({a:.0%}–{b:.0%})")
        unjudged = sorted(set(r["changed"]) - set(r["rejudged"]))
        if unjudged:
            print(f"  changed and not re-judged (left out): {', '.join(unjudged)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
