"""What a number question asks for, in Bokmål, Nynorsk and English."""

import pytest

from answer.intent import COUNT, MONEY, MONTHS, PERCENT, answer_type, indicator_words, parse_question, unit_family
from core.records import AnswerType
from text.formatting import format_number, format_value, value_key


@pytest.mark.parametrize(
    ("question", "years", "unit", "lang"),
    [
        ("hva var andel bosatt innen 6 måneder i 2020", [2020], PERCENT, "nb"),
        ("kor stor del vart busette innan 6 månader i 2020", [2020], PERCENT, "nn"),
        ("hvor mange ble bosatt i 2022", [2022], COUNT, "nb"),
        ("kor mange flyktningar blei busette", [], COUNT, "nn"),
        ("how many refugees were settled 2018-2020", [2018, 2019, 2020], COUNT, "en"),
        ("hva var ventetiden fra vedtak til bosetting", [], MONTHS, "nb"),
        ("hvor mye fikk IMDi i integreringstilskudd", [], MONEY, "nb"),
        ("hva er formålet med tolkeloven", [], None, "nb"),
    ],
)
def test_parse_question(question, years, unit, lang):
    intent = parse_question(question)
    assert intent.years == years
    assert intent.unit == unit
    assert intent.lang == lang


def test_question_numbers_exclude_years():
    intent = parse_question("hva var andel bosatt innen 6 måneder i 2020")
    assert intent.numbers == [6.0]


def test_target_and_preliminary():
    assert parse_question("hva var kravet til andel bosatt innen 6 måneder").wants_target
    assert not parse_question("hva var andel bosatt innen 6 måneder").wants_target
    # the definite forms ask for the requirement too, in Bokmål and Nynorsk
    for q in ("hva var resultatkravet for bosetting innen 12 måneder i 2020", "kva var resultatkravet i 2020",
              "hvilke krava gjaldt bosetting", "hva sa kravene om bosetting"):
        assert parse_question(q).wants_target, q
    assert not parse_question("hva var resultatet for bosetting i 2020").wants_target
    assert parse_question("foreløpige tall for deltakere i 2020").wants_preliminary


def test_indicator_words_rewrite_phrasings():
    assert indicator_words("kor stor del vart busette") == "andel vart busette"
    assert indicator_words("what share of refugees") == "what andel of refugees"


@pytest.mark.parametrize(
    ("unit", "family"),
    [("%", PERCENT), ("mill. kroner", MONEY), ("kroner", MONEY), ("måneder", MONTHS), (None, COUNT),
     ("personer", COUNT)],
)
def test_unit_family(unit, family):
    assert unit_family(unit) == family


def test_norwegian_number_format():
    assert format_number(2819) == "2 819"
    assert format_number(9.6) == "9,6"
    assert format_number(7545.63) == "7 545,63"
    assert format_value(49, "%") == "49 %"
    assert format_value(31258, None) == "31 258"
    # `antall` is stored so a count is known to be one, but says nothing to print; a noun unit is printed
    assert format_value(282, "antall") == "282"
    assert format_value(282, "personar") == "282 personar"
    assert format_value(298458, "1000 kroner") == "298 458 tusen kroner"  # not one long number `298 458 1000`
    assert value_key(282, "antall") != value_key(282, None)  # answers still group them as before


@pytest.mark.parametrize(("question", "kind"), [
    ("hva kostet tolketjenester i 2022", AnswerType.number),
    ("kva kosta tolkinga i 2022", AnswerType.number),
    ("what did interpreting cost in 2022", AnswerType.number),
    ("hva ble bevilget til kap. 291 post 60 i 2020", AnswerType.number),
    ("kva vart løyvd til tolking i 2022", AnswerType.number),
    ("what was the share settled within six months in 2020", AnswerType.number),
    ("what did the study find", AnswerType.reason),
    ("what is the capital of Norway", AnswerType.term),
])
def test_cost_verbs_ask_for_money_and_an_english_auxiliary_names_no_kind(question, kind):
    assert answer_type(question)[0] is kind
    assert answer_type("hva brukte de tiden på")[0] is not AnswerType.number  # `brukte` alone names no money


def test_indicator_words_drop_the_unit_cue():
    assert indicator_words("hvor mange ble bosatt i 2024") == "ble bosatt i 2024"
    assert indicator_words("kor mykje fekk IMDi") == "fekk IMDi"


def test_count_phrase_outranks_a_money_word():
    assert parse_question("kor mange søknader om tilskot til jobbsjansen").unit == COUNT
    assert parse_question("hvor mye tilskudd fikk jobbsjansen").unit == MONEY


@pytest.mark.parametrize(("question", "kind"), [
    ("hva ønsker forbundet å oppnå", AnswerType.reason),
    ("kva kravde departementet av IMDi", AnswerType.reason),
    ("hva skjedde med bosettingen i 2022", AnswerType.reason),
    ("kva gjorde kommunane for å busetje fleire", AnswerType.reason),
    ("hva heter ordningen", AnswerType.term),  # a naming verb: a thing named
    ("kva blir ordninga kalla", AnswerType.term),  # a passive naming verb
    ("hva slags tiltak fikk støtte", AnswerType.term),
    ("hva kostet tolketjenester i 2022", AnswerType.number),  # a cost verb with a year asks for money first
])
def test_a_finite_verb_after_hva_asks_for_a_description(question, kind):
    assert answer_type(question)[0] is kind
