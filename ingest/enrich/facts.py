"""Key figures as facts: every numeric table cell, and every number a sentence states.

`extract_facts(doc, source)` reads `doc.tables` (one fact per numeric cell, see
`_facts_table`), the text cells of those tables (comments such as `Det ble bosatt
2 819 flyktninger i 2020`) and the paragraph and list blocks (see `_facts_text`).
Each fact keeps its provenance: table/row/column or block, section path, page, and
a source span. A table fact's span is its row (or the table); a text fact's span is
its sentence as located in the source, found by aligning the block's cleaned words
to the source (`_facts_span`). Without the source, or when the number is not found
there, the span is the whole block and `span_exact` is False.

A table fact's `sentence` is the row read out (`<indicator> — <column>: <cell>`), so
every fact carries readable text; `entities` are offsets into `sentence`.
"""

from __future__ import annotations

import re

from core.records import TITLE_JOIN, Block, Document, Fact, PageRef, Span, Table, post_label
from ingest.enrich.ner import extract_entities, extract_many
from ingest.enrich.spans import align_words, covers_number, locate
from ingest.enrich.table_facts import CellFact, comment_cell, labelled_shares, table_cell_facts
from ingest.enrich.text_facts import SentenceFact, posts_named, sentence_facts
from text.formatting import NumberStyle, format_number
from text.terms import CONTENT_WORD, label_stance, single_year, title_adds

TEXT_KINDS = {"paragraph", "list"}
# A text cell worth reading for facts has a few words (`Se omtale i kap. 3.2` has no number anyway).
_MIN_CELL_WORDS = 5


def _row_sentence(cf: CellFact) -> str:
    head = f"{cf.indicator} — {cf.column}" if cf.column else cf.indicator
    return f"{head}: {cf.cell_text}"


def _table_facts(doc: Document, table: Table, block: Block | None) -> list[Fact]:
    cells = table_cell_facts(table, doc.meta.year)
    sentences = [_row_sentence(cf) for cf in cells]
    # Rules only: a row sentence's facts need its numbers, units and years, which the model does not
    # label, and running it over every cell would double the ingest time.
    entities = extract_many(sentences, doc.meta.lang or "nb", model=False)
    out = []
    for cf, sentence, ents in zip(cells, sentences, entities, strict=True):
        row = table.rows[cf.row]
        indicator = TITLE_JOIN.join(p for p in (cf.subject, cf.indicator, cf.measure) if p)
        out.append(Fact(
            id="", doc_id=doc.meta.id, indicator=indicator, measure=cf.measure, subject=cf.subject, value=cf.value,
            unit=cf.unit, year=cf.year, period=cf.period, qualifier=cf.qualifier, group=cf.group, context=cf.context,
            source_kind="table", table_id=table.id, row=cf.row, column=cf.column, sentence=sentence,
            block_id=block.id if block else None, section_path=list(table.section_path),
            page=table.row_page(cf.row), span=row.span or table.span, entities=ents,
        ))
    return out


def _comment_facts(doc: Document, table: Table, block: Block | None, source: str | None) -> list[Fact]:
    """Facts stated in the text cells of a table (`Kommentarer 2020`)."""
    out = []
    lang = doc.meta.lang or "nb"
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            numeric = cell.value is not None and not comment_cell(cell)
            if numeric or len(cell.text.split()) < _MIN_CELL_WORDS or labelled_shares(cell.text):
                continue
            column = table.columns[j + 1] if j + 1 < len(table.columns) else None
            year = single_year(column) or doc.meta.year
            facts = sentence_facts(cell.text, extract_entities(cell.text, lang, model=False), year)
            if not facts:
                continue
            where = row.span or table.span
            aligned = align_words(cell.text, source, where) if source else []
            for sf in facts:
                span, exact = _sentence_span(sf, cell.text, aligned, where)
                out.append(_text_fact(doc, sf, span, exact, block).model_copy(update={
                    "source_kind": "table", "table_id": table.id, "row": i, "column": column,
                    "context": table.title or table.caption, "section_path": list(table.section_path),
                    "page": table.row_page(i),
                }))
    return out


