"""Facts from running text: a sentence that states a number with a unit or a counted noun.

`49 prosent av de bosatte i 2020 var bosatt innen 6 måneder` gives one fact (49 %,
2020); `innen 6 måneder` is a threshold, part of what is measured. Numbers inside
dates, years, periods, references and law paragraphs are not facts, nor are
ordinals (`2. kvartal`) or numbers with neither a unit nor a noun (`9 av 13`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.records import Entity
from text.numbers import HEDGE_BEFORE, HEDGE_WORD, UNIT_PATTERNS, find_numbers
from text.terms import YEAR_RE, bound_before, label_stance, stance_before

_ABBREV = {
    "mill", "mrd", "kr", "pst", "nr", "kap", "ca", "jf", "jfr", "bl.a", "f.eks", "prop", "innst", "st", "meld",
    "mnd", "hhv", "dvs", "m.m", "mv", "o.l", "inkl", "ekskl", "evt", "osv", "etc", "pr", "tlf", "ref", "tab",
    "fig", "utl", "vedr", "t.o.m", "f.o.m", "iht", "ift", "mht", "bl", "kl", "stk", "m.fl", "mfl", "sml", "jan",
    "feb", "aug", "sep", "sept", "okt", "nov", "des", "nb", "obs", "dr", "prof", "ev", "o.a", "s", "bla", "vs",
    "md", "avd", "dir", "adm", "tils", "tilsv", "sek", "gj.sn", "gjennomsn", "ekstraord", "ord", "eks",
}
_UNIT_ABBREV = {"pst", "kr", "mnd", "mill", "mrd"}
_BOUNDARY = re.compile(r"[.!?]+[»”\")\]]*\s+(?=[A-ZÆØÅ0-9«\"(–-])")
# Entities whose numbers are names or times, not quantities
_NOT_QUANTITY = {"DATE", "YEAR", "PERIOD", "REF", "LAW"}
_THRESHOLD = re.compile(r"^(innen|innan|innenfor|innanfor|etter|mer|meir|mindre)\b", re.I)
# `over 15 år`, `under 18 år`, `mellom 15 og 17 år`: an age or a bound, not a measured duration
_AGE_BEFORE = re.compile(r"(\b(over|under|mellom|opp til|minst)|\bmellom \d+ og|\b(innen|innan)\s+(både\s+)?\d+\s+og)"
                         r"\s+$", re.I)
_STOP_NOUNS = {
    "av", "og", "i", "til", "på", "for", "som", "er", "var", "har", "hadde", "med", "fra", "frå", "eller", "om",
    "per", "de", "dei", "den", "det", "en", "ein", "et", "eit", "ble", "blei", "vart", "år", "ganger", "gonger",
    "prosent", "ulike", "nye", "andre", "mot", "over", "under", "enn", "ved", "etter", "innen", "innan",
    "kan", "skal", "vil", "ikke", "ikkje", "samt", "både", "tall", "tal", "stk", "nr", "timers", "hvor", "der",
    "når", "da", "kor", "hvorav", "herav",
}
_ADJECTIVES = {"nye", "flere", "fleire", "færre", "ulike", "unge", "enslige", "einslege", "voksne", "vaksne",
               "nyankomne", "bosatte", "busette", "kvalifiserte", "registrerte", "aktive", "unike", "små", "store"}
# Plural endings of counted nouns, Bokmål and Nynorsk (`kommuner`, `personar`, `deltakere`, `tolkane`)
_PLURAL_ENDINGS = ("er", "ar", "ere", "arar", "erar", "ene", "ane", "inger", "ingar", "ler", "ner")
# Infinitives that end like a plural (`signalisere`, `initiere`, `arrangere`, `reflektere`)
_VERB_ENDINGS = ("isere", "iere", "ngere", "ktere", "skriver")
_ADJECTIVE_ENDINGS = ("ige", "ske", "lige", "lege", "ale", "elle", "ende", "ære", "ede", "ete")
# Plurals without those endings, and adjectives used as nouns (`80 enslige mindreårige`, `209 ansatte`)
_PLURAL_WORDS = {"barn", "kurs", "land", "prosjekt", "oppdrag", "uttak", "tiltak", "forslag", "spørsmål", "besøk",
                 "studiepoeng", "mindreårige", "mindreårig", "ansatte", "tilsette", "nyansatte", "nytilsette",
                 "frivillige", "fordrevne", "bosatte", "busette", "tema", "søk", "innlegg", "arrangement",
                 "innvandrere", "flyktninger", "deltakere", "kandidater", "studier", "saker", "timer", "timar"}
# Words with a plural-like ending that a number does not count: verbs in the present tense, pronouns, comparatives
_NOT_COUNTED = {"inneholder", "svarer", "følger", "starter", "mener", "viser", "gjelder", "utgjør", "kommer",
                "omfatter", "deltar", "jobber", "oppgir", "svarte", "andre",
                "mindre", "større", "eldre", "yngre", "bedre", "under", "over", "etter", "mellom", "heller", "enn",
                "hver", "kvar", "ingen", "alle", "begge", "disse", "desse", "våre", "sine", "deres", "ganger", "gonger",
                "kroner", "prosent", "måneder", "månader", "dager", "dagar", "uker", "veker", "år", "ber", "tar",
                "ekstremisme", "driftsutgifter"}
_COUNT_NOUN = re.compile(r"^\s*(?:\(\w+\)\s*)?([a-zæøå][a-zæøå\-]{2,})", re.I)
# Definite plural of counted nouns -> the form a unit takes
_NOUN_BASE = {
    "flyktningene": "flyktninger", "flyktningane": "flyktningar", "personene": "personer", "personane": "personar",
    "kommunene": "kommuner", "kommunane": "kommunar", "deltakerne": "deltakere", "deltakarane": "deltakarar",
    "prosentene": "%", "prosentane": "%",
}


@dataclass
class SentenceFact:
    """A number stated in a sentence, with offsets into the text it came from."""

    value: float
    low: float | None
    high: float | None
    unit: str | None
    indicator: str
    year: int | None
    period: str | None
    qualifier: str | None
    sentence: str
    sentence_start: int
    sentence_end: int
    number_start: int
    number_end: int
    entities: list[Entity]
    post: str | None = None  # the budget post a block's label puts the figure on


_RANGE_GAP = re.compile(r"^\s?[–-]\s?$|^\s+og\s+$")
# Words a number after them names, not measures
_REFERENCE_BEFORE = re.compile(r"\b(artskonto|konto|kap\.?|kapittel|post|postane|posten|note|nr\.?|§|paragraf|"
                               r"tabell|figur|vedlegg|tillegg)\s*$", re.I)
_THRESHOLD_BEFORE = re.compile(r"\b(innen|innan|etter)\s+(både\s+)?(\d+\s+(og|eller)\s+)?$", re.I)
_SIZE_CLASS = re.compile(r"\bmed (over|under|mer enn|mindre enn|færre enn|flere enn|fleire enn|minst)\s+$", re.I)
# `mot 77,1 prosent fra året før`: the year before the one the sentence is about (`i fjor` is not: a report
# written in 2025 about 2024 says `i fjor` of 2024)
_YEAR_BEFORE = re.compile(r"^\s*\S*\s*(fra |frå |i )?året før\b", re.I)
_UNIT_AFTER = dict(UNIT_PATTERNS)
_MILLIONS_OF = re.compile(r"\s*(?:millioner|millionar)\s+(?!kr\b|kroner\b)([a-zæøå]{3,})", re.I)


def _ranges(sentence: str, numbers: list[tuple[int, int, float, str | None]]) -> dict[int, int]:
    """Index of a range's low end -> index of its high end: `18–20 %`, `76-79 prosent`, `15-18 år`.

    `mellom 1 500 og 1 700 nye tolker` is one too; `fra 11 til 19 prosent` is a change, two facts.
    """
    out: dict[int, int] = {}
    for k in range(len(numbers) - 1):
        (s0, e0, v0, u0), (s1, _e1, v1, _u1) = numbers[k], numbers[k + 1]
        gap = sentence[e0:s1]
        if u0 is None and _RANGE_GAP.match(gap) and v0 < v1 and not YEAR_RE.fullmatch(sentence[s0:e0].strip()):
            if gap.strip() == "og" and not re.search(r"\bmellom\s+$", sentence[:s0]):
                continue
            out[k] = k + 1
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; abbreviations (`mill.`, `kap.`, `Prop.`) do not end one.

    Cleaned text keeps a line break only between list items, so a line break ends a sentence too.
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        out += [(pos + a, pos + b) for a, b in _split_line(line)]
        pos += len(line) + 1
    return out


def _split_line(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        before = text[start:m.start() + 1]
        word = re.search(r"(\S+)$", before)
        tail = word.group(1).rstrip(".!?»”\")]").lstrip("([«\"").lower() if word else ""  # `(hhv. 84 …`
        nxt = text[m.end():m.end() + 1]
        if tail in _UNIT_ABBREV and nxt.isupper():
            pass  # `Resultatkrav: 90 pst. Resultater for …`: a unit, then a new sentence
        elif tail in _ABBREV or re.fullmatch(r"\w", tail):
            continue
        if re.fullmatch(r"\d{1,2}", tail) and text[m.end():m.end() + 1].isdigit():
            continue  # `kap. 3. 2` style numbering, not a sentence end
        end = m.start() + len(m.group(0).rstrip())
        out.append((start, end))
        start = m.end()
    lead = len(text[start:]) - len(text[start:].lstrip(" -–•"))
    if start < len(text) and text[start:].strip(" -–•"):
        out.append((start + lead, len(text.rstrip())))
    return out


def _paren_depth(text: str) -> list[int]:
    """Id of the parenthesised group each char lies in (0 outside any)."""
    ids, stack, next_id = [], [0], 0
    for ch in text:
        if ch == "(":
            next_id += 1
            stack.append(next_id)
            ids.append(next_id)
        elif ch == ")":
            ids.append(stack[-1])
            if len(stack) > 1:
                stack.pop()
        else:
            ids.append(stack[-1])
    return ids


def _years(ents: list[Entity]) -> list[tuple[int, int, int, bool]]:
    """(start, end, year, from a date) of each year the sentence names: bare years and the year of a date."""
    out = []
    for e in ents:
        if e.label in {"YEAR", "DATE"}:
            for m in YEAR_RE.finditer(e.text):
                out.append((e.start + m.start(), e.start + m.end(), int(m.group(1)), e.label == "DATE"))
    return out


# `fra 2021`, `mot 2 583 i 2021`, `som i 2023`, `sidan 2019`, `enn i 2023 og 2022`: a year compared with
_COMPARED = re.compile(r"(\b(fra|frå|mot|som|enn|med|siden|sidan|etter|før|siste)\s+(i\s+)?"
                       r"|\b(enn|som|mot)\s+(i\s+)?\d{4}\s+og\s+(i\s+)?)$", re.I)
# a clause that compares (`en liten økning fra 3,3 prosent i 2023`) lends its year to no other clause
_COMPARING = re.compile(r"\b(fra|frå|mot|enn|sammenlignet|samanlikna|økning|auke|nedgang|til samanlikning|"
                        r"til sammenligning)\b", re.I)


# `2 245 oppføringar per 31.12.2022`, `… ved utgangen av 2022`: a date right after a figure is when it was counted
_DATED_AFTER = re.compile(r"\s*(?:per|pr\.|ved utgangen av|ved utgongen av)\s+(?:\d{1,2}\.\s?\d{1,2}\.\s?|"
                          r"\d{1,2}\.\s+[a-zæøå]+\s+|[a-zæøå]+\s+)?((?:19|20)\d\d)\b", re.I)
# `…, då/da/der …`: a clause about the time just named
_WHEN_CLAUSE = re.compile(r"\s*(då|da)\b", re.I)
# The same right after the year, comma or not, up to the number (`fra 2023 der samlet tildeling var på`)
_WHEN_AFTER_YEAR = re.compile(r",?\s*(då|da|hvor|der)\s+[^,;.!?]*", re.I)
# A clause that sets its own figure against the one before (`…, mens 3 295 avslutta i 2021`): the kind (`Førebelse
# tal viser at …`) said before it belongs to the first figure only
_CONTRAST_CUT = re.compile(r"[,;]\s*(mens|medan|men|enn|mot|då|da)\b", re.I)
# A bracketed note (`(førebelse tal)`, `(foreløpige tall)`) closing the clause of the number before it
_PRELIM_NOTE = re.compile(r"\((forel[øg]pig\w*|førebels\w*)[^)]*\)", re.I)
# Thresholds between a number and such a note (`innan 3 månader`) are part of what is measured, no other figure
_THRESHOLD_NUMBER = re.compile(r"\d+\s*(måneder|månader|mnd\.?|år|uker|veker|dager|dagar|timer|timar)\b", re.I)
# A block that opens with a label (`Resultatkrav:`, `Måleutgangspunkt: …`): the label's kind governs the block
_LEAD_LABEL = re.compile(r"^\s*([A-ZÆØÅa-zæøå][^\n:.!?]{1,40}?)\s*:(\s|$)")
# A budget post opening a block (`Post 62 Kommunale innvandrertiltak: Det er bevilget …`): what its figures are on
_POST = r"((?:kap\.?\s*\d{3,4},?\s*)?post\s+(\d{2})\b[^:\n]{0,100}?)"
_POST_LABEL = re.compile(rf"^\s*{_POST}\s*:(\s|$)", re.I)
# The same label as a line of its own (`Post 72 Statsautorisasjonsordningen for tolker m.a.`), the block's text
# running on into the next line without a colon
_POST_HEAD = re.compile(rf"^\s*{_POST}\s*[.,:]?\s*$", re.I)
_NAMES_POST = re.compile(r"\bpost(?:en)?\s+(\d{2})\b", re.I)


def posts_named(text: str) -> set[str]:
    """The budget post numbers a text names (`post 62`, `posten 21`)."""
    return {m.group(1) for m in _NAMES_POST.finditer(text)}

# `Status per 31.10.2019 var at …`: a dated status, whose date holds for the figures that follow it in the block
_STATUS_AT = re.compile(r"\bstatus\s+(per|pr\.?)\s", re.I)
# A sentence that says it gives the same measure for another group or year (`Tilsvarende tall for …`)
_SAME_MEASURE = re.compile(r"^\s*(tilsvarende|tilsvarande|det samme|det same)\b", re.I)
# A sentence about a part of the group or sum the sentence before names (`Av disse fikk 34 % …`, `Av desse var 91,5
# mill. kroner …`); not `Av dei 512 medlemmene` or `Blant dei som avslutta …`, which name their own group
_GROUP_BEFORE = re.compile(r"^\s*(av|blant)\s+(disse|desse|dem|dei|dette|denne gruppen|denne gruppa|"
                           r"disse gruppene|desse gruppene)\b(?!\s*(\d|som\b))", re.I)
# The same inside the clause (`94 prosent av dem hadde ventet …`, `Tilskuddene som utløses av denne gruppen …`,
# `har 56 prosent en slik holdning`): who or what is measured is in the sentence before. Not `av dei`: Nynorsk `dei`
# is also the determiner (`av dei høgast kvalifiserte tolkane` names its own group)
_BACK_REF = re.compile(r"\b(av|blant)\s+(dem|disse|desse)\b(?!\s*(\d|som\b))|"
                       r"\b(denne|dette|disse|desse)\s+(gruppen|gruppa|gruppene|personene|personane|deltakerne|"
                       r"deltakarane|flyktningene|flyktningane|kommunene|kommunane|midlene|midla|beløpet|ordningen|"
                       r"ordninga|tiltaket)\b|\b(en|ein)\s+slik\b|\bslike\b", re.I)


def _clause_bounds(sentence: str, groups: list[int], pos: int) -> tuple[int, int]:
    """The comma/semicolon/colon-delimited clause around `pos`, within its parenthesis group."""
    mine = groups[pos] if pos < len(groups) else 0
    cuts = [m.start() for m in re.finditer(r"(?<!-)[,;:]\s", sentence) if groups[m.start()] == mine]
    return max([c + 1 for c in cuts if c < pos], default=0), min([c for c in cuts if c >= pos], default=len(sentence))


def _compared(sentence: str, year_start: int) -> bool:
    return bool(_COMPARED.search(sentence[max(0, year_start - 30):year_start]))


def _pick_year(sentence: str, start: int, end: int, years: list[tuple[int, int, int, bool]],
               groups: list[int]) -> int | None:
    """The year a number is about: in its bracket group and clause if possible, the nearest one.

    A year after the number counts from the end of its unit and weighs a bit more than one
    before it (`55 prosent … i 2020 (65 prosent i 2019 og 36 prosent i 2018)`). Years named
    as a comparison (`frå 2021`, `som i 2023`), or in another clause that compares, are
    passed over; a bare year beats the year of a date (`i 2020 som ble sendt i oktober 2019`).
    """
    mine = groups[start] if start < len(groups) else 0
    pool = [y for y in years if groups[y[0]] == mine] or ([y for y in years if groups[y[0]] == 0] if mine else [])
    for y in reversed([y for y in pool if y[1] <= start]):
        if _WHEN_AFTER_YEAR.fullmatch(sentence[y[1]:start]):
            return y[2]  # `… fra 2019 hvor samlet tildeling var på 13,4 milliarder`: what held in that year
    lo, hi = _clause_bounds(sentence, groups, start)
    inside = [y for y in pool if lo <= y[0] < hi]
    if not inside and lo and _WHEN_CLAUSE.match(sentence[lo:]):
        # `… frå 2021, då samla tildeling var på 8,9 mrd.`: a `då`/`da` clause tells what held in the year it follows,
        # even when that year was named as the one compared with
        before = [y for y in pool if y[1] <= lo and not sentence[y[1]:lo].strip(" ,;")]
        if before:
            return before[-1][2]
    if inside:
        pool = inside
    else:
        pool = [y for y in pool
                if not _COMPARING.search(sentence[_clause_bounds(sentence, groups, y[0])[0]:y[0]])]
    pool = [y for y in pool if not _compared(sentence, y[0])]
    if any(not y[3] for y in pool):
        pool = [y for y in pool if not y[3]]
    if not pool:
        return None

    def distance(y: tuple[int, int, int, bool]) -> float:
        return y[0] - end if y[0] >= end else (start - y[1]) * 1.5

    return min(pool, key=distance)[2]


def _is_counted_noun(word: str) -> bool:
    """A plural noun a number can count (`kommuner`, `deltakarar`, `ansatte`, `barn`), not a verb or adjective."""
    if word in _STOP_NOUNS or word in _NOT_COUNTED or len(word) < 3:
        return False
    if word.endswith(_VERB_ENDINGS):
        return False
    return word in _PLURAL_WORDS or word.endswith(_PLURAL_ENDINGS)


def _counted_noun(after: str) -> str | None:
    """What a bare number counts: the noun after it (`211 kommuner`, `1 700 nye tolker`, `13 nasjonale ressursmiljøer`).

    Up to two adjectives are passed over; a word that is not a plural noun (`kvar`, `kjøp`,
    `valutatap`, a verb) counts nothing.
    """
    rest = after
    for _ in range(3):
        m = _COUNT_NOUN.match(rest)
        if not m:
            return None
        word = m.group(1).lower().strip("-")
        if word in _ADJECTIVES or (word.endswith(_ADJECTIVE_ENDINGS) and word not in _PLURAL_WORDS):
            rest = rest[m.end():]
            continue
        if not _is_counted_noun(word):
            return None
        return _NOUN_BASE.get(word, word)
    return None


def _compound(sentence: str, start: int, noun: str) -> str | None:
    """`11 nye minoritetsrådgiverstillinger …, og 13 nye stillinger`: a compound an earlier number counted, elided
    to its last part. A compound named otherwise (`overføringsflyktninger utgjorde 3 010 av … flyktningene`) is
    a part of the whole, not the same thing."""
    if len(noun) < 4 or not noun.isalpha():
        return None
    found = re.findall(rf"\d\s+(?:[a-zæøå]+\s+){{0,2}}([a-zæøå]{{3,}}{re.escape(noun)})\b", sentence[:start], re.I)
    return found[-1] if found else None


def _unit_of_bare_number(sentence: str, start: int, end: int) -> str | None:
    """A unit for a number written without one, from its neighbours.

    `1 500 og 1 700 nye tolker` (a range shares the noun), `respondenter: 2 968` (a label before).
    """
    after = sentence[end:]
    noun = _counted_noun(after)
    if noun:
        return noun
    # `1 500 og 1 700 nye tolker`: a range shares its noun; `354 av 356 kommunar`: so does a part
    rng = re.match(r"\s*(og|til|–|-|av|av de|av dei)\s*\d[\d ]*(?:,\d+)?\s", after)
    if rng:
        return _counted_noun(after[rng.end() - 1:])
    label = re.search(r"([A-Za-zæøåÆØÅ]{3,})\s*:\s*$", sentence[:start])
    if label and label.group(1).lower() not in _STOP_NOUNS:
        return label.group(1).lower()
    return None


def _table_like(sentence: str, numbers: list[tuple[int, int, float, str | None]]) -> bool:
    """A linearised table rather than a sentence: many numbers without units, few words between them."""
    bare = [n for n in numbers if n[3] is None and not YEAR_RE.fullmatch(sentence[n[0]:n[1]].strip())]
    words = len(re.findall(r"[A-Za-zæøåÆØÅ]{2,}", sentence))
    if len(bare) >= 4 and len(bare) >= 0.25 * max(words, 1):
        return True
    # an infographic read as one line: many figures, few words each, no verb phrase between them
    figures = [n for n in numbers if not YEAR_RE.fullmatch(sentence[n[0]:n[1]].strip())]
    return len(figures) >= 5 and words < 5 * len(figures) and not re.search(r"[.!?]\s*$", sentence)


def _unit_span_end(text: str, end: int, unit: str | None) -> int:
    """End of the unit words right after a number (`mill. kroner`, `prosent`, `pst.`), as the shared unit vocabulary
    reads them; a counted noun (`personer`, `flyktningar`) stays: it names what is counted."""
    if unit and unit.startswith("millioner "):
        unit = "mill. kroner"  # `4 millioner visninger`: the scale word goes, the noun stays
    pattern = _UNIT_AFTER.get(unit) if unit != "personer" else None
    m = pattern.match(text[end:]) if pattern else None
    return end + m.end() if m else end


# A number with its unit, to be cut from a clause that lends its words to another number
_MEASURED = re.compile(r"\b\d[\d \u00a0]*(?:,\d+)?\s*(%|prosent|pst\.?|mill\.?\s*kroner|kroner)", re.I)


_FUNCTION_WORDS = {"dette", "disse", "desse", "denne", "hadde", "etter", "under", "andre", "mellom", "kunne", "ville",
                   "skulle", "blitt", "fordi", "eller", "siden", "sidan", "rundt", "totalt", "likevel", "derfor",
                   "også", "ogsa", "ikkje", "annet", "anna", "deres", "sine", "blant", "mykje", "mye"}
# A clause that points back (`Det er ein nedgang på …`, `Desse utgjorde …`): its subject is the sentence before
_ANAPHOR = re.compile(r"^\s*(det|dette|desse|disse)\s+(er|var|utgjør|utgjer|utgjorde|tilsvarer|svarer)\b", re.I)
# A number and its unit in brackets, as an item of a list (`afghanere (17 prosent)`)
_LIST_ITEM = re.compile(r"\(\s*(?:rundt |om lag |ca\. )?\d[\d ,]*\s*(%|prosent|pst\.?|mill\.?\s*kroner|kroner)\s*\)",
                        re.I)
# a share that opens its sentence as its subject (`95 prosent av alle flyktningar …, var …`) and the verb after it
_SHARE_OF = re.compile(r"\s*(av|blant)\s", re.I)
_FINITE = re.compile(r"\s*(var|er|ble|blei|vart|har|hadde|fikk|fekk|kom|gikk|gjekk|utgjorde|utgjør|utgjer)\b",
                     re.I)
_CHANGE_BEFORE = re.compile(r"\b(økte|økt|auka|auke|auken|økning|økningen|nedgang|nedgangen|reduksjon(?:en)?|redusert|"
                            r"gikk ned|gikk opp|gjekk ned|gjekk opp)\s+(med|på)\s+$", re.I)
# A clause that names a part of the whole the clause before it states (`… er 574,26 mill. kroner, hvorav …`)
_PART_OF = re.compile(r"\s*(hvorav|herav|derav|kvarav|av dette|av disse|av desse)\b", re.I)
# A measure named by its definite form (`…, mens blant menn er andelen 71 prosent`): what it is a share of is before
_SHARE_BACK = re.compile(r"\b(andelen|delen|prosentdelen|tallet|talet|antallet)\b", re.I)
# A clause that opens with its verb (`…, venta i gjennomsnitt 1,5 månader`): its subject is the clause before
_VERB_FIRST = re.compile(r"\s*(venta|ventet|var|vart|blei|ble|har|hadde|fikk|fekk|deltok|utgjorde|utgjør|utgjer|"
                         r"starta|startet|gjennomførte|fullførte)\b", re.I)


# A separator that coordinates figures (`18,6 pst. av … og 5,6 pst. av …`, `41 flyktninger, 23 arbeidsgivere`): a
# conjunction or comma the next figure follows at once and that stands between two of them (`rett og plikt til …`,
# `, ein nedgang på 18 …`, `, ble 33 prosent …` are no item boundaries)
# (`og over 77 000 visningar`, `og rundt 3300`: a hedge before the figure changes nothing)
_HEDGE = rf"(?:{HEDGE_WORD}\s+)?"
# `eller` takes no hedge: `13 acre eller ca 52 900 kvadratmeter` is one quantity in two units
_COORD = re.compile(rf"(?P<conj>,?\s+((og|samt)\s+(?={_HEDGE}\d)|eller\s+(?=\d)))|;\s+(?={_HEDGE}\d)|"
                    rf",\s+(?={_HEDGE}\d)", re.I)


_PREPOSITIONS = {"fra", "frå", "til", "i", "av", "for", "blant", "på", "med", "hos", "innen", "innan", "under", "over"}


def _clause_end(sentence: str, pos: int) -> int:
    """Where the clause that runs on from `pos` ends: the next comma, semicolon or colon, or the sentence's end."""
    return pos + re.search(r"[,;:]\s|[.!?]\s*$|$", sentence[pos:]).start()


