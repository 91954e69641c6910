"""Answer types read from the question, and typed answers (names, places, lists, dates, reasons) from passages."""

import pytest

from answer.compose import answer, post_at, span_years
from answer.intent import answer_type, parse_question, place_kind, split_figures
from answer.spans import candidates, capital_by_position, coordination, signature_units
from core.records import AnswerType as T
from core.records import Citation, Fact, Span
from tests.answer.answerfakes import PassageIndex


@pytest.mark.parametrize(
    ("question", "kind", "item"),
    [
        ("hva var andel bosatt innen 6 måneder i 2020", T.number, None),
        ("kor stor del vart busette innan 6 månader i 2020", T.number, None),
        ("share of refugees settled within six months in 2020", T.number, None),
        ("hvor mange ble bosatt i 2024 og kapasitetsutnyttelse", T.numbers, None),
        ("asylsøkere med plikt til norskopplæring 2024 og andel som deltok", T.numbers, None),
        ("hvem fikk prisen årets mangfoldsvirksomhet", T.person, None),
        ("kven leia studien", T.person, None),
        # who a named person is asks for a description (the sentence naming them), not another name
        ("Hvem er Horst Seehofer?", T.reason, None),
        ("kven er Libe Rieber-Mohn", T.reason, None),
        ("Who is Jan Egeland?", T.reason, None),
        ("Hvem er IMDis direktør?", T.person, None),
        # who may apply, who has the right, who is covered: a group, answered by the sentence that says it
        ("hvem kan søke om tilskudd til integreringsarbeid", T.reason, None),
        ("kven kan søkje om tilskot", T.reason, None),
        ("who can apply for the grant", T.reason, None),
        ("hvem har rett og plikt til introduksjonsprogram", T.reason, None),
        ("kven er omfatta av ordninga", T.reason, None),
        ("hvem kan hjelpe kommunene", T.person, None),  # a helper, not an eligibility
        ("hvem har skrevet rapporten", T.person, None),
        ("hvem er pasientombud i Oslo", T.person, None),
        ("who led the study", T.person, None),
        ("hvilken organisasjon gjennomførte undersøkelsen", T.organisation, None),
        ("hvor ligger imdis kontorer", T.place, None),
        ("kvar ligg IMDi sine kontor", T.place, None),  # Nynorsk `kvar` before a verb is where
        ("kvar kommune fekk tilskot", T.number, None),  # … and before a noun `each`
        ("where are IMDi's offices", T.place, None),
        ("hvilke kommuner har integreringsmottak", T.list, T.place),
        ("kva for nokre kommunar tok imot flest", T.list, T.place),
        # Nynorsk bare `kva for`: a singular noun is `hvilken`, a plural one `hvilke`
        ("kva for kommune fekk mest tilskot", T.place, None),
        ("kva for kommunar hadde integreringsmottak", T.list, T.place),
        ("kva for organisasjonar fekk tilskot", T.list, T.organisation),
        ("kva for år kom integreringslova", T.date, None),
        ("hvilke verdier har imdi", T.list, T.term),
        ("når ble kulturorienteringsprogrammet sist evaluert", T.date, None),
        ("i hvilket år kom integreringsloven", T.date, None),
        ("hvorfor ble det bosatt færre flyktninger", T.reason, None),
        ("kvifor gjekk ventetida ned", T.reason, None),
        ("why did resettlement stop", T.reason, None),
        ("hvordan fungerer skjermtolking", T.reason, None),
        # how something was done is a description, though the question names a time or a figure's word
        ("korleis fekk IMDi ned saksbehandlingstida for tilskot i 2022", T.reason, None),
        ("hva er årsakene til at flyktninger faller ut av arbeidslivet", T.reason, None),
        ("frist for å sende årsrapporten for 2020 til KD", T.date, None),
        ("hvor lang frist har kommunene", T.number, None),
        # Nynorsk bare `kva` before an item noun reads like `kva for`
        ("kva organisasjonar fekk 1,5 millionar kroner kvar", T.list, T.organisation),
        ("kva kommune fekk mest tilskot", T.place, None),
        ("kva gjer IMDi", T.reason, None),
        ("hvor lenge var ventetiden", T.number, None),
        ("hvor lang tid tok det å bosette flyktningene", T.number, None),  # a duration, not a place
        ("kor lang var ventetida i 2022", T.number, None),
        # a measure asked for a year is a figure; without a year, or asking why, it is a description
        ("hva var resultatet for SP4 i 2020", T.number, None),
        # the plural copula too: a figure asked for a year, not a description
        ("What were the results for SP4 in 2020?", T.number, None),
        ("What were the main findings of the study?", T.reason, None),
        ("kva var kravet til busetjing i 2020", T.number, None),
        ("what was the target for settlement in 2024", T.number, None),
        ("hva er målet med introduksjonsprogrammet", T.reason, None),
        ("hva var bakgrunnen for kravet i 2020", T.reason, None),
        ("hva heter avdelingen som sluttet å sende rapporter", T.term, None),
        ("hvilket tolkespråk var mest etterspurt", T.term, None),
    ],
)
def test_answer_type_from_the_wording(question, kind, item):
    assert answer_type(question) == (kind, item)
    assert parse_question(question).answer_type is kind


