"""Build small Norwegian PDFs at test time with fpdf2 (no binary fixtures in the repo)."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

FOOTER = "IMDi årsrapport – side {n}"
PAGE2_PHRASE = "Færre flyktninger ble bosatt i løpet av året; 49 prosent innen seks måneder"
FILLER = (
    "Kommunene har ansvar for bosetting og kvalifisering av flyktninger. Arbeidet skjer i samarbeid "
    "med staten, og IMDi følger opp avtalene med den enkelte kommune gjennom året."
)


def font_files() -> tuple[Path, Path]:
    """(regular, bold) DejaVu Sans: Debian's fonts-dejavu-core, else the copy matplotlib ships."""
    if (_DEJAVU / "DejaVuSans.ttf").exists() and (_DEJAVU / "DejaVuSans-Bold.ttf").exists():
        return _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    import matplotlib

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return ttf / "DejaVuSans.ttf", ttf / "DejaVuSans-Bold.ttf"


class ReportPDF(FPDF):
    """A4 report with DejaVu (æøå) and a running footer on every page."""

    footer_text = FOOTER

    def __init__(self) -> None:
        super().__init__(format="A4")
        regular, bold = font_files()
        self.add_font("DejaVu", "", str(regular))
        self.add_font("DejaVu", "B", str(bold))
        self.set_auto_page_break(auto=True, margin=25)
        self.set_margins(20, 20, 20)

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-15)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, self.footer_text.format(n=self.page_no()), align="C")

    # helpers -----------------------------------------------------------
    def add_title(self, text: str) -> None:
        self.set_font("DejaVu", "B", 22)
        self.multi_cell(0, 11, text)
        self.ln(4)

    def add_heading(self, text: str, size: int = 14) -> None:
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, 8, text)
        self.ln(2)

    def add_para(self, text: str) -> None:
        self.set_font("DejaVu", "", 11)
        self.multi_cell(0, 6, text)
        self.ln(4)

    def add_grid(self, rows: list[list[str]], ruled: bool = True) -> None:
        self.set_font("DejaVu", "", 10)
        borders = "ALL" if ruled else "NONE"
        with self.table(borders_layout=borders, first_row_as_headings=ruled, text_align="LEFT",
                        col_widths=(60, 30, 30), width=120, align="L") as table:
            for data_row in rows:
                row = table.row()
                for cell in data_row:
                    row.cell(cell)
        self.ln(4)


def report_pdf() -> bytes:
    """A 4-page annual report: title, numbered headings, running footer, a ruled table with caption."""
    pdf = ReportPDF()
    pdf.add_page()
    pdf.add_title("Årsrapport 2020 for Integrerings- og mangfoldsdirektoratet")
    pdf.add_heading("1 Leders beretning")
    pdf.add_para("Året 2020 var preget av koronapandemien. Mange kommuner måtte legge om tjenestene sine, "
             "og introduksjonsprogrammet ble i stor grad gitt digitalt.")
    for _ in range(3):
        pdf.add_para(FILLER)
    pdf.add_para("Arbeidet med integrerings-\narbeidet i kommunene fortsatte gjennom hele året.")

    pdf.add_page()
    pdf.add_heading("3 Resultater")
    pdf.add_heading("3.1 Bosetting av flyktninger", size=12)
    pdf.add_para(PAGE2_PHRASE + ". Det skyldes blant annet at færre kom til Norge.")
    pdf.add_para(FILLER)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, "Tabell 3-1 Bosetting", new_x="LMARGIN", new_y="NEXT")
    pdf.add_grid([
        ["Indikator", "2019", "2020"],
        ["Andel bosatt innen 6 måneder", "95 %", "49 %"],
        ["Antall bosatte flyktninger", "4 903", "3 712"],
    ])
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 5, "Kilde: IMDi", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.add_para("Tabellen viser at andelen som ble bosatt raskt, gikk ned fra 2019 til 2020.")

    pdf.add_page()
    pdf.add_heading("3.2 Kvalifisering")
    pdf.add_para("Introduksjonsprogrammet skal gi grunnleggende ferdigheter i norsk og innsikt i norsk "
             "samfunnsliv. Deltakerne får også forberedelse til arbeid eller utdanning.")
    for _ in range(2):
        pdf.add_para(FILLER)

    pdf.add_page()
    pdf.add_heading("4 Styring og kontroll")
    pdf.add_para("Direktoratet har god intern kontroll. Risikoene er vurdert og fulgt opp i løpet av året.")
    return bytes(pdf.output())


