"""Rules and the trained NorNE model together: who wins on overlap, what the model adds."""

from __future__ import annotations

import json

import spacy
from spacy.tokens import Doc, Span

from eval.facts_eval import NER_GOLD
from ingest.enrich.ner import extract_entities
from nlp.entities import LONGER_LABELS, SPANS_KEY, NorneNer, may_hold_name, model_spans, prefer_longer_names, sentences


def _doc(words: list[str]) -> Doc:
    return Doc(spacy.blank("nb").vocab, words=words)


def test_longer_model_name_replaces_the_ruler_part():
    doc = _doc(["Bydelen", "Gamle", "Oslo", "har", "flest", "."])
    doc.ents = [Span(doc, 2, 3, label="GPE")]
    doc.spans[SPANS_KEY] = [Span(doc, 1, 3, label="GPE")]
    assert [(e.text, e.label_) for e in prefer_longer_names(doc).ents] == [("Gamle Oslo", "GPE")]


def test_ruler_keeps_what_the_model_is_not_trained_for():
    doc = _doc(["Tildelingsbrev", "2020", "fra", "departementet"])
    doc.ents = [Span(doc, 1, 2, label="YEAR")]
    doc.spans[SPANS_KEY] = [Span(doc, 0, 2, label="ORG")]
    assert [(e.text, e.label_) for e in prefer_longer_names(doc).ents] == [("2020", "YEAR")]


def test_model_labels_mapped_and_filtered():
    words = ["Kari", "Nordmann", "og", "Jobbsjansen", "i", "Norge", "og", "norsk", "kultur"]
    doc, mdoc = _doc(words), _doc(words)
    mdoc.ents = [Span(mdoc, 0, 2, label="PER"), Span(mdoc, 3, 4, label="PER"), Span(mdoc, 5, 6, label="GPE_ORG"),
                 Span(mdoc, 7, 8, label="DRV")]
    got = [(s.text, s.label_) for s in model_spans(doc, mdoc)]
    # a one-word "person" is dropped, GPE_ORG is a GPE, DRV has no project label
    assert got == [("Kari Nordmann", "PER"), ("Norge", "GPE")]


def test_model_finds_a_person_the_rules_cannot():
    text = "Direktør Libe Rieber-Mohn la fram rapporten i Oslo i 2021."
    rules = extract_entities(text, "nb", model=False)
    both = extract_entities(text, "nb")
    assert not [e for e in rules if e.label == "PER"]
    assert ("Libe Rieber-Mohn", "PER") in {(e.text, e.label) for e in both}
    # the ruler's entities are all still there, with their canonical forms
    assert {(e.text, e.label, e.norm) for e in rules} <= {(e.text, e.label, e.norm) for e in both}


def test_rule_entities_survive_the_model_on_gold_sentences():
    """Every rule entity stays, unless a longer model name of the same kind contains it."""
    sentences = {(g["text"], g["lang"]) for g in map(json.loads, NER_GOLD.read_text(encoding="utf-8").splitlines())}
    for text, lang in sorted(sentences):
        both = extract_entities(text, lang)
        spans = {(e.start, e.end, e.label) for e in both}
        for r in extract_entities(text, lang, model=False):
            if (r.start, r.end, r.label) in spans:
                continue
            assert r.label in LONGER_LABELS, (text, r)
            assert any(e.start <= r.start and r.end <= e.end and e.label in LONGER_LABELS for e in both), (text, r)


def _rule_tokens(text: str, lang: str = "nb") -> Doc:
    from ingest.enrich.ner import get_nlp

    return get_nlp(lang, model=False).make_doc(text)


def test_sentences_split_after_stops_and_line_breaks_never_inside_a_hyphenated_name():
    doc = _rule_tokens("Nord-Norge fikk flest. Bosatt i Sør-Trøndelag?\nTabell 2\tOslo")
    got = [doc[a:b].text.strip() for a, b in sentences(doc)]
    assert got == ["Nord-Norge fikk flest.", "Bosatt i Sør-Trøndelag?", "Tabell 2", "Oslo"]
    assert sentences(_rule_tokens("")) == []


def test_a_sentence_may_hold_a_name_only_with_a_capital_past_its_start_or_an_acronym():
    assert may_hold_name(_rule_tokens("Mange ble bosatt i Drammen i fjor."))
    assert may_hold_name(_rule_tokens("NTNU forsket mer."))
    assert not may_hold_name(_rule_tokens("IMDi bosatte flere."))  # as model_spans: no all-caps acronym
    assert may_hold_name(_rule_tokens("Talet busette i Bergen auka.", "nn"))
    # a capital at the start says nothing (headings, table cells); nothing else here can be kept
    assert not may_hold_name(_rule_tokens("Andelen bosatte innen seks måneder var 49 prosent."))
    assert not may_hold_name(_rule_tokens("1. Tilskudd til kommunene"))


def test_only_sentences_that_may_hold_a_name_reach_the_model():
    ner = NorneNer("nb")
    docs = [_rule_tokens("Ingen navn her. Heller ikke her."), _rule_tokens("Først ingenting. Så kom Kari Nordmann.")]
    assert [(k, start, m.text) for k, start, m in ner.jobs(docs)] == [(1, 3, "Så kom Kari Nordmann.")]


def test_a_name_in_a_later_sentence_keeps_its_place_in_the_block():
    text = "Rapporten kom i mars. Den ble skrevet av Kari Nordmann og Ola Hansen i Bergen."
    ents = {(e.text, e.label) for e in extract_entities(text, "nb")}
    assert {("Kari Nordmann", "PER"), ("Ola Hansen", "PER")} <= ents
    for e in extract_entities(text, "nb"):
        assert text[e.start:e.end] == e.text


def test_a_sentence_the_gate_skips_yields_no_kept_name_when_run_anyway():
    """Each skipped sentence of the Bokmål and Nynorsk gold, run alone, gives `model_spans` nothing to keep.

    Run alone because int8 features depend a little on the batch (activation scales per batch): comparing a
    gated stream with an ungated one would compare batches, not the gate.
    """
    gold = [json.loads(line) for line in NER_GOLD.read_text(encoding="utf-8").splitlines()]
    for lang in ("nb", "nn"):
        ner = NorneNer(lang)
        skipped = 0
        for text in sorted({g["text"] for g in gold if g["lang"] == lang}):
            doc = _rule_tokens(text, lang)
            for start, end in sentences(doc):
                mdoc = ner.mirror(doc, start, end)
                if may_hold_name(mdoc):
                    continue
                skipped += 1
                for _name, proc in ner.model.pipeline:
                    mdoc = proc(mdoc)
                assert model_spans(doc, mdoc, start) == [], (lang, mdoc.text, mdoc.ents)
        assert skipped, lang
