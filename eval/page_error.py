"""Measured error of the page estimates, and the error bounds citations show.

    python -m eval.page_error                 # measure, write ingest/page_error.json and eval/page_error.png
    python -m eval.page_error --chunks DATA   # also count chunks exact / ±2 / ±5 / wider in an ingested data folder

Three measurements, each for the density model and for a straight line (every source character the
same weight) between the same pins:

* leave-one-out over the exact pins of the bundled corpus (the footers of the 2022 report, the
  page numbers of the 2024 report, the exact pages of the letter bundle): a pin is held out and
  the blocks it made exact (the pages on both sides of it) are estimated from the other exact pins,
  and so is the held-out page break itself (its last character and its first: every anchor counts);
  TOC entries (2020 report, FoU appendix) are held out the same way against their TOC page;
* extrapolation on the same documents: the evidence cut off at each exact anchor (every pin after
  it, or before it, dropped) and the exact pages up to 12 pages beyond estimated, as the text after
  a report's last page number is;
* generated PDFs turned into text without page breaks (eval/page_synth.py), where every page is
  known, with surviving anchors every K pages.

The bound per kind of stretch (between exact pins / next to a soft pin / extrapolated, by distance
to the nearest pin) is the 90th percentile of |estimate − truth| over all three.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import random
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from core.config import CORPUS_DIR
from core.records import PageCertainty, ParsedDocument
from ingest.formats import get_parser
from ingest.manifest import load_manifest
from ingest.page_estimate import BUCKETS, ERROR_TABLE, Item, PageEstimator, Pin, clean_pins, newline_offsets
from ingest.pages import document_bottoms, document_items, document_pins

HERE = Path(__file__).resolve().parent
PLOT = HERE / "page_error.png"
SYNTH_CACHE = Path("/tmp/kb-page-synth.pkl")
LOO_DOCS = ("imdi-arsrapport-2022", "imdi-arsrapport-2024", "kd-tildelingsbrev-2020")
TOC_DOCS = ("imdi-arsrapport-2020", "imdi-fou-2020")
METHODS = ("density", "line")


def parse_corpus(ids: Iterable[str] | None = None) -> dict[str, tuple[str, str, ParsedDocument]]:
    """doc id -> (format, source text, parsed document before any estimate)."""
    out = {}
    for e in load_manifest():
        if ids is not None and e.id not in ids:
            continue
        text = (CORPUS_DIR / e.source).read_text(encoding="utf-8")
        fmt = e.format or "text"
        out[e.id] = (fmt, text, get_parser(fmt)(text, e.id))
    return out


def sample(source: str, method: str, est_page: int, truth: int, mode: str, distance: float, doc: str) -> dict:
    return {"source": source, "method": method, "doc": doc, "error": abs(est_page - truth),
            "signed": est_page - truth, "mode": mode, "distance": round(distance, 2)}


def corpus_loo(corpus: dict[str, tuple[str, str, ParsedDocument]]) -> list[dict]:
    out: list[dict] = []
    for doc_id in (d for d in LOO_DOCS if d in corpus):
        fmt, text, parsed = corpus[doc_id]
        items = document_items(parsed)
        nl = newline_offsets(text)
        bottoms = document_bottoms(parsed, text, fmt)
        exact_pins = [p for p in clean_pins(document_pins(parsed, text, fmt)) if p.exact]
        exact_blocks = [b for b in parsed.blocks if b.page.certainty == PageCertainty.exact and b.page.page]
        for k, held in enumerate(exact_pins):
            rest = exact_pins[:k] + exact_pins[k + 1:]
            lo = exact_pins[k - 1].offset if k > 0 else 0
            hi = exact_pins[k + 1].offset if k + 1 < len(exact_pins) else len(text)
            truth = [b for b in exact_blocks
                     if b.page.page in (held.page - 1, held.page) and lo <= b.span.start < hi]
            for method in METHODS:
                est = PageEstimator(items, rest, len(text), nl, uniform=method == "line",
                                    bottoms=bottoms if method == "density" else ())
                ests = est.at([b.span.start for b in truth])
                # one sample per side of the held-out anchor (its median block), so that a page with
                # many short exact blocks does not outvote an anchor with one long paragraph
                for side in (held.page - 1, held.page):
                    side_ests = sorted((e for b, e in zip(truth, ests, strict=True) if b.page.page == side),
                                       key=lambda e, side=side: abs(e.page - side))
                    if side_ests:
                        e = side_ests[len(side_ests) // 2]
                        out.append(sample("loo", method, e.page, side, e.mode, e.distance, doc_id))
                # the held-out page break itself: its last character is on the page before, its first on the page
                for e, truth_page in zip(est.at([held.offset - 1, held.offset]), (held.page - 1, held.page),
                                         strict=True):
                    out.append(sample("break", method, e.page, truth_page, e.mode, e.distance, doc_id))
    for doc_id in (d for d in TOC_DOCS if d in corpus):
        fmt, text, parsed = corpus[doc_id]
        items = document_items(parsed)
        nl = newline_offsets(text)
        bottoms = document_bottoms(parsed, text, fmt)
        pins = clean_pins(document_pins(parsed, text, fmt))
        for k, held in enumerate(pins):
            rest = pins[:k] + pins[k + 1:]
            for method in METHODS:
                e = PageEstimator(items, rest, len(text), nl, uniform=method == "line",
                                  bottoms=bottoms if method == "density" else ()).at([held.offset])[0]
                out.append(sample("toc", method, e.page, held.page, e.mode, e.distance, doc_id))
    return out


def corpus_extrapolation(corpus: dict[str, tuple[str, str, ParsedDocument]], reach: int = 12) -> list[dict]:
    """Extrapolation measured on the corpus: the evidence is cut off at each exact anchor in turn (every pin
    after it dropped, or every pin before it), and the exact pages up to `reach` pages beyond it are
    estimated from what is left, as the text after a report's last page number is (one sample per page:
    its median block). No page-break signs beyond the cut: the worst case, an export without them."""
    out: list[dict] = []
    for doc_id in (d for d in LOO_DOCS if d in corpus):
        fmt, text, parsed = corpus[doc_id]
        items = document_items(parsed)
        nl = newline_offsets(text)
        pins = clean_pins(document_pins(parsed, text, fmt))
        exact_blocks = [b for b in parsed.blocks if b.page.certainty == PageCertainty.exact and b.page.page]
        for cut in (p for p in pins if p.exact):
            for forward in (True, False):
                kept = [p for p in pins if (p.offset <= cut.offset if forward else p.offset >= cut.offset)]
                truth = [b for b in exact_blocks if beyond(b, cut, forward, reach)]
                if not truth:
                    continue
                for method in METHODS:
                    est = PageEstimator(items, kept, len(text), nl, uniform=method == "line")
                    by_page: dict[int, list] = {}
                    for b, e in zip(truth, est.at([b.span.start for b in truth]), strict=True):
                        by_page.setdefault(b.page.page, []).append(e)
                    for page, es in by_page.items():
                        es.sort(key=lambda e, page=page: abs(e.page - page))
                        e = es[len(es) // 2]
                        out.append(sample("extrap", method, e.page, page, e.mode, e.distance, doc_id))
    return out


def beyond(b, cut: Pin, forward: bool, reach: int) -> bool:
    """An exact block on a page past the cut (after it, or before the page that ends at it), within reach."""
    if forward:
        return b.span.start > cut.offset and cut.page < b.page.page <= cut.page + reach
    return b.span.start < cut.offset and cut.page - reach <= b.page.page < cut.page - 1


def synth_docs() -> list:
    from eval.page_synth import corpus

    if SYNTH_CACHE.exists():
        return pickle.loads(SYNTH_CACHE.read_bytes())
    docs = corpus(seeds=(1,))
    SYNTH_CACHE.write_bytes(pickle.dumps(docs))
    return docs


def synth_samples(docs: Iterable, every: tuple[int, ...] = (4, 8, 12, 20), random_sets: int = 3) -> list[dict]:
    out: list[dict] = []
    for d in docs:
        items = [Item(s, e, el.kind, len(el.text)) for el, s, e, _ in d.elements]
        n = len(d.page_starts)
        pin_sets = {f"every {k}": [p for p in range(1, n + 1) if (p - 1) % k == 0] for k in every}
        rng = random.Random(n)
        for r in range(random_sets):  # seven surviving anchors, like the 2022 report's footers
            pin_sets[f"seven #{r + 1}"] = sorted(rng.sample(range(2, n + 1), 7))
        pin_lists = {name: [Pin(d.page_starts[p - 1], p, True) for p in pages] for name, pages in pin_sets.items()}
        # a table of contents: every chapter heading with its page, a soft pin (the heading may sit mid-page)
        pin_lists["toc"] = [Pin(s, p, False, "toc") for el, s, _, p in d.elements if el.kind == "heading"]
        for setting, pins in pin_lists.items():
            pinned = {q for pin in pins if pin.exact for q in (pin.page - 1, pin.page)}  # exact around an anchor
            todo = [(s, p) for _, s, _, p in d.elements if p not in pinned and s not in {pin.offset for pin in pins}]
            for method in METHODS:
                est = PageEstimator(items, pins, len(d.text), newline_offsets(d.text), uniform=method == "line")
                for (_, p), e in zip(todo, est.at([s for s, _ in todo]), strict=True):
                    out.append({**sample("synth", method, e.page, p, e.mode, e.distance, d.name),
                                "setting": setting.split(" #")[0]})
    return out


def stats(errors: list[int]) -> dict:
    if not errors:
        return {"n": 0}
    a = np.array(errors)
    return {"n": len(a), "median": float(np.median(a)), "p90": int(math.ceil(np.percentile(a, 90))),
            "within1": round(float((a <= 1).mean()), 3), "within2": round(float((a <= 2).mean()), 3),
            "within5": round(float((a <= 5).mean()), 3), "max": int(a.max())}


def bucket(distance: float) -> str:
    for b in BUCKETS:
        if distance <= b:
            return str(b)
    return "inf"


MIN_SAMPLES = 8  # fewer measured errors than this in a bucket: pool it with the farther buckets


def error_table(samples: list[dict]) -> dict:
    """The bound per mode and distance bucket: the 90th percentile of the density method's errors.

    The corpus's own leave-one-out errors come first (they are the documents the bound is shown
    for); a bucket with too few of them also takes the farther buckets' errors, and then the
    generated PDFs'. A nearer bucket never claims more than a farther one allows for less.
    """
    order = [*map(str, BUCKETS), "inf"]
    # the held-out page breaks repeat the leave-one-out anchors at their most ambiguous point: they are
    # reported, but would count each anchor twice here
    # a spread estimate's bound is the pages its pin leaves open (ingest/page_estimate.py), not measured
    density = [s for s in samples if s["method"] == "density" and s["mode"] not in ("none", "spread")
               and s["source"] != "break"]
    table: dict[str, dict[str, dict]] = {}
    for mode in sorted({s["mode"] for s in density}):
        rows: dict[str, dict] = {}
        for b in order:
            farther = set(order[order.index(b):])
            real = [s["error"] for s in density if s["mode"] == mode and s["source"] != "synth"
                    and bucket(s["distance"]) == b]
            pool = real
            if len(pool) < MIN_SAMPLES:
                pool = [s["error"] for s in density if s["mode"] == mode and s["source"] != "synth"
                        and bucket(s["distance"]) in farther]
            if len(pool) < MIN_SAMPLES:
                pool += [s["error"] for s in density if s["mode"] == mode and s["source"] == "synth"
                         and bucket(s["distance"]) in farther]
            if not pool:
                continue
            rows[b] = {**stats(pool), "corpus_n": len(real)}
            corpus = [s["error"] for s in density if s["mode"] == mode and s["source"] != "synth"
                      and bucket(s["distance"]) in farther]
            if corpus and len(real) < MIN_SAMPLES:  # pooled: never tighter than the corpus's own errors
                rows[b]["p90"] = max(rows[b]["p90"], int(math.ceil(np.percentile(corpus, 90))))
        # monotone: the bound never shrinks as the distance to the nearest pin grows
        worst = 0
        for b in order:
            if b in rows:
                worst = max(worst, rows[b]["p90"])
                rows[b]["p90"] = worst
        table[mode] = rows
    return table


def summary(samples: list[dict]) -> dict:
    out: dict = {}
    for src in ("loo", "break", "extrap", "toc", "synth"):
        for method in METHODS:
            errs = [s["error"] for s in samples if s["source"] == src and s["method"] == method]
            out[f"{src}/{method}"] = stats(errs)
        for setting in sorted({s.get("setting", "") for s in samples if s["source"] == src} - {""}):
            for method in METHODS:
                out[f"{src}/{method}/pins: {setting}"] = stats(
                    [s["error"] for s in samples if s["source"] == src and s["method"] == method
                     and s.get("setting") == setting])
        for doc in sorted({s["doc"] for s in samples if s["source"] == src}):
            for method in METHODS:
                errs = [s["error"] for s in samples if s["source"] == src and s["method"] == method and s["doc"] == doc]
                out[f"{src}/{method}/{doc}"] = stats(errs)
    return out


def plot(samples: list[dict], path: Path = PLOT) -> None:
    from eval.report import pyplot

    plt = pyplot()
    fig, axes = plt.subplots(1, 6, figsize=(25, 4))
    panels = (("loo", None, "Leave-one-out, all exact anchors (corpus)"),
              ("loo", "imdi-arsrapport-2022", "Leave-one-out, 2022 report (7 footers)"),
              ("break", "imdi-arsrapport-2022", "Held-out page breaks, 2022 report"),
              ("extrap", None, "Extrapolated past a cut-off anchor (corpus)"),
              ("synth", None, "Generated PDFs as text (5 layouts)"),
              ("toc", None, "Held-out TOC entries (2020, FoU)"))
    for ax, (src, doc, title) in zip(axes, panels, strict=True):
        for method, style in (("density", "-"), ("line", "--")):
            errs = np.sort([s["error"] for s in samples if s["source"] == src and s["method"] == method
                            and (doc is None or s["doc"] == doc)])
            if not len(errs):
                continue
            xs = np.arange(0, max(12, int(errs.max()) + 1))
            ax.step(xs, [(errs <= x).mean() for x in xs], style, where="post",
                    label=f"{method} (n={len(errs)}, median {np.median(errs):.1f}, p90 {np.percentile(errs, 90):.1f})")
        ax.set_ylim(0, 1.02)
        ax.axhline(0.9, color="grey", lw=0.5)
        ax.axvline(2, color="grey", lw=0.5)
        ax.set_xlim(0, 12)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("|estimate − true page|")
        ax.set_ylabel("share of passages within")
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def chunk_counts(data: Path) -> dict[str, dict[str, int]]:
    """Per document: chunks exact / within ±2 / within ±5 / wider (or no page) in an ingested data folder."""
    from index.chunking import chunk_document
    from ingest.store import DocumentStore

    store = DocumentStore(data)
    out: dict[str, dict[str, int]] = {}
    for doc_id in store.ids():
        doc = store.read(doc_id)
        counts = {"exact": 0, "±2": 0, "±5": 0, "wider": 0, "counted": 0, "total": 0}
        for c in chunk_document(doc, store.source(doc_id)):
            counts[spread_class(c.page)] += 1
            counts["total"] += 1
        out[doc_id] = counts
    return out


def spread_class(r) -> str:
    """exact, ±2, ±5, wider, or counted: the error bound if there is one, else half the range's width.

    `counted` is a page the format's own evidence counted (a letter's page starts) with no
    measured bound and no range around it.
    """
    if r.certainty == PageCertainty.exact:
        return "exact"
    if r.error is not None and (r.certainty == PageCertainty.estimated or r.error <= 5):
        half = r.error
    elif r.certainty == PageCertainty.estimated and r.first is None:
        return "counted"
    elif r.first is not None and r.last is not None:
        page = r.page if r.page is not None else r.first
        half = (r.last - r.first) / 2 if r.certainty == PageCertainty.range else max(page - r.first, r.last - page)
    else:
        return "wider"
    return "±2" if half <= 2 else "±5" if half <= 5 else "wider"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=Path, action="append", default=[], help="data folder(s) to count chunks in")
    ap.add_argument("--no-write", action="store_true", help="measure only, do not rewrite the error table")
    args = ap.parse_args(argv)
    if not args.chunks:
        corpus = parse_corpus()
        samples = corpus_loo(corpus) + corpus_extrapolation(corpus) + synth_samples(synth_docs())
        table = error_table(samples)
        result = {"summary": summary(samples), "by_stretch": table,
                  "p90": {m: {b: {"p90": v["p90"], "n": v["n"]} for b, v in bs.items()} for m, bs in table.items()}}
        print(json.dumps(result["summary"], indent=1, ensure_ascii=False))
        print(json.dumps(table, indent=1, ensure_ascii=False))
        if not args.no_write:
            ERROR_TABLE.write_text(json.dumps({"p90": result["p90"]}, indent=1) + "\n", encoding="utf-8")
            (HERE / "page_error.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
            plot(samples)
    for data in args.chunks:
        print(data, json.dumps(chunk_counts(data), indent=1))


if __name__ == "__main__":
    main()
