"""Key figures (facts) and named entities, measured against hand-labelled gold.

    python -m eval.facts_eval [--data DIR] [--sample N] [--missed]

`evaluate(data_dir)` reads the documents ingested in `data_dir` and returns a dict;
`main` prints it as tables (and ingests the bundled corpus first if the folder is empty).

Facts — `eval/facts_gold.jsonl`, written by hand from the five source files (not from
the extractor's output): each line names a document, what the number measures, its
value as written (`30` with unit `mill. kroner`), its year (null when the text gives
none) and `support`, a verbatim passage of the source (20–250 chars) that states it.

* Recall: a gold fact is found when an extracted fact of the same document has the same
  value (either end of a range fact; equal within rounding, as written or after scaling `mill. kroner`/`1000 kroner`/
  `mrd. kroner` to kroner), the same year when the gold names one, and either a span that
  overlaps the support's place in the source or, failing that, an indicator similar to
  the gold's (rapidfuzz token-set ratio >= 70). An extracted fact matches one gold fact.
* Precision, honestly scoped: supports are labelled completely — every number in a
  support that states a fact is a gold fact; years, dates, thresholds (`innen 6 måneder`),
  ordinals and footnote numbers are not facts. An extracted fact is *judged* when its span
  overlaps a support and its value is written in that support; it is correct when it
  matched a gold fact of that support. Precision = correct / judged. It catches wrong
  years, spurious numbers and duplicates inside labelled passages; facts outside the
  supports are not judged, so it is not the precision of all extracted facts
  (`--sample N` prints a seeded random sample of those to read by hand).

Entities — `eval/ner_gold.jsonl`: sentences from the corpus, each annotated completely
for the labels below; one line per mention (text, start, end, label). A predicted entity
is correct when start, end and label equal a gold mention; precision and recall are per
label over these sentences. Guideline: ORG organisations (genitive `IMDis` included,
`Statsforvalteren i X` whole); GPE municipalities, districts, counties, countries (also
genitive); LAW a law's name with an attached `§ N`, or a bare `§ N`; MONEY an amount with
its currency and scale (`30 mill. kroner`, `kr 1 000`); PERCENT a number with `%`,
`prosent`, `pst.`, `prosentpoeng`, `prosenteiningar`; QUANTITY a number and the plural noun
it counts (`31 258 flyktningar`); CARDINAL any other number that is not a year; DURATION a
number (or number word) with a time unit, with a leading `innen/innan/etter/mer enn`;
DATE day-month(-year), `dd.mm.yyyy`, month-year, season-year, `N. kvartal`; YEAR a bare
year; PERIOD `year–year`; REF Prop./Innst./Meld. St. references with their session,
`kap. N, post N`, `SPn`, `Oppdrag nr. YYYY-NNN`, `Tabell/Figur N`, `Vedlegg/Tillegg nr.`.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from core.records import Fact, Span
from ingest.enrich.ner import extract_entities
from ingest.store import DocumentStore

HERE = Path(__file__).resolve().parent
FACTS_GOLD = HERE / "facts_gold.jsonl"
NER_GOLD = HERE / "ner_gold.jsonl"
FUZZY_MIN = 70
_SCALE = {"mill. kroner": 1e6, "mrd. kroner": 1e9, "1000 kroner": 1e3}


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- values ----------------------------------------------------------------------
def same_value(fact: Fact, gold: dict) -> bool:
    """Equal as written or after scaling; a range fact (`mellom 1 500 og 1 700`) holds both its ends."""
    g = float(gold["value"])
    for v in {fact.value, fact.low, fact.high} - {None}:
        if math.isclose(v, g, rel_tol=1e-9, abs_tol=0.005):
            return True
        fs, gs = v * _SCALE.get(fact.unit or "", 1), g * _SCALE.get(gold.get("unit") or "", 1)
        if math.isclose(fs, gs, rel_tol=1e-4):
            return True
    return False


def written_forms(value: float) -> set[str]:
    """How a number can be written: `7545.63` -> `7545,63`, `7 545,63`; `110.0` -> `110`, `110,0`."""
    ip, _, frac = f"{abs(value):.6f}".rstrip("0").rstrip(".").partition(".")
    grouped = f"{int(ip):,}".replace(",", " ")
    out = set()
    for head in (ip, grouped):
        out |= {head + ("," + frac if frac else ""), head + "," + (frac or "") + "0"}
    return out


def written_in(value: float, text: str) -> bool:
    """True when `value` is written in `text`. In a space-separated row (`4 903 4 822`) digit groups are
    ambiguous, so `4 822` counts as written there; a wrong reading of such a row is caught by the match."""
    return any(re.search(r"(?<![\d,])" + re.escape(f) + r"(?![\d]|,\d)", text) for f in written_forms(value))


def occurrences(source: str, passage: str) -> list[Span]:
    out, i = [], source.find(passage)
    while i >= 0:
        out.append(Span(start=i, end=i + len(passage)))
        i = source.find(passage, i + 1)
    return out


def _overlaps(span: Span, places: list[Span]) -> bool:
    return any(p.covers(span) > 0 for p in places)


# -- facts -----------------------------------------------------------------------
def match_facts(gold: list[dict], facts: dict[str, list[Fact]], places: dict[str, list[Span]]
                ) -> dict[str, tuple[Fact, str]]:
    """gold id -> (extracted fact, how: 'span' or 'indicator'); first by place, then by indicator."""
    used: set[str] = set()
    out: dict[str, tuple[Fact, str]] = {}

    def candidates(g: dict) -> list[Fact]:
        return [f for f in facts.get(g["doc"], []) if f.id not in used and same_value(f, g)
                and (g.get("year") is None or f.year == g["year"])]

    def use(f: Fact) -> None:
        # a range fact states two numbers and may match a gold fact for each end
        if f.high is None or f.id + ":low" in used:
            used.add(f.id)
        else:
            used.add(f.id + ":low")

    for g in gold:
        near = [f for f in candidates(g) if _overlaps(f.span, places[g["id"]])]
        if near:
            best = max(near, key=lambda f: fuzz.token_set_ratio(f.indicator.lower(), g["indicator"].lower()))
            out[g["id"]] = (best, "span")
            use(best)
    for g in gold:
        if g["id"] in out:
            continue
        scored = [(fuzz.token_set_ratio(f.indicator.lower(), g["indicator"].lower()), f) for f in candidates(g)]
        scored = [sf for sf in scored if sf[0] >= FUZZY_MIN]
        if scored:
            best = max(scored, key=lambda sf: sf[0])[1]
            out[g["id"]] = (best, "indicator")
            use(best)
    return out


def judge_precision(gold: list[dict], facts: dict[str, list[Fact]], places: dict[str, list[Span]],
                    matched: dict[str, tuple[Fact, str]]) -> dict[str, tuple[int, int]]:
    """doc -> (correct, judged) over extracted facts inside labelled supports."""
    by_support: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for g in gold:
        by_support[(g["doc"], g["support"])].append(g)
    right_ids = {f.id for gid, (f, how) in matched.items() if how == "span"}
    judged: dict[str, set[str]] = defaultdict(set)
    correct: dict[str, set[str]] = defaultdict(set)
    for (doc, support), golds in by_support.items():
        where = places[golds[0]["id"]]
        for f in facts.get(doc, []):
            if _overlaps(f.span, where) and any(written_in(v, support) for v in (f.value, f.high) if v is not None):
                judged[doc].add(f.id)
                if f.id in right_ids:
                    correct[doc].add(f.id)
    return {doc: (len(correct[doc]), len(judged[doc])) for doc in judged}


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def evaluate_facts(store: DocumentStore, gold: list[dict] | None = None) -> dict[str, Any]:
    gold = gold if gold is not None else load_jsonl(FACTS_GOLD)
    ids = set(store.ids())
    facts = {doc_id: store.read(doc_id).facts for doc_id in ids}
    sources = {doc_id: store.source(doc_id) for doc_id in ids}
    places = {g["id"]: occurrences(sources.get(g["doc"], ""), g["support"]) for g in gold}
    matched = match_facts(gold, facts, places)
    prec = judge_precision(gold, facts, places, matched)
    by_doc: dict[str, dict[str, Any]] = {}
    for doc in sorted({g["doc"] for g in gold}):
        gs = [g for g in gold if g["doc"] == doc]
        found = sum(g["id"] in matched for g in gs)
        correct, judged = prec.get(doc, (0, 0))
        by_doc[doc] = {"ingested": doc in ids, "gold": len(gs), "found": found, "recall": _ratio(found, len(gs)),
                       "judged": judged, "correct": correct, "precision": _ratio(correct, judged),
                       "extracted": len(facts.get(doc, []))}
    by_kind = {}
    for kind in sorted({g.get("kind", "?") for g in gold}):
        gs = [g for g in gold if g.get("kind", "?") == kind]
        found = sum(g["id"] in matched for g in gs)
        by_kind[kind] = {"gold": len(gs), "found": found, "recall": _ratio(found, len(gs))}
    found = len(matched)
    correct = sum(c for c, _ in prec.values())
    judged = sum(j for _, j in prec.values())
    return {
        "gold": len(gold), "found": found, "recall": _ratio(found, len(gold)),
        "found_by_span": sum(how == "span" for _, how in matched.values()),
        "judged": judged, "correct": correct, "precision": _ratio(correct, judged),
        "extracted": sum(len(v) for v in facts.values()),
        "span_exact": _ratio(sum(f.span_exact for v in facts.values() for f in v),
                             sum(len(v) for v in facts.values())),
        "by_doc": by_doc, "by_kind": by_kind,
        "missed": [g["id"] for g in gold if g["id"] not in matched],
    }


# -- entities --------------------------------------------------------------------
def evaluate_ner(gold: list[dict] | None = None, model: bool = True) -> dict[str, Any]:
    """Entity precision/recall per label; `model=False` measures the rules alone."""
    gold = gold if gold is not None else load_jsonl(NER_GOLD)
    sentences: dict[tuple[str, str], set[tuple[int, int, str]]] = defaultdict(set)
    for g in gold:
        sentences[(g["text"], g.get("lang", "nb"))].add((g["start"], g["end"], g["label"]))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"gold": 0, "predicted": 0, "correct": 0})
    errors = []
    for (text, lang), wanted in sentences.items():
        got = {(e.start, e.end, e.label) for e in extract_entities(text, lang, model=model)}
        for _s, _e, label in wanted:
            counts[label]["gold"] += 1
        for s, e, label in got:
            counts[label]["predicted"] += 1
            if (s, e, label) in wanted:
                counts[label]["correct"] += 1
        for s, e, label in sorted(got ^ wanted):
            errors.append({"text": text[s:e], "label": label, "kind": "spurious" if (s, e, label) in got else "missed"})
    labels = {}
    for label, c in sorted(counts.items()):
        labels[label] = {**c, "precision": _ratio(c["correct"], c["predicted"]), "recall": _ratio(c["correct"],
                                                                                                  c["gold"])}
    tot = {k: sum(c[k] for c in counts.values()) for k in ("gold", "predicted", "correct")}
    return {"sentences": len(sentences), "labels": labels,
            "micro": {**tot, "precision": _ratio(tot["correct"], tot["predicted"]),
                      "recall": _ratio(tot["correct"], tot["gold"])},
            "errors": errors}


def evaluate(data_dir: str | Path, model: bool = True) -> dict[str, Any]:
    """Fact recall/precision over the documents in `data_dir`, and NER precision/recall per label."""
    return {"facts": evaluate_facts(DocumentStore(Path(data_dir))), "ner": evaluate_ner(model=model)}


# -- printing --------------------------------------------------------------------
def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f} %"


def format_report(result: dict[str, Any]) -> str:
    f, n = result["facts"], result["ner"]
    lines = ["Facts (gold: eval/facts_gold.jsonl)",
             f"{'document':<26} {'gold':>5} {'found':>6} {'recall':>8} {'judged':>7} {'correct':>8} {'precision':>10}"
             f" {'extracted':>10}"]
    for doc, d in f["by_doc"].items():
        note = "" if d["ingested"] else "  (not ingested)"
        lines.append(f"{doc:<26} {d['gold']:>5} {d['found']:>6} {_pct(d['recall']):>8} {d['judged']:>7} "
                     f"{d['correct']:>8} {_pct(d['precision']):>10} {d['extracted']:>10}{note}")
    lines.append(f"{'all':<26} {f['gold']:>5} {f['found']:>6} {_pct(f['recall']):>8} {f['judged']:>7} "
                 f"{f['correct']:>8} {_pct(f['precision']):>10} {f['extracted']:>10}")
    lines.append("by kind: " + ", ".join(f"{k} {v['found']}/{v['gold']} ({_pct(v['recall'])})"
                                         for k, v in f["by_kind"].items()))
    lines.append(f"found by span {f['found_by_span']}, by indicator {f['found'] - f['found_by_span']}; "
                 f"facts with an exact source span: {_pct(f['span_exact'])}")
    lines += ["", f"Entities (gold: eval/ner_gold.jsonl, {n['sentences']} sentences)",
              f"{'label':<10} {'gold':>5} {'pred':>5} {'correct':>8} {'precision':>10} {'recall':>8}"]
    for label, c in n["labels"].items():
        lines.append(f"{label:<10} {c['gold']:>5} {c['predicted']:>5} {c['correct']:>8} {_pct(c['precision']):>10} "
                     f"{_pct(c['recall']):>8}")
    m = n["micro"]
    lines.append(f"{'all':<10} {m['gold']:>5} {m['predicted']:>5} {m['correct']:>8} {_pct(m['precision']):>10} "
                 f"{_pct(m['recall']):>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=None, help="data folder (default: $KB_DATA or ./data)")
    ap.add_argument("--sample", type=int, default=0, help="print N random extracted facts to check by hand")
    ap.add_argument("--missed", action="store_true", help="list the gold facts not found")
    ap.add_argument("--rules-only", action="store_true", help="entities from the EntityRuler alone, without the model")
    args = ap.parse_args(argv)
    from core.config import CORPUS_DIR, data_dir

    data = data_dir(args.data)
    store = DocumentStore(data)
    if not store.ids():
        from ingest.pipeline import ingest_paths

        ingest_paths([CORPUS_DIR], store)
    result = evaluate(data, model=not args.rules_only)
    print(format_report(result))
    if args.missed:
        gold = {g["id"]: g for g in load_jsonl(FACTS_GOLD)}
        print("\nMissed gold facts:")
        for gid in result["facts"]["missed"]:
            g = gold[gid]
            print(f"  {gid} {g['doc']}: {g['indicator']} = {g['value']} {g['unit'] or ''} ({g['year']}) "
                  f"| {g['support'][:90]!r}")
    if args.sample:
        from ingest.enrich.facts import describe

        facts = [f for doc in store for f in doc.facts]
        rng = random.Random(7)
        print(f"\nRandom sample of {args.sample} extracted facts (of {len(facts)}):")
        for f in rng.sample(facts, min(args.sample, len(facts))):
            print(f"  [{f.doc_id} {f.source_kind}] {describe(f)}")
    return result


if __name__ == "__main__":
    main()
