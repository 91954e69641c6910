"""Named entities in Bokmål and Nynorsk text: rules, and a NER model trained on NorNE.

A blank `nb`/`nn` pipeline with an `entity_ruler` whose patterns live in
`ingest/enrich/data/*.jsonl` (spaCy's pattern format, one per line; the `id` of a
pattern is the canonical form of what it matches). Two things run before the
ruler: the tokenizer splits a final period off a number (`2020.`), and
`merge_digit_groups` joins space-grouped thousands (`31 258`, `7 545,63`) into
one token, so a pattern sees one number. Number tokens carry `token._.num`.

With `model=True` (the default) the trained NorNE pipeline (`nlp/`) runs before the
ruler and contributes persons, organisations and places (PER, ORG, GPE, LOC); the
ruler wins wherever it overlaps a model entity, except that a model name strictly
containing ruler names replaces them (see `nlp/entities.py` for why).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import compile_suffix_regex

from core.records import ENTITY_LABELS, Block, Entity
from ingest.enrich.gazetteers import PATTERN_DIR, read_patterns
from nlp import entities as statistical
from text.captions import normalise_number
from text.formatting import NumberStyle, format_number
from text.norwegian import NUMBER_WORDS
from text.numbers import NUMBER_RE, detect_unit, parse_number
from text.sentences import MONTHS

LANGS = ("nb", "nn")
LABELS = ENTITY_LABELS

# Thousands grouped by a (thin/no-break) space, optionally with decimals: `31 258`, `7 545,63`.
_GROUPED = re.compile(r"(?<![\w,.])\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?(?![\w])")
# Decimals take a comma in Norwegian; `3.3` is a section number, not a number.
_NUM_TOKEN = re.compile(r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?|\d+(?:,\d+)?")

if not Token.has_extension("num"):
    Token.set_extension("num", getter=lambda t: bool(_NUM_TOKEN.fullmatch(t.text)))


@Language.component("merge_digit_groups")
def merge_digit_groups(doc: Doc) -> Doc:
    """`31`, `258` -> `31 258`: one token per number, as a reader sees it."""
    with doc.retokenize() as retok:
        for m in _GROUPED.finditer(doc.text):
            span = doc.char_span(m.start(), m.end())
            if span is not None and len(span) > 1:
                retok.merge(span)
    return doc


@Language.component("drop_implausible_entities")
def drop_implausible_entities(doc: Doc) -> Doc:
    """Checks a token pattern cannot express: `2020-10` (a report number) is no period."""
    doc.ents = [e for e in doc.ents if e.label_ != "PERIOD" or _plausible_period(e.text)]
    return doc


def _plausible_period(text: str) -> bool:
    years = re.findall(r"\d{2,4}", text)
    if len(years) != 2:
        return True
    start, end = int(years[0]), years[1]
    if len(end) == 2:
        return int(end) == (start + 1) % 100
    return 0 < int(end) - start <= 60


def _lang(lang: str | None) -> str:
    return lang if lang in LANGS else "nb"


@lru_cache(maxsize=2 * len(LANGS))
def get_nlp(lang: str = "nb", model: bool = True) -> Language:
    """The pipeline for `nb` or `nn` (anything else gets `nb`), rules only unless `model`; built once each."""
    nlp = spacy.blank(_lang(lang))
    # `2020.` at a sentence end is a number and a period, not an abbreviation
    suffixes = [*nlp.Defaults.suffixes, r"(?<=\d)\."]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    nlp.add_pipe("merge_digit_groups")
    if model:
        nlp.add_pipe(statistical.FACTORY, config={"model_lang": _lang(lang)})
    # overwrite_ents: a ruler match replaces every model entity it overlaps. The ruler's patterns are
    # curated for this corpus and carry canonical ids; the model was trained on news and blogs.
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True, "overwrite_ents": True})
    for path in sorted(PATTERN_DIR.glob("*.jsonl")):
        ruler.add_patterns(read_patterns(path))
    if model:
        nlp.add_pipe(statistical.PREFER_LONGER)
    nlp.add_pipe("drop_implausible_entities")
    return nlp


# -- canonical forms -----------------------------------------------------------
_DUR_UNIT = [("måneder", re.compile(r"^(måne?d|månad|mnd|md)", re.I)), ("år", re.compile(r"^år", re.I)),
             ("uker", re.compile(r"^(uke|veke)", re.I)), ("dager", re.compile(r"^(dag|døgn)", re.I)),
             ("timer", re.compile(r"^(time|timar)", re.I))]
_MONTHS = {m: i for i, m in enumerate(MONTHS.split("|"), start=1)}
_MONTH_ABBR = {"jan": 1, "feb": 2, "aug": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "des": 12}


def _quantity_norm(text: str, default_unit: str) -> str:
    m = NUMBER_RE.search(text)
    if not m:
        return text
    value = parse_number(m.group(0))
    if value is None:
        return text
    unit = detect_unit(text[m.end():]) or detect_unit(text[: m.start()].strip() + " ") or default_unit
    if default_unit == "kroner" and unit not in {"kroner", "mill. kroner", "mrd. kroner", "1000 kroner"}:
        unit = "kroner"
    if default_unit == "kroner" and re.search(r"\b(mill|millioner|millionar|mnok)\b", text, re.I):
        unit = "mill. kroner"
    if default_unit == "kroner" and re.search(r"\b(mrd|milliard)", text, re.I):
        unit = "mrd. kroner"
    if default_unit == "%" and unit not in {"%", "prosentpoeng"}:
        unit = "%"
    return f"{format_number(value, NumberStyle.plain)} {unit}"


def _duration_norm(span: Span) -> str:
    words = [t.text for t in span]
    prep = ""
    if words[0].lower() in {"innen", "innan", "innenfor", "innanfor"}:
        prep, words = "innen ", words[1:]
    elif words[0].lower() == "etter":
        prep, words = "etter ", words[1:]
    elif words[0].lower() in {"mer", "meir", "mindre"}:
        prep, words = ("mindre enn " if words[0].lower() == "mindre" else "mer enn "), words[2:]
    qty_text, unit_text = words[0], words[-1]
    qty = NUMBER_WORDS.get(qty_text.lower())
    value = float(qty) if qty is not None else parse_number(qty_text)
    unit = next((u for u, pat in _DUR_UNIT if pat.match(unit_text)), unit_text)
    return f"{prep}{format_number(value, NumberStyle.plain) if value is not None else qty_text} {unit}"


def _date_norm(text: str) -> str:
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{2,4})?", text.strip())
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        year = year if year is None or len(year) == 4 else "20" + year
        return f"{year or 'XXXX'}-{month:02d}-{day:02d}"
    m = re.fullmatch(r"(\d{1,2})\s*\.?\s*([a-zæøå]+)\.?(?:\s+(\d{4}))?", text.strip(), re.I)
    if m:
        month = _MONTHS.get(m.group(2).lower()) or _MONTH_ABBR.get(m.group(2).lower().rstrip("."))
        if month:
            return f"{m.group(3) or 'XXXX'}-{month:02d}-{int(m.group(1)):02d}"
    m = re.fullmatch(r"([a-zæøå]+)\.?\s+(\d{4})", text.strip(), re.I)
    if m and (m.group(1).lower() in _MONTHS or m.group(1).lower() in _MONTH_ABBR):
        month = _MONTHS.get(m.group(1).lower()) or _MONTH_ABBR[m.group(1).lower()]
        return f"{m.group(2)}-{month:02d}"
    return " ".join(text.split())


def _period_norm(text: str) -> str:
    years = re.findall(r"\d{2,4}", text)
    if len(years) == 2:
        start, end = years
        if len(end) == 2:
            end = start[:2] + end
        return f"{start}–{end}"
    return " ".join(text.split())


def _ref_norm(text: str) -> str:
    t = " ".join(text.split())
    m = re.match(r"(?i)(tabell(?:en)?|figur(?:en)?|tab\.|fig\.)\s*(.+)$", t)
    if m:
        kind = "Tabell" if m.group(1).lower().startswith("tab") else "Figur"
        return f"{kind} {normalise_number(m.group(2))}"
    m = re.match(r"(?i)oppdrag(?:et)?\s*(?:nr\.?\s*)?(\d{4})\s*[-–]\s*(\d{1,3})", t)
    if m:
        return f"Oppdrag {m.group(1)}-{int(m.group(2)):03d}"
    m = re.match(r"(?i)sp\s*(\d+(?:\.\d+)?)", t)
    if m:
        return f"SP{m.group(1)}"
    m = re.match(r"(?i)kap\.\s*(\d+)\s*,?\s*(.*)$", t)
    if m and m.group(2):
        posts = re.findall(r"\d{2}", m.group(2))
        return f"kap. {m.group(1)} post " + " og ".join(posts)
    m = re.match(r"(?i)post\s+(\d{2})$", t)
    if m:
        return f"post {m.group(1)}"
    t = re.sub(r"\(\s*(\d{4})\s*[-–—]\s*(\d{4})\s*\)", r"(\1–\2)", t)
    return t.strip()


def _law_norm(span: Span) -> str:
    text = " ".join(span.text.split())
    para = ""
    if "§" in text:
        para = "§" + re.sub(r"\s*(og|,|–|-)\s*", lambda m: f" {m.group(1).strip()} ", text.split("§", 1)[1])
        para = para.replace("§§", "§§ ").replace("§ §", "§§")
        para = re.sub(r"^(§§?)\s*", r"\1 ", para)
        para = re.sub(r"(\d)\s+([a-h])\b", r"\1\2", para)
        para = " ".join(para.split())
    base = span.ent_id_
    return f"{base} {para}".strip() if base else para or text


def _norm(span: Span) -> str:
    label = span.label_
    if label in {"ORG", "GPE", "LOC"}:
        return span.ent_id_ or span.text
    if label == "PER":
        return " ".join(span.text.split())
    if label == "LAW":
        return _law_norm(span)
    if label == "MONEY":
        return _quantity_norm(span.text, "kroner")
    if label == "PERCENT":
        return _quantity_norm(span.text, "%")
    if label == "DURATION":
        return _duration_norm(span)
    if label == "DATE":
        return _date_norm(span.text)
    if label == "PERIOD":
        return _period_norm(span.text)
    if label == "REF":
        return _ref_norm(span.text)
    if label in {"QUANTITY", "CARDINAL"}:
        value = parse_number(span[0].text)
        rest = " ".join(t.text for t in span[1:])
        return f"{format_number(value, NumberStyle.plain)} {rest}".strip() if value is not None else span.text
    return " ".join(span.text.split())


def _entities(doc: Doc) -> list[Entity]:
    return [Entity(text=e.text, label=e.label_, start=e.start_char, end=e.end_char, norm=_norm(e)) for e in doc.ents]


def extract_entities(text: str, lang: str = "nb", model: bool = True) -> list[Entity]:
    """Entities in `text`; offsets are into `text`, `norm` is the canonical form."""
    return _entities(get_nlp(_lang(lang), model)(text))


def extract_many(texts: Iterable[str], lang: str = "nb", batch_size: int = 64, model: bool = True
                 ) -> list[list[Entity]]:
    """Entities for each text, through `nlp.pipe`."""
    return [_entities(d) for d in get_nlp(_lang(lang), model).pipe(texts, batch_size=batch_size)]


def annotate_blocks(blocks: list[Block], lang: str | None = None, model: bool = True) -> None:
    """Fill `block.entities` in place, each block in its own language unless `lang` is given."""
    groups: dict[str, list[Block]] = {}
    for b in blocks:
        groups.setdefault(_lang(lang or b.lang), []).append(b)
    for code, group in groups.items():
        for block, ents in zip(group, extract_many((b.text for b in group), code, model=model), strict=True):
            block.entities = ents
