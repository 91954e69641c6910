"""Words that say what a number is: its unit, year, kind (result, target, preliminary) and group."""

from __future__ import annotations

import re

from text.units import label_patterns
from text.years import YEAR_RE, is_year

_UNIT_TERMS = label_patterns()  # earliest match in a label/header/caption wins (text/units.py)
_SCALED = {"mrd. kroner", "mill. kroner", "1000 kroner"}

# The kinds' nouns in every Bokmål and Nynorsk inflection (`prognosane`, `kravet`, `resultata`, `løyvinga`): a
# stance phrase (`Dei siste prognosane tyder på …`) or a column header is read with these, so a form missing here
# left the figure without its kind
FORECAST_WORDS = r"prognos(?:e|en|er|ene|a|ar|ane)|anslag(?:et|ene|a)?"

QUALIFIERS: list[tuple[str, re.Pattern[str]]] = [
    ("foreløpig", re.compile(r"(forel[øg]pig|førebels|førebelse|foreløbig)", re.I)),
    ("utgangspunkt", re.compile(r"\b((måle)?utgangspunkt(et)?|status (per|pr\.?))\b", re.I)),
    ("prognose", re.compile(rf"\b({FORECAST_WORDS}|anslått|anslåtte|forventa|forventet)\b", re.I)),
    ("krav", re.compile(r"\b((?:resultat)?krav(?:et|a|ene)?|mål(?:et|a|ene)?|måltal+(?:et|a|ene)?)\b", re.I)),
    ("resultat", re.compile(r"\bresultat(?:et|er|ene|a|ar|ane)?\b", re.I)),
    ("tildelt", re.compile(r"\b(tildelt|tildeling(?:en|a|er|ar|ene|ane)?)\b", re.I)),
    ("budsjett", re.compile(r"\b(budsjett(?:et|a|er|ene)?|bevilgning(?:en|er|ene)?|løyving(?:a|ar|ane)?)\b",
                            re.I)),
]

GROUPS: list[tuple[str, re.Pattern[str]]] = [
    ("enslige mindreårige", re.compile(r"\b(enslige|einslege)\s+mindre[åa8]rige\b", re.I)),
    ("barnefamilier", re.compile(r"\bbarnefamili(?:er|ar)\b", re.I)),
    ("barn", re.compile(r"\b(bosatte|busette) barn\b", re.I)),
    ("andre voksne", re.compile(r"\bandre (voksne|vaksne)\b", re.I)),
    ("overføringsflyktninger", re.compile(r"\boverf[øg]ringsflyktning(?:er|ar)\b", re.I)),
    ("kvinner", re.compile(r"\bkvinner\b", re.I)),
    ("menn", re.compile(r"\bmenn\b", re.I)),
    ("IMDi", re.compile(r"\bav (disse|desse) IMDi\b", re.I)),
    ("Bufetat", re.compile(r"\bav (disse|desse) Bufetat\b", re.I)),
]


# Words by which a question names a sub-group; a question naming none asks about everyone. Wider than GROUPS
# above: a question says "unge", "kommuner" where a table says nothing a fact could be keyed on.
GROUP_WORDS = (
    "voksne vaksne mottak overføringsflyktninger overføringsflyktningar enslige einslege mindreårige "
    "mindreårige barnefamilier barnefamiliar familier familiar barn kvinner kvinner menn unge ungdom "
    "eldre innvandrere innvandrarar kommuner kommunar bydeler bydelar gutter jenter "
    "women men boys girls adults children families"
).split()


def unit_in(text: str | None) -> str | None:
    """The unit a label, header or caption names (`(i mill. kroner)`, `Prosent`, `(måneder)`)."""
    if not text:
        return None
    best: tuple[int, str] | None = None
    scaled = None
    for unit, pat in _UNIT_TERMS:
        m = next((m for m in pat.finditer(text) if not re.search(r"\bper\s+$", text[:m.start()], re.I)), None)
        # a bare "antall"/"tal" yields to any more specific unit; `per årsverk` is a denominator
        pos = m.start() + (10_000 if unit == "antall" else 0) if m else None
        if pos is not None and (best is None or pos < best[0]):
            best = (pos, unit)
        if m and unit in _SCALED and scaled is None:
            scaled = unit
    if best and best[1] == "kroner" and scaled:
        return scaled  # `Utbetalt beløp (mill. kroner)`: the scale beats the money word before it
    return best[1] if best else None


def years_in(text: str | None) -> list[int]:
    return [int(y) for y in YEAR_RE.findall(text or "")]


def single_year(text: str | None) -> int | None:
    """The year a header or caption is about, when it names exactly one (not a range)."""
    ys = years_in(text)
    if len(set(ys)) == 1 and not re.search(r"\d{4}\s*[-–—]\s*\d{2,4}", text or ""):
        return ys[0]
    return None


def qualifier_in(text: str | None) -> str | None:
    for name, pat in QUALIFIERS:
        if text and pat.search(text):
            return name
    return None