def test_several_figures_are_split_into_one_question_each():
    assert split_figures("hvor mange ble bosatt i 2024 og kapasitetsutnyttelse") == [
        "hvor mange ble bosatt i 2024", "kapasitetsutnyttelse"]


@pytest.mark.parametrize(("question", "first"), [
    ("Hva var resultatet og kravet for andel bosatt innen 6 måneder i 2020?",
     "Hva var resultatet for andel bosatt innen 6 måneder i 2020?"),
    ("Kva var resultatet og kravet for delen busette innan 6 månader i 2022?",
     "Kva var resultatet for delen busette innan 6 månader i 2022?"),
    ("What was the result and the target for the share settled within 6 months in 2020?",
     "What was the result for the share settled within 6 months in 2020?"),
    ("Hvor mange søknader kom inn og hvor mange ble innvilget til Jobbsjansen i 2020?",
     "Hvor mange søknader kom inn til Jobbsjansen i 2020?"),
])
def test_a_first_figure_that_names_no_measure_takes_the_shared_tail(question, first):
    parts = split_figures(question)
    assert len(parts) == 2 and parts[0] == first


def test_a_first_figure_with_its_own_phrase_keeps_it():
    assert split_figures("Hvor mange ble bosatt i Oslo og hvor mange i Bergen?") == [
        "Hvor mange ble bosatt i Oslo", "hvor mange i Bergen?"]


@pytest.mark.parametrize("question", [
    "What share of families were settled within 3 months in 2020, and what was the target?",
    "hvor stor andel ble bosatt innen 3 måneder i 2020, og hva var kravet?",
    "kor stor del vart busett innan 3 månader i 2020, og kva var målet?",
])
def test_a_trailing_question_for_the_target_asks_for_a_second_figure(question):
    assert answer_type(question)[0] is T.numbers
    assert len(split_figures(question)) == 2


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("talet på oppføringar i tolkeregisteret ved utgangen av 2021 og 2022",
         ["talet på oppføringar i tolkeregisteret ved utgangen av 2021",
          "talet på oppføringar i tolkeregisteret ved utgangen av 2022"]),
        ("number of cases in 2023 and in 2024", ["number of cases in 2023", "number of cases in 2024"]),
        ("hvor mange ble bosatt i 2020, 2021 og 2022",
         ["hvor mange ble bosatt i 2020", "hvor mange ble bosatt i 2021", "hvor mange ble bosatt i 2022"]),
    ],
)
def test_a_figure_asked_for_listed_years_is_one_question_per_year(question, parts):
    assert answer_type(question) == (T.numbers, None)
    assert split_figures(question) == parts
    assert [parse_question(p).years for p in parts] == [[int(p[-4:])] for p in parts]


