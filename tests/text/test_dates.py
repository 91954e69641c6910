"""Time expressions for "når" answers: each core alone and with the words before it that belong to it."""

import pytest

from text.dates import EVENT_WORDS, bare_year, event_spans, finer_in_year, time_spans


def found(text: str) -> set[str]:
    return {text[a:b] for a, b in time_spans(text)}


@pytest.mark.parametrize(("text", "want"), [
    # Bokmål
    ("Søket kan fortsette tidligst torsdag morgen, sier han.", {"torsdag morgen", "tidligst torsdag morgen"}),
    ("Han la ut innlegget i forrige uke.", {"forrige uke", "i forrige uke"}),
    ("Den 16. juni 1815 sto slaget ved Ligny.", {"16. juni 1815", "Den 16. juni 1815"}),
    ("Retningen slo gjennom på slutten av 1950-tallet.", {"1950-tallet", "på slutten av 1950-tallet"}),
    ("Laget vant ligaen i 2012/13-sesongen.", {"2012/13-sesongen", "i 2012/13-sesongen"}),
    ("Krigen varte i årene 1939–1945.", {"1939–1945", "i årene 1939–1945"}),
    ("Han levde et langt liv (født 1849, død 1913).", {"født 1849, død 1913"}),
    ("Politiet meldte kl. 19.33 at brannen var slukket.", {"kl. 19.33"}),
    ("I 11.30-tiden kolliderte to biler.", {"11.30-tiden", "I 11.30-tiden"}),
    ("Han scoret etter drøye fire minutter.", {"etter drøye fire minutter"}),
    ("Isen forsvinner de neste 20 til 50 årene.", {"de neste 20 til 50 årene"}),
    ("Kongen døde 22. oktober 741 i Quierzy.", {"22. oktober 741"}),
    # Nynorsk
    ("Den endelege evalueringa kjem om eit par veker.", {"om eit par veker"}),
    ("Ordninga vart innført for tre år sidan.", {"for tre år sidan"}),
    ("Tilskotet vart auka i fjor haust.", {"i fjor haust"}),
    ("Kommunane fekk svar førre veke.", {"førre veke"}),
    ("Møtet var måndag kveld 3. mars 2022.", {"måndag kveld 3. mars 2022"}),
])
def test_time_expressions(text, want):
    assert want <= found(text), found(text)


@pytest.mark.parametrize("text", [
    "Tilskuddet gikk til 14 kommuner og 3 fylker.",
    "Kapittel 821 post 60 gjelder dagens ordning.",
    "Dei fekk ei veke med opplæring på norsk.",
])
def test_no_time_where_none_is(text):
    assert found(text) == set()


def test_times_in_the_ocr_damaged_report_once_repaired():
    # the 2024 report prints å as a ("forrige ar"): the grammar reads the repaired text, not the damaged one
    from core.config import CORPUS_DIR
    from ingest.formats.ocr.repair import repair_text

    raw = (CORPUS_DIR / "imdi-arsrapport-2024-ocr.txt").read_text(encoding="utf-8")
    fixed, _ = repair_text(raw)
    assert "forrige ar" in raw and "forrige ar" not in found(raw)
    at = fixed.index("sammenliknes med\nforrige år")
    assert "forrige år" in found(fixed[at:at + 40])
    assert {"neste år", "til neste år"} <= found(fixed[fixed.index("overførbart beløp til neste år"):][:40])


def test_a_year_inside_a_web_address_is_no_time():
    text = ("Les rapporten på https://www.imdi.no/om-imdi/rapporter/2023/kompetansebehov/ eller skriv til "
            "post2021@imdi.no; fagteamet skulle være i drift fra 1. januar 2021.")
    found = [text[a:b] for a, b in time_spans(text)]
    assert "1. januar 2021" in found
    assert not any(s in ("2023", "2021") for s in found)


@pytest.mark.parametrize(("text", "year"), [("I 2024", "2024"), ("2021", "2021"), ("1. oktober 2024", None),
                                            ("våren 2021", None), ("2023–2024", None), ("1.7.2020", None)])
def test_a_bare_year_names_nothing_finer(text, year):
    assert bare_year(text) == year


def test_a_finer_date_names_a_month_or_day_of_the_year():
    assert finer_in_year("fra 1. oktober 2024", "2024") and finer_in_year("oktober 2024", "2024")
    assert not finer_in_year("1. oktober 2023", "2024") and not finer_in_year("I 2024", "2024")


def test_a_time_told_by_an_event_is_offered_at_every_length():
    text = "Vegen vart bygd under andre verdenskrig, etter at tyskarane kom."
    spans = [text[a:b] for a, b in event_spans(text)]
    assert spans[:2] == ["under andre", "under andre verdenskrig"]  # one clause: never past the comma
    assert "etter at tyskarane kom" in spans
    long = "I kjølvannet av den russiske revolusjon kom massearbeidsløsheten til Finland for første gang"
    found = [long[a:b] for a, b in event_spans(long)]
    assert "I kjølvannet av den russiske revolusjon" in found
    assert max(len(f.split()) for f in found) == 3 + EVENT_WORDS  # the head's three words, then at most six


@pytest.mark.parametrize("text", ["Tiltaket gjelder bosetting av flyktninger.", "Ved.", "Han kom etter."])
def test_no_event_time_without_a_temporal_head_and_a_word_after_it(text):
    assert event_spans(text) == []
