"""What a title adds to an indicator: the test a section heading and a table's subject share."""

from __future__ import annotations

from text.terms import says_half, title_adds


def test_a_title_adds_when_it_has_two_distinct_words_the_indicator_does_not_half_say():
    assert title_adds("Skepsis til muslimer", "andel som mener verdiene innenfor islam ikke er forenlige")
    # one word said twice is one word (`Lapu-Lapu`), and a one-word heading says nothing a reader needs
    assert not title_adds("Lapu-Lapu", "mann i stålbrynjer i tre skip")
    assert not title_adds("Innledning", "det ble produsert 24 rapporter")
    # a title the indicator already half says adds nothing (Nynorsk)
    assert not title_adds("Busetjing av flyktningar", "talet på busette flyktningar i 2022")
    assert says_half("Omsøkt beløp til Jobbsjansen", "Omsøkt beløp")
