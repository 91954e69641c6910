"""Words that say what a number is: its unit, year, kind (result, target, preliminary) and group."""

from __future__ import annotations

import re

YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")

# Earliest match in a label/header/caption wins; the phrases are Bokmål, Nynorsk and OCR-damaged forms.
_UNIT_TERMS: list[tuple[str, re.Pattern[str]]] = [
    ("mrd. kroner", re.compile(r"\b(mrd\.?|milliard(?:er|ar)?)\s*(kr|kroner)\b", re.I)),
    ("mill. kroner", re.compile(r"\b(mill\.?|million(?:er|ar)?|mnok)\s*(kr|kroner)?\b", re.I)),
    ("1000 kroner", re.compile(r"\b(1\s?000|tusen)\s*(kr|kroner)\b", re.I)),
    ("kroner", re.compile(r"\b(kroner|kr|beløp|støttebeløp|tilskuddsbeløp)\b", re.I)),
    ("prosentpoeng", re.compile(r"\b(prosentpoeng|prosenteiningar|prosentenheter)\b", re.I)),
    ("%", re.compile(r"(%|\bprosent\b|\bpst\b|\bprosentdel\b|\bandel\b|\bdelen\b)", re.I)),
    ("måneder", re.compile(r"\b(måneder|månader|maneder|mnd|ventetid)\b", re.I)),
    ("årsverk", re.compile(r"\bårsverk\b", re.I)),
    ("personer", re.compile(r"\b(antall personer|tal på personar|personer|personar)\b", re.I)),
    ("timer", re.compile(r"\b(timer|timar)\b", re.I)),
    ("antall", re.compile(r"\b(antall|tal|talet|absolutte tall)\b", re.I)),
]

QUALIFIERS: list[tuple[str, re.Pattern[str]]] = [
    ("foreløpig", re.compile(r"(forel[øg]pig|førebels|førebelse|foreløbig)", re.I)),
    ("krav", re.compile(r"\b(krav|resultatkrav|mål(?:tall)?)\b", re.I)),
    ("resultat", re.compile(r"\bresultat(?:et)?\b", re.I)),
    ("tildelt", re.compile(r"\b(tildelt|tildeling)\b", re.I)),
    ("budsjett", re.compile(r"\b(budsjett|bevilgning|løyving)\b", re.I)),
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


def unit_in(text: str | None) -> str | None:
    """The unit a label, header or caption names (`(i mill. kroner)`, `Prosent`, `(måneder)`)."""
    if not text:
        return None
    best: tuple[int, str] | None = None
    for unit, pat in _UNIT_TERMS:
        m = next((m for m in pat.finditer(text) if not re.search(r"\bper\s+$", text[:m.start()], re.I)), None)
        # a bare "antall"/"tal" yields to any more specific unit; `per årsverk` is a denominator
        pos = m.start() + (10_000 if unit == "antall" else 0) if m else None
        if pos is not None and (best is None or pos < best[0]):
            best = (pos, unit)
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


def group_in(text: str | None) -> str | None:
    for name, pat in GROUPS:
        if text and pat.search(text):
            return name
    return None


def is_year_value(value: float, text: str) -> bool:
    """A cell or number that is a year, not a quantity: `2020`, `2017*`."""
    return value == int(value) and 1950 <= value <= 2049 and bool(re.fullmatch(r"\D{0,20}\d{4}\W{0,3}", text.strip()))
