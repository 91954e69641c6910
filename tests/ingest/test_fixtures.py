"""Every fixture of every export family (tests/fixtures/<family>/) against its truth file: style detected,
exact sections, tables with their shape and a cell, named figures, no impossible page label (before and after
the page estimates), exact pages right.
Family-specific cases live in test_fixtures_<family>.py."""

import pytest

from tests.ingest.fixturecases import (
    cases,
    check_estimated_pages_possible,
    check_exact_pages_right,
    check_figures,
    check_page_labels,
    check_pages_possible,
    check_sections,
    check_style,
    check_tables,
)

FAMILIES = ("letter", "markdown", "markdown_html", "ocr", "pdf", "pdftotext", "plain")
CASES = [path for family in FAMILIES for path in cases(family)]
CHECKS = [check_style, check_sections, check_tables, check_figures, check_pages_possible,
          check_estimated_pages_possible,
          check_exact_pages_right, check_page_labels]


def test_every_family_has_fixtures():
    assert all(cases(family) for family in FAMILIES)


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__ for c in CHECKS])
def test_fixture(path, check):
    check(path)