def test_a_figure_asked_for_two_groups_is_one_question_per_group():
    q = "hvor stor andel av menn og kvinner som avsluttet programmet var i arbeid"
    assert answer_type(q) == (T.numbers, None)
    assert split_figures(q) == ["hvor stor andel av menn som avsluttet programmet var i arbeid",
                                "hvor stor andel av kvinner som avsluttet programmet var i arbeid"]
    assert answer_type("kor mange kommunar og bydelar svara på undersøkinga") == (T.numbers, None)
    # a group word before the first belongs to it alone
    assert split_figures("hvor mange enslige mindreårige og barnefamilier ble bosatt") == [
        "hvor mange enslige mindreårige ble bosatt", "hvor mange barnefamilier ble bosatt"]
    # `barn og unge` is one group; a name question about two groups asks for no figures
    assert answer_type("hvor mange barn og unge deltok") == (T.number, None)
    assert answer_type("hvor mange enslige barn og unge deltok") == (T.number, None)
    assert answer_type("hvem leder gruppen om sårbare barn og unge") == (T.person, None)


@pytest.mark.parametrize("question", ["hvor mange ble bosatt 2019–2021", "hvor mange ble bosatt fra 2019 til 2021",
                                      "hvorfor gikk bosettingen ned i 2020 og 2021", "hvem vant prisen i 2020 og 2021"])
def test_a_year_range_or_a_question_for_no_figure_is_not_split_by_year(question):
    assert answer_type(question)[0] is not T.numbers


PRIZE = ("Mangfoldsprisen 2020 gikk til Lydgulvsystemer AS i Viken, som ble kåret til årets "
         "mangfoldsvirksomhet.", [("Viken", "GPE")])
OFFICES = ("IMDi skal legge ned kontorene i Gjøvik, Kristiansand og Trondheim fra 1. juli 2020.",
           [("IMDi", "ORG"), ("Gjøvik", "GPE"), ("Kristiansand", "GPE"), ("Trondheim", "GPE"),
            ("1. juli 2020", "DATE")])
STEINKJER = ("Integreringsmottaket i Steinkjer ble lagt ned 1. oktober 2024 fordi kommunen ikke lenger fikk nok "
             "beboere. Mottaket i Kristiansand fortsatte.", [("Steinkjer", "GPE"), ("1. oktober 2024", "DATE")])


def test_a_who_question_gets_a_name_with_its_sentence_and_exact_span():
    idx = PassageIndex([PRIZE])
    a = answer("hvem fikk prisen årets mangfoldsvirksomhet", idx)
    assert a.answer_type is T.person and a.found
    assert "Lydgulvsystemer" in a.short_answer and len(a.short_answer.split()) <= 12
    assert "mangfoldsvirksomhet" in a.text  # the sentence beside the name
    v = a.values[0]
    assert idx.sources["doc"][v.citation.span.start:v.citation.span.end] == v.text


def test_a_which_municipalities_question_lists_every_place_each_cited():
    idx = PassageIndex([OFFICES])
    a = answer("hvilke kontorer skal legges ned", idx)
    assert a.answer_type is T.list and a.item_type is T.place
    assert [v.text for v in a.values] == ["Gjøvik", "Kristiansand", "Trondheim"]
    for v in a.values:
        assert idx.sources["doc"][v.citation.span.start:v.citation.span.end] == v.text


CONFERENCES = ("Konferansane blei haldne i Trøndelag, Nordland og Agder med bidrag frå kommunar og frivillige "
               "organisasjonar.", [("Trøndelag", "GPE"), ("Nordland", "GPE"), ("Agder", "GPE")])


def test_a_where_question_answered_by_coordinated_places_gets_them_all():
    # Nynorsk, a place question: the sentence names three places joined by commas and `og`
    idx = PassageIndex([CONFERENCES])
    a = answer("kvar blei konferansane haldne", idx)
    assert a.answer_type is T.place and a.found
    assert [v.text for v in a.values] == ["Trøndelag", "Nordland", "Agder"]
    for v in a.values:
        assert idx.sources["doc"][v.citation.span.start:v.citation.span.end] == v.text