# A bound written right before a figure (`ikke færre enn 10`, `maksimalt 5 barn`, `inntil 3 måneder`): the figure is
# a least or a most, not the amount; the tag joins the fact's qualifier as a stance does. Bokmål, Nynorsk, English.
BOUNDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("minst", re.compile(r"(?<!\w)(minst|minimum|ikk(?:e|je) (?:færre|mindre) enn|at least|no (?:fewer|less) than)\s+$",
                         re.I)),
    ("høyst", re.compile(r"(?<!\w)(maksimalt|maksimum|maks\.?|høyst|høgst|inntil|opp ?til|ikke (?:mer|flere) enn|"
                         r"ikkje (?:meir|fleire) enn|at most|up to|no more than)\s+$", re.I)),
    # strictly more or less than (`over 80 prosent`, `færre enn 10`), after the two above (`ikke mer enn` is a most)
    ("over", re.compile(r"(?<!\w)(over|mer enn|meir enn|flere enn|fleire enn|i overkant av|drøyt|more than)\s+$",
                        re.I)),
    ("under", re.compile(r"(?<!\w)(under|mindre enn|færre enn|i underkant av|less than|fewer than)\s+$", re.I)),
)


def bound_before(text: str, pos: int) -> str | None:
    """`minst`, `høyst`, `over` or `under` when the words right before position `pos` bound the figure there."""
    head = text[max(0, pos - 24):pos]
    return next((name for name, pat in BOUNDS if pat.search(head)), None)


# The phrases that set a stated number's kind when they stand before it in its sentence
STANCE_RE = re.compile(r"\b(forel[øg]pig\w*|førebels\w*|(?:måle)?utgangspunkt\w*|status (?:per|pr\.?)|"
                       r"resultatkrav\w*|krav(?:et)?\b|måltal+et|målet (?:er|var|om)|mål(?:et)? om|"
                       r"målsetting(?:a|en)? om|prognos[ea]\w*|anslag\w*|anslått|"
                       r"resultat(?:et)?\s*:)", re.I)


def stance_before(text: str, pos: int) -> str | None:
    """The kind (krav, utgangspunkt, prognose, foreløpig, resultat) the nearest phrase before `pos` gives."""
    last = None
    for m in STANCE_RE.finditer(text, 0, pos):
        idiom = re.search(r"\b(med|ta|tar|tatt|tok)\s+$", text[:m.start()])
        if m.group(1).lower().startswith("utgangspunkt") and idiom:
            continue  # `med utgangspunkt i`: "based on", no baseline
        last = m
    if last is None:
        return None
    word = last.group(1).lower()
    if word.startswith("resultat") and not word.startswith("resultatkrav"):
        return "resultat"
    if word.startswith(("mål ", "målet", "måltal", "målsetting", "krav", "resultatkrav")):
        return "krav"  # not `måleutgangspunkt`, a baseline
    return qualifier_in(word)


# A label that heads a block or a list (`Resultatkrav:`, `Måleutgangspunkt:`, `Mål:`) gives every number under it
# its kind, unless a number's own sentence says otherwise. Bokmål and Nynorsk forms.
_LABEL_STANCES: list[tuple[str, re.Pattern[str]]] = [
    ("utgangspunkt", re.compile(r"^((måle)?utgangspunkt(et)?|status( (per|pr\.?) .*)?|nå-?situasjon(en)?|"
                                r"no-?situasjon(en)?|baseline)$", re.I)),
    ("krav", re.compile(r"^((resultat)?krav(et)?|mål(et|a)?|måltal+(et)?|målsetting(a|en)?|ambisjon(en)?|"
                        r"måltall for \w+)$", re.I)),
    ("prognose", re.compile(rf"^({FORECAST_WORDS}|forventa|forventet)$", re.I)),
    ("foreløpig", re.compile(r"^(forel[øg]pige tall|førebelse tal)$", re.I)),
    ("resultat", re.compile(r"^(resultat(et|er|ar|a)?|oppnådd resultat|oppnådde resultat(er|ar)?)$", re.I)),
]


CONTENT_WORD = re.compile(r"[A-Za-zÆØÅæøå]{4,}")  # a word that says something: four letters or more


def says_half(indicator: str, text: str) -> bool:
    """The indicator already says half or more of `text`'s content words (a heading, a caption, a column)."""
    words = {w.lower() for w in CONTENT_WORD.findall(text)}
    told = {w.lower() for w in CONTENT_WORD.findall(indicator)}
    return len(words & told) >= len(words) / 2


def title_adds(title: str, indicator: str) -> bool:
    """A title of two or more content words that the indicator does not already half say: a section heading or a
    table's subject names what the figure's own words take as known (who was asked, which scheme, which post)."""
    return len({w.lower() for w in CONTENT_WORD.findall(title)}) >= 2 and not says_half(indicator, title)


def label_stance(label: str | None) -> str | None:
    """The kind a heading label gives (`Resultatkrav` -> krav, `Måleutgangspunkt` -> utgangspunkt), else None."""
    text = re.sub(r"\s+", " ", (label or "").strip(" *:\t")).strip()
    for name, pat in _LABEL_STANCES:
        if pat.match(text):
            return name
    return None


def group_in(text: str | None) -> str | None:
    for name, pat in GROUPS:
        if text and pat.search(text):
            return name
    return None


def is_year_value(value: float, text: str) -> bool:
    """A cell or number that is a year, not a quantity: `2020`, `2017*`."""
    return is_year(value) and bool(re.fullmatch(r"\D{0,20}\d{4}\W{0,3}", text.strip()))
