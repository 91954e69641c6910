"""A fact's sentence is found in the source across a page's footnotes and footnote marks printed onto words."""

from core.records import Span
from ingest.enrich.spans import align_words, locate

# a pdftotext paragraph broken by the page's footnotes and links (longer than the alignment's window)
NOTES = "\n".join(f"{i} https://www.imdi.no/arkiv/arrangement-{i}/informasjonsmote-om-busetting-av-flyktningar-{i}/"
                  for i in range(2, 12))
SOURCE = ("Som følgje av krigen i Ukraina \n\n" + NOTES + "\n og høge innkomstar blei det sendt ut ei ny oppmoding.\n"
          "Alle kommunar fekk fordelt flyktningar, og 354 av 356 kommunar busette flyktningar i 2022.")
TEXT = ("Som følgje av krigen i Ukraina og høge innkomstar blei det sendt ut ei ny oppmoding. "
        "Alle kommunar fekk fordelt flyktningar, og 354 av 356 kommunar busette flyktningar i 2022.")


def _cited(text: str, source: str, sentence: str) -> str | None:
    at = text.index(sentence)
    span = locate(align_words(text, source, Span(start=0, end=len(source))), at, at + len(sentence))
    return source[span.start:span.end] if span else None


def test_the_words_after_a_page_of_footnotes_are_found():
    assert len(NOTES) > 600  # past the window: the old alignment lost the paragraph here
    sentence = "Alle kommunar fekk fordelt flyktningar, og 354 av 356 kommunar busette flyktningar i 2022."
    assert _cited(TEXT, SOURCE, sentence) == sentence.rstrip(".")


def test_a_footnote_mark_on_a_word_does_not_drag_the_alignment_to_a_later_sentence():
    source = ("Flyktningar som budde i mottak7 før busetting, utgjorde den største gruppa. Av 31 258 busette var "
              "17 739 personar busette frå mottak. Det tilsvarer om lag 57 prosent.")
    text = source.replace("mottak7", "mottak")
    sentence = "Av 31 258 busette var 17 739 personar busette frå mottak."
    assert _cited(text, source, sentence) == sentence.rstrip(".")


def test_a_word_the_cleaning_changed_does_not_jump_to_a_later_repetition():
    # `fgr` (OCR) was repaired to `før` in the text; `før busetting` stands again far below: the alignment stays
    filler = " ".join(["Tekst om noe annet."] * 40)
    source = f"Ventetida fgr busetting var kort i 2024. {filler} Ventetida før busetting var lang i 2020."
    text = source.replace("fgr", "før", 1)
    assert _cited(text, source, "Ventetida før busetting var kort i 2024.") == "Ventetida fgr busetting var kort i 2024"


def test_a_range_written_with_a_word_is_covered_by_its_digits():
    from ingest.enrich.spans import covers_number

    text = "behov for mellom 1 500 og 1 700 nye tolker"
    source = "behov for mellom 1 500 og\n\n1 700 nye tolker"
    start, end = text.index("1 500"), text.index(" nye")
    aligned = align_words(text, source, Span(start=0, end=len(source)))
    # `og` is aligned too; the four digit groups are what must be found
    assert covers_number(aligned, start, end, text[start:end])
    assert not covers_number(aligned, start, end, text[start:end] + " 9")