# a letter's end: the name on a line of its own, the role on the lines under it (in the 2020 report the name is
# printed twice, italic and bold)
SIGNED = ("Vi har gjort oss mange erfaringer gjennom året som vi tar med oss videre.\n\nKari Nordmann\n\n"
          "Kari Nordmann\n\nDirektør\n\nIntegrerings- og mangfoldsdirektoratet",
          [("Kari Nordmann", "PER")])


@pytest.mark.parametrize("question", ["hvem er direktør i direktoratet", "kven er direktør i direktoratet",
                                      "who is the director of the directorate"])
def test_a_signature_names_the_holder_of_the_role_under_it(question):
    idx = PassageIndex([SIGNED, ("Direktøren har ansvar for at Reglementet for økonomistyring følges.", [])])
    a = answer(question, idx)
    assert a.answer_type is T.person and a.found
    assert a.short_answer == "Kari Nordmann"
    v = a.values[0]
    assert idx.sources["doc"][v.citation.span.start:v.citation.span.end] == "Kari Nordmann"


def test_only_a_name_line_takes_the_short_lines_under_it():
    text = "Libe Rieber-Mohn\ndirektør\nIntegrerings- og mangfoldsdirektoratet\nTabell 3\n12 kommuner\nOslo"
    lines = [(0, 16), (17, 25), (26, 64), (65, 73), (74, 85), (86, 90)]
    assert [text[a:b] for a, b in lines][-1] == "Oslo"
    # the name line takes its two role lines; `Tabell 3` holds a figure and ends the signature
    assert signature_units(text, lines, [(0, 16)]) == [(0, 64), (65, 73), (74, 85), (86, 90)]
    assert signature_units(text, lines, []) == lines  # no person: nothing joins
    # a name inside a sentence is no signature
    prose = "Direktør Libe Rieber-Mohn åpnet konferansen.\nDirektør"
    assert signature_units(prose, [(0, 44), (45, 53)], [(9, 25)]) == [(0, 44), (45, 53)]


def test_who_may_apply_is_answered_by_the_sentence_not_the_name_in_it():
    idx = PassageIndex([("Frivillige organisasjoner kan søke IMDi om tilskudd til integreringsarbeid.",
                         [("IMDi", "ORG")])])
    a = answer("hvem kan søke om tilskudd til integreringsarbeid", idx)
    assert a.answer_type is T.reason and a.found
    assert a.text.startswith("Frivillige organisasjoner kan søke IMDi")


def test_a_firm_beside_a_person_is_not_joined_into_one_answer():
    passage = ("Produktsjef Kari Nordmann jobber for Bergans AS og Ola Hansen leder avdelingen.",
               [("Kari Nordmann", "PER"), ("Bergans AS", "ORG"), ("Ola Hansen", "PER")])
    idx = PassageIndex([passage])
    for c in candidates("hvem jobber Kari Nordmann for", T.organisation, idx.search("Kari Nordmann"), idx):
        if c.text == "Bergans AS":
            assert [x.text for x in coordination(c, idx)] == ["Bergans AS"]
            break
    else:
        raise AssertionError("no candidate Bergans AS")


def test_a_capital_the_document_also_writes_in_lower_case_is_no_name():
    # `Deltakelse` is capitalised only because it opens a table cell after a code; the document writes it in
    # lower case elsewhere, so it comes from where it stands, not from a name
    passages = [("2020-015: Deltakelse i koordineringsgruppe om sårbare barn og unge, som Bufdir leder.", []),
                ("Kommunene melder om lav deltakelse i gruppen.", [])]
    idx = PassageIndex(passages)
    a = answer("hvem leder koordineringsgruppen om sårbare barn", idx)
    assert a.answer_type is T.person
    assert "Deltakelse" not in a.short_answer
    assert a.found and a.short_answer == "Bufdir"


