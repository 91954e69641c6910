"""Answers on the bundled corpus with the real model: the reference question and its variants."""

import pytest

from answer.compose import answer

pytestmark = pytest.mark.slow


def test_reference_question_answers_49_percent_from_the_2020_report(real_index):
    a = answer("hva var andel bosatt innen 6 måneder i 2020", real_index)
    assert a.found and a.value == 49 and a.unit == "%"
    assert a.answer_type == "number" and a.short_answer == "49 %"
    assert a.citation.doc_id == "imdi-arsrapport-2020"
    assert a.citation.column == "Resultat 2020" and a.citation.row is not None
    assert "49" in a.citation.quote
    assert "49 %" in a.text
    # the target beside the result, and the earlier years of the same row
    relations = {(alt.relation, alt.value) for alt in a.alternatives}
    assert ("target", 90.0) in relations
    assert ("other_year", 95.0) in relations
    assert a.passages and a.passages[0].citation.page_label


def test_same_question_for_2019_gives_95_from_the_same_row(real_index):
    a = answer("hva var andel bosatt innen 6 måneder i 2019", real_index)
    assert a.value == 95 and a.unit == "%"
    assert a.citation.doc_id == "imdi-arsrapport-2020" and a.citation.column == "Resultat 2019"


def test_nynorsk_question_gets_the_same_answer(real_index):
    a = answer("kor stor del vart busette innan 6 månader i 2020", real_index)
    assert a.value == 49 and a.unit == "%"
    assert a.citation.doc_id == "imdi-arsrapport-2020"


def test_target_question_gets_the_krav(real_index):
    a = answer("hva var kravet til andel bosatt innen 6 måneder i 2020", real_index)
    assert a.value == 90 and "krav" in (a.fact.qualifier or "")


def test_count_from_the_nynorsk_report(real_index):
    a = answer("kor mange flyktningar vart busette i 2022", real_index)
    assert a.value == 31258
    assert a.citation.doc_id == "imdi-arsrapport-2022"


def test_a_question_the_documents_do_not_answer_says_so(real_index):
    a = answer("hva er hovedstaden i Australia", real_index)
    assert not a.found or a.value is None
    assert a.confidence < 0.5


def test_a_budget_post_revised_by_supplementary_letters_shows_each_source(real_index):
    a = answer("integreringstilskudd post 60 i 2020", real_index)
    assert a.citation.doc_id == "kd-tildelingsbrev-2020"
    assert a.disagreement is not None and "Tillegg nr. 8" in a.disagreement
    values = {a.value} | {alt.value for alt in a.alternatives}
    assert len(values) >= 2  # the amount before and after the revision


def test_count_from_the_ocr_damaged_report(real_index):
    # "I 2024 ble det bosatt 133 personer fra disse botiltakene" is a part (answer.facts.SUBSET): not the total
    a = answer("hvor mange ble bosatt i 2024", real_index)
    assert a.value == 25618
    assert a.citation.doc_id == "imdi-arsrapport-2024"


def test_english_variant_gets_the_same_cell(real_index):
    a = answer("share of refugees settled within six months in 2020", real_index)
    assert a.value == 49 and a.citation.doc_id == "imdi-arsrapport-2020"


def test_who_won_the_prize_is_a_name_not_a_number(real_index):
    a = answer("hvem fikk prisen årets mangfoldsvirksomhet", real_index)
    assert a.answer_type == "person" and a.value is None
    assert a.found and "Lydgulvsystemer" in a.short_answer
    v = a.values[0]
    assert real_index.sources[v.citation.doc_id][v.citation.span.start:v.citation.span.end] == v.text


def test_which_offices_close_is_a_list_of_places_each_cited(real_index):
    a = answer("hvilke imdi-kontorer skal legges ned", real_index)
    assert a.answer_type == "list" and a.item_type == "place"
    assert len(a.values) >= 2 and all(v.citation.quote for v in a.values)


def test_two_figures_asked_get_two_values(real_index):
    a = answer("hvor mange ble bosatt i 2024 og kapasitetsutnyttelse", real_index)
    assert a.answer_type == "numbers" and len(a.values) == 2
    assert a.values[0].value == 25618


def test_a_figure_asked_for_two_years_gives_one_value_for_each(real_index):
    a = answer("talet på oppføringar i nasjonalt tolkeregister ved utgangen av 2021 og 2022", real_index)
    assert a.found and a.answer_type == "numbers"
    assert [v.text.split()[:2] for v in a.values] == [["1", "948"], ["2", "245"]]
    assert all(v.citation.doc_id == "imdi-arsrapport-2022" for v in a.values)
    assert [v.year for v in a.values] == [2021, 2022]
    assert a.text.count("1 948") == 1  # both figures stand in one sentence, shown once