def _item_end(sentence: str, end: int, seps: list[int]) -> int:
    """Where the item of the figure ending at `end` ends: the next coordinating separator (`seps`, their starts), else
    its clause's end."""
    return min([p for p in seps if p >= end] + [_clause_end(sentence, end)])


def _blank_coordinated(sentence: str, start: int, end: int, others: list[tuple[int, int, int]],
                       counted: bool = False) -> str:
    """`sentence` with the other items of a coordination of figures blanked, so each names its own.

    `I 2017 var 18,6 pst. av deltakerne i grunnskoleopplæring og 5,6 pst. av deltakerne hadde fag i videregående
    skole`: for 5,6 the first item goes (the words before the first figure stay, they are shared); for 18,6 the
    second item does. Items are cut at coordinating separators only; figures with none between stay. A later
    item keeps its tail when this figure has none of its own (`715 overføringsflyktninger og 583 mottaksbeboere
    gjennomført kartlegging`: the tail is said of both). `others` are (start, end after the unit or counted
    noun, end of the number).
    """
    found = list(_COORD.finditer(sentence))
    if not found or not others:
        return sentence
    seps = [(m.start(), m.end()) for m in found]
    conj = [(m.start(), m.end()) for m in found if m.group("conj")]

    def between(lo: int, hi: int) -> list[tuple[int, int]]:
        # a conjunction marks the item boundary; a comma beside it may sit between a label and its figure
        return [sp for sp in conj if lo <= sp[0] < hi] or [sp for sp in seps if lo <= sp[0] < hi]

    own_words = re.findall(r"\w+", sentence[end:_item_end(sentence, end, [sp[0] for sp in seps])])
    elided = len(own_words) <= 3 or (len(own_words) <= 5 and own_words[0].lower() in _PREPOSITIONS)
    if not counted and elided and any(b <= start for _, b, _ in others):
        return sentence  # `78 % av spørsmålene kom fra jenter, 18 % fra gutter`: a short item borrows the first one
    figures = sorted({(start, end), *((a, b) for a, b, _ in others)})
    number_end = {a: n for a, _, n in others}
    chars = list(sentence)
    for k, (a, b) in enumerate(figures):
        if (a, b) == (start, end):
            continue
        gap = sentence[number_end[a]:start] if a < start else sentence[end:a]
        if re.fullmatch(r"\s*,?\s*(og|samt|eller|til|[-–])?\s*", gap, re.I):
            continue  # `henholdsvis 9 og 33 studenter`, `mellom 422 og 948 personer`: one item, two figures
        if b <= start:
            cut = between(b, start)
            if not cut:
                continue
            before = between(figures[k - 1][1], a) if k else []
            lo = before[-1][1] if before else a  # the words before the first item are shared: they stay
            if lo == a and (hedge := HEDGE_BEFORE.search(sentence[:a])):
                lo = hedge.start()  # but its `rundt` belongs to its figure
            hi = cut[-1][1]  # this figure's item starts after the last separator before it
        else:
            cut = between(end, a)
            if not cut:
                continue
            lo = cut[0][0] if cut[0] in conj else cut[-1][0]
            nxt = figures[k + 1][0] if k + 1 < len(figures) else len(sentence)
            after = [sp[0] for sp in seps if b <= sp[0] < nxt]
            hi = after[0] if after else (_clause_end(sentence, b) if len(own_words) >= 2 else b)
        for i in range(lo, min(hi, len(chars))):
            chars[i] = " "
    return "".join(chars)


