"""Checks on query parameters that a type alone cannot express; each failure names the parameter."""

from __future__ import annotations

import re

from fastapi import Request

from core.records import ENTITY_LABELS
from index.filters import parse_years
from search_api.errors import ApiError
from text.budget import post_number
from text.query import has_words, too_long

MAX_ENTITY = 200
YEAR_MIN, YEAR_MAX = 1900, 2100
_LANG = re.compile(r"^[a-z]{2,3}$")


def invalid(parameter: str, problem: str, code: str = "invalid_request") -> ApiError:
    return ApiError(422, code, f"query parameter {parameter!r}: {problem}",
                    [{"parameter": f"query parameter {parameter!r}", "problem": problem}])


def question(q: str, name: str = "q") -> str:
    """The text trimmed; 1 to 1000 characters."""
    text = q.strip()
    if not text:
        raise invalid(name, "is empty; give some words to search for")
    if problem := too_long(text):
        raise invalid(name, problem)
    if "\x00" in text:
        raise invalid(name, "contains a NUL character")
    if not has_words(text):
        raise invalid(name, "has no words (only punctuation or invisible characters); give some words to search for")
    return text


def years(value: str | None) -> tuple[int | None, int | None]:
    """'2020' or '2019-2021' (also 2019–2021, 2019..2021) within 1900-2100."""
    if value is None or not value.strip():
        return None, None
    try:
        lo, hi = parse_years(value.strip())
    except ValueError:
        raise invalid("year", f"{value!r} is not a year (2020) or a range of years (2019-2021)",
                      "invalid_year") from None
    for y in (lo, hi):
        if y is None or not YEAR_MIN <= y <= YEAR_MAX:
            raise invalid("year", f"{y} is outside {YEAR_MIN}-{YEAR_MAX}", "invalid_year")
    return lo, hi


def post(value: str | None) -> str | None:
    """A budget post: its number (`62`, `1`) or its label (`Post 62`, `kap. 291 post 21`), as two digits."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    number = text.zfill(2) if re.fullmatch(r"[0-9]{1,2}", text) else post_number(text)
    if number is None:
        raise invalid("post", f"{value!r} names no budget post; give its number (62) or label (Post 62)",
                      "invalid_post")
    return number


def split_list(values: list[str] | None) -> list[str] | None:
    """Repeated parameters and comma-separated values alike: ?doc=a&doc=b or ?doc=a,b."""
    if not values:
        return None
    out = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return out or None


def langs(values: list[str] | None) -> list[str] | None:
    out = split_list(values)
    for v in out or []:
        if not _LANG.match(v.lower()):
            raise invalid("lang", f"{v!r} is not a language code such as nb, nn or en")
    return [v.lower() for v in out] if out else None


def entities(values: list[str] | None) -> list[str] | None:
    """Entity names (text or canonical form, any case), repeated for several; each up to 200 characters. Not
    split at commas: a name may hold one (`kap. 291, post 60`)."""
    out = [v.strip() for v in values or [] if v.strip()] or None
    for v in out or []:
        if len(v) > MAX_ENTITY:
            raise invalid("entity", f"is {len(v)} characters long; at most {MAX_ENTITY} are allowed")
        if "\x00" in v:
            raise invalid("entity", "contains a NUL character")
    return out


def entity_labels(values: list[str] | None) -> list[str] | None:
    """Entity labels (PER, ORG, GPE, ...), any case; an unknown one is an error, not an empty result."""
    out = split_list(values)
    for v in out or []:
        if v.upper() not in ENTITY_LABELS:
            raise invalid("entity_label", f"{v[:50]!r} is not an entity label; expected one of: "
                          f"{', '.join(ENTITY_LABELS)}")
    return [v.upper() for v in out] if out else None


async def known_only(request: Request) -> None:
    """A query parameter the endpoint does not take is an error, not ignored: `/facts?q=…` (its filter is
    `indicator`) would otherwise answer every fact in the store as if it matched. Async: it only reads the request,
    and a plain function would take a worker thread per request."""
    route = request.scope.get("route")
    if route is None:
        return
    # what the endpoint takes is what its OpenAPI schema lists (built once by FastAPI, cached on the app)
    operation = request.app.openapi()["paths"].get(route.path, {}).get(request.method.lower(), {})
    takes = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
    unknown = sorted(set(request.query_params) - set(takes))
    if unknown:
        problem = f"is not a parameter of {route.path}; it takes {', '.join(takes) if takes else 'no query parameters'}"
        raise ApiError(422, "invalid_request", f"query parameter {unknown[0]!r}: {problem}",
                       [{"parameter": f"query parameter {name!r}", "problem": problem} for name in unknown])