def test_a_capital_before_a_colon_is_a_label_not_a_name():
    # `Kommentar:` opens a table's comment field; the document never writes the word in lower case
    idx = PassageIndex([("Tiltak for varig sysselsetting – kunnskapsoppsummering | Kommentar: Rapporten er skrevet av "
                         "Fafo.", [])])
    cands = {c.text: c for c in candidates("hvem skrev kunnskapsoppsummeringen", T.person, idx.search("x"), idx)}
    assert capital_by_position(cands["Kommentar"], idx)
    assert not capital_by_position(cands["Fafo"], idx)
    a = answer("hvem skrev kunnskapsoppsummeringen om varig sysselsetting", idx)
    assert a.found and a.short_answer == "Fafo"


def test_a_bare_year_gives_way_to_the_date_of_that_year_in_its_passage():
    passage = ("I 2024 la Steinkjer kommune ned integreringsmottaket. Mottaket ble stengt fra 1. oktober 2024, da "
               "avtalen gikk ut.", [("Steinkjer", "GPE")])
    idx = PassageIndex([passage])
    a = answer("når la Steinkjer ned integreringsmottaket", idx)
    assert a.answer_type is T.date and a.found
    assert "1. oktober 2024" in a.short_answer
    v = a.values[0]
    assert idx.sources["doc"][v.citation.span.start:v.citation.span.end] == v.text


def test_which_country_is_answered_by_a_country_not_the_place_beside_it():
    # the ranker alone prefers the strait; the question names the kind of place, and the gazetteer knows Tyrkia
    passage = ("Tyrkia er landet der Istanbul ligger, ved Bosporos.",
               [("Tyrkia", "GPE"), ("Istanbul", "GPE"), ("Bosporos", "LOC")])
    for question in ("i hvilket land ligger Istanbul", "kva for land ligg Istanbul i"):
        a = answer(question, PassageIndex([passage]))
        assert a.answer_type is T.place and a.found and a.short_answer == "Tyrkia", question


@pytest.mark.parametrize(("question", "kind"), [
    ("which country is Istanbul in", "country"), ("hvilket fylke ligger Moss i", "county"),
    ("kva for kommune fekk prisen", "municipality"), ("kva kommune fekk prisen", "municipality"),
    ("hvor ligger Waterloo", None), ("hvilket landslag vant", None),
])
def test_the_kind_of_place_asked(question, kind):
    assert place_kind(question) == kind


def test_a_list_of_terms_keeps_no_debris_item():
    # a chart's labels run into the sentence: `/` between them is no item
    passage = ("De mest etterspurte tolkespråkene var arabisk, tigrinja, polsk, / , / , norsk tegnspråk og "
               "somali.", [])
    a = answer("hvilke tolkespråk var mest etterspurt", PassageIndex([passage]))
    assert a.answer_type is T.list and a.found
    items = [v.text for v in a.values]
    assert "tigrinja" in items and "somali" in items
    assert items[0] == "arabisk"  # the list starts after the clause's verb, not with its subject
    assert all(any(ch.isalnum() for ch in item) for item in items)


@pytest.mark.parametrize(("question", "passage"), [
    ("i hvilke språk fikk tolker nye bevillinger",
     "Nye bevillinger som statsautoriserte tolker er utstedt til syv tolker i tre språk (estisk, nordsamisk og "
     "volof)."),
    ("i kva for nokre språk fekk tolkar nye løyve",
     "Nye løyve som statsautoriserte tolkar er skrivne ut til sju tolkar i tre språk (estisk, nordsamisk og volof)."),
])
def test_a_list_in_brackets_is_read_from_the_brackets(question, passage):
    idx = PassageIndex([(passage, [])])
    a = answer(question, idx)
    assert a.answer_type is T.list and a.found
    assert [v.text for v in a.values] == ["estisk", "nordsamisk", "volof"]
    for v in a.values:
        assert idx.sources["doc"][v.citation.span.start:v.citation.span.end] == v.text


