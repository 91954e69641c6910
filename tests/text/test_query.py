"""Query classification shared by search and answers: years, figure vs passage, language, keyword queries."""

from __future__ import annotations

import pytest

from text.query import QueryType, classify
from text.units import Family, question_family


@pytest.mark.parametrize("query, qtype", [
    ("hva var andel bosatt innen 6 måneder i 2020", QueryType.number),
    ("kor mange vart busette i 2022", QueryType.number),
    ("how many refugees were settled in 2022", QueryType.english),
    ("why did refugee resettlement stop in spring 2020", QueryType.english),
    ("sidevisninger nora", QueryType.keyword),
    ("post 62 beløp", QueryType.keyword),
    ("Hvem ledet Stortingets justiskomité i 2012?", QueryType.passage),
    ("hvorfor stoppet bosettingen våren 2020", QueryType.passage),
])
def test_query_types(query, qtype):
    assert classify(query).type is qtype


def test_years_units_and_ranges():
    info = classify("andel bosatt innen 12 mnd 2019–2021")
    assert info.years == (2019, 2020, 2021)
    assert info.unit == Family.percent and info.is_numeric
    assert classify("hvor mange ble bosatt").unit == Family.count
    assert classify("hvorfor stoppet bosettingen").asks_passage
    assert not classify("hvorfor stoppet bosettingen").is_numeric
    assert classify("kva gjorde kommunane").lang == "nn"
    # a question word makes a short query a question, not keywords
    assert not classify("hvem er direktør").short and classify("direktør imdi").short


@pytest.mark.parametrize("question, family", [
    ("hvor stort var integreringstilskuddet i 2020", Family.money),  # a money word as the compound's tail
    ("hva var budsjettrammen", Family.money),
    ("kor stor var løyvinga", Family.money),  # Nynorsk
    ("tilskotsramma for kommunale tiltak", Family.money),
    ("hvem signerte tildelingsbrevet", None),  # a letter, not money: the tail names the thing
    ("hvilke tilskuddsordninger forvalter imdi", None),
    ("kva er dei viktigaste måla i tildelingsbrevet", None),
    ("hvilke programmer driver kommunene", None),  # program-mer, not ramme
    ("hva var rammen", Family.money),
])
def test_a_money_word_asks_for_money_only_as_the_compounds_tail(question, family):
    assert question_family(question) is family


@pytest.mark.parametrize("question", ["hvor lenge var ventetiden", "hvor lang tid tok det å bosette flyktningene",
                                      "kor lang tid tok busetjinga", "how long did they wait"])
def test_how_long_asks_for_a_duration(question):
    assert question_family(question) is Family.months


@pytest.mark.parametrize("question", ["hva var kapasitetsutnyttelsen i 2024", "kor stor var utnyttinga av løyvinga",
                                      "utnyttelsesgrad post 01-99"])
def test_a_utilisation_asks_for_a_share(question):
    assert question_family(question) is Family.percent

