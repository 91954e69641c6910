"""An answer cites the words it came from, also where the cleaning changed them in the source."""

import re
from types import SimpleNamespace

import pytest

from answer.compose import locate
from core.records import Citation, Hit, Span

# the cleaned passage reads the repaired words; the source keeps the OCR damage and a footnote mark
CLEAN = ("Tabellen viser ventetiden. Øvrige flyktninger har kortere ventetid enn øvrige i mottak før bosetting. "
         "Det gjelder 354 av 356 kommunar.")
SOURCE = ("Innledning\n\nTabellen viser ventetiden. @vrige flyktninger har kortere\nventetid enn gvrige i mottak "
          "fgr bosetting.<sup>3</sup> Det gjelder 354 av 356 kommunar.\n\nNeste avsnitt")


class _Index:
    def __init__(self, kinds: list[str]):
        self.sources = {"doc": SOURCE}
        self.span = Span(start=SOURCE.index("Tabellen"), end=SOURCE.index("\n\nNeste"))
        self.hit = Hit(rank=1, score=1.0, chunk_id="doc:c00000", doc_id="doc", text=CLEAN, snippet="", kinds=kinds,
                       citation=Citation(doc_id="doc", title="Rapport", source_file="doc.txt", span=self.span))

    def chunk(self, chunk_id):
        return SimpleNamespace(span=self.span)


def _cited(index: _Index, text: str, start: int | None = None, end: int | None = None) -> str:
    c = locate(index, index.hit, text, start, end)
    return SOURCE[c.span.start:c.span.end]


def test_text_as_written_is_cited_exactly():
    idx = _Index(["paragraph"])
    assert _cited(idx, "354 av 356 kommunar") == "354 av 356 kommunar"


def test_a_repaired_sentence_is_cited_from_its_first_to_its_last_source_word():
    idx = _Index(["paragraph"])
    sentence = "Øvrige flyktninger har kortere ventetid enn øvrige i mottak før bosetting."
    at = CLEAN.index(sentence)
    cited = _cited(idx, sentence, at, at + len(sentence))
    # `@vrige` and the damaged words inside are not found as written, yet the span runs from the first word to the last
    assert cited.startswith("@vrige flyktninger") and cited.rstrip(".").endswith("bosetting")
    assert "Tabellen" not in cited and "354" not in cited
    c = locate(idx, idx.hit, sentence, at, at + len(sentence))
    assert c.quote and "kortere" in c.quote and c.span != idx.span


def test_a_figure_joined_to_its_unit_is_cited_where_it_stands():
    idx = _Index(["paragraph"])
    at = CLEAN.index("354")
    cited = _cited(idx, "354 kommunar", at, CLEAN.index("kommunar") + len("kommunar"))
    assert cited == "354 av 356 kommunar"


@pytest.mark.parametrize("kinds", [["table"], ["caption"]])
def test_a_table_passage_keeps_its_own_citation(kinds):
    # a table chunk's text is its rows written out with their headers: its word order is not the source's
    idx = _Index(kinds)
    sentence = "Øvrige flyktninger har kortere ventetid enn øvrige i mottak før bosetting."
    at = CLEAN.index(sentence)
    assert locate(idx, idx.hit, sentence, at, at + len(sentence)) is idx.hit.citation


def test_words_mostly_missing_from_the_source_keep_the_passage():
    idx = _Index(["paragraph"])
    text = "Øvrige flyktninger"  # of its two words only one stands as written: not enough to cite it alone
    src = SOURCE.replace("flyktninger", "flyktnlnger")
    idx.sources = {"doc": src}
    assert locate(idx, idx.hit, text, CLEAN.index(text), CLEAN.index(text) + len(text)) is idx.hit.citation


@pytest.mark.slow
def test_a_reason_from_the_ocr_damaged_report_cites_its_sentence(real_index):
    from answer.compose import answer

    a = answer("hvorfor er telefontolking det foretrukne valget", real_index)
    assert a.found and a.answer_type.value == "reason" and a.citation.doc_id == "imdi-arsrapport-2024"
    cited = real_index.sources[a.citation.doc_id][a.citation.span.start:a.citation.span.end]
    # the sentence, not the whole passage it stands in (which opens with another sentence)
    assert len(cited) < 2 * len(a.short_answer)
    assert re.search(r"foretrukne\s+valget", cited)