def _borrowed_frame(sentence: str, start: int, end: int, others: list[tuple[int, int, int]]) -> str | None:
    """`hvor 78 % av spørsmålene kom fra jenter, 18 % fra gutter, og 3 % fra ungdom …`: an elided item that opens with
    the preposition the first item's own words reach after its frame reads that frame: `… hvor av spørsmålene kom fra
    ungdom …` (the clause before the first figure, the first item's words up to the preposition, its own words)."""
    seps = [m.start() for m in _COORD.finditer(sentence)]
    own = sentence[end:_item_end(sentence, end, seps)].strip()
    words = own.split()
    if not words or len(words) > 5 or words[0].lower() not in _PREPOSITIONS:
        return None
    chain, at = [], start  # the figures before this one, each joined to the next by a coordinating separator
    for a, b in sorted(((a, b) for a, b, _ in others if b <= start), reverse=True):
        if not any(b <= p < at for p in seps):
            break
        chain.append((a, b))
        at = a
    if not chain:
        return None
    a, b = chain[-1]
    first_own = sentence[b:min([p for p in seps if p >= b] + [len(sentence)])]
    prep = re.search(rf"(?<!\w){re.escape(words[0])}(?!\w)", first_own, re.I)
    if not prep:
        return None
    bounds = [m.start() for m in re.finditer(r"(?<!-)[,;:]\s", sentence[:a])]
    left = bounds[-1] + 1 if bounds else 0
    if left and _content_words(sentence[left:a]) < 2:
        left = max([x + 1 for x in bounds if x < left - 1], default=0)  # `…, hvor 78 %`: the clause before says of what
    lead = _MEASURED.sub(" ", sentence[left:a])
    return _window(f"{lead} {first_own[:prep.start()]} {own}", len(lead.split()))


