"""A generated PDF read back as text without page breaks: the density model places passages on their page."""

from __future__ import annotations

import numpy as np
import pytest

from eval.page_error import synth_samples
from eval.page_synth import synth_doc


@pytest.mark.slow
def test_generated_report_pages_are_estimated_within_two_pages():
    doc = synth_doc("figures", seed=7, n_elements=160, size=11.0, figures=0.18, tables=0.1)
    assert len(doc.page_starts) >= 25  # figures and chapter breaks spread 160 elements over many pages
    pages = [p for _, _, _, p in doc.elements]
    assert pages == sorted(pages) and pages[-1] == len(doc.page_starts)
    samples = synth_samples([doc], every=(8,), random_sets=2)
    density = np.array([s["error"] for s in samples if s["method"] == "density"])
    line = np.array([s["error"] for s in samples if s["method"] == "line"])
    assert np.median(density) <= 1 and (density <= 2).mean() >= 0.9
    assert density.sum() <= line.sum()
