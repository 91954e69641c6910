"""What a number question asks for: years, unit, target vs result, the indicator words.

Rules, not a model: staff questions are short and formulaic (`hva var andel …
i 2020`, `kor mange vart busette`, `how many …`), and a wrong guess here must
be explainable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.records import AnswerType
from text.numbers import find_numbers
from text.query import classify
from text.terms import CONTENT_WORD, GROUP_WORDS
from text.units import Family, family_of, question_family
from text.years import YEAR, YEAR_WORD_RE, is_year

# Unit families a question can ask for (text/units.py); fact units map onto the same families.
PERCENT, COUNT, MONEY, MONTHS, FTE, POINTS = (Family.percent, Family.count, Family.money, Family.months, Family.fte,
                                              Family.points)
_TARGET = re.compile(r"\b(krav(et|a|ene)?|mål(et|settinga?|settingen)?|resultatkrav(et|a|ene)?|target|goal|måltall)\b")
_PRELIM = re.compile(r"\b(foreløpig\w*|førebels|preliminary)\b")


# -- what kind of answer a question asks for (Bokmål, Nynorsk, English) ---------------------------------
# Nynorsk `kva for kommune` (no ein/eit) is `hvilken kommune`; `kva for kommunar` is `hvilke kommuner`
_KVA_FOR = r"kva for(?!\s+(?:ein|eit|nokre|slags)\b)"
# Nynorsk bare `kva` before an item noun (`kva organisasjonar fekk …`, `kva kommune …`) is `kva for`
_KVA_NOUN = re.compile(r"^\s*kva\s+(?=(kommun|organisasjon|verksemd|bedrift|selskap|fylk|aktør|person|leiar|forskar|"
                       r"by|land|stad)\w*\b)")
_KVA_FOR_PLURAL = rf"\b{_KVA_FOR}\s+\w+(ar|er|ane|ene)\b"
_HOW_MUCH = (r"(mange|mye|mykje|stor|store|høy|høg|lenge|lang|langt|ofte|gammel|gamal|many|much|long|large|big|old|"
             r"often|high)")
_CAUSE_WORDS = r"\b(bakgrunn(en)?|årsak(en|a|er|ene)?|grunn(en|ene|ane|er|ar)|background|reasons?)\b"
# why, or how something is done (not `how many`): a reason or description whatever figure word follows
_WHY_HOW = rf"^\s*(hvorfor|korfor|kvifor|why)\b|^\s*(hvordan|korleis|how)\b(?!\s+{_HOW_MUCH}\b)"
_REASON = re.compile(
    _WHY_HOW + r"|^\s*(av hvilken grunn|what (?:was|is) the reason)\b|"
    r"^\s*(hva|kva|what)\s+(er|var|betyr|skiller|innebærer|inneber|innebar|gjør|gjer|gjorde|handler|fann|fant|"
    r"inneheldt|inneholdt|vil|skal|sa|sier|seier|mener|meiner|is|was|are|were|does|did|means?)\b|"
    r"^\s*(beskriv|forklar|describe|explain)\b|" + _CAUSE_WORDS)
_CAUSE = re.compile(_CAUSE_WORDS)
# a measure the reports give a figure for: asked for a year, "hva var resultatet …" wants the figure, not a description
_MEASURE = re.compile(r"\b(\w*resultat(et|a|ene)?|\w*krav(et|a|ene)?|mål(et|a)?|\w*utnytt\w*|ventetid\w*|"
                      r"dekningsgrad\w*|budsjett\w*|bevilgning\w*|løyving\w*|tildeling\w*|ramm(e|a|en|ene)|"
                      r"results?|targets?|budgets?|waiting times?)\b")
_NAMING = re.compile(r"^\s*(hva|kva|what)\s+(heter|het|kalles|vert kalla|blir kalt|is the name|was the name)\b|"
                     r"\b(navnet|namnet|tittelen|the name)\b")
_DATE = re.compile(
    rf"^\s*(når|when)\b|\b(hvilket|kva|{_KVA_FOR}|kva for eit|which|what|i hvilket|i kva)\s+(år|årstal|årstall|"
    r"dato|year|date|måned|månad|month|dag|day)\b|\b(hvilken dato|what date|fra når|sidan når|since when)\b|"
    r"\b(tids)?frist(en|a)?\b|\bdeadline\b")  # a deadline is a date
_PERSON = re.compile(r"^\s*(hvem|kven|who|whom)\b|\b(hvem|kven)\b|\bhvilken (person|leder|forsker|minister)\b")
_PLACE = re.compile(
    # Nynorsk `kvar` is also "each" (`kvar kommune`): where only before a verb
    r"^\s*kvar\s+(ligg|ligger|er|var|finst|fins|bur|budde|kjem|kom|held|heldt|vart|blei|skal|kan)\b|"
    rf"^\s*(hvor|kor)\b(?!\s+{_HOW_MUCH}\b)(?!\s+mange)|^\s*where\b|\b(hvor|kor)\s+(i|ligger|ligg|finnes|"
    rf"fins|holder|held)\b|\b(hvilken|hvilket|kva for ein|kva for eit|{_KVA_FOR}|which|what)\s+(by|kommune|land|"
    r"sted|stad|fylke|region|bydel|city|town|country|place|municipality|county)\b")
_ORG = re.compile(
    rf"\b(hvilken|hvilket|kva for ein|kva for eit|{_KVA_FOR}|which|what)\s+(\w+-)?(organisasjon|virksomhet|"
    r"verksemd|bedrift|selskap|parti|klubb|lag|etat|direktorat|institutt|institusjon|departement|avis|forening|firma|universitet|"
    r"hackergruppe|gruppe|company|organi[sz]ation|agency|party|club|institute|university|team)\w*\b")
# plural question words: "hvilke kommuner", "kva for nokre tiltak", "which municipalities", "nevn"
_LIST = re.compile(r"^\s*(hvilke|kva for nokre|kva slags|which|nevn|list|name the)\b|\b(hvilke|kva for nokre)\b|"
                   + _KVA_FOR_PLURAL)
_LIST_ITEM: list[tuple[AnswerType, re.Pattern[str]]] = [
    (AnswerType.place, re.compile(r"\b(kommun\w*|byer|land|fylk\w*|steder|stader|kontor\w*|regioner|"
                                  r"municipalit\w*|countries|cities|places|offices)\b")),
    (AnswerType.organisation, re.compile(r"\b(organisasjon\w*|virksomhet\w*|verksemd\w*|bedrift\w*|selskap\w*|"
                                         r"partie?r|partia|aktører|aktørar|etater|organi[sz]ations|companies)\b")),
    (AnswerType.person, re.compile(r"\b(personer|personar|ledere|leiarar|forskere|forskarar|people|persons)\b")),
]
# a second figure joined by "og"/"and": "hvor mange … og andel som deltok", "post 01 og hvor mye disponerer"
_SECOND_FIGURE = re.compile(
    r"\s(?:og|and)\s+(?=(?:\w+\s+){0,3}?(?:hvor mange|kor mange|hvor mye|kor mykje|how many|how much|andel|"
    r"andelen|prosent|del(?:en)?|share|antall|talet|kapasitetsutnytt\w*|utnytting\w*|utnyttelse\w*|krav|"
    r"kravet|krava|målet|resultat|resultatet|target|goal|beløp)\b)")

# `hvem er Horst Seehofer?` asks who the person is, like `hva er …`: a description, not another name
_WHO_IS_NAME = re.compile(r"^\s*(?i:hvem|kven|who)\s+(?i:er|var|is|was)\s+[A-ZÆØÅ][\w\-.']*"
                          r"(\s+((de|van|von|der|den|af|la|le|du)\s+)?[A-ZÆØÅ][\w\-.']*)*\s*\??\s*$")
# who may apply, who has the right or the duty, who is covered: a group (`Frivillige organisasjoner kan søke …`),
# rarely a name, so the sentence that says it answers
_WHO_MAY = re.compile(
    r"^\s*(hvem|kven|who)\s+((kan|kunne|can|could|may|får)\s+(søke|søkje|få|motta|delta|apply|receive|get|"
    r"take part|participate)|(har|hadde|has|have|had)\s+((a|the)\s+)?(rett|krav|plikt|right|duty)|"
    r"(omfattes|omfattast|er omfattet|er omfatta|is covered|are covered|is eligible|are eligible)|"
    r"er\s+målgrupp(e|en|a))\b")
# years listed, not a range: `ved utgangen av 2021 og 2022`, `in 2023 and in 2024`, `2020, 2021 og 2022`
_YEAR_LIST = re.compile(rf"\b{YEAR}((\s*,\s*|\s+(og|and|eller|or)\s+)(i\s+|in\s+)?{YEAR}\b)+")
# two groups joined: `andel av menn og kvinner som …`, `kor mange kommunar og bydelar …`
_GROUPS = "|".join(sorted(set(GROUP_WORDS), key=len, reverse=True))
# (`barn og unge` is one group, as the reports use it); a group word before the first is part of it
# (`enslige mindreårige og barnefamilier`: `enslige` does not carry over to `barnefamilier`)
_GROUP_PAIR = re.compile(rf"\b((?:(?:{_GROUPS})\s+)?(?!barn\s+og\s+(?:unge|ungdom)\b)(?:{_GROUPS}))\s+"
                         rf"(?:og|and|eller|or)\s+({_GROUPS})\b")
# `hva ønsker forbundet å oppnå`, `kva kravde departementet`: what someone does, wants, says or demands is told by
# a clause, so a sentence answers. A finite verb right after hva/kva, by its ending or as one of the strong and
# modal verbs; not the copula or the naming and passive verbs, whose answer is a thing named
_WHAT_DOES = re.compile(
    r"^\s*(hva|kva)\s+(?!(?:slags|for|type|tid|sted|stad|heter|het|heiter|heitte|kalles|kallast|blir|ble|blei|vart|"
    r"vert|er|var|betyr)\b)(\w+(?:er|ar|ir|[eaiouyæøå]r|te|de|dde|et|a)|må|kan|bør|fikk|fekk|gikk|gjekk|tok|ga|gav|"
    r"kom|drev|oppstod|sto|stod|lå|så|skjer|skjedde)\b")
_WHAT_IS = r"^\s*(hva|kva|what)\s+(er|var|is|was|are|were)\b"  # `hva var …`: a thing named, a description or a measure
# "hva var mellomnavnet til …", "hva er mottoet til …": one thing named, not a description
_THING_OF = re.compile(rf"{_WHAT_IS}\s+(the\s+)?\w+(et|en|a|ne)\s+(til|på|åt|of)\b|"
                       r"^\s*what\s+(is|was)\s+the\s+\w+\s+of\b")  # English marks no definite noun

# "what was the share …", "what did the study find": an English auxiliary after `what` asks no kind of thing
_AUXILIARY = r"(?!(?:is|was|are|were|do|does|did|has|have|had|will|would|can|could|should)\b)"
_WHICH_THING = re.compile(r"^\s*((i|ved|gjennom|fra|frå|på|av|for|in|at|from|by)\s+)?(hvilken|hvilket|kva for ein|"
                          rf"kva for eit|{_KVA_FOR}|which|what)\s+{_AUXILIARY}\w+")
_WHICH_FIGURE = re.compile(r"^\s*((i|ved|på|in|at)\s+)?(hvilken|hvilket|kva for ein|kva for eit|"
                           rf"{_KVA_FOR}|which|what)\s+"
                           r"(andel|del|prosent\w*|beløp|sum|tal|tall|antall|share|percentage|amount|number|"
                           r"temperatur|hastighet|høyde|lengde|alder)\b")


def _normalised(question: str) -> str:
    """The question as its kind is read: lower case, single spaces, Nynorsk bare `kva` + noun as `kva for`."""
    return _KVA_NOUN.sub("kva for ", " ".join(question.lower().split()))


def answer_type(question: str) -> tuple[AnswerType, AnswerType | None]:
    """(type, list item type) from the question's wording; a figure unless the wording asks for something else."""
    q = _normalised(question)
    has_unit = question_family(q) is not None
    if _SECOND_FIGURE.search(q) and has_unit:
        return AnswerType.numbers, None
    if (each := _each_listed(q)) and answer_type(each[0])[0] in (AnswerType.number, AnswerType.numbers):
        return AnswerType.numbers, None  # the same figure for each year listed or group joined
    if re.match(_WHY_HOW, q):
        return AnswerType.reason, None  # `korleis fekk IMDi ned saksbehandlingstida` asks how, though it names a time
    if _DATE.search(q) and not re.match(rf"^\s*(hvor|kor|how)\s+{_HOW_MUCH}\b", q):
        return AnswerType.date, None
    if re.match(rf"^\s*(hvor|kor|how)\s+{_HOW_MUCH}\b", q):
        return AnswerType.number, None
    if _WHICH_THING.match(q) and not _WHICH_FIGURE.match(q) and not _LIST.search(q):
        return (AnswerType.person if _PERSON.search(q) else AnswerType.organisation if _ORG.search(q)
                else AnswerType.place if _PLACE.search(q) else AnswerType.term), None
    if _LIST.search(q) and not re.search(r"\b(hvilket|which one)\b", q):
        item = next((t for t, pat in _LIST_ITEM if pat.search(q)), AnswerType.term)
        if re.match(r"^\s*which\b", q) and not re.search(r"\b\w+(s|ies)\b", q.split(" ", 2)[1] if " " in q else ""):
            pass  # "which report" is one item; fall through to the singular rules
        else:
            return AnswerType.list, item
    if _WHO_IS_NAME.match(question) or _WHO_MAY.match(q):
        return AnswerType.reason, None
    if _PERSON.search(q):
        return AnswerType.person, None
    if _ORG.search(q):
        return AnswerType.organisation, None
    if _PLACE.search(q):
        return AnswerType.place, None
    if (re.match(_WHAT_IS, q) and _MEASURE.search(q) and YEAR_WORD_RE.search(q)
            and not _CAUSE.search(q)):
        return AnswerType.number, None
    if _NAMING.search(q) or (_THING_OF.search(q) and not has_unit and not _CAUSE.search(q)):
        return AnswerType.term, None
    if (_REASON.search(q) or _WHAT_DOES.match(q)) and not has_unit:
        return AnswerType.reason, None
    if re.match(r"^\s*(hva|kva|hvilken|hvilket|kva for ein|kva for eit|which|what)\b", q) and not has_unit:
        return AnswerType.term, None
    return AnswerType.number, None


