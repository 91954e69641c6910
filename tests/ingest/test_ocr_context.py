"""Real-word OCR errors decided from context: `far` is `får` in `Hun far ikke lov`, and stays `far` in `Han er far`."""

from __future__ import annotations

import shutil

import pytest

from ingest.formats.ocr import context
from ingest.formats.ocr.repair import apply, repair_text
from ingest.formats.ocr.substitutions import damaged_forms


def _fixed(text: str) -> str:
    _, repairs = repair_text(text)
    return apply(text, repairs)


@pytest.mark.parametrize(("text", "want"), [
    # Bokmål
    ("Hun far ikke lov til det.", "Hun får ikke lov til det."),
    ("Vi ma finne nye mater a jobbe pa.", "Vi må finne nye måter å jobbe på."),
    ("Det er bade barn og voksne her.", "Det er både barn og voksne her."),
    # Nynorsk: the n-grams hold the Nynorsk treebank too
    ("Ho far ikkje lov til det.", "Ho får ikkje lov til det."),
    ("Kvifor far dei ikkje hjelp?", "Kvifor får dei ikkje hjelp?"),
    ("Dei ma finne nye mater a arbeide pa.", "Dei må finne nye måter å arbeide på."),
])
def test_real_word_errors_are_repaired_from_context(text, want):
    assert _fixed(text) == want


@pytest.mark.parametrize("text", [
    "Han er far til tre barn.",
    "Eg har ein far og ei mor.",
    "Far min er heime i dag.",
    "Maleren skal male huset.",
    "Han sa at han kom.",
    "Kate Winslet var der.",  # a name at a sentence start
    "Han spilte mot LSK i fjor.",  # an acronym
])
def test_real_words_that_fit_their_context_stay(text):
    assert _fixed(text) == text


def test_damaged_forms_follow_the_substitution_table():
    forms = dict(damaged_forms("får"))
    assert "far" in forms and "fdr" in forms and "f&r" not in forms  # only letter forms can be real words
    assert forms["far"] > forms["fdr"]  # a for å is likelier than d


def test_pairs_hold_the_report_confusions():
    pairs = context.model().pairs
    assert "får" in pairs["far"] and "før" in pairs["far"]
    assert "måter" in pairs["mater"] and "våre" in pairs["vare"]
    assert "og" not in pairs  # no æ/ø/å word is printed as `og`


def test_a_table_that_does_not_match_its_recorded_hash_is_refused(tmp_path):
    table, meta = tmp_path / context.TABLE.name, tmp_path / context.META.name
    shutil.copy(context.TABLE, table)
    shutil.copy(context.META, meta)
    context.ContextModel(table, meta)
    data = table.read_bytes()
    table.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    with pytest.raises(ValueError, match="sha256"):
        context.ContextModel(table, meta)


def test_two_glyphs_for_one_letter_and_e_acute_in_compounds():
    assert _fixed("Han ville pragve igjen.") == "Han ville prøve igjen."
    assert _fixed("Resultatet av Tospréktest er klart.") == "Resultatet av Tospråktest er klart."
    assert _fixed("Han var i République.") == "Han var i République."
