"""The Norwegian keyword tokenizer: numbers, percent, æøå, Nynorsk folding, stop words."""

from __future__ import annotations

import re

import pytest

from text.norwegian import FOLD, STOPWORDS
from text.tokenizer import NorwegianTokenizer, TokenizerSettings, normalise_number


@pytest.fixture(scope="module")
def tok() -> NorwegianTokenizer:
    return NorwegianTokenizer()


def test_grouped_numbers_are_one_token(tok):
    assert tok.tokens("2 819") == tok.tokens("2819") == ["2819"]
    assert tok.tokens("10 751 161 553 kroner")[0] == "10751161553"
    assert normalise_number("2\u00a0819") == ["2819"]  # no-break space as thousands separator


def test_decimal_comma_becomes_point(tok):
    assert tok.tokens("9,6") == ["9.6"]
    assert "9.6" in tok.tokens("ventetid 9,6 mnd.")


def test_adjacent_table_numbers_stay_apart(corpus_texts, tok):
    """A 2022 key-figure row: five year columns, spaces as thousands separators."""
    line = next(ln for ln in corpus_texts["imdi-arsrapport-2022"].splitlines()
                if ln.startswith("Busette flyktningar (totalt)"))
    numbers = [t for t in tok.tokens(line) if t.isdigit()]
    assert numbers[-5:] == ["4903", "4822", "2819", "4489", "31258"]


@pytest.mark.parametrize("text", ["49 %", "49%", "49 prosent", "49 pst.", "49 pst"])
def test_percent_spellings_agree(tok, text):
    assert tok.tokens(text) == ["49", "prosent"]


def test_figure_numbers_in_either_style(tok):
    assert tok.tokens("Figur 3.1.5") == tok.tokens("figur 3-1-5")
    assert "3-1-5" in tok.tokens("Tabell 3-1-5")


def test_year_ranges_match_their_years(tok):
    toks = tok.tokens("Hovedtall 2016–2020")
    assert {"2016", "2020"} <= set(toks)


def test_norwegian_letters_are_kept(tok):
    assert tok.tokens("Østlandet") != tok.tokens("Ostlandet")
    assert any("æ" in t for t in tok.tokens("særlig opplæring"))
    assert any("å" in t for t in tok.tokens("målene"))


def test_offsets_point_at_the_surface_text(tok):
    text = "Det ble bosatt 2 819 flyktninger, 49 % innen seks måneder."
    found = {t: text[s:e] for t, s, e in tok.analyze(text)}
    assert found["2819"] == "2 819"
    assert found["prosent"] == "%"
    assert found[tok.tokens("flyktninger")[0]] == "flyktninger"


@pytest.mark.parametrize("nynorsk, bokmal", [
    ("flyktningar som blei busette innan seks månader", "flyktninger som ble bosatt innen 6 måneder"),
    ("kor mange deltakarar fekk tilskot frå kommunane", "hvor mange deltakere fikk tilskudd fra kommunene"),
    ("talet på busette i verksemda", "tallet på bosatte i virksomheten"),
    ("det er ikkje høgare enn hovudtal", "det er ikke høyere enn hovedtall"),
])
def test_nynorsk_folds_to_bokmal(tok, nynorsk, bokmal):
    assert tok.tokens(nynorsk) == tok.tokens(bokmal)


def test_settlement_words_share_one_stem(tok):
    stems = {tok.tokens(w)[0] for w in ("bosatt", "bosette", "busette", "busett", "bosatte")}
    assert len(stems) == 1


def test_stop_words_dropped_domain_words_kept(tok):
    assert tok.tokens("og i på ikkje ikke frå fra som det er") == []
    kept = tok.tokens("kroner andel prosent innen")
    assert len(kept) == 4
    assert not {"kroner", "andel", "prosent", "innen", "tall", "antall"} & STOPWORDS


def test_fold_table_is_consistent():
    """Folded forms are never themselves folded again (one step, no chains), and there are enough pairs."""
    assert len(FOLD) >= 50
    chained = {k: v for k, v in FOLD.items() if v in FOLD and FOLD[v] != v}
    assert not chained
    assert all(re.fullmatch(r"[\wæøå]+", k) for k in FOLD)


def test_stemming_is_a_setting():
    stemmed = NorwegianTokenizer(TokenizerSettings(stem=True)).tokens("flyktningene")
    plain = NorwegianTokenizer(TokenizerSettings(stem=False)).tokens("flyktningene")
    assert plain == ["flyktningene"]
    assert stemmed != plain


def test_lemma_setting_is_recorded_only_when_on_and_read_back_from_a_manifest():
    from index.settings import IndexSettings

    assert "lemma" not in TokenizerSettings().as_dict()  # older manifests read unchanged
    on = IndexSettings(tokenizer=TokenizerSettings(stem=False, lemma=True))
    manifest = {"settings": on.as_dict(), "model": {"name": on.model, "backend": on.backend, "quantize": on.quantize}}
    assert manifest["settings"]["tokenizer"]["lemma"] is True
    assert IndexSettings.from_manifest(manifest).tokenizer == on.tokenizer


def test_lemmas_without_the_extra_name_it(monkeypatch):
    import sys

    from core.extras import MissingExtraError
    from text import tokenizer

    tokenizer.lemma_table.cache_clear()
    monkeypatch.setitem(sys.modules, "spacy_lookups_data", None)  # an import of it now fails
    with pytest.raises(MissingExtraError, match="'lemma'"):
        NorwegianTokenizer(TokenizerSettings(lemma=True))
    tokenizer.lemma_table.cache_clear()


def test_lemmas_join_inflections_the_stemmer_leaves_apart():
    pytest.importorskip("spacy_lookups_data")
    lem = NorwegianTokenizer(TokenizerSettings(stem=False, lemma=True))
    assert lem.tokens("kommunene kommuner kommune") == ["kommune"] * 3
    assert lem.tokens("Introduksjonsprogrammet") == lem.tokens("introduksjonsprogram") == ["introduksjonsprogram"]
    # the stemmer cuts `kommune` to `kommun` and leaves `-programmet` with a double m; lemmas are words
    assert NorwegianTokenizer().tokens("introduksjonsprogrammet") != lem.tokens("introduksjonsprogrammet")