def _sentence_span(sf: SentenceFact, text: str, aligned: list, fallback: Span) -> tuple[Span, bool]:
    number = text[sf.number_start:sf.number_end]
    if aligned and covers_number(aligned, sf.number_start, sf.number_end, number):
        span = locate(aligned, sf.sentence_start, sf.sentence_end)
        if span is not None:
            return span, True
    return fallback, False


# `ordningen`, `tilskotet`: a scheme named only by a definite noun (`denne ordningen` is read from the sentence before)
_SCHEME_REF = re.compile(r"(?<!denne )(?<!dette )\b(ordningen|ordninga|tilskuddsordningen|tilskotsordninga|tilskuddet|"
                         r"tilskotet)\b", re.I)
# a heading that names a scheme: `Tilskot til tilrettelagd fag- og yrkesopplæring …`, `Prosjekter for …`
_SCHEME_HEADING = re.compile(r"^\s*(tilskudd|tilskot|tilskuddsordning|tilskotsordning|ordning|prosjekt)\w*\s+"
                             r"(til|for|om)\s+\w", re.I)


# a share that was the subject of a verb of saying or thinking (`47 prosent mener …`): without the figure the clause
# has no subject, and the share is of those who hold the view
_VIEW_VERB = (r"(mener|meiner|svarer|svarar|oppgir|oppgjev|sier|seier|opplever|uttrykker|uttrykkjer|tror|trur|synes|"
              r"syns|er enige|er einige)\b")
_VIEW = re.compile(rf"^{_VIEW_VERB}", re.I)
# the verb right after the figure (`47 prosent mener`, `21 % meiner`), not before it (`sier 70 prosent av elevene`):
# only then was the figure the subject (`27 % av dei spurde meiner …` keeps its own `av dei spurde`)
_VIEW_AFTER = re.compile(rf"^\s*(prosent|%|pst\.?)?\s*(av\s+[^,.;]{{1,40}}?\s+)?{_VIEW_VERB}", re.I)


def _named(indicator: str, heading: str | None, view: bool = False) -> str:
    """A bare label (`Resultatkrav`) or a headless phrase (`i grunnskoleopplæring …`) says what it measures
    only with its section's heading; so does a figure of `ordningen` under a heading that names the scheme, and a
    share of those who hold a view (`mener …`), whose heading says who was asked."""
    told = bool(heading) and heading.lower() in indicator.lower()
    bare = len(CONTENT_WORD.findall(indicator)) < 3 or re.match(r"(i|av|på|til|for|med|om)\s", indicator)
    scheme = bool(heading and _SCHEME_REF.search(indicator) and _SCHEME_HEADING.match(heading))
    view = view and bool(_VIEW.match(indicator))
    if view:
        indicator = f"andel som {indicator}"
    if heading and (bare or scheme or view or title_adds(heading, indicator)) and not told:
        return f"{heading}{TITLE_JOIN}{indicator}"
    return indicator


def _on_post(indicator: str, post: str | None, heading: str | None) -> tuple[str, str | None]:
    """`IMDis andel av bevilgningen utgjør` names the budget post it is on when the sentence does not
    (`Post 71 Tilskudd til innvandrerorganisasjoner … – IMDis andel …`), after the section heading it may start with.
    Returns the indicator and the post label put in, if any."""
    numbers = posts_named(post or "")
    if not numbers or numbers & posts_named(indicator):
        return indicator, None
    label = post_label(post)
    if heading and indicator.startswith(f"{heading}{TITLE_JOIN}"):
        return f"{heading}{TITLE_JOIN}{label}{TITLE_JOIN}{indicator.removeprefix(f'{heading}{TITLE_JOIN}')}", label
    return f"{label}{TITLE_JOIN}{indicator}", label


# A parent heading that names an edition (`Integreringsbarometeret 2020`, `Handlingsplan 2021–2024`), not a numbered
# chapter (`5 Serier`): every section under it reports from that survey, report or plan
_EDITION = re.compile(r"^(?!\d+(\.\d+)*\.?\s).*\b(19|20)\d\d\b")


