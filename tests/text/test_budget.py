"""A budget post's number, from the labels the letters and reports print."""

import pytest

from core.records import Fact, Span
from index.filters import FactFilters, fact_post
from text.budget import post_number


@pytest.mark.parametrize("label, number", [
    ("Post 62 Kommunale innvandrertiltak", "62"),
    ("Kap. 291, post 21 Spesielle driftsutgifter", "21"),
    ("Integrering- og mangfoldsdirektoratet – Driftsutgifter (Utgiftskapittel 0290, post 01)", "01"),
    ("Post 72 Statsautorisasjonsordningen for tolker m.a.", "72"),
    ("Samlet tildeling post 01-99", None),  # a range of posts is none of them
    ("Det er bevilget 225,0 mill. kroner på posten", None),
    ("Kommunane fekk 1 200 kroner per post", None),
    (None, None),
])
def test_post_number(label, number):
    assert post_number(label) == number


def fact(indicator: str, post: str | None = None) -> Fact:
    return Fact(id="f", doc_id="brev", value=1.0, indicator=indicator, post=post, source_kind="text",
                span=Span(start=0, end=1))


def test_a_fact_is_on_the_post_of_its_block_or_of_its_row_label():
    in_block = fact("Det er bevilget på posten", post="Post 62 Kommunale innvandrertiltak")
    row = fact("Post 62 Kommunale innvandrertiltak")
    other = fact("Post 60 Integreringstilskudd, kan overføres")
    none = fact("Andel bosatt innen 6 måneder")
    assert [fact_post(f) for f in (in_block, row, other, none)] == ["62", "62", "60", None]
    on_62 = FactFilters(post="62")
    assert not on_62.is_empty()
    assert [on_62.matches(f) for f in (in_block, row, other, none)] == [True, True, False, False]
