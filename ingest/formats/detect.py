"""Which export style a text file is, decided from measured features, with the evidence kept.

Each rule names the features that fired, so `kb ingest --summary` and the
document meta can say why a parser was chosen. A rule fires only on strong
evidence; anything unclear goes to the general parser (`text`), never to a
specific one that would misread it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from ingest.formats.generic.evidence import furniture_marks, plausible_pages

MD_HEADING_RE = re.compile(r"^#{1,6}\s+\S")
MD_MARKUP_RE = re.compile(r"^\s*(?:[-*+] |\d+\. )|\*\*\S|\[[^\]]+\]\([^)]*\)|^\s*---\s*$|^>\s")
HTML_TAG_RE = re.compile(r"</?(?:b|i|u|p|sup|sub|br|ul|ol|li|table|tr|td|th|strong|em)\b[^>]*>", re.I)
# What OCR makes of å/ø in the commonest words (`på` → `pa`/`pd`/`p&`, `år` → `&r`, `Ø` → `@`): frequent enough
# to show in any page of damaged Bokmål/Nynorsk, and never written on purpose.
OCR_DAMAGE_RE = re.compile(r"(?<!\S)(?:pa|pd|p&|p3|pé|&rs\w*|\w+[a-z]&[a-z]\w*|@\w+)(?=[\s.,;:]|$)")
NORWEGIAN_RE = re.compile(r"(?<!\S)(?:og|i|er|som|til|med|for|av|den|det|ikkje|ikke)(?!\S)", re.I)
TOC_ENTRY_RE = re.compile(r"(?:\t|\.{3,}|…)\s*\d{1,4}\s*$")
NO_LETTER_RE = re.compile(r"[æøåÆØÅ]")
WORD_RE = re.compile(r"[^\W\d_]+")
ALIGNED_RE = re.compile(r"\S {2,}\S")
HYPHEN_END_RE = re.compile(r"[a-zæøå]-$")


@dataclass
class Features:
    lines: int
    nonblank: int
    chars: int
    md_headings: int
    md_markup: int
    html_tags: int
    html_body_lines: int  # lines with HTML outside a table of contents
    tab_lines: int
    form_feeds: int
    blank_after: float  # share of text lines followed by an empty line
    consecutive: float  # share of text lines followed by another text line
    median_len: float
    long_share: float  # share of text lines longer than 140 characters (unwrapped paragraphs)
    trailing_space: float  # share of long lines ending with a space
    hyphenated: int  # lines ending in a word cut by a hyphen
    aligned_lines: int  # lines with two or more spaces between printed text (columns)
    footer_lines: int  # short lines repeated with only a page number changing
    words: int
    no_letter_words: float  # share of words with æ, ø or å
    ocr_marks: int  # tokens shaped like OCR damage of æ/ø/å (`pa`, `p&`, `&rs…`)
    norwegian_words: int

    def brief(self) -> dict[str, float | int]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


@dataclass
class Detection:
    style: str  # a key of ingest.formats.FORMATS
    reason: str
    features: dict[str, float | int] = field(default_factory=dict)


def repeated_furniture(lines: list[str], form_feeds: int = 0) -> int:
    """How many pages carry a running footer or header whose page numbers rise (see `generic.evidence`)."""
    return len(furniture_marks(lines, plausible_pages(len(lines), form_feeds)))


def measure(text: str) -> Features:
    lines = text.replace("\f", "\n").split("\n")
    text_lines = [ln.rstrip("\r") for ln in lines]
    nonblank = [ln for ln in text_lines if ln.strip()]
    n = max(1, len(nonblank))
    pairs = list(zip(text_lines, text_lines[1:], strict=False))
    lengths = [len(ln.strip()) for ln in nonblank] or [0]
    long_lines = [ln for ln in nonblank if len(ln.strip()) >= 40]
    words = WORD_RE.findall(text)
    hyphenated = sum(1 for a, b in pairs if HYPHEN_END_RE.search(a.rstrip()) and b.strip()[:1].islower())
    return Features(
        lines=len(text_lines),
        nonblank=len(nonblank),
        chars=len(text),
        md_headings=sum(bool(MD_HEADING_RE.match(ln)) for ln in nonblank),
        md_markup=sum(bool(MD_MARKUP_RE.search(ln)) for ln in nonblank),
        html_tags=len(HTML_TAG_RE.findall(text)),
        html_body_lines=sum(bool(HTML_TAG_RE.search(ln)) and not TOC_ENTRY_RE.search(HTML_TAG_RE.sub("", ln))
                            for ln in nonblank),
        tab_lines=sum("\t" in ln for ln in nonblank),
        form_feeds=text.count("\f"),
        blank_after=sum(1 for a, b in pairs if a.strip() and not b.strip()) / n,
        consecutive=sum(1 for a, b in pairs if a.strip() and b.strip()) / n,
        median_len=float(statistics.median(lengths)),
        long_share=sum(x > 140 for x in lengths) / n,
        trailing_space=sum(ln.endswith(" ") for ln in long_lines) / max(1, len(long_lines)),
        hyphenated=hyphenated,
        aligned_lines=sum(bool(ALIGNED_RE.search(ln.strip())) for ln in nonblank),
        footer_lines=repeated_furniture(text_lines, text.count("\f")),
        words=len(words),
        no_letter_words=sum(bool(NO_LETTER_RE.search(w)) for w in words) / max(1, len(words)),
        ocr_marks=len(OCR_DAMAGE_RE.findall(text)),
        norwegian_words=len(NORWEGIAN_RE.findall(text)),
    )


def detect(text: str, suffix: str = ".txt") -> Detection:
    """The export style of `text` and why."""
    f = measure(text)
    feats = f.brief()

    def out(style: str, reason: str) -> Detection:
        return Detection(style, reason, feats)

    if f.nonblank == 0:
        return out("text", "empty text")
    n = f.nonblank
    md_share = (f.md_headings + f.md_markup) / n
    # HTML only in a TOC (`<b>1</b> … <b>4</b>`) does not make a markdown+HTML export
    if f.html_tags >= 20 and f.html_body_lines >= 5 and f.tab_lines >= 3 and f.md_headings >= 3:
        return out("markdown_html", f"markdown with HTML: {f.md_headings} '#' headings, {f.html_tags} HTML tags "
                                    f"({f.html_body_lines} lines outside a TOC), {f.tab_lines} tab-separated lines")
    if suffix in (".md", ".markdown") or (f.md_headings >= 3 and md_share >= 0.08 and f.form_feeds == 0
                                          and f.footer_lines < 3):
        why = "the .md suffix" if suffix in (".md", ".markdown") else f"{f.md_headings} '#' headings"
        return out("markdown", f"markdown: {why}, {f.md_markup} markup lines ({md_share:.0%} of text lines)")
    norwegian = f.norwegian_words >= max(20, 0.05 * f.words)
    if norwegian and f.words >= 150 and f.no_letter_words == 0 and f.ocr_marks >= max(3, 0.005 * f.words):
        return out("ocr", f"OCR damage: no æ/ø/å in {f.words} Norwegian words (clean text has ~10 % such words), "
                          f"{f.ocr_marks} damaged forms such as 'pa', 'p&', '&rs…'")
    if n >= 40 and f.blank_after >= 0.85 and f.consecutive <= 0.12 and f.form_feeds == 0:
        return out("letter", f"letter bundle: {f.blank_after:.0%} of text lines are followed by an empty line")
    wrapped = f.median_len >= 25 and f.long_share < 0.05 and n >= 30
    evidence = []
    if f.form_feeds:
        evidence.append(f"{f.form_feeds} form feeds")
    if f.footer_lines >= 3:
        evidence.append(f"a running footer/header with page numbers on {f.footer_lines} pages")
    if f.trailing_space >= 0.6 and wrapped:
        evidence.append(f"{f.trailing_space:.0%} of long lines end with a space")
    if f.aligned_lines >= 3 and wrapped:
        evidence.append(f"{f.aligned_lines} lines with aligned columns")
    if f.hyphenated >= 3 and wrapped:
        evidence.append(f"{f.hyphenated} words hyphenated at line ends")
    if wrapped and evidence:
        return out("pdftotext", f"pdftotext-like: hard-wrapped lines (median {f.median_len:.0f} characters), "
                                + ", ".join(evidence))
    if f.form_feeds >= 2 or f.footer_lines >= 3:
        return out("pdftotext", "pdftotext-like: " + ", ".join(evidence))
    return out("text", "no export style clearly indicated (general parser): "
                       f"{f.md_headings} '#' headings, {f.html_tags} HTML tags, {f.form_feeds} form feeds, "
                       f"median line {f.median_len:.0f} characters")
