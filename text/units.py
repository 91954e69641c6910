"""Units: the one table of unit words, read in three places that truly differ.

- `after_number`: the words right after a number (`49 %`, `30 mill. kroner`, `12 mnd.`), anchored there;
- `in_label`: the unit a row label, column header or caption names (`(i mill. kroner)`, `Andel`, `Ventetid`),
  where the earliest match wins and a bare count word yields to any more specific unit;
- `hint`: the stricter words that let a pdftotext table lend its one unit to unlabelled cells.

Each unit belongs to a family (what a question can ask for: a share, a count, money, a duration …); question
cues map onto the same families. Regular expressions rather than a library: no library knows these report
phrasings in Bokmål, Nynorsk and their OCR-damaged forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# Unit words written short in running text (`49 pst.`, `20 mill. kr`) and the word each stands for: the tokenizer
# folds them (text/norwegian.py), and answer scoring reads the two spellings alike (eval/metrics.py)
ABBREVIATIONS: dict[str, str] = {"pst": "prosent", "kr": "kroner", "mill": "millioner", "mrd": "milliarder"}


class Family(StrEnum):
    percent = "%"
    count = "antall"
    money = "kroner"
    months = "måneder"
    fte = "årsverk"
    points = "prosentpoeng"


@dataclass(frozen=True)
class Unit:
    name: str  # as stored on facts and cells
    family: Family
    after_number: str | None = None
    in_label: str | None = None
    hint: str | None = None
    # how a value's unit reads to people, when not as stored: `antall` says only "a count", so `282` stands bare;
    # `1000 kroner` beside the figure reads as one number (`298 458 1000 kroner`), so it is `298 458 tusen kroner`
    shown: str | None = None


# Order matters after a number (the first anchored match wins: `prosentpoeng` before `prosent`).
UNITS: tuple[Unit, ...] = (
    Unit("prosentpoeng", Family.points,
         after_number=r"(prosentpoeng|prosenteiningar|prosentenheter|pp\.?)\b",
         in_label=r"\b(prosentpoeng|prosenteiningar|prosentenheter)\b"),
    Unit("%", Family.percent,
         after_number=r"(%|prosent(?:en|ene|a|ane)?\b|pst\b\.?|per\s?sent\b)",
         in_label=r"(%|\bprosent\b|\bpst\b|\bprosentdel\b|\bandel\b|\bdelen\b)",
         hint=r"\bprosent\b|%"),
    # another currency before kroner, whose scale words need no `kroner` after them: `5,7 milliarder dollar`
    *(Unit(f"{scale}{currency}", Family.money,
           after_number=rf"{words}\s*(?:[a-zæøå]+ske\s+)?{currency}\b")
      for currency in ("dollar", "euro")
      for scale, words in (("mrd. ", r"(mrd\.?|milliard(?:er|ar|ene|ane)?)"),
                           ("mill. ", r"(mill\.?|million(?:er|ar|ene|ane)?)"), ("", ""))),
    Unit("mrd. kroner", Family.money,
         # a scale word alone is money, as a bare `mill.` is: `en økning på 4,1 milliarder fra 2023`
         after_number=r"(mrd\.?|milliard(?:er|ar|ene|ane)?)\s*(kr\b\.?|kroner\b)?",
         in_label=r"\b(mrd\.?|milliard(?:er|ar|ene|ane)?)\s*(kr|kroner)\b"),
    Unit("mill. kroner", Family.money,
         # the start of `milliarder` is not millions, and `millioner` is read whole (not `mill` and the debris `ioner`)
         after_number=r"(million(?:er|ar|ene|ane)?|mill(?!iard)\.?|mnok)\s*(kr\b\.?|kroner\b)?",
         in_label=r"\b(mill\.?|million(?:er|ar|ene|ane)?|mnok)\s*(kr|kroner)?\b",
         hint=r"\bmill\.? ?kr(?:oner)?\b"),
    Unit("1000 kroner", Family.money, shown="tusen kroner",
         after_number=r"(1\s?000|tusen)\s*(kr\b\.?|kroner\b)",
         in_label=r"\b(1\s?000|tusen)\s*(kr|kroner)\b",
         hint=r"\b1 ?000 kr(?:oner)?\b"),
    Unit("kroner", Family.money,
         after_number=r"(kr\b\.?|kroner\b|nok\b)",
         in_label=r"\b(kroner|kr|beløp|støttebeløp|tilskuddsbeløp)\b",
         hint=r"\bkroner\b"),
    Unit("måneder", Family.months,
         after_number=r"(mnd\b\.?|måneder\b|månader\b|maneder\b)",
         in_label=r"\b(måneder|månader|maneder|mnd|ventetid)\b",
         hint=r"\bmånad(?:er)?\b|\bmåneder\b|\bmnd\b"),
    Unit("år", Family.count, after_number=r"år\b"),
    Unit("årsverk", Family.fte, after_number=r"årsverk\b", in_label=r"\bårsverk\b"),
    Unit("personer", Family.count,
         after_number=r"(personer|personar|flyktninger|flyktningar|deltakere|deltakarar)\b",
         in_label=r"\b(antall personer|tal på personar|personer|personar)\b",
         hint=r"\btal på personar\b|\bantall personer\b"),
    Unit("timer", Family.count, in_label=r"\b(timer|timar)\b"),
    Unit("antall", Family.count, in_label=r"\b(antall|tal|talet|absolutte tall)\b", shown=""),
)
# Units of measure that are no report unit (no fact carries them) but that an answer quoting a number keeps beside
# it: `37 km`, `0,26 gram`, `20 poeng`, `5–9 °C`
MEASURE_AFTER_NUMBER = (r"(km|kilometer|meter|m|cm|mm|mil|kvadratmeter|kvadratkilometer|m2|m²|km2|km²|kg|kilo|gram|g|"
                        r"tonn|liter|l|dl|grader|°\s?c|°|poeng|minutter|minutt|min|timer|timar|time|sekunder|sek|"
                        r"døgn|dager|dagar|uker|veker|ganger|gonger|stk)(?!\w)")

# In a label the earliest match wins; on a tie, the first of this order.
LABEL_ORDER = ("mrd. kroner", "mill. kroner", "1000 kroner", "kroner", "prosentpoeng", "%", "måneder", "årsverk",
               "personer", "timer", "antall")
# The order in which a pdftotext label's units are looked for (months first: "ventetid i måneder, prosent").
HINT_ORDER = ("måneder", "%", "1000 kroner", "mill. kroner", "kroner", "personer")
BY_NAME = {u.name: u for u in UNITS}


def after_number_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(u.name, re.compile(rf"^\s*{u.after_number}", re.I)) for u in UNITS if u.after_number]


def label_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(name, re.compile(BY_NAME[name].in_label, re.I)) for name in LABEL_ORDER]


def hint_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(name, re.compile(BY_NAME[name].hint, re.I)) for name in HINT_ORDER]


# What a question asks for, in the order the cues are tried (the first that matches decides).
QUESTION_CUES: tuple[tuple[Family, str], ...] = (
    (Family.points, r"\b(prosentpoeng|prosenteiningar|percentage points?)\b"),
    # -andel/-grad/-del are often compound tails: lønnsandel, utnyttelsesgrad, kvinnedelen
    # a utilisation is a share too: kapasitetsutnyttelsen, utnyttinga
    (Family.percent, r"(andel|del|grad|prosent|utnyttelse|utnytting)(en|a|n)?\b|\b(pst|del(en)?|share|"
                     r"percent(age)?|proportion|rate|utili[sz]ation)\b|%"),
    (Family.months, r"\b(ventetid(a|en)?|hvor lenge|kor lenge|(hvor|kor) lang tid|how long|waiting time|måneder|"
                    r"månader)\b"),
    (Family.fte, r"\b(årsverk|full[- ]time)\b"),
    # "hvor mange søknader om tilskudd" counts applications: the question phrase outranks a money word after it
    (Family.count, r"\b(hvor mange|kor mange|how many|number of)\b"),
    # money words are often the tail of a compound (integreringstilskudd, driftsbevilgning, budsjettrammen), and
    # the tail is what a compound names: a tildelingsbrev is a letter, a tilskuddsordning a scheme
    (Family.money, r"\b(kroner|kr|mill|millioner|milliarder|mrd|tildelt|beløp(et)?|utgifter|kostnad(er)?|funding|"
                   # what something cost or spent: a sum of money (`hva kostet`, `kva kosta`, `what did X cost`)
                   r"kost(e|er|et|a|ar)|spent|spend|costs?|grant|budget|money|nok|hvor mye|kor mykje|how much|"
                   # what was granted or paid out: the verbs of the nouns below (`hva ble bevilget til post 60`)
                   r"bevilg(e|er|es|et|a|de)|løyv(d|de|t|a|es|ast)|utbetal(t|te|es|a))\b|"
                   r"(tilskudd|tilskot|tildeling|bevilgning|løyving|budsjett)(s?ramm(e|a|en|er|ene)|a|en|et|er|ene|ar|ane)?\b|"
                   # not the tail of program-mer/-mene
                   r"\bramm(e|a|en|er|ene)\b"),
    (Family.count, r"\b(hvor mange|kor mange|how many|antall(et)?|talet på|tal på|number of|count)\b"),
)


def question_family(question: str) -> Family | None:
    """The unit family a (lower-cased) question asks for, or None when it names none."""
    for family, pattern in QUESTION_CUES:
        if re.search(pattern, question):
            return family
    return None


def family_of(unit: str | None) -> Family:
    """The family of a fact's unit: `mill. kroner` -> money, `personer`/None -> count."""
    if not unit:
        return Family.count
    if unit in BY_NAME:
        return BY_NAME[unit].family
    u = unit.lower()
    # units written otherwise than the table's names (older stores, user documents)
    if u in ("%", "prosent", "pst."):
        return Family.percent
    if "prosentpoeng" in u or "prosenteining" in u:
        return Family.points
    if "kr" in u:
        return Family.money
    if u.startswith(("mnd", "måned", "månad")):
        return Family.months
    if u.startswith("årsverk"):
        return Family.fte
    return Family.count
