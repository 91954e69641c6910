"""Budget posts as the allocation letters print them (`Post 62 Kommunale innvandrertiltak`, `kap. 291, post 21`):
the two-digit number that names a post within its chapter."""

from __future__ import annotations

import re

# not a range of posts (`post 01-99`: a sum over all of them)
_POST_NUMBER = re.compile(r"\bpost\s+(\d{2})\b(?!\s*[-–]\s*\d)", re.I)


def post_number(label: str | None) -> str | None:
    """`Post 62 Kommunale innvandrertiltak` -> `62`; None when the text names no post."""
    m = _POST_NUMBER.search(label or "")
    return m.group(1) if m else None
