"""Generated reports whose every page is known: PDFs made with fpdf2, read back with pdfplumber and
joined without page breaks, like a text export that lost its pages.

Each element (heading, paragraph, table, figure caption, footnote) opens with a unique tag
(`Q0042`) so its true page and its offset in the joined text can be found after extraction.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass

WORDS = (
    "kommunene bosetting flyktninger kvalifisering introduksjonsprogrammet arbeid utdanning norskopplæring "
    "tilskudd integrering innvandrere deltakere resultat andel prosent måneder vedtak mottak oppfølging "
    "tiltak samarbeid statlige regionale kontor rapportering tildelingsbrev styringsparameter effekt "
    "ventetid familiegjenforente enslige mindreårige tolk kompetanse veiledning virkemidler året"
).split()


@dataclass(frozen=True)
class Element:
    tag: str
    kind: str  # heading, paragraph, table, caption, footnote
    text: str


@dataclass(frozen=True)
class SynthDoc:
    """The joined text, each element's span and true page, and where every page starts."""

    name: str
    text: str
    elements: list[tuple[Element, int, int, int]]  # element, start, end, true page
    page_starts: list[int]  # offset of page n+1's text in `text`


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 40000):,}".replace(",", " "))
    return " ".join(words).capitalize() + "."


def elements(rng: random.Random, n: int, figures: float, tables: float) -> list[Element]:
    out: list[Element] = []
    k = 0

    def tag() -> str:
        nonlocal k
        k += 1
        return f"Q{k:04d}"

    chapter = 0
    while len(out) < n:
        if not out or rng.random() < 0.08:
            chapter += 1
            out.append(Element(tag(), "heading", f"{chapter} {_sentence(rng, rng.randint(2, 6))[:-1]}"))
        r = rng.random()
        if r < figures:
            out.append(Element(tag(), "caption", f"Figur {chapter}-{k}: {_sentence(rng, rng.randint(4, 10))}"))
        elif r < figures + tables:
            rows = rng.randint(3, 14)
            body = "\n".join(f"{rng.choice(WORDS)} {rng.choice(WORDS)}\t{rng.randint(10, 9999)}\t{rng.randint(1, 99)} %"
                             for _ in range(rows))
            out.append(Element(tag(), "table", body))
        elif r < figures + tables + 0.08:
            out.append(Element(tag(), "footnote", _sentence(rng, rng.randint(8, 25))))
        else:
            out.append(Element(tag(), "paragraph", " ".join(_sentence(rng, rng.randint(6, 22))
                                                              for _ in range(rng.randint(1, 7)))))
    return out


def render(els: list[Element], size: float) -> bytes:
    """A4 pages at body font `size`; figures are empty frames 40–200 mm high above their caption;
    most chapters open a new page; some notes are set as infographics in a large type."""
    from fpdf import FPDF

    from eval.fonts import font_files

    regular, bold = font_files()
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.set_margins(22, 20, 22)
    pdf.add_page()
    rng = random.Random(len(els))
    line = size * 0.55
    for el in els:
        if el.kind == "heading":
            if pdf.get_y() > 40 and rng.random() < 0.6:
                pdf.add_page()  # most chapters open a new page, leaving the last one part empty
            pdf.set_font("DejaVu", "B", size + 4)
            pdf.multi_cell(0, line + 2, f"{el.tag} {el.text}")
            pdf.ln(2)
        elif el.kind == "paragraph":
            pdf.set_font("DejaVu", "", size)
            pdf.multi_cell(0, line, f"{el.tag} {el.text}")
            pdf.ln(line * 0.7)
        elif el.kind == "footnote" and rng.random() < 0.3:
            # an infographic: a few words in a large type over a wide band
            pdf.set_font("DejaVu", "B", size * 2.5)
            pdf.multi_cell(0, size * 1.4, f"{el.tag} {el.text[:40]}")
            pdf.ln(6)
        elif el.kind == "footnote":
            pdf.set_font("DejaVu", "", size - 2)
            pdf.multi_cell(0, line * 0.8, f"{el.tag} {el.text}")
            pdf.ln(2)
        elif el.kind == "caption":
            h = rng.choice((rng.uniform(40, 90), rng.uniform(90, 200)))
            if pdf.get_y() + h + 12 > pdf.h - 22:
                pdf.add_page()
            pdf.rect(pdf.l_margin, pdf.get_y(), pdf.w - 2 * pdf.l_margin, h)
            pdf.set_y(pdf.get_y() + h + 2)
            pdf.set_font("DejaVu", "B", size - 1)
            pdf.multi_cell(0, line, f"{el.tag} {el.text}")
            pdf.ln(3)
        else:
            pdf.set_font("DejaVu", "", size - 1)
            rows = [r.split("\t") for r in el.text.split("\n")]
            rows[0][0] = f"{el.tag} {rows[0][0]}"
            with pdf.table(col_widths=(90, 35, 35), text_align="LEFT", line_height=line + 1) as table:
                for data_row in rows:
                    row = table.row()
                    for cell in data_row:
                        row.cell(cell)
            pdf.ln(3)
    return bytes(pdf.output())


def synth_doc(name: str, seed: int, n_elements: int, size: float, figures: float, tables: float) -> SynthDoc:
    import pdfplumber

    rng = random.Random(seed)
    els = elements(rng, n_elements, figures, tables)
    data = render(els, size)
    texts: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
    joined, starts = "", []
    for t in texts:
        starts.append(len(joined))
        joined += t + "\n"
    where: dict[str, tuple[int, int]] = {}
    for p, t in enumerate(texts):
        for m in re.finditer(r"Q\d{4}", t):
            where.setdefault(m.group(0), (starts[p] + m.start(), p + 1))
    found = [(el, *where[el.tag]) for el in els if el.tag in where]
    spans = []
    for i, (el, start, page) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(joined)
        spans.append((el, start, end, page))
    return SynthDoc(name, joined, spans, starts)


# Text densities (body font size) crossed with figure and table shares; about 60–120 pages each.
CONFIGS = (
    ("dense-prose", 9.0, 0.03, 0.05),
    ("normal", 11.0, 0.08, 0.10),
    ("normal-figures", 11.0, 0.18, 0.08),
    ("large-tables", 13.0, 0.06, 0.25),
    ("mixed", 10.0, 0.12, 0.15),
)


def corpus(n_elements: int = 420, seeds: tuple[int, ...] = (1, 2)) -> list[SynthDoc]:
    return [synth_doc(f"{name}-s{seed}", seed * 100 + i, n_elements, size, fig, tab)
            for seed in seeds for i, (name, size, fig, tab) in enumerate(CONFIGS)]