@pytest.mark.parametrize(("question", "passage"), [
    ("hvilke tolkespråk var mest etterspurt",
     "Arabisk, tigrinja, polsk, norsk tegnspråk og somali var de mest etterspurte tolkespråkene, mens døve, "
     "døvblinde og hørselshemmede brukte skjermtolk."),
    ("kva for nokre tolkespråk var mest etterspurde",
     "Arabisk, tigrinja, polsk, norsk teiknspråk og somali var dei mest etterspurde tolkespråka, medan døve, "
     "døvblinde og hørselshemma nytta skjermtolk."),
])
def test_a_list_before_its_verb_ends_at_the_verb(question, passage):
    a = answer(question, PassageIndex([(passage, [])]))
    assert a.answer_type is T.list and a.found
    items = [v.text.casefold() for v in a.values]
    assert items[-1] == "somali"  # the last item is cut before `var`, not dropped as an over-long part
    assert "tigrinja" in items and not any("hørselshem" in i or "døv" in i for i in items)


def test_a_when_question_gets_the_date():
    idx = PassageIndex([STEINKJER])
    a = answer("når ble integreringsmottaket i steinkjer lagt ned", idx)
    assert a.answer_type is T.date and a.short_answer == "1. oktober 2024"


@pytest.mark.parametrize(("question", "passage", "want"), [
    ("når kan søket etter turisten fortsette",
     "Søket etter turisten kan fortsette tidligst torsdag morgen, opplyser politiet.", "torsdag morgen"),
    ("når kjem den endelege evalueringa av forsøket",
     "Den endelege evalueringa av forsøket kjem om eit par veker, seier prosjektleiaren.", "om eit par veker"),
    ("når vart tilskotet til kommunane auka",
     "Tilskotet til kommunane vart auka for tre år sidan etter krav frå KS.", "for tre år sidan"),
])
def test_a_when_question_gets_a_time_no_date_pattern_covers(question, passage, want):
    # times of day, relative times and a day's part, in Bokmål and Nynorsk (text/dates.py)
    a = answer(question, PassageIndex([(passage, [])]))
    assert a.answer_type is T.date and a.found
    assert want in a.short_answer


def test_a_why_question_gets_the_explaining_sentence():
    idx = PassageIndex([STEINKJER])
    a = answer("hvorfor ble integreringsmottaket i steinkjer lagt ned", idx)
    assert a.answer_type is T.reason and a.short_answer.startswith("Integreringsmottaket i Steinkjer")
    assert "fordi" in a.short_answer
    assert a.citation.quote and "fordi" in a.citation.quote


def test_the_genitive_of_a_word_of_the_question_is_not_its_answer():
    # "IMDis" is the question's own IMDi; Bokmål and Nynorsk question, the answer is the person in the sentence
    idx = PassageIndex([("IMDis direktør Libe Rieber-Mohn innledet bosettingsuken i Oslo.",
                         [("IMDis", "ORG"), ("Libe Rieber-Mohn", "PER"), ("Oslo", "GPE")])])
    for q in ("hvem er direktør i IMDi", "kven er direktør i IMDi"):
        spans = candidates(q, T.person, idx.search(q), idx)
        assert "IMDis" not in {c.text for c in spans}
        assert "Libe Rieber-Mohn" in {c.text for c in spans}


def test_nothing_relevant_gives_not_found():
    idx = PassageIndex([("Tabellen viser tall.", [])])
    a = answer("hvem ledet studien om tolking", idx)
    assert not a.found and a.short_answer is None and a.answer_type is T.person


def test_a_target_question_stays_a_figure():
    assert answer_type("hva var kravet til andel bosatt innen 6 måneder i 2020") == (T.number, None)
    assert answer_type("hva var mellomnavnet til Haakon Lie") == (T.term, None)


