"""Text clean-up for the exports. Blocks keep their source span; only their text is cleaned."""

from __future__ import annotations

import html
import re

_TAGS = re.compile(r"</?(?:b|i|u|p|em|strong|ul|li|ol|br|span|div)\s*/?>", re.I)
_SUP = re.compile(r"<sup>\s*([^<]*?)\s*</sup>", re.I)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\\\(|\\\))*\)")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_BOLD = re.compile(r"\*\*|__")
_HYPHEN_WRAP = re.compile(r"(\w)-\s*\n\s*(?=[a-zæøå])")
_WS = re.compile(r"[ \t\u00a0\u202f]+")
_PUA_BULLET = re.compile(r"[\uf0b7\uf0a7\uf076\u25c6\u2666\u25cf\u2022]")
# a web or e-mail address: its words and digits are a name, not prose (no repairs, no dates inside it)
ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)


def address_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every web or e-mail address in `text`."""
    return [(m.start(), m.end()) for m in ADDRESS.finditer(text)]


def strip_markup(text: str, keep_sup: bool = False) -> str:
    """Remove HTML/markdown markup; footnote <sup>N</sup> refs are dropped unless kept."""
    t = _SUP.sub((lambda m: m.group(1)) if keep_sup else "", text)
    t = _AUTOLINK.sub(r"\1", t)
    t = _MD_LINK.sub(r"\1", t)
    t = _TAGS.sub(" ", t)
    t = _BOLD.sub("", t)
    t = _ESCAPED.sub(r"\1", t)
    return html.unescape(t)


def join_lines(text: str) -> str:
    """Join hard-wrapped lines and hyphenated words into one running text."""
    t = _HYPHEN_WRAP.sub(r"\1", text)
    t = re.sub(r"\s*\n\s*", " ", t)
    return _WS.sub(" ", t).strip()


def clean(text: str, keep_sup: bool = False) -> str:
    """Markup stripped, bullets dropped, wraps joined, white space folded."""
    return join_lines(_PUA_BULLET.sub("", strip_markup(text, keep_sup=keep_sup)))


def detach_footnote_marker(token: str) -> str:
    """`prosent30` -> `prosent`, `totalt1` -> `totalt`, `flyktningar.6` -> `flyktningar.`.

    Only a letter-then-digits tail (or period-then-digits) counts: `SP13`, `3a`,
    `2020-001` and years are left as they are.
    """
    m = re.fullmatch(r"([A-Za-zÆØÅæøå]{3,}[a-zæøå)\]]?[.,]?)(\d{1,2})", token)
    if m and not re.fullmatch(r"[A-ZÆØÅ]{1,4}", m.group(1)):
        return m.group(1)
    return token