def split_figures(question: str) -> list[str]:
    """The parts of a question asking for several figures, each a question of its own: the figures joined by
    `og`, or else the same figure for each year listed (`… i 2021 og 2022` -> `… i 2021`, `… i 2022`) or for each
    group joined (`andel av menn og kvinner …` -> `andel av menn …`, `andel av kvinner …`)."""
    parts = [p.strip() for p in _SECOND_FIGURE.split(question) if p.strip()]
    if len(parts) < 2:
        return _each_listed(question) or parts
    # `Hva var resultatet og kravet for andel bosatt …`: the first figure is of what the last part names
    tail = _SHARED_TAIL.search(parts[-1])
    return [f"{p} {tail.group(0)}" if tail and _names_nothing(p) else p for p in parts[:-1]] + [parts[-1]]


# Where the words a coordination's figures share begin: the last part's first preposition
_SHARED_TAIL = re.compile(r"\b(for|til|i|av|på|ved|blant|hos|med|om|etter|innen|innan|in|of|at|to|on|by|within)\b.*",
                          re.I)
_ASKING = frozenset("hvor hvordan mange mykje mye kor korleis how many much what which hva kva".split())


def _names_nothing(part: str) -> bool:
    """A part of a split question with no phrase of its own (`Hva var resultatet`, `Hvor mange søknader kom inn`)."""
    words = [w for w in CONTENT_WORD.findall(part) if w.lower() not in _ASKING]
    return not _SHARED_TAIL.search(part) and len(words) <= 2


