"""Rule-based NER: each label on Bokmål and Nynorsk sentences from the corpus, and on the whole corpus."""

from __future__ import annotations

import json

import pytest

from core.records import Block, Span
from ingest.enrich.ner import PATTERN_DIR, annotate_blocks, extract_entities, extract_many, get_nlp


def _find(text: str, lang: str, surface: str):
    ents = extract_entities(text, lang)
    for e in ents:
        assert text[e.start:e.end] == e.text
    hits = [e for e in ents if e.text == surface]
    assert hits, f"{surface!r} not found in {[(e.text, e.label) for e in ents]}"
    return hits[0]


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_pipeline_per_written_form(lang):
    nlp = get_nlp(lang)
    assert nlp.lang == lang
    assert get_nlp(lang) is nlp  # built once
    assert nlp.pipe_names == ["merge_digit_groups", "norne_ner", "entity_ruler", "prefer_longer_names",
                              "drop_implausible_entities"]
    rules = get_nlp(lang, model=False)
    assert rules.pipe_names == ["merge_digit_groups", "entity_ruler", "drop_implausible_entities"]


CASES = [
    # lang, sentence (from the corpus), surface, label, norm
    ("nn", "representantar frå KS, OsloMet, Frogn og Oslo kommunar, Statsforvaltaren i Vestland, ",
     "Statsforvaltaren i Vestland", "ORG", "Statsforvalteren i Vestland"),
    ("nn", "representantar frå KS, OsloMet, Frogn og Oslo kommunar", "KS", "ORG", "KS"),
    ("nb", "Både IMDi, UDI, UNHCR, Kompetanse Norge, IOM, FAFO og utvalgte bosettingskommuner bidro",
     "FAFO", "ORG", "Fafo"),
    ("nb", "IMDis kontor i Kristiansand, Gjøvik og Trondheim ble lagt ned", "IMDis", "ORG", "IMDi"),
    ("nn", "Russlands invasjon av Ukraina 24. februar skapte ei flyktningkrise", "Ukraina", "GPE", "Ukraina"),
    ("nb", "Ukrainian refugees — experiences from the first phase in Norway", "Norway", "GPE", "Norge"),
    ("nb", "Oslo, Møre og Romsdal samt Troms og Finnmark søkte ikke midler under denne ordningen i 2020.",
     "Troms og Finnmark", "GPE", "Troms og Finnmark"),
    ("nb", "Oslo, Møre og Romsdal samt Troms og Finnmark søkte ikke midler", "Møre og Romsdal", "GPE",
     "Møre og Romsdal"),
    ("nb", "I 2022 ble totalt 31 258 personer bosatt i 354 kommuner", "31 258 personer", "QUANTITY",
     "31258 personer"),
    ("nn", "Det blei busett i alt 31 258 flyktningar i 2022", "31 258 flyktningar", "QUANTITY",
     "31258 flyktningar"),
    ("nb", "Hovedmålet for integreringspolitikken er at flere innvandrere er i arbeid "
     "(Prop. 1 S (2019–2020) Kunnskapsdepartementet).", "Prop. 1 S (2019–2020)", "REF", "Prop. 1 S (2019–2020)"),
    ("nb", "Prop. 127 S (2019 – 2020) bevilget 20 mill. kroner", "Prop. 127 S (2019 – 2020)", "REF",
     "Prop. 127 S (2019–2020)"),
    ("nb", "For de kapitler/poster som ikke nevnes her viser vi til Prop. 1 S (2019 – 2020) og Innst. 16 S",
     "Innst. 16 S", "REF", "Innst. 16 S"),
    ("nb", "Utvidet programtid finansieres med 250 mill. kroner over kap. 291, post 60.", "kap. 291, post 60",
     "REF", "kap. 291 post 60"),
    ("nb", "STYRINGSPARAMETER: SP13: Andel flyktninger bosatt innen 6 måneder", "SP13", "REF", "SP13"),
    ("nb", "Oppdrag nr. 2020-001 Innføring av ny integreringslov og standardiserte elementer",
     "Oppdrag nr. 2020-001", "REF", "Oppdrag 2020-001"),
    ("nb", "Oppdrag nr 2020-12 Kartlegging", "Oppdrag nr 2020-12", "REF", "Oppdrag 2020-012"),
    ("nb", "**Tabell 3-1-1. Nøkkeltall for bosetting.**", "Tabell 3-1-1", "REF", "Tabell 3-1-1"),
    ("nb", "Figur 3.1.5 illustrerer bosettingstakten", "Figur 3.1.5", "REF", "Figur 3-1-5"),
    ("nb", "49 prosent av de bosatte i 2020 var bosatt innen 6 måneder.", "innen 6 måneder", "DURATION",
     "innen 6 måneder"),
    ("nn", "Søknaden må sendast IMDi innan seks månader frå vedtak om opphaldsløyve.", "innan seks månader",
     "DURATION", "innen 6 måneder"),
    ("nb", "Gjennomsnitt for barnefamilier var 9,6 mnd.", "9,6 mnd.", "DURATION", "9,6 måneder"),
    ("nb", "Resultatkrav: 90 pst. av overføringsflyktningene og 88 pst. av de øvrige", "88 pst.", "PERCENT",
     "88 %"),
    ("nb", "49 prosent av de bosatte i 2020", "49 prosent", "PERCENT", "49 %"),
    ("nn", "Det er ein nedgang på 71 prosenteiningar frå 2021", "71 prosenteiningar", "PERCENT",
     "71 prosentpoeng"),
    ("nb", "IMDi fikk 30 mill. kroner til informasjonstiltak", "30 mill. kroner", "MONEY", "30 mill. kroner"),
    ("nb", "Post 60 Integreringstilskudd, kan overføres 7 545,63 mill. kroner", "7 545,63 mill. kroner", "MONEY",
     "7545,63 mill. kroner"),
    ("nb", "Samlet bevilgning er 291 964 000 kr på posten", "291 964 000 kr", "MONEY", "291964000 kroner"),
    ("nb", "innslagspunkt på kroner 1 360 000 (2020)", "kroner 1 360 000", "MONEY", "1360000 kroner"),
    ("nb", "Frist for gjennomført oppdrag: 31.12.2020.", "31.12.2020", "DATE", "2020-12-31"),
    ("nb", "Utgitt: 5. desember 2019", "5. desember 2019", "DATE", "2019-12-05"),
    ("nn", "Den nye tolkelova tok til å gjelde 1. januar.", "1. januar", "DATE", "XXXX-01-01"),
    ("nb", "Hovedtall 2016–2020", "2016–2020", "PERIOD", "2016–2020"),
    ("nb", "jf. Prop. 1 S for perioden 2019 – 2020 og videre", "2019 – 2020", "PERIOD", "2019–2020"),
    ("nb", "IMDi hadde 209 ansatte i 2020.", "2020", "YEAR", "2020"),
    ("nn", "kompetansekartlegging før busettinga (integreringslova § 6).", "integreringslova § 6", "LAW",
     "integreringsloven § 6"),
    ("nb", "Den nye tolkeloven trer i kraft", "tolkeloven", "LAW", "tolkeloven"),
]


