"""Shared checks for tests/fixtures/<style>/: each fixture parsed with the detected style, against its truth."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from core.records import PageCertainty, ParsedDocument
from eval.ingest_fixtures import (
    FIXTURES,
    bad_page_labels,
    find_table,
    is_front_matter,
    label,
    parse_fixture,
    table_ok,
)
from ingest.loader import read_text
from ingest.pages import estimate_document


def cases(style_dir: str) -> list[Path]:
    found = sorted(p for p in (FIXTURES / style_dir).iterdir() if p.suffix in (".txt", ".pdf"))
    assert found, f"no fixtures in tests/fixtures/{style_dir}"
    return found


@cache
def parsed(path: Path) -> tuple[ParsedDocument, str, str]:
    return parse_fixture(path)


def truth(path: Path) -> dict:
    return json.loads(path.with_suffix(".truth.json").read_text())


def check_style(path: Path) -> None:
    _, style, reason = parsed(path)
    assert style == truth(path)["style"], reason


def check_sections(path: Path) -> None:
    doc, _, _ = parsed(path)
    t = truth(path)
    k = 0
    while k < len(doc.sections) and is_front_matter(doc.sections[k].title, t):
        k += 1  # cover title and TOC heading: a parser may report them, they are not scored
    assert [[s.number, s.title] for s in doc.sections[k:]] == t["sections"]


def check_tables(path: Path) -> None:
    doc, _, _ = parsed(path)
    want = truth(path)["tables"]
    assert len(doc.tables) == len(want)
    for w in want:
        t = find_table(doc, w)
        assert table_ok(t, w), (w, t and (t.columns, [(r.label, [c.text for c in r.cells]) for r in t.rows]))


def check_figures(path: Path) -> None:
    doc, _, _ = parsed(path)
    assert [f"{f.kind} {f.number}" for f in doc.figures] == truth(path)["figures"]


def check_pages_possible(path: Path) -> None:
    """No page 0, no year, nothing beyond the document's length, anywhere."""
    doc, _, _ = parsed(path)
    assert bad_page_labels(doc, truth(path)["pages"]) == []


def check_estimated_pages_possible(path: Path) -> None:
    """After the best estimates the pipeline adds (a text export's pages), still no page outside 1…N."""
    if path.suffix == ".pdf":
        return  # a PDF's pages are exact: nothing is estimated
    doc, style, _ = parse_fixture(path)  # a fresh parse: the estimates change the records
    estimate_document(doc, read_text(path)[0], style)
    assert bad_page_labels(doc, truth(path)["pages"]) == []


def check_exact_pages_right(path: Path) -> None:
    doc, _, _ = parsed(path)
    pages = truth(path)["section_pages"]
    for s in doc.sections:
        name = label(s.number, s.title)
        if s.page.certainty == PageCertainty.exact and name in pages:
            assert s.page.page == pages[name], name


def page_labels(path: Path) -> dict[str, str]:
    doc, _, _ = parsed(path)
    return {label(s.number, s.title): s.page.label() for s in doc.sections}


def check_page_labels(path: Path) -> None:
    """The labels the truth says the document's evidence allows (TOC ranges, estimates next to a TOC page)."""
    got = page_labels(path)
    for name, want in truth(path).get("page_labels", {}).items():
        assert got[name] == want, name