def _noun_end(sentence: str, end: int, unit: str | None) -> int:
    """End of a counted noun right after a figure (`583 mottaksbeboere`), else `end`."""
    m = re.match(r"\s*([A-Za-zæøåÆØÅ\-]+)", sentence[end:])
    return end + m.end() if m and unit and m.group(1).lower().startswith(unit[:4].lower()) else end


def _indicator(sentence: str, start: int, end: int, others: list[tuple[int, int, int]] | None = None,
               counted: bool = False, same_unit: list[tuple[int, int]] | None = None) -> str:
    """The sentence around a number, minus the number: what it measures, kept readable.

    The clause (between commas/semicolons/colons, outside brackets) holding the number is used
    when it says enough; else the whole sentence. Long text is cut to a word window. `others` are
    the other figures the sentence states: items coordinated with this one are left out; `same_unit` are
    those in the unit of this one, which a bracketed comparison is set against.
    """
    groups = _paren_depth(sentence)
    mine = groups[start] if start < len(groups) else 0
    if mine and YEAR_RE.search("".join(ch for i, ch in enumerate(sentence) if groups[i] == mine)):
        # `… 55 prosent bosatt innen 3 måneder i 2020 (65 prosent i 2019 …)`: a comparison in brackets
        # measures what the main clause measures; read that clause without its own number and year
        outside = "".join(ch if groups[i] == 0 else " " for i, ch in enumerate(sentence))
        paren = sentence.index("(", 0, start + 1) if "(" in sentence[:start + 1] else start
        for a, b in same_unit or []:
            if groups[a] == 0:
                outside = outside[:a] + " " * (b - a) + outside[b:]  # `bosatt 502 voksne … (573 i 2019)`: not 502
        outside = _MEASURED.sub(lambda m: " " * len(m.group(0)), outside)
        outside = re.sub(r"\b(i|in)\s+(19|20)\d\d\b", lambda m: " " * len(m.group(0)), outside)
        return _window(outside, len(outside[:paren].split()))
    if not mine and not counted and others and (borrowed := _borrowed_frame(sentence, start, end, others)):
        return borrowed
    items = list(_LIST_ITEM.finditer(sentence))
    listed = any(len(sentence[x.end():y.start()].split()) <= 5 for x, y in zip(items, items[1:], strict=False))
    if mine and listed:
        # `kongolesere (27 prosent), afghanere (17 prosent) og sudanere (13 prosent)`: the word before the
        # bracket names the item; the sentence up to the list says what the items are shares of
        opened = sentence.rfind("(", 0, start)
        item = re.search(r"([\wæøåÆØÅ«»\- ]{2,40}?)\s*$", re.split(r",|\bog\b|\bav\b|\bmens\b", sentence[:opened])[-1])
        first = _LIST_ITEM.search(sentence)
        head = re.split(r",|\bog\b|\bav\b", sentence[:first.start()])[0] if first else ""
        head = _MEASURED.sub(" ", head)
        label = item.group(1).strip() if item else ""
        if label and head.strip() and label not in head:
            return _window(f"{head.strip()} – {label}", 0)
    # drop other parenthesised asides; keep the one the number sits in
    kept = "".join(ch if groups[i] in (0, mine) else " " for i, ch in enumerate(sentence))
    kept = _blank_coordinated(kept, start, end, [o for o in others or [] if groups[o[0]] in (0, mine)], counted)
    bounds = [m.start() for m in re.finditer(r"(?<!-)[,;:]\s", kept)]
    left = max([b + 1 for b in bounds if b < start], default=0)
    right = min([b for b in bounds if b >= end], default=len(kept))
    clause = kept[left:start] + " " + kept[end:right]
    part_of = bool(_PART_OF.match(kept[left:start]))
    contrast = re.match(r"\s*(mens|medan|men)\b", kept[left:start])
    if left and ((contrast and (_content_words(clause) < 4 or _SHARE_BACK.search(clause)))
                 or _VERB_FIRST.match(kept[left:start]) or part_of):
        # `…, mens 34 prosent svarer verken dårlig eller bra`: the clause before says what is rated; `…, hvorav
        # 14,60 mill. kroner er knyttet til kap. 290`: it names the whole this is part of
        before = max([b + 1 for b in bounds if b < left - 1], default=0)
        if part_of:
            before = 0  # the whole's subject may stand clauses earlier (`Tospråktesten …, hele 414 …, hvorav 187 …`)
        clause = _MEASURED.sub(" ", kept[before:left - 1]) + ", " + clause
    if not left and right < len(kept) and _SHARE_OF.match(kept[end:right]) and _FINITE.match(kept[right + 1:]) \
            and (not kept[:start].strip() or HEDGE_BEFORE.search(kept[:start])):
        # `Over 90 prosent av de som ble bosatt fra mottak, var fordrevne fra Ukraina`: the share is the subject,
        # and what it is a share of is said after the comma
        clause += "," + kept[right + 1:min([b for b in bounds if b > right], default=len(kept))]
    if len(clause.split()) < 6 or _content_words(clause) < 2:
        # a clause of little words (`til i overkant av 19 prosent i 2020`) needs the rest of its sentence
        return _window(kept[:start] + " " + kept[end:], len(kept[:start].split()))
    return _window(clause, len(kept[left:start].split()))