def _edition(indicator: str, path: list[str]) -> str:
    """`Skepsis til muslimer – andel …` under `Integreringsbarometeret 2020` names the survey it is from."""
    # the path's first heading is the document's title or a top chapter, and a long parent is a sentence set as one
    if len(path) < 3 or not indicator.startswith(f"{path[-1]}{TITLE_JOIN}"):
        return indicator
    parent = path[-2]
    if len(parent.split()) > 6 or not _EDITION.match(parent) or parent.lower() in indicator.lower():
        return indicator
    return f"{parent}{TITLE_JOIN}{indicator}"


def _text_fact(doc: Document, sf: SentenceFact, span: Span, exact: bool, block: Block | None) -> Fact:
    view = sf.unit == "%" and bool(_VIEW_AFTER.match(sf.sentence[sf.number_end - sf.sentence_start:]))
    heading = block.section_path[-1] if block and block.section_path else None
    indicator, on_post = _on_post(_named(sf.indicator, heading, view), sf.post, heading)
    indicator = _edition(indicator, block.section_path if block else [])
    return Fact(
        id="", doc_id=doc.meta.id, indicator=indicator, subject=on_post, value=sf.value, low=sf.low,
        high=sf.high, unit=sf.unit, year=sf.year,
        period=sf.period, qualifier=sf.qualifier,
        context=heading, source_kind="text",
        sentence=sf.sentence, block_id=block.id if block else None,
        section_path=list(block.section_path) if block else [], page=block.page if block else PageRef(),
        span=span, span_exact=exact, entities=sf.entities, post=sf.post,
    )


def _head_line(block: Block, source: str | None) -> str | None:
    """The block's first source line when more follows it: a label its text may run on from without a colon."""
    if source is None:
        return None
    first, _, rest = source[block.span.start:block.span.end].strip().partition("\n")
    return first if rest.strip() else None


def _block_facts(doc: Document, block: Block, source: str | None, lead_stance: str | None = None) -> list[Fact]:
    heading = block.section_path[-1] if block.section_path else None
    facts = sentence_facts(block.text, block.entities, doc.meta.year, single_year(heading), lead_stance,
                           _head_line(block, source))
    if not facts:
        return []
    aligned = align_words(block.text, source, block.span) if source else []
    out = []
    for sf in facts:
        span, exact = _sentence_span(sf, block.text, aligned, block.span)
        out.append(_text_fact(doc, sf, span, exact, block))
    return out


def extract_facts(doc: Document, source: str | None = None) -> list[Fact]:
    """Facts from `doc`'s tables and running text, in reading order of their spans.

    Blocks must already carry their entities (`ner.annotate_blocks`); `source` is the
    document's source text, used to place each sentence exactly.
    """
    table_blocks = {b.table_id: b for b in doc.blocks if b.table_id}
    facts: list[Fact] = []
    for table in doc.tables:
        block = table_blocks.get(table.id)
        facts += _table_facts(doc, table, block)
        facts += _comment_facts(doc, table, block, source)
    label: str | None = None  # the kind a label standing alone (`Resultatkrav:`) gives the block below it
    for block in doc.blocks:
        if block.kind in TEXT_KINDS and not block.table_id:
            facts += _block_facts(doc, block, source, label)
        alone = re.fullmatch(r"\s*([^\n:]{2,40}):\s*", block.text)
        label = label_stance(alone.group(1)) if alone and block.kind in TEXT_KINDS | {"heading"} else None
    facts.sort(key=lambda f: (f.span.start, f.span.end))
    return [f.model_copy(update={"id": f"{doc.meta.id}:x{i:05d}"}) for i, f in enumerate(facts)]


def describe(fact: Fact) -> str:
    """One line for logs and the CLI: `Bosatte totalt = 2819 personer (2020, resultat)`."""
    unit = f" {fact.unit}" if fact.unit else ""
    extra = ", ".join(str(x) for x in (fact.year, fact.qualifier) if x)
    return f"{fact.indicator} = {format_number(fact.value, NumberStyle.plain)}{unit}" + (f" ({extra})" if extra else "")