@pytest.mark.parametrize("lang,text,surface,label,norm", CASES, ids=[c[2] for c in CASES])
def test_entity(lang, text, surface, label, norm):
    e = _find(text, lang, surface)
    assert (e.label, e.norm) == (label, norm)


def test_grouped_thousands_are_one_number():
    ents = extract_entities("Busette totalt 4 903 4 822 2 819 4 489 31 258", "nn")
    assert [e.text for e in ents if e.label == "CARDINAL"] == ["4 903", "4 822", "2 819", "4 489", "31 258"]


def test_report_numbers_and_section_numbers_are_not_periods_or_quantities():
    ents = extract_entities("Rapport 2020-10. Proba samfunnsanalyse. 3.3 Innvandrarar har høg deltaking", "nn")
    assert not [e for e in ents if e.label in {"PERIOD", "QUANTITY"}]


def test_annotate_blocks_uses_each_blocks_language():
    blocks = [Block(id=f"d:b{i}", doc_id="d", kind="paragraph", text=t, span=Span(start=0, end=len(t)), lang=lang)
              for i, (t, lang) in enumerate([("IMDi buset flyktningar frå Ukraina.", "nn"),
                                              ("NAV og UDI i Bergen.", "nb")])]
    annotate_blocks(blocks)
    assert [(e.text, e.label) for e in blocks[0].entities] == [("IMDi", "ORG"), ("Ukraina", "GPE")]
    assert [e.norm for e in blocks[1].entities] == ["NAV", "UDI", "Bergen"]


def test_gazetteer_holds_every_municipality():
    rows = [json.loads(line) for line in (PATTERN_DIR / "gpe_municipalities.jsonl").read_text().splitlines()]
    names = {r["id"] for r in rows}
    # 356 municipalities 2020–2023 plus Haram (2024); Våler and Herøy each name two
    assert len(names) == 355
    assert {"Nord-Odal", "Nore og Uvdal", "Haram", "Sør-Varanger", "Kautokeino"} <= names


def test_whole_corpus_annotates(corpus_texts):
    # speed is a benchmark figure (python -m nlp.measure), not an assertion here
    paras = {doc: [p for p in text.split("\n\n") if p.strip()] for doc, text in corpus_texts.items()}
    found: dict[str, set[str]] = {}
    for doc, ps in paras.items():
        lang = "nn" if doc == "imdi-arsrapport-2022" else "nb"
        for p, ents in zip(ps, extract_many(ps, lang), strict=True):
            for e in ents:
                assert p[e.start:e.end] == e.text and e.text == e.text.strip()
                found.setdefault(e.label, set()).add(e.norm or e.text)
    assert {"Ukraina", "Syria", "Oslo", "Narvik"} <= found["GPE"]
    assert {"IMDi", "UDI", "Bufdir", "KS", "Kunnskapsdepartementet"} <= found["ORG"]
    assert {"integreringsloven", "tolkeloven"} <= found["LAW"]
    assert "31258 flyktningar" in found["QUANTITY"]
