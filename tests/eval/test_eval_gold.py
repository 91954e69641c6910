"""Gold location: supports are found verbatim, or whitespace-normalised and mapped back to exact offsets."""

from __future__ import annotations

import pytest

from eval.harness import SourceDoc, locate_gold, locate_support, normalise_with_map, sources_from_corpus
from eval.questions_format import Question


@pytest.fixture(scope="module")
def corpus() -> dict[str, SourceDoc]:
    return {d.doc_id: d for d in sources_from_corpus()}


def test_verbatim_match_with_tabs(corpus):
    text = corpus["imdi-arsrapport-2020"].text
    support = "Bosatte enslige mindreårige\t1 599\t759\t194\t137\t80"
    spans = locate_support(text, support)
    assert len(spans) == 1
    assert text[spans[0].start:spans[0].end] == support


def test_letter_blank_lines_and_trailing_spaces_map_back(corpus):
    """The tildelingsbrev has every line followed by a blank line and trailing spaces."""
    text = corpus["kd-tildelingsbrev-2020"].text
    typed = ("Måleutgangspunkt: I 2018 var 23,4 pst. av deltakerne i grunnskoleopplæring og 9,7 pst. "
             "hadde fag i videregående skole som del av introduksjonsprogrammet.")
    assert typed not in text  # only the normalised form matches
    spans = locate_support(text, typed)
    assert len(spans) == 1
    found = text[spans[0].start:spans[0].end]
    assert found.startswith("Måleutgangspunkt: I 2018") and found.endswith("introduksjonsprogrammet.")
    assert "9,7 pst. \n\nhadde fag" in found  # the exact source, blank line and trailing space included
    assert " ".join(found.split()) == typed


def test_support_with_line_break_written_as_newline(corpus):
    text = corpus["imdi-arsrapport-2022"].text
    support = "Det blei busett i alt 31 258 flyktningar i 2022,\n88 prosent av det talet"
    (span,) = locate_support(text, support)
    assert text[span.start:span.end] == "Det blei busett i \nalt 31 258 flyktningar i 2022, 88 prosent av det talet"


def test_ocr_support_must_be_the_damaged_text(corpus):
    text = corpus["imdi-arsrapport-2024"].text
    assert locate_support(text, "Kvoten for overfgringsflyktninger var i 2024 p& 1 000 personer.")
    assert not locate_support(text, "Kvoten for overføringsflyktninger var i 2024 på 1 000 personer.")


def test_normalise_map_offsets():
    text = "a  b\n\n c \t"
    norm, offsets = normalise_with_map(text)
    assert norm == "a b c "
    assert [text[i] for i in offsets] == ["a", " ", "b", "\n", "c", " "]


def test_named_document_first_then_any(corpus):
    docs = list(corpus.values())
    # the 2020 settlement total appears in all three annual reports' tables, in different shapes;
    # this sentence is only in the 2020 report
    q = Question(id="x", question="q", support="Det ble bosatt totalt 2 819 flyktninger i 2020",
                 answer_values=[], doc="002_67ba3224a837f28d.txt")  # wrongly named: the letter
    gold = locate_gold(q, docs)
    assert gold is not None and gold.doc_id == "imdi-arsrapport-2020"
    q2 = q.model_copy(update={"doc": None})
    assert locate_gold(q2, docs).doc_id == "imdi-arsrapport-2020"
    q3 = q.model_copy(update={"support": "Denne setningen står ikke i noe dokument i korpuset."})
    assert locate_gold(q3, docs) is None


def test_original_name_is_accepted(corpus):
    doc = corpus["imdi-arsrapport-2024"]
    assert doc.known_as("001_fdbb44fecce63a39.txt")
    assert doc.known_as("imdi-arsrapport-2024-ocr.txt")
    assert not doc.known_as("imdi-arsrapport-2020.txt")
