"""Norwegian time expressions (Bokmål and Nynorsk): the spans that can answer a "når" question.

One grammar, written by hand as regexes: the spans needed are the phrases as printed, with their
modifiers, including times that are no calendar date (`om eit par veker`, `etter 33 minutter`);
date libraries aim at resolving calendar dates (dateparser), or are Java (HeidelTime, SUTime). A core
is a date, a year (also "2012/13-sesongen", "1950-tallet", "år 741"), a year range, a day with its
part ("torsdag morgen"), a time of day ("kl. 19.33", "i 11.30-tiden") or a relative time ("forrige
uke", "om eit par veker", "for tre år sidan", "etter 33 minutter"; a unit in the genitive, "etter 33 minutters
spill", is no core: eval/REPORT.md, R53). A modifier before the
core ("tidligst", "rundt", "på slutten av", "i løpet av") belongs to the answer, so each core is
offered alone and with its modifier. Apart from the cores, `event_spans` reads a time told by an event, a temporal
preposition and the words after it ("under andre verdenskrig", "etter 33 minutters spill"; R91, eval/REPORT.md).
"""

from __future__ import annotations

import re

from text.clean import address_spans
from text.norwegian import NUMBER_WORDS
from text.sentences import MONTHS
from text.years import CALENDAR_YEAR as _YEAR

DAYS = "mandag|måndag|tirsdag|tysdag|onsdag|torsdag|fredag|lørdag|laurdag|søndag|sundag"
SEASONS = "våren|vinteren|sommeren|høsten|hausten|sommaren|vintren|vårparten"
_PART_OF_DAY = "morgen|morgon|formiddag|føremiddag|ettermiddag|kveld|natt|morgenen|kvelden|natta|natten"
_UNITS = (r"sekund(?:er|ar)?|minutt(?:er|ar|s)?|time(?:r|ar|n)?|dag(?:er|ar|en|ane|ene)?|døgn|"
          r"uke(?:r|n|ne)?|veke(?:r|a|ne)?|måned(?:er|en|ene)?|månad(?:er|en|ane)?|år(?:et|ene|a)?|tiår(?:et)?|"
          r"helg(?:en|a)?|sesong(?:en|ar|er)?")
# the number words, longest first; `et par` and `eit par` are a couple
_COUNT = "|".join((r"\d+", *sorted(NUMBER_WORDS, key=len, reverse=True),
                   r"et\s+par|eit\s+par|noen|nokre|få|flere|fleire|mange"))
# a year, with a season's second year or a compound ending ("2012/13-sesongen", "1950-tallet", "1990-åra")
_YEARISH = rf"{_YEAR}(?:/\d{{2,4}})?(?:-[a-zæøå]+)?|\d{{1,2}}00-tallet"
_DATE = rf"\d{{1,2}}\.\s*(?:{MONTHS})(?:\s+\d{{3,4}})?|\d{{1,2}}\.\d{{1,2}}\.(?:\d{{4}}|\d{{2}})"
_CORE = "|".join((
    rf"(?:{DAYS})(?:\s+(?:{_PART_OF_DAY}))?(?:\s+(?:den\s+)?{_DATE})?",
    _DATE,
    rf"(?:{MONTHS}|{SEASONS})(?:\s+{_YEAR})?",
    rf"{_YEAR}\s*[–-]\s*{_YEAR}",
    rf"(?:fra|frå|mellom)\s+(?:{_YEAR}|{_DATE})\s+(?:til|og)\s+(?:{_YEAR}|{_DATE})",
    rf"(?:født|fødd|f\.)\s+{_YEAR},?\s+(?:død|daud|d\.)\s+{_YEAR}",
    _YEARISH,
    r"(?:år|året)\s+\d{1,4}",
    r"\d{3,4}\s+(?:f\.\s*Kr|e\.\s*Kr)\.?",
    r"(?:kl\.|klokka|klokken|klokka\s+er)\s*\d{1,2}(?:[.:]\d{2})?",
    r"\d{1,2}(?:[.:]\d{2})?-tida|\d{1,2}(?:[.:]\d{2})?-tiden",
    rf"i\s+(?:går|dag|morgen|morgon|kveld|natt|fjor|fjol|år|helgen|helga|vinter|sommer|sommar|høst|haust|vår)"
    rf"(?:\s+(?:{_PART_OF_DAY}|morges|haust|høst|vår|sommer|sommar|vinter))?",
    rf"(?:forrige|førre|neste|sist[e]?|kommende|komande|denne|dette)\s+(?:{_UNITS})",
    rf"om\s+(?:{_COUNT})\s+(?:{_UNITS})",
    rf"for\s+(?:{_COUNT})\s+(?:{_UNITS})\s+(?:siden|sidan)",
    rf"de\s+(?:neste|siste|første)\s+(?:{_COUNT})(?:\s+(?:til|og|-|–)\s+(?:{_COUNT}))?\s+(?:{_UNITS})",
    rf"etter\s+(?:drøye|vel|nesten|bare|berre|knappe|drøyt)?\s*(?:{_COUNT})\s+(?:{_UNITS})(?:\s+spill)?",
))
# words before a core that are part of the time asked for ("tidligst torsdag", "på slutten av 1950-tallet")
_MODIFIER = (r"(?:(?:i|på|ved|mot|fram\s+mot)\s+(?:slutten|enden|begynnelsen|starten|midten|byrjinga|løpet)\s+av|"
             r"midt\s+(?:på|i)|tidligst|tidlegast|senest|seinast|allerede|alt|først|rundt|omkring|cirka|ca\.|"
             r"innen|innan|fra|frå|siden|sidan|før|etter|under|i\s+årene|i\s+åra|i|på|den|til)")