def _each_listed(question: str) -> list[str]:
    """The question once for each year it lists (`… i 2021 og 2022`), else once for each group it joins (`menn og
    kvinner`); [] when it lists neither."""
    if m := _YEAR_LIST.search(question):
        return [question[:m.start()] + y + question[m.end():] for y in dict.fromkeys(YEAR_WORD_RE.findall(m.group(0)))]
    if m := _GROUP_PAIR.search(question.lower()):
        return [question[:m.start()] + question[m.start(g):m.end(g)] + question[m.end():] for g in (1, 2)]
    return []


# the kind of place a question names (`i hvilket land`, `which county`), a key of ingest.enrich.gazetteers.PLACE_LISTS
_PLACE_KIND = re.compile(r"\b(?:hvilke[nt]?|kva\s+for(?:\s+ein|\s+eit)?|which|what)\s+(?:(land|country)|"
                         r"(fylke|county)|(kommune|municipality))\b", re.I)


def place_kind(question: str) -> str | None:
    """`country`, `county` or `municipality` when the question asks for a place of that kind, else None."""
    m = _PLACE_KIND.search(_normalised(question))  # `kva kommune` too
    return None if m is None else ("country", "county", "municipality")[m.lastindex - 1]


@dataclass
class Intent:
    question: str
    years: list[int] = field(default_factory=list)
    unit: str | None = None  # one of the families above, None when the question does not say
    wants_target: bool = False
    wants_preliminary: bool = False
    numbers: list[float] = field(default_factory=list)  # non-year numbers in the question ("6 måneder")
    lang: str = "nb"
    asks_passage: bool = False  # "hvorfor …", "hva er …", "which …": an explanation, not a figure
    answer_type: AnswerType = AnswerType.number
    item_type: AnswerType | None = None  # for a list: what its items are

    @property
    def is_numeric(self) -> bool:
        """A figure is wanted: the question names a unit, or is a bare noun phrase ("sidevisninger nora")."""
        return self.unit is not None or not self.asks_passage


