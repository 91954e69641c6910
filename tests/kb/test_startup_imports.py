"""What a process loads at start: the `kb` command and the API server stay light.

Each stage's heavy libraries are imported where they are used, so `kb index` does not start spaCy, a served
worker holds neither spaCy nor torch (about 290 MB less per process), and `kb` starts in about a second.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("spacy", "torch", "thinc", "matplotlib", "transformers")


def loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("statement", [
    "import kb.cli",
    "import search_api.app",
    "from answer.compose import answer",
    "import ingest.pipeline",
])
def test_starting_loads_no_heavy_library(statement):
    assert loaded_after(statement) == set()


def test_ingesting_still_loads_the_ner():
    """The check above can fail: enriching a document is where spaCy comes in."""
    loaded = loaded_after("from ingest.enrich.ner import get_nlp")
    assert "spacy" in loaded
