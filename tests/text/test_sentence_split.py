"""Sentence ends in Bokmål, Nynorsk and table/list text: abbreviations and dates end nothing, a line break ends all."""

from text.sentences import split_sentences


def pieces(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_bokmal_abbreviations_and_dates_do_not_end_a_sentence():
    text = "Bevilgningen på kap. 291 var 12 mill. kroner. Fristen var 1. oktober 2020. Ny setning!"
    assert pieces(text) == ["Bevilgningen på kap. 291 var 12 mill. kroner.", "Fristen var 1. oktober 2020.",
                            "Ny setning!"]


def test_nynorsk_and_line_breaks():
    text = "Kommunane busette flyktningar. Det gjekk raskt\nRad 1: Busette | 2020: 49 %\n  Rad 2: Krav | 2020: 90 %"
    assert pieces(text) == ["Kommunane busette flyktningar.", "Det gjekk raskt", "Rad 1: Busette | 2020: 49 %",
                            "Rad 2: Krav | 2020: 90 %"]


def test_spans_point_into_the_text():
    text = "  Første. Andre setning? Tredje"
    for a, b in split_sentences(text):
        assert text[a:b] == text[a:b].strip() and text[a:b]