def test_a_figure_answered_from_its_passage_names_the_post_its_fact_is_on():
    text = "Post 62 Kommunale innvandrertiltak: Det er bevilget 225,0 mill. kroner på posten."
    fact = Fact(id="f", doc_id="brev", value=225.0, unit="mill. kroner", indicator="Det er bevilget på posten",
                sentence=text, source_kind="text", span=Span(start=100, end=100 + len(text)),
                post="Post 62 Kommunale innvandrertiltak")
    at = 100 + text.index("225,0")
    cite = Citation(doc_id="brev", title="Tildelingsbrev", source_file="brev.txt", span=Span(start=at, end=at + 16))
    assert post_at([fact], cite) == "Post 62 Kommunale innvandrertiltak"
    # another document, or a span outside the figure's sentence, has no post from it
    assert post_at([fact], cite.model_copy(update={"doc_id": "rapport"})) is None
    assert post_at([fact], cite.model_copy(update={"span": Span(start=10, end=20)})) is None
    assert post_at([fact.model_copy(update={"post": None})], cite) is None


def test_a_figure_answered_from_its_passage_carries_the_year_its_fact_gives_it():
    text = "Andelen bosatt innen 6 måneder har økt fra 51 prosent i 2015 til 95 prosent i 2019."
    idx = PassageIndex([(text, [("51 prosent", "PERCENT"), ("95 prosent", "PERCENT")])])
    for value, year in ((51.0, 2015), (95.0, 2019)):
        idx.facts.append(Fact(id=f"f{year}", doc_id="doc", value=value, unit="%", year=year, sentence=text,
                              indicator="Andelen bosatt innen 6 måneder", source_kind="text",
                              span=Span(start=0, end=len(text))))
    cite = Citation(doc_id="doc", title="Rapport", source_file="doc.txt", span=Span(start=text.index("95"),
                                                                                      end=text.index("95") + 10))
    assert span_years(idx.facts, cite, 95.0) == {2019}
    assert span_years(idx.facts, cite, 51.0) == {2015}  # the sentence holds both; each figure has its own year
    assert span_years(idx.facts, cite, 3.0) == set()
    for question, figure in (("hvor stor andel ble bosatt innen 6 måneder i 2019", "95"),
                             ("kor stor del vart busette innan 6 månader i 2015", "51")):
        top = answer(question, idx).values[0]
        assert top.text.startswith(figure) and top.year == int(question[-4:])
    # asked for a year the passage has no figure for: the answer says whose year its figure is
    a = answer("hvor stor andel ble bosatt innen 6 måneder i 2022", idx)
    assert a.found and a.values[0].year in (2015, 2019)
    assert a.text.endswith(f"Merk: tallet gjelder {a.values[0].year}, ikke 2022.")
    a = answer("kor stor del vart busette innan 6 månader i 2023", idx)
    assert a.text.endswith(f"Merk: talet gjeld {a.values[0].year}, ikkje 2023.")
    assert "Merk" not in answer("hvor stor andel ble bosatt innen 6 måneder i 2019", idx).text


@pytest.mark.parametrize(("question", "passage", "entity", "want"), [
    ("hvor mye anslo Sandberg at totalkostnaden var i 2012",
     "Per Sandberg anslo i 2012 at totalkostnaden var kommet opp i minst 20 millioner kroner.",
     ("20 millioner kroner", "MONEY"), "minst 20 millioner kroner"),
    ("hvor lenge spilte Zuccarello tirsdag", "Zuccarello fikk drøyt 18 minutter på isen tirsdag.",
     ("18 minutter", "DURATION"), "drøyt 18 minutter"),
    ("kor langt rakk kanonane på festninga", "Kanonane på festninga rakk 37 km ut i fjorden.",
     ("37", "CARDINAL"), "37 km"),
])
def test_a_quoted_figure_keeps_its_hedge_and_its_unit(question, passage, entity, want):
    # `minst 20` is not 20, and a bare `37` says nothing: the short answer reads as the source does
    a = answer(question, PassageIndex([(passage, [entity])]))
    assert a.answer_type is T.number and a.found
    assert a.short_answer == want == a.value_text