def _content_words(text: str) -> int:
    """Words of five letters or more that are not function words (`dette`, `hadde`, `etter`)."""
    return sum(1 for w in re.findall(r"[A-Za-zÆØÅæøå]{5,}", text) if w.lower() not in _FUNCTION_WORDS)


def _window(text: str, anchor: int) -> str:
    """At most 28 words of `text`, from 8 before the word at `anchor` (what follows a number says more); tidied."""
    words = text.split()
    if len(words) > 28:
        lo = max(0, anchor - 8)
        words = words[lo:lo + 28]
    out = " ".join(words)
    out = re.sub(r"\s+([,.;:)])", r"\1", out).replace("( ", "(").replace("()", "")
    return out.strip(" ,;:.–-")


def sentence_facts(text: str, entities: list[Entity], doc_year: int | None,
                   section_year: int | None = None, lead_stance: str | None = None,
                   head_line: str | None = None) -> list[SentenceFact]:
    """Facts stated in `text` (a block's cleaned text, or a table comment cell).

    A number whose sentence names no year takes the year of the sentence before, else the one
    year its section heading names (`Anmodningskriterier for bosetting … i 2019`), else the report's.
    A label opening the text (`Resultatkrav:`), or `lead_stance` (a label standing alone on the line
    before), gives the kind of every number whose own sentence names none.
    """
    out: list[SentenceFact] = []
    context_year: int | None = None  # the last year an earlier sentence of this text named
    previous: str | None = None  # the sentence before, for a clause that points back to it
    lead = _LEAD_LABEL.match(text)
    block_stance = (label_stance(lead.group(1)) if lead else None) or lead_stance
    post = _POST_LABEL.match(text) or (_POST_HEAD.match(head_line) if head_line else None)
    status_year: int | None = None  # the year of a `Status per <date>` earlier in the text
    for s0, s1 in split_sentences(text):
        sentence = text[s0:s1]
        ents = [e.model_copy(update={"start": e.start - s0, "end": e.end - s0})
                for e in entities if e.start >= s0 and e.end <= s1]
        blocked = [(e.start, e.end) for e in ents if e.label in _NOT_QUANTITY]
        thresholds = [(e.start, e.end) for e in ents if e.label == "DURATION" and (
            _THRESHOLD.match(e.text) or _AGE_BEFORE.search(sentence[max(0, e.start - 12):e.start]))]
        years = _years(ents)
        groups = _paren_depth(sentence)
        numbers = find_numbers(sentence)
        if _table_like(sentence, numbers):
            continue
        pending: list[tuple[int, int, SentenceFact]] = []
        last_unit: str | None = None
        last_change = False  # the last unit was a change in per cent (`økte med 26,5 %`)
        ranges = _ranges(sentence, numbers)
        for k, (start, end, value, unit) in enumerate(numbers):
            if k in ranges.values():
                continue  # the high end of a range is read with its low end
            high: float | None = None
            if k in ranges:
                _, end, high, unit = numbers[ranges[k]]
                if (unit in {"år", None} and not _counted_noun(sentence[end:])) or \
                        re.search(r"\b(innen|innan|etter|over|under)\s+$", sentence[:start], re.I):
                    continue  # `16–25 år`, `(15-18)`: an age or a span describes a group, it is not measured
            if re.match(r"\)", sentence[end:end + 1]) and not re.search(r"\(\s*$", sentence[:start]):
                continue  # `1) kunnskap og kompetanse`: a list number
            if unit in ("måneder", "timer", "timar") and _THRESHOLD_BEFORE.search(sentence[max(0, start - 30):start]):
                continue  # `innen både 3 og 6 måneder`: a threshold, part of what is measured
            if unit == "år":
                continue  # `når de fyller 18 år`, `PC-er: 5 år`, `fristen på 3 år`: ages, lifetimes, deadlines
            if _SIZE_CLASS.search(sentence[max(0, start - 25):start]):
                continue  # `kommuner med over 20 000 innbyggere`: a size class, not a stated figure
            if _REFERENCE_BEFORE.search(sentence[max(0, start - 25):start]) or \
                    re.match(r"/\w", sentence[end:end + 2]):
                continue  # `artskonto 542`, `kap. 291, post 21`, `542/pensjonsgrunnlaget`: references
            if unit == "mill. kroner" and (millions := _MILLIONS_OF.match(sentence[end:])):
                unit = f"millioner {millions.group(1).lower()}"  # `5 millionar visningar` is no money
            sign = re.match(r"[-−–]\s?", sentence[start:end])
            if sign:
                # `- 3 mill.` is a bullet and `2019 – 2020` a range; only `−3`/`-3` is negative
                negative = not sign.group(0).endswith(" ") and (start == 0 or sentence[start - 1] == " ")
                start += sign.end()
                value = -abs(value) if negative else abs(value)
            if any(a <= start < b for a, b in blocked + thresholds):
                continue
            raw = sentence[start:end]
            if unit is None and YEAR_RE.fullmatch(raw):
                continue  # a year mention, not a quantity
            if re.fullmatch(r"\d+\.\d{1,2}|0\d+", raw):
                continue  # `3.1` is a section number, `01` a post code: decimals take a comma here
            after = sentence[end:]
            if re.match(r"\.\s+[a-zæøå]", after):
                continue  # ordinal: `2. kvartal`, `5. desember`
            if value <= 10 and re.search(r"\d\s+av\s+$", sentence[:start]):
                continue  # the denominator of `9 av 10`
            if unit is None and re.search(r"\b(kr\.?|kroner|NOK)\s*$", sentence[:start], re.I):
                unit = "kroner"
            if unit == "personer" and (noun := _counted_noun(after)):
                unit = noun  # `flyktningar`, `deltakere`: the noun says more than "personer"
            if unit is None:
                unit = _unit_of_bare_number(sentence, start, end)
            if unit is None and last_unit and (groups[start] or re.match(r"\s+i\s+(19|20)\d\d\b", after)
                                               or re.match(r"\s+(flere|fleire|færre)\b", after, re.I)):
                # `… 2 819 flyktninger i 2020 (4 822 i 2019)`, `13 uttakskommisjonar, 5 færre enn …`: shares the unit
                unit = last_unit
                if last_change:
                    # `Antall saker … økte med 26,5 %, fra 245 i 2023 til 310 i 2024`: the levels count saker
                    counted = re.match(r"\s*(antall|talet på|tallet på)\s+([a-zæøå]{3,})", sentence, re.I)
                    unit = counted.group(2).lower() if counted else None
            if unit is None:
                continue
            last_change = unit == "%" and bool(_CHANGE_BEFORE.search(sentence[max(0, start - 30):start]))
            last_unit = unit
            u_end = _unit_span_end(sentence, end, unit)
            noun = re.match(r"\s*[A-Za-zæøåÆØÅ\-]+", sentence[u_end:])
            year = _pick_year(sentence, start, u_end + (noun.end() if noun else 0), years, groups)
            dated = _DATED_AFTER.match(sentence[u_end + (noun.end() if noun else 0):])
            if dated:
                year = int(dated.group(1))  # `2 245 oppføringar per 31.12.2022`: the count's own date
            # a comparison in brackets (`(20 968 deltakere i 2019)`) takes no stance from the clause outside
            inner = "".join(ch for i, ch in enumerate(sentence) if groups[i] == groups[start]) if groups[start] else ""
            opened = sentence.rfind("(", 0, start) if YEAR_RE.search(inner) else -1
            stance = stance_before(sentence[opened + 1:start], start - opened - 1)
            cut = max([m.end() for m in _CONTRAST_CUT.finditer(sentence, 0, start)], default=opened + 1)
            head_years = {y[2] for y in years if opened < y[0] < cut}
            if cut > opened + 1 and year is not None and head_years and year not in head_years:
                stance = stance_before(sentence[cut:start], start - cut)  # the kind was said of another year
            if stance is None and _prelim_note_after(sentence, end, groups):
                stance = "foreløpig"  # `13 803 personer (foreløpige tall)`, `48 prosent … innan 3 mnd. (førebelse tal)`
            if stance is None and block_stance and not groups[start]:
                stance = block_stance
            if stance is None and status_year is not None and not years:
                stance = "utgangspunkt"  # still the status the sentence before dated
            quals = [stance] if stance else []
            if bound := bound_before(sentence, start):
                quals.append(bound)  # `ikke færre enn 10`: a least, whatever kind of figure it is
            if _YEAR_BEFORE.match(sentence[u_end:u_end + 30]) and (
                    base := year or context_year or section_year or doc_year):
                year = base - 1
                quals.append("året før")
            period = None
            # a bracketed period names the span of the thing before it (`Handlingsplanen … (2017 – 2020)`),
            # not the time of a number outside the bracket
            spans = [e for e in ents if e.label == "PERIOD" and groups[e.start] in (0, groups[start])]
            if year is None and spans:
                period = spans[0].text  # `I perioden 2021-2024 ble det bosatt …`: a period, not one year
            elif year is None and context_year is not None:
                year = context_year
                quals.append("år fra konteksten")
            elif year is None and section_year is not None:
                year = section_year
                quals.append("år fra overskriften")
            elif year is None and doc_year is not None:
                year = doc_year
                quals.append("år fra dokumentet")
            pending.append((start, u_end, SentenceFact(
                value=value, low=value if high is not None else None, high=high,
                unit=unit, indicator="", year=year, period=period,
                qualifier="; ".join(quals) or None, sentence=sentence, sentence_start=s0, sentence_end=s1,
                number_start=s0 + start, number_end=s0 + end, entities=ents,
            )))
        # indicators last: each knows the sentence's other figures, to leave out the items coordinated with it
        for start, u_end, sf in pending:
            others = [(a, _noun_end(sentence, b, o.unit), o.number_end - s0) for a, b, o in pending
                      if (a, b) != (start, u_end)]
            same = [(a, b) for a, b, o in pending if (a, b) != (start, u_end) and o.unit == sf.unit]
            indicator = _indicator(sentence, start, u_end, others, _noun_end(sentence, u_end, sf.unit) > u_end, same)
            if sf.unit and (whole := _compound(sentence, start, sf.unit)):
                indicator, named = re.subn(rf"\b{re.escape(sf.unit)}\b", whole, indicator, count=1)
                if not named:
                    indicator = f"{indicator} ({whole})"
            if previous and (_ANAPHOR.match(indicator) or _SAME_MEASURE.match(sentence)
                             or _GROUP_BEFORE.match(sentence) or _BACK_REF.search(indicator)):
                indicator = f"{_window(_MEASURED.sub(' ', previous), 0)} – {indicator}"
            if not re.search(r"[A-Za-zÆØÅæøå]{3,}", indicator):
                continue  # an infographic number whose label stands in another block: nothing says what it is
            sf.indicator = indicator
            if post and posts_named(indicator) <= {post.group(2)}:
                # `IMDis andel av bevilgningen utgjør 205,4 mill. kroner` says of which post only in the label. A
                # field, not indicator words: in the retrieval text a label shared by a whole block cost a question
                sf.post = " ".join(post.group(1).split())
            out.append(sf)
        previous = sentence
        # only the sentence just before lends its year, and not a year it compared with; a dated status lends its
        # year to the figures after it until a sentence names another
        named = [y for y in years if not _compared(sentence, y[0])]
        named = [y for y in named if not y[3]] or named
        if _STATUS_AT.search(sentence) and years:
            status_year = years[0][2]
        elif named:
            status_year = None
        context_year = named[0][2] if named else status_year
    return out


def _prelim_note_after(sentence: str, end: int, groups: list[int]) -> bool:
    """A `(foreløpige tall)` note later in the number's own clause, with no other figure before it."""
    mine = groups[end - 1] if 0 < end <= len(groups) else 0
    stop = re.search(r"[,;]\s|[.!?]\s*$", sentence[end:])
    rest = sentence[end:end + stop.start() if stop else len(sentence)]
    m = _PRELIM_NOTE.search(rest)
    if not m or groups[end + m.start() - 1 if m.start() else end] != mine:
        return False
    return not re.search(r"\d", _THRESHOLD_NUMBER.sub(" ", rest[:m.start()]))
