"""Norwegian number parsing: `2 819` -> 2819, `9,6` -> 9.6, `49 %` -> (49, '%').

Hand-written because no library knows Norwegian digit grouping with plain
spaces, and tables in the exports lose the cell borders between such numbers.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from core.records import Cell
from text.units import MEASURE_AFTER_NUMBER, after_number_patterns

# A space inside a number is a thin, no-break or normal space between groups of three.
_SP = "[ \u00a0\u202f\u2009]"
NUMBER_RE = re.compile(
    rf"(?<![\w,.])(?P<sign>[-−–]\s?)?(?P<int>\d{{1,3}}(?:{_SP}\d{{3}})+|\d+)(?:[,.](?P<frac>\d+))?(?![\w])"
)
_DOT_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")

UNIT_PATTERNS = after_number_patterns()

# Words that hedge the figure written right after them (`minst 20 millioner kroner`, `drøyt 18 minutter`, `i underkant
# av 30 prosent`): the ingest keeps a hedged figure whole when it splits coordinated figures, and an answer keeps it
HEDGE_WORD = (r"(?:over|under|rundt|om lag|nær|nærmare|nærmere|ca\.?|cirka|drøyt|knapt|bare|berre|minst|opp mot|"
              r"i underkant av|i overkant av|snaut|vel)")
HEDGE_BEFORE = re.compile(rf"(?<!\w){HEDGE_WORD}\s+$", re.I)  # a hedge right before a figure


# the report units first (their order decides), then units of measure no fact carries
_UNIT_AFTER = (*(pat for _, pat in UNIT_PATTERNS), re.compile(rf"^\s*{MEASURE_AFTER_NUMBER}", re.I))


def unit_after(text: str) -> str | None:
    """The unit words written at the start of `text`, right after a number (`mill. kroner`, `km`), as written."""
    for pat in _UNIT_AFTER:
        if m := pat.match(text):
            return " ".join(m.group(0).split()) or None
    return None


def hedge_before(text: str, start: int) -> str | None:
    """The hedge written right before position `start` of `text` (`minst`), as written; None when there is none."""
    m = HEDGE_BEFORE.search(text[max(0, start - 24):start])
    return " ".join(m.group(0).split()) if m else None


def parse_number(text: str) -> float | None:
    """The single number `text` consists of, or None. Spaces group thousands; comma is decimal."""
    t = text.strip().replace("\u2212", "-").replace("–", "-")
    t = re.sub(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}\b)", "", t)
    if _DOT_THOUSANDS.match(t.lstrip("-")):
        t = t.replace(".", "")
    t = t.replace(",", ".")
    if not re.fullmatch(r"-?\s?\d+(\.\d+)?", t):
        return None
    return float(t.replace(" ", ""))


def detect_unit(after: str) -> str | None:
    """The unit written right after a number (`49 %`, `88 pst.`, `30 mill. kroner`)."""
    for unit, pat in UNIT_PATTERNS:
        if pat.match(after):
            return unit
    return None


def parse_cell(text: str) -> Cell:
    """A table cell: its number and unit when the cell states one number, else text only."""
    t = text.strip()
    m = NUMBER_RE.search(t)
    if not m or t[: m.start()].strip(" *("):
        return Cell(text=t)
    rest = t[m.end():]
    unit = detect_unit(rest)
    if unit is None and rest.strip(" *)¹²³⁴⁵⁶⁷⁸⁹⁰"):
        # trailing words: not a plain numeric cell (e.g. "49 % av alle")
        rest_clean = re.sub(r"[\d\s*)]+$", "", rest).strip()
        if rest_clean:
            return Cell(text=t)
    value = parse_number(m.group(0))
    return Cell(text=t, value=value, unit=unit)


def find_numbers(text: str) -> list[tuple[int, int, float, str | None]]:
    """Every number in running text as (start, end, value, unit); `31 258` is one number."""
    out = []
    for m in NUMBER_RE.finditer(text):
        value = parse_number(m.group(0))
        if value is None:
            continue
        out.append((m.start(), m.end(), value, detect_unit(text[m.end():m.end() + 40])))
    return out


@lru_cache(maxsize=65_536)
def number_values(text: str) -> frozenset[float]:
    """The values of the numbers in `text`, cached: answers compare the same fact indicators for every question."""
    return frozenset(v for _, _, v, _ in find_numbers(text))


def split_grouped(tokens: list[str], n: int) -> list[float] | None:
    """Split space-separated digit tokens into exactly `n` numbers.

    Tables exported with spaces both between cells and inside numbers
    (`4 903 4 822 2 819 4 489 31 258`) are ambiguous; a number is a 1–3 digit
    head followed by 3-digit groups. Among the splits, prefer the one whose
    numbers have the most similar digit counts (columns of one row are alike).
    """
    toks = [t.strip() for t in tokens if t.strip()]
    if not toks or n <= 0:
        return None

    @cache
    def solve(i: int, k: int) -> tuple[float, tuple[str, ...]] | None:
        if i == len(toks):
            return (0.0, ()) if k == 0 else None
        if k == 0:
            return None
        best = None
        head = toks[i]
        if not re.fullmatch(r"\d+(?:[,.]\d+)?", head):
            return None
        j = i + 1
        while True:
            rest = solve(j, k - 1)
            if rest is not None:
                num = "".join(toks[i:j])
                cand = (rest[0], (num,) + rest[1])
                if best is None or _spread(cand[1]) < _spread(best[1]):
                    best = cand
            if (
                j < len(toks)
                and re.fullmatch(r"\d{3}(?:[,.]\d+)?", toks[j])
                and re.fullmatch(r"\d{1,3}", toks[j - 1])
                and len(toks[i]) <= 3
            ):
                j += 1
            else:
                break
        return best

    res = solve(0, n)
    if res is None:
        return None
    values = [parse_number(x) for x in res[1]]
    return None if any(v is None for v in values) else [float(v) for v in values]  # type: ignore[arg-type]


def _spread(nums: tuple[str, ...]) -> float:
    lens = [len(x.split(",")[0].split(".")[0]) for x in nums]
    mean = sum(lens) / len(lens)
    return sum((x - mean) ** 2 for x in lens)


def normalise_digits(text: str) -> str:
    """Remove digit-group spaces and unify decimal commas: `31 258` -> `31258`, `9,6` -> `9.6`."""
    t = re.sub(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}\b)", "", text)
    return re.sub(r"(?<=\d),(?=\d)", ".", t)
