"""The markdown parser: the FoU-prosjekter 2020 export and any user .md file.

The export is described in corpus/NOTES.md, "imdi-fou-prosjekter-2020.txt".
"""

from __future__ import annotations

import re

import pytest

from core.records import PageCertainty
from ingest.formats.markdown.parser import parse

DOC = "imdi-fou-2020"



def test_five_chapters_at_level_one(doc):
    chapters = [s for s in doc.sections if s.number]
    assert [(s.number, s.title, s.level) for s in chapters] == [
        ("1", "Bosetting og tidlig innsats", 1),
        ("2", "Kvalifisering og arbeidsliv", 1),  # `##` in the export
        ("3", "Oppvekst og deltakelse", 1),
        ("4", "Bedre offentlige tjenester", 1),  # `##` in the export
        ("5", "Serier", 1),
    ]


def test_24_report_summaries_with_dates(doc, source):
    chapter_ids = {s.id for s in doc.sections if s.number}
    reports = [s for s in doc.sections if s.parent_id in chapter_ids]
    assert len(reports) == 24
    assert all(s.level == 2 for s in reports)
    assert source.count("\nUtgitt:") == 24
    for s in reports:
        dated = [b for b in doc.blocks if b.section_id == s.id and b.text.startswith("Utgitt:")]
        assert len(dated) == 1, s.title
    titles = [s.title for s in reports]
    assert "Evaluering av kulturorienteringsprogrammet for overføringsflyktninger" in titles  # `## **…**`
    assert "Evaluering av tilskudd til utvikling av kommunale integreringstiltak" in titles  # `###`
    # headings inside a summary nest under it, whatever their `#` count
    finansiering = next(s for s in doc.sections if s.title == "Finansiering")  # `## **Finansiering**`
    assert finansiering.level == 3
    assert finansiering.path[-2] == "Statlige virkemidler ved bosetting av flyktninger med særlige behov"


@pytest.mark.parametrize("title, page, last", [
    ("Anmodningskriterier for bosetting av flyktninger i 2019", 4, 6),
    ("Integreringsbarometeret 2020", 29, 31),
    ("Hvordan har koronasituasjonen påvirket kvalifiserte tolkers arbeidshverdag?", 28, 29),
])
def test_report_pages_from_toc(doc, title, page, last):
    sec = next(s for s in doc.sections if s.title == title)
    assert sec.page.certainty == PageCertainty.estimated
    assert (sec.page.page, sec.page.first, sec.page.last) == (page, page, last)
    inside = [b for b in doc.blocks if b.section_path[:len(sec.path)] == sec.path]
    assert inside and all(b.page.page == page for b in inside)


def test_front_matter_before_the_first_chapter(doc):
    intro = next(b for b in doc.blocks if b.text.startswith("I løpet av 2020 ble det til sammen produsert 24"))
    assert intro.page.certainty == PageCertainty.range and (intro.page.first, intro.page.last) == (1, 3)
    assert not any("....." in b.text or b.text.startswith("Bosetting og tidlig innsats 4") for b in doc.blocks)
    assert not doc.tables  # the TOC tab table is not a data table


def test_key_numbers_and_findings_lists(doc):
    barometer = next(b for b in doc.blocks if "40 % mener innvandring er bra for Norge" in b.text)
    assert barometer.kind == "list"
    assert barometer.text.splitlines() == [
        "- 40 % mener innvandring er bra for Norge",
        "- 27 % mener innvandring er dårlig for Norge",
        "- 20 % mener det går bra med integreringen",
        "- 47 % mener det går dårlig med integreringen",
    ]
    criteria = next(b for b in doc.blocks if "Flyktninger skal bosettes i alle landsdeler" in b.text)
    assert criteria.text.splitlines()[0].endswith("Ideas2evidence har evaluert:")
    assert criteria.text.splitlines()[1].startswith("1. Flyktninger skal bosettes")
    assert all(len(b.text.split()) <= 400 for b in doc.blocks if b.kind == "list")


def test_dead_links_become_their_text(doc):
    link = next(b for b in doc.blocks if b.text.startswith("- Anmodningskriterier for bosetting"))
    assert link.text == "- Anmodningskriterier for bosetting av flyktninger ideas2evidence-rapport (PDF, 2 MB)"
    assert not any(re.search(r"\]\(#\)|\\\(|\*\*[^*\n]+\*\*", b.text) for b in doc.blocks)


def test_list_item_cut_by_a_page_break_is_joined(doc):
    block = next(b for b in doc.blocks if "tilrettelagt grunnskoleopplæring lokalisert" in b.text)
    assert "lokalisert" in block.text and "ofte mangel på kontaktflater til jevnaldrende" in block.text


def test_block_spans_slice_the_source(doc, source):
    for b in doc.blocks:
        passage = re.sub(r"[-\s]+", "", source[b.span.start:b.span.end].lower())
        words = re.findall(r"[^\W\d_]{3,}", b.text.lower())
        assert sum(w in passage for w in words) >= 0.9 * len(words), b.id


SYNTHETIC = """# Bosetting i Eksempel kommune

Innledning med *kursiv*, **fet** og en [lenke](https://example.org).

## 1 Bakgrunn

Første avsnitt er
hard-brutt over to linjer.

```
# ikke en overskrift
```

| Kommune | Bosatte 2020 | Andel |
|---|---:|---|
| Oslo | 1 234 | 49 % |
| Bergen | 567 | - |

### Detaljer

- punkt en
- punkt to
  fortsetter her

Oppsummering
------------

Slutt.
"""


def test_generic_markdown_file():
    doc = parse(SYNTHETIC, "user-md")
    assert [(s.level, s.number, s.title) for s in doc.sections] == [
        (1, None, "Bosetting i Eksempel kommune"),
        (2, "1", "Bakgrunn"),
        (3, None, "Detaljer"),
        (2, None, "Oppsummering"),
    ]
    intro = doc.blocks[0]
    assert intro.text == "Innledning med kursiv, fet og en lenke."
    assert next(b for b in doc.blocks if b.text.startswith("Første")).text == \
        "Første avsnitt er hard-brutt over to linjer."
    (table,) = doc.tables
    assert table.columns == ["Kommune", "Bosatte 2020", "Andel"]
    assert table.style == "text"
    oslo, bergen = table.rows
    assert oslo.label == "Oslo" and (oslo.cells[0].value, oslo.cells[1].value, oslo.cells[1].unit) == (1234, 49, "%")
    assert bergen.cells[1].value is None
    assert SYNTHETIC[oslo.span.start:oslo.span.end] == "| Oslo | 1 234 | 49 % |"
    lst = next(b for b in doc.blocks if b.kind == "list")
    assert lst.text == "- punkt en\n- punkt to fortsetter her"
    assert lst.section_path == ["Bosetting i Eksempel kommune", "1 Bakgrunn", "Detaljer"]
    assert doc.pages == [] and all(b.page.certainty == PageCertainty.unknown for b in doc.blocks)
    for b in doc.blocks:
        assert SYNTHETIC[b.span.start:b.span.end].strip() == SYNTHETIC[b.span.start:b.span.end]
