"""Format-parser tests name their document in a module-level DOC; it is parsed with its manifest format."""

import pytest

from ingest.formats import get_parser
from ingest.manifest import load_manifest


@pytest.fixture(scope="module")
def source(request, corpus_texts) -> str:
    """The source text of the test module's DOC."""
    return corpus_texts[request.module.DOC]


@pytest.fixture(scope="module")
def doc(request, source):
    """The test module's DOC parsed by the parser its manifest entry names."""
    entry = next(e for e in load_manifest() if e.id == request.module.DOC)
    return get_parser(entry.format)(source, entry.id)