CORE_RE = re.compile(rf"(?<![\w.])(?:{_CORE})(?![\w])", re.I)
_MODIFIED_RE = re.compile(rf"(?<![\w.])(?:{_MODIFIER})\s+(?:{_MODIFIER}\s+)?$", re.I)


def time_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every time expression in `text`: each core alone, and again with its modifiers."""
    out: list[tuple[int, int]] = []
    addresses = address_spans(text)
    for m in CORE_RE.finditer(text):
        if any(a <= m.start() < b for a, b in addresses):
            continue  # `…/rapporter/2023/…` names a page, not a time
        out.append((m.start(), m.end()))
        before = _MODIFIED_RE.search(text, max(0, m.start() - 40), m.start())
        if before:
            out.append((before.start(), m.end()))
    return out


# a time given by an event (`etter første verdenskrig`, `under andre verdenskrig`, `i kjølvannet av den russiske
# revolusjon`): a temporal preposition and up to EVENT_WORDS words after it, within one clause
_EVENT_HEAD = re.compile(r"(?<![\w])(?:(?:mot|ved)\s+slutten\s+av|i\s+begynnelsen\s+av|i\s+løpet\s+av|"
                         r"i\s+kjølvannet\s+av|i\s+forbindelse\s+med|etter|før|under|ved)\s+", re.I)
_EVENT_WORD = re.compile(r"[^\s.,;:!?()«»\"]+")
_EVENT_GAP = re.compile(r"[^\S\n]+")  # between two words of one line
EVENT_WORDS = 6


def event_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each time told by an event, once per length from one word after the preposition to
    EVENT_WORDS (the ranker picks the length)."""
    out = []
    for head in _EVENT_HEAD.finditer(text):
        at = head.end()
        for _ in range(EVENT_WORDS):
            word = _EVENT_WORD.match(text, at)
            if word is None:
                break
            out.append((head.start(), word.end()))
            gap = _EVENT_GAP.match(text, word.end())
            if gap is None:
                break
            at = gap.end()
    return out


_ANY_YEAR = re.compile(rf"(?<!\d){_YEAR}(?!\d)")
_DAY_OR_MONTH = re.compile(rf"\b(?:{MONTHS}|{SEASONS})\b|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}", re.I)


def bare_year(text: str) -> str | None:
    """The year of a time expression that names nothing finer (`I 2024`, `2024`), else None."""
    years = _ANY_YEAR.findall(text)
    if len(years) != 1 or _DAY_OR_MONTH.search(text) or len(re.findall(r"\d+", text)) != 1:
        return None
    return years[0]


def finer_in_year(text: str, year: str) -> bool:
    """A time expression that names a month or a day (`1. oktober 2024`, `oktober 2024`) of `year`."""
    return year in _ANY_YEAR.findall(text) and bool(_DAY_OR_MONTH.search(text))