# Phrasings that mean the same indicator word as the reports use.
_REWRITES = [
    (re.compile(r"\b(hvor|kor|how) (stor|big|large) (del|andel|share)\b", re.I), "andel"),
    (re.compile(r"\b(hvor|kor) mange prosent\b", re.I), "andel prosent"),
    (re.compile(r"\bshare\b|\bproportion\b|\bpercentage\b", re.I), "andel"),
    # the unit cue is read by parse_question; as indicator words "mange" would match any sentence saying "mange"
    (re.compile(r"\b(hvor|kor|how) (mange|mye|mykje|many|much)\b", re.I), ""),
]


def indicator_words(question: str) -> str:
    """The question rewritten towards the reports' wording ("kor stor del" -> "andel")."""
    q = question
    for pat, repl in _REWRITES:
        q = pat.sub(repl, q)
    return " ".join(q.split())


def parse_question(question: str) -> Intent:
    """Years, unit, language and passage-vs-figure from text/query.py (search reads a question the same way);
    target, preliminary and the non-year numbers here."""
    q = question.lower()
    info = classify(question)
    numbers = [v for _, _, v, _ in find_numbers(q) if not is_year(v)]
    kind, item = answer_type(question)
    return Intent(
        answer_type=kind, item_type=item,
        question=question,
        years=list(info.years),
        unit=info.unit,
        wants_target=bool(_TARGET.search(q)),
        wants_preliminary=bool(_PRELIM.search(q)),
        numbers=numbers,
        asks_passage=info.asks_passage,
        lang=info.lang,
    )


def unit_family(unit: str | None) -> str:
    """The family of a fact's unit: `mill. kroner` -> kroner, `personer`/None -> antall."""
    return family_of(unit)
