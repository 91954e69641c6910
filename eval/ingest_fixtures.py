"""Ingest on documents the parsers were not written for: every fixture in tests/fixtures scored against its truth.

Each fixture `<name>.txt|.pdf` has `<name>.truth.json` (written by hand, or by the generator from the
structure that built the PDF): the style, the page count, the sections in order, the page a section is
printed on where the document shows it, and the tables with their shape and one cell.

`python -m eval.ingest_fixtures` prints the table; `--report eval/REPORT.md` writes it into the report
between its own markers (the rest of the report is left alone).
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.records import PageCertainty, PageRef, ParsedDocument
from ingest.formats import detect, get_parser
from ingest.formats.generic.evidence import plausible_pages
from ingest.loader import read_text
from text.years import is_year

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "corpus"
START, END = "<!-- ingest-fixtures:start -->", "<!-- ingest-fixtures:end -->"


@dataclass
class Score:
    fixture: str
    style_true: str
    style: str
    reason: str
    sections_found: int
    sections_true: int
    numbered_found: int
    numbered_true: int
    extra_sections: list[str]
    tables_found: int  # truth tables found with the right number of columns
    tables_true: int
    tables_parsed: int
    pages_exact: int  # sections whose exact page is the true page
    pages_wrong: int  # sections with an exact page that is not the true one
    pages_true: int  # sections whose true page the truth gives
    pages_near: int  # not exact, but an estimate of the true page or a range holding it
    bad_labels: list[str] = field(default_factory=list)  # page labels outside 1…N or years


def label(number: str | None, title: str) -> str:
    return f"{number} {title}" if number else title


def norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def is_front_matter(title: str, truth: dict) -> bool:
    """The cover title (perhaps cut where it wraps) or the TOC heading."""
    return any(f == title or f.startswith(title + " ") for f in truth.get("front_matter", []))


def parse_fixture(path: Path, doc_id: str = "fixture") -> tuple[ParsedDocument, str, str]:
    """(parsed document, detected style, reason), parsed with the style the detector chose."""
    if path.suffix == ".pdf":
        from ingest.formats.pdf.parser import parse_pdf

        return parse_pdf(path, doc_id)[1], "pdf", "a PDF file"
    text, _ = read_text(path)
    found = detect(text, path.suffix)
    return get_parser(found.style)(text, doc_id), found.style, found.reason


def page_refs(doc: ParsedDocument) -> list[tuple[str, PageRef]]:
    out = [(f"section {s.title}", s.page) for s in doc.sections]
    out += [(f"block {b.id}", b.page) for b in doc.blocks]
    out += [(f"table {t.id}", t.page) for t in doc.tables]
    out += [(f"page {p.number}", PageRef.exact(p.number)) for p in doc.pages]
    return out


def bad_page_labels(doc: ParsedDocument, n_pages: int | None) -> list[str]:
    """Page numbers that cannot be pages: 0 or less, a year, or beyond the document's length."""
    bad = []
    for what, ref in page_refs(doc):
        for n in {ref.page, ref.first, ref.last, ref.estimate} - {None}:
            year = is_year(n) and (n_pages is None or n_pages < n)
            if n < 1 or year or (n_pages is not None and n > n_pages):
                bad.append(f"{what}: {ref.label()}")
                break
    return bad


def find_table(doc: ParsedDocument, want: dict):
    for t in doc.tables:
        if want.get("number") and t.number == want["number"]:
            return t
    for t in doc.tables:
        names = norm(" ".join(x for x in (t.title, t.caption) if x))
        if want.get("title") and norm(want["title"]) in names:
            return t
    if not want.get("title") and not want.get("number") and "cell" in want:
        # an untitled table: the one holding the checked row
        return next((t for t in doc.tables if any(norm(r.label) == norm(want["cell"][0]) for r in t.rows)), None)
    return None


def table_ok(t, want: dict) -> bool:
    if t is None or len(t.columns) != want["columns"] or len(t.rows) != want["rows"]:
        return False
    if "cell" in want:
        row_label, column, value = want["cell"]
        col = next((k for k, c in enumerate(t.columns[1:]) if norm(c) == norm(column)), None)
        row = next((r for r in t.rows if norm(r.label) == norm(row_label)), None)
        if col is None or row is None or col >= len(row.cells) or row.cells[col].value != value:
            return False
    return True


def score(path: Path) -> Score:
    truth = json.loads(path.with_suffix(".truth.json").read_text())
    doc, style, reason = parse_fixture(path)
    got = [label(s.number, s.title) for s in doc.sections if not is_front_matter(s.title, truth)]
    want = [label(n, t) for n, t in truth["sections"]]
    numbered = [label(n, t) for n, t in truth["sections"] if n]
    got_pages = {label(s.number, s.title): s.page for s in doc.sections}
    exact = wrong = near = 0
    for name, page in truth.get("section_pages", {}).items():
        ref = got_pages.get(name)
        if ref is not None and ref.certainty == PageCertainty.exact:
            exact += ref.page == page
            wrong += ref.page != page
        elif ref is not None and ref.certainty == PageCertainty.estimated:
            near += ref.page == page
        elif ref is not None and ref.certainty == PageCertainty.range:
            near += (ref.first or 0) <= page <= (ref.last or 0)
    tables = truth.get("tables", [])
    return Score(
        fixture=str(path.resolve().relative_to(FIXTURES)),
        style_true=truth["style"], style=style, reason=reason,
        sections_found=sum(w in got for w in want), sections_true=len(want),
        numbered_found=sum(w in got for w in numbered), numbered_true=len(numbered),
        extra_sections=[g for g in got if g not in want],
        tables_found=sum(table_ok(find_table(doc, t), t) for t in tables), tables_true=len(tables),
        tables_parsed=len(doc.tables),
        pages_exact=exact, pages_wrong=wrong, pages_true=len(truth.get("section_pages", {})), pages_near=near,
        bad_labels=bad_page_labels(doc, truth.get("pages")),
    )


def fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*/*") if p.suffix in (".txt", ".pdf") and
                  p.with_suffix(".truth.json").exists())


def corpus_check() -> list[dict]:
    """Per bundled document: the manifest's format, what the detector says, impossible page labels."""
    from ingest.manifest import load_manifest

    out = []
    for e in load_manifest():
        text, _ = read_text(CORPUS / e.source)
        found = detect(text)
        doc = get_parser(e.format or found.style)(text, e.id)
        out.append({"doc": e.id, "manifest": e.format, "detected": found.style,
                    "bad": bad_page_labels(doc, plausible_pages(text.count("\n") + 1, text.count("\f")))})
    return out


def store_figures(data: Path) -> list[dict]:
    """Sections, tables and facts per document of an ingested data folder (`kb ingest --data DIR`)."""
    from ingest.commands import summary_rows
    from ingest.store import DocumentStore

    store = DocumentStore(data)
    return summary_rows(store, sorted(p.stem for p in (data / "docs").glob("*.jsonl")))


def render(scores: list[Score], corpus: list[dict] | None, figures: list[dict] | None = None) -> str:
    rows = ["| fixture | style detected (true) | sections found/true | numbered headings | tables found/true "
            "(parsed) | pages exact/true (wrong) | other pages as estimate or range holding the true one | "
            "impossible page labels |",
            "|---|---|---|---|---|---|---|---|"]
    for s in scores:
        style = s.style if s.style == s.style_true else f"**{s.style}** ({s.style_true})"
        rows.append(f"| {s.fixture} | {style} | {s.sections_found}/{s.sections_true}"
                    f"{f' (+{len(s.extra_sections)} extra)' if s.extra_sections else ''} | "
                    f"{s.numbered_found}/{s.numbered_true} | {s.tables_found}/{s.tables_true} ({s.tables_parsed}) | "
                    f"{s.pages_exact}/{s.pages_true} ({s.pages_wrong}) | {s.pages_near} | {len(s.bad_labels)} |")
    num_f, num_t = sum(s.numbered_found for s in scores), sum(s.numbered_true for s in scores)
    tab_f, tab_t = sum(s.tables_found for s in scores), sum(s.tables_true for s in scores)
    right = sum(s.style == s.style_true for s in scores)
    lines = [
        START,
        "## Ingest on unseen documents (fixtures)",
        "",
        "Generated by `python -m eval.ingest_fixtures --report eval/REPORT.md` over `tests/fixtures/<style>/`:",
        "hand-written exports in each bundled style with different content, and text exports (`pdftotext`,",
        "with and without `-layout`, with and without form feeds) of PDFs generated in several layouts",
        "(`tests/fixtures/generate.py`). *Pages exact/true*: sections whose page is exact and right, of those",
        "whose printed page the document shows; *wrong*: an exact page that is not the true one.",
        "*Tables found*: with the right number of columns and rows and one checked cell value.",
        "",
        *rows,
        "",
        f"Style detection right on {right} of {len(scores)} fixtures; numbered headings recovered "
        f"{num_f}/{num_t} ({num_f / max(1, num_t):.0%}); tables with the right columns {tab_f}/{tab_t} "
        f"({tab_f / max(1, tab_t):.0%}); impossible page labels (0, a year, beyond the length) on fixtures: "
        f"{sum(len(s.bad_labels) for s in scores)}.",
    ]
    if corpus is not None:
        agree = sum(c["detected"] == c["manifest"] for c in corpus)
        lines += ["", f"Bundled corpus: the detector agrees with the manifest's format on {agree} of {len(corpus)} "
                      "documents; impossible page labels (0, a year, or more pages than the text's lines allow): "
                  + ", ".join(f"{c['doc']} {len(c['bad'])}" for c in corpus) + "."]
    if figures:
        lines += ["", "Bundled corpus as ingested (`kb ingest --summary`; compare README's Figures table):", "",
                  "| document | style | sections | tables | named tables+figures | facts |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {f['doc']} | {f['style']} | {f['sections']} | {f['tables']} | {f['figures']} | {f['facts']} |"
                  for f in figures]
    lines += ["", "Reasons recorded by the detector:", ""]
    lines += [f"* `{s.fixture}`: {s.reason}" for s in scores]
    lines.append(END)
    return "\n".join(lines)


def write_report(path: Path, block: str) -> None:
    text = path.read_text() if path.exists() else ""
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", type=Path, help="write the table into this markdown file")
    ap.add_argument("--no-corpus", action="store_true", help="skip the bundled corpus check")
    ap.add_argument("--data", type=Path, help="an ingested data folder: report its per-document figures")
    args = ap.parse_args()
    block = render([score(p) for p in fixtures()], None if args.no_corpus else corpus_check(),
                   store_figures(args.data) if args.data else None)
    print(block)
    if args.report:
        write_report(args.report, block)


if __name__ == "__main__":
    main()