def unruled_table_pdf() -> bytes:
    """One page with a table drawn without borders (text-aligned columns) between paragraphs."""
    pdf = ReportPDF()
    pdf.add_page()
    pdf.add_heading("2 Introduksjonsprogrammet")
    pdf.add_para(FILLER)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, "Tabell 2-1 Deltakere etter kjønn", new_x="LMARGIN", new_y="NEXT")
    pdf.add_grid([
        ["Gruppe", "2019", "2020"],
        ["Kvinner", "6 120", "5 310"],
        ["Menn", "5 890", "4 702"],
        ["Totalt", "12 010", "10 012"],
    ], ruled=False)
    pdf.add_para("Antallet deltakere gikk ned i 2020, både blant kvinner og menn.")
    return bytes(pdf.output())


def captions_pdf() -> bytes:
    """A table captioned below it, and a figure caption with its source (the figure itself an image)."""
    pdf = ReportPDF()
    pdf.add_page()
    pdf.add_heading("4 Styring og kontroll")
    pdf.add_para("Tabellen under viser årsverk og lønnsandel.")
    pdf.add_grid([["Nøkkeltall", "2019", "2020"], ["Antall årsverk", "236", "241"], ["Lønnsandel", "52 %", "54 %"]])
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, "Tabell 4-1: Årsverk og lønn", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.add_para("Figur 2 viser at bosettingen gikk ned.")
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, "Figur 2 Bosatte flyktninger per år", new_x="LMARGIN", new_y="NEXT")
    pdf.rect(20, pdf.get_y() + 2, 120, 50)
    pdf.set_y(pdf.get_y() + 56)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 5, "Kilde: IMDi", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def toc_pdf() -> bytes:
    """A table of contents without dot leaders (page numbers in their own column), then the chapters."""
    chapters = ["1 Leders beretning", "2 Introduksjon og hovedtall", "3 Resultater", "4 Styring og kontroll"]
    pdf = ReportPDF()
    pdf.add_page()
    pdf.add_heading("Innhold")
    pdf.set_font("DejaVu", "", 11)
    for i, title in enumerate(chapters, start=2):
        pdf.cell(140, 7, title)
        pdf.cell(20, 7, str(i), align="R", new_x="LMARGIN", new_y="NEXT")
    for title in chapters:
        pdf.add_page()
        pdf.add_heading(title)
        pdf.add_para(FILLER)
    return bytes(pdf.output())


class ChapterHeadPDF(ReportPDF):
    """Running head with the chapter title and page number at the top; no footer."""

    footer_text = ""
    chapter = ""

    def header(self) -> None:
        self.set_y(8)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, f"{self.chapter}    {self.page_no()}", align="R")
        self.set_y(20)


def chapter_heads_pdf() -> bytes:
    """Eight pages, four chapters of two pages: each running head text occurs on two pages only."""
    pdf = ChapterHeadPDF()
    for i, title in enumerate(["Leders beretning", "Introduksjon", "Resultater", "Styring og kontroll"], start=1):
        for half in (1, 2):
            pdf.chapter = f"Kapittel {i} {title}"
            pdf.add_page()
            if half == 1:
                pdf.add_heading(f"{i} {title}")
            pdf.add_para(f"Side {half} av kapittel {i}. " + FILLER)
    return bytes(pdf.output())


def encrypted_pdf(user_password: str = "hemmelig") -> bytes:
    pdf = ReportPDF()
    pdf.set_encryption(owner_password="eier", user_password=user_password)
    pdf.add_page()
    pdf.add_para("Denne rapporten er beskyttet med passord.")
    return bytes(pdf.output())


def scanned_pdf(text_page: bool = False) -> bytes:
    """Two pages holding only an image, like a scan without OCR; optionally a text page first."""
    from PIL import Image

    img = Image.new("RGB", (400, 560), "white")
    for x in range(40, 360):
        for y in (80, 120, 160):
            img.putpixel((x, y), (0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = ReportPDF() if text_page else FPDF(format="A4")
    if isinstance(pdf, ReportPDF):
        pdf.footer_text = ""
        pdf.add_page()
        pdf.add_para("Vedlegget under er skannet.")
    for _ in range(2):
        pdf.add_page()
        buf.seek(0)
        pdf.image(buf, x=10, y=10, w=190)
    return bytes(pdf.output())


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
