"""A count of a part ("av disse", "fra disse …", "hvorav", Nynorsk "av desse") is marked as a subset."""

import pytest

from answer.facts import is_subset, subset_at
from core.records import Fact, Span


@pytest.mark.parametrize("sentence, number, part", [
    ("I 2024 ble det bosatt 133 personer fra disse botiltakene, om lag like mange som i 2023.", "133", True),
    ("I Norge var det i 2012 registrert 1 393 vannkraftverk, av disse er 36 verk over 200 MW.", "1 393", False),
    ("I Norge var det i 2012 registrert 1 393 vannkraftverk, av disse er 36 verk over 200 MW.", "36", True),
    ("Det vart busett 4 200 personar, av desse 1 100 barn.", "1 100", True),
    ("Det ble bosatt 25 618 personer i 2024.", "25 618", False),
    ("Totalt 900 deltakere, hvorav 400 kvinner.", "400", True),
])
def test_the_clause_of_the_number_decides(sentence, number, part):
    assert subset_at(sentence, sentence.index(number)) is part


def test_a_fact_from_a_subset_sentence_is_a_subset():
    s = "I 2024 ble det bosatt 133 personer fra disse botiltakene."
    f = Fact(id="f", doc_id="d", value=133, unit="personer", indicator="bosatt personer", sentence=s,
             source_kind="text", span=Span(start=0, end=3))
    assert is_subset(f)
    assert not is_subset(f.model_copy(update={"sentence": "I 2024 ble det bosatt 133 personer."}))
