"""Line-level rules of the letter export: labels, bullets, sentence ends, joining wrapped lines."""

from __future__ import annotations

import re

from ingest.formats.letter.lines import BodyLine, Line

# Sub-labels of structured blocks; they open a paragraph and stay in its text ("Resultatkrav: 90 pst.").
_LABEL = re.compile(
    r"^(?P<label>Rapporteringskrav|Rapportering|Formål/hensikt|Måleutgangspunkt|Resultatkrav|Bakgrunn|"
    r"Beskrivelse av oppdraget|Beskrivelse|Finansiering|Start|Kopi|Frist(?: for [^:]{1,60}?)?)"
    r"(?P<colon>\s*:)?(?:\s+(?P<rest>\S.*))?$")
_BARE_LABELS = {"Bakgrunn", "Beskrivelse av oppdraget", "Finansiering", "Kopi", "Frist"}
BULLET = re.compile(r"^(?:\uf0b7|•|-)\s+(?P<text>\S.*)$")
ENUM = re.compile(r"^(?P<mark>[a-h]\)|(?:I|II|III|IV|V|VI|VII|VIII|IX|X)\.)\s+(?P<text>\S.*)$")
DATE_ONLY = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}$")
_TERMINAL = re.compile(r"[.!?:][»\")]?$")
_ABBREV = re.compile(
    r"(?:\b(?:jf|bl\.a|f\.eks|pkt|nr|kap|ev|evt|dvs|ca|kr|mill|mrd|m\.fl|inkl|iht|hhv|ref|m\.a|mv|"
    r"Prop|Innst|St|jf)\.)$")
FUNCTION_WORDS = {
    "og", "i", "av", "for", "til", "med", "på", "om", "ved", "som", "en", "et", "de", "den", "det", "at", "å",
    "fra", "under", "mot", "eller", "samt", "utover", "etter", "innen", "mellom", "der", "har", "er", "skal",
    "herunder",
    "-", "–",
}


def label(text: str) -> tuple[str, str | None] | None:
    """(label as printed, the rest of the line) when the line opens with a sub-label."""
    m = _LABEL.match(text)
    if not m:
        return None
    name, colon, rest = m.group("label"), m.group("colon"), m.group("rest")
    if colon:
        return f"{name}:", rest
    if rest is None:
        return (name, None) if name in _BARE_LABELS or name.startswith("Frist") else None
    # no colon but more on the line: `Rapportering Årsrapport`, `Frist 31.12.2020`, `Frist for …`
    if name == "Rapportering" and rest[:1].isupper():
        return name, rest
    if name.startswith("Frist"):
        return name, rest
    return None


def ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text)) and not _ABBREV.search(text)


def starts_upper(text: str) -> bool:
    c = text[:1]
    return c.isupper() or c.isdigit() or c in "«\"§"


def ends_with_function_word(text: str) -> bool:
    words = text.split()
    return bool(words) and words[-1].lower() in FUNCTION_WORDS


def sentence_break(prev: BodyLine, cur: BodyLine, short: int) -> bool:
    """A paragraph ends at a line end without a blank-line marker: a finished sentence on a short
    line (or one ending in Word's double space) followed by a capital."""
    if not ends_sentence(prev.text) or not starts_upper(cur.text):
        return False
    return prev.line.trailing2 or len(prev.text) < short


def render(pieces: list[tuple[str, Line]]) -> str:
    """Text of wrapped lines. `kunnskaps-` + `sektoren` -> `kunnskapssektoren`; `FoU-` + `anskaffelser`
    and `e-` + `post` keep their hyphen; `arbeids- ` + `og` (space kept in the source) stays apart."""
    out = ""
    prev: Line | None = None
    for sep, ln in pieces:
        t = ln.text
        if not out:
            out = t
        elif sep == " " and prev is not None and prev.raw.endswith(("-", "–")) and not prev.raw.endswith(" -"):
            head = re.search(r"(\w+)[-–]$", out)
            if head and out.endswith("-") and re.fullmatch(r"[a-zæøå]{4,}", head.group(1)) and t[:1].islower():
                out = out[:-1] + t
            else:
                out = out + t
        else:
            out = out + sep + t
        prev = ln
    return re.sub(r"\s+", " ", out).strip()
