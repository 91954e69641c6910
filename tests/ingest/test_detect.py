"""Style detection: each rule fires on its evidence, unclear text goes to the general parser, the reason is kept."""

from pathlib import Path

from ingest.commands import print_summary
from ingest.formats import detect
from ingest.pipeline import ingest_paths
from ingest.store import DocumentStore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PARA = ("Kommunene har ansvaret for bosetting og kvalifisering av flyktninger, og staten følger opp arbeidet "
        "gjennom tilskudd og veiledning. ")


def test_bundled_corpus_styles_agree_with_the_manifest(corpus_texts):
    from ingest.manifest import load_manifest

    for e in load_manifest():
        assert detect(corpus_texts[e.id]).style == e.format, e.id


def test_short_or_unclear_text_falls_back_to_the_general_parser():
    assert detect("").style == "text"
    assert detect("Et kort notat.\n\nTo avsnitt uten noe spesielt.\n").style == "text"
    # two '#' lines are not enough for markdown, and no æøå in a short English text is not OCR damage
    english = "# Summary\n\nThe report is short.\n\n# Findings\n\n" + "Settlement went well in all regions. " * 40
    found = detect(english)
    assert found.style == "text" and "general parser" in found.reason


def test_html_in_a_toc_only_is_plain_markdown():
    toc = "".join(f"<b>{k}</b>\t<b>Kapittel {k}</b> .....\t<b>{k * 3}</b>\n" for k in range(1, 9))
    text = "# Rapport\n\n" + toc + "\n# 1 Innledning\n\n" + PARA * 20 + "\n## 1.1 Bakgrunn\n\n- punkt\n- punkt\n"
    assert detect(text).style == "markdown"


def test_ocr_needs_norwegian_words_without_any_aeoeaa_and_damaged_forms():
    damaged = ("Kommunene bosatte flyktninger pa kort tid, og IMDi har p& sin side fulgt opp arbeidet i &ret som gikk. "
               "Det er gkt innsats for opplaering i norsk og samfunnskunnskap. ") * 12
    assert detect(damaged).style == "ocr"
    assert detect(damaged.replace("pa ", "på ")).style != "ocr"


def test_letter_rhythm_and_pdftotext_evidence():
    letter = "".join(f"Linje {k} i brevet om tildeling for året. \n\n" for k in range(60))
    assert detect(letter).style == "letter"
    pages = "\f".join(f"{k} Kapittel\n" + (PARA[:70] + "\n") * 20 + f"\n{k} / Rapport 2019\n" for k in range(1, 5))
    found = detect(pages)
    assert found.style == "pdftotext" and "3 form feeds" in found.reason and "on 4 pages" in found.reason


def test_reason_is_recorded_in_the_meta_and_the_summary(tmp_path, capsys):
    store = DocumentStore(tmp_path)
    [result] = ingest_paths([FIXTURES / "pdftotext" / "rapport-2018-2.txt"], store)
    meta = store.meta(result.doc_id)
    assert meta.format == "pdftotext" and "3 form feeds" in meta.format_reason
    print_summary(store, [result.doc_id])
    assert "style of rapport-2018-2: pdftotext — pdftotext-like" in capsys.readouterr().out
