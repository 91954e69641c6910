"""OCR repair that knows the document: its written standard (`handtere` is damage in Bokmål, a word in
Nynorsk), its own certain repairs (a compound's damaged last part), and `S3` for `Så` before prose."""

from __future__ import annotations

import pytest

from ingest.formats.ocr.language import document_language
from ingest.formats.ocr.repair import apply, repair_text

# enough function words for the standard to be read from the text
NB = "Det er ikke noe som hvis hun bare vet hvor hun skal. "
NN = "Det er ikkje noko som dei berre veit kva dei skal gjere. "


def _fixed(text: str, lang: str | None = None) -> str:
    _, repairs = repair_text(text, lang)
    return apply(text, repairs)


def test_the_standard_is_read_from_function_words():
    assert document_language(NB * 2) == "nb"
    assert document_language(NN * 2) == "nn"
    assert document_language("Tabell 3") == "nb"  # too few words to tell: Bokmål, as the lexicon is


@pytest.mark.parametrize(("text", "want"), [
    # Bokmål document: the Nynorsk form is the OCR's `håndtere`
    (NB + "Vi skal handtere saken.", NB + "Vi skal håndtere saken."),
    # Nynorsk document: the Bokmål form is the OCR's `frå`
    (NN + "Tolkane kjem fra kommunen.", NN + "Tolkane kjem frå kommunen."),
])
def test_a_word_of_the_other_standard_takes_its_own_standards_form(text, want):
    assert _fixed(text) == want


@pytest.mark.parametrize("text", [
    NN + "Vi skal handtere saken.",  # a Nynorsk word in a Nynorsk document
    NB + "Han kom fra kommunen.",  # a Bokmål word in a Bokmål document
    NB + "Det kom mange folk til byen.",
])
def test_a_word_of_the_documents_own_standard_stays(text):
    assert _fixed(text) == text


def test_a_compounds_damaged_head_follows_the_documents_certain_repair():
    # `formidlingsbyrader` is no word, so its repair is certain; `formidlingsbyrder` reads as
    # `formidlings|byrder` (burdens) and takes the document's `byråer`
    text = NB + "Vi bruker private formidlingsbyrder. Flere formidlingsbyrader har meldt seg."
    want = NB + "Vi bruker private formidlingsbyråer. Flere formidlingsbyråer har meldt seg."
    assert _fixed(text) == want
    nn = NN + "Dei nyttar private formidlingsbyrder. Fleire formidlingsbyrader har meldt seg."
    assert _fixed(nn) == nn.replace("formidlingsbyrader", "formidlingsbyråer").replace(
        "formidlingsbyrder", "formidlingsbyråer")


def test_a_compound_with_a_real_head_stays_without_document_evidence():
    text = NB + "Det gir store skattebyrder for mange."
    assert _fixed(text) == text


@pytest.mark.parametrize(("text", "want"), [
    ("Tallet gikk opp. S3 godt som alle var med.", "Tallet gikk opp. Så godt som alle var med."),
    ("Talet gjekk opp. S3 godt som alle var med.", "Talet gjekk opp. Så godt som alle var med."),
])
def test_a_capital_and_a_digit_before_prose_is_an_aa_word(text, want):
    assert _fixed(text) == want


@pytest.mark.parametrize("text", [
    "Tiltaket heter S3. S3 godt som alle var med.",  # the document uses it as a code elsewhere
    "Vi bruker K3 og S3 i tabellen.",
    "Dette er S3 godt som noe.",  # not at a sentence start
])
def test_a_capital_and_a_digit_used_as_a_code_stays(text):
    assert _fixed(text) == text
