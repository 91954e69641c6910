"""PDF ingestion with pdfplumber: exact pages, headings by font, tables, captions, no running headers.

The source text is the page texts joined with a form feed ("\\f"); every span
indexes into it, and every record's page is exact. A page's text is its blocks
in reading order (tables as `cell | cell` rows), so a citation can show it.
"""

from __future__ import annotations

import contextlib
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import IngestError
from core.records import Page, PageCertainty, PageRef, ParsedDocument, Span, Table, TableRow
from ingest.builder import DocBuilder
from ingest.formats.generic.reader import CHAPTER_RE
from ingest.formats.pdf.layout import (
    TEXT_TOLERANCE,
    FontStats,
    Line,
    font_stats,
    join_wrapped,
    make_line,
    mark_furniture,
    split_columns,
)
from ingest.formats.pdf.tables import Grid, inside, linearise, ruled_tables, unruled_tables
from text.captions import SOURCE_RE, parse_caption
from text.numbers import parse_cell

_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(?P<title>[^\W\d_«\"(].*)$")
_BULLET = re.compile(r"^(?:[•▪◦●○■□◆♦\u2022\u25aa\uf0b7\uf0a7\uf076–-]\s+|\(?[0-9a-z]\)\s+)")
_FOOTNOTE = re.compile(r"^(?:\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s?\S")
def _numbered(text: str) -> tuple[str, str] | None:
    """(number, title) of `3.1 Title` or `Kapittel 3 Title`."""
    m = _NUMBERED.match(text)
    if m:
        return m.group("num"), m.group("title").strip()
    m = CHAPTER_RE.match(text)
    return (m.group("num"), m.group("title").strip()) if m and m.group("title") else None


_LEADERS = re.compile(r"(?:\.\s?){4,}|…{2,}")
_CID = re.compile(r"\(cid:\d+\)")
_SENTENCE_END = ('.', '!', '?', ':', '»', '"')
_MAX_HEADING = 200  # characters; a longer "heading" is a lead paragraph set in a larger font


# -- reading --------------------------------------------------------------------

@dataclass
class PageContent:
    number: int
    height: float
    lines: list[Line]
    grids: list[Grid]
    has_images: bool
    error: str | None = None


def parse_pdf(path: Path, doc_id: str) -> tuple[str, ParsedDocument]:
    """(source text, parsed document) for a PDF; `IngestError` with the reason for anything unreadable."""
    data = _read_bytes(path)
    _check_header(path, data)
    warnings = _check_trailer(path, data)
    with _quiet_pdfminer():
        pages = _read_pages(path)
    _check_text(path, pages)
    for p in pages:
        if p.error:
            warnings.append(f"page {p.number} could not be read ({p.error}); it is left empty")
        elif not p.lines and not p.grids and p.has_images:
            warnings.append(f"page {p.number} has no text layer (a scanned image?); it is left empty")
    text, parsed = _Assembler(doc_id, pages).run()
    parsed.warnings[:0] = warnings
    if not parsed.blocks and not parsed.sections:
        raise IngestError(str(path), "no text layer; run OCR first")
    return text, parsed


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot read the file ({exc.strerror})") from exc
    if not data:
        raise IngestError(str(path), "the file is empty (0 bytes)")
    return data


def _check_header(path: Path, data: bytes) -> None:
    # The spec lets the header start anywhere in the first 1024 bytes.
    if b"%PDF-" in data[:1024]:
        return
    raise IngestError(str(path), f"not a PDF: {_what_is_it(data)}")


def _what_is_it(data: bytes) -> str:
    head = data[:512]
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP container (a .docx/.xlsx/.odt document?); export it as PDF"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "it is an HTML page (a failed download?)"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "it is an image; run OCR and save as PDF or text"
    if head.startswith(b"{\\rtf"):
        return "it is an RTF document; export it as PDF"
    try:
        sample = data[:2048].decode("utf-8")
    except UnicodeDecodeError:
        sample = ""
    if sample and all(ch.isprintable() or ch in "\r\n\t" for ch in sample.rstrip("\x00")[:1000]):
        return "it is a text file; rename it to .txt"
    return f"the file starts with {data[:8]!r}, not %PDF-"


def _check_trailer(path: Path, data: bytes) -> list[str]:
    """A PDF ends with %%EOF; a download cut short does not."""
    if b"%%EOF" in data[-1024:]:
        return []
    if b"%%EOF" in data[-65536:]:
        return ["data after the PDF end marker (%%EOF) was ignored"]
    raise IngestError(str(path), "damaged or truncated PDF (the end-of-file marker is missing); "
                                 "download or export it again")


@contextlib.contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs a warning per odd object; the user gets one clear message instead."""
    log = logging.getLogger("pdfminer")
    old = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(old)


def _open_error(path: Path, exc: Exception) -> IngestError:
    """Map pdfminer's exception (pdfplumber wraps it in PdfminerException) to a user message."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSEOF

    cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(cause, PDFPasswordIncorrect):
        return IngestError(str(path), "encrypted; remove the password first")
    if isinstance(cause, PDFEncryptionError):
        return IngestError(str(path), "encrypted (with a method pdfminer cannot open); remove the password first")
    if isinstance(cause, PSEOF):
        return IngestError(str(path), "damaged or truncated PDF (unexpected end of file)")
    detail = str(cause) or type(cause).__name__
    return IngestError(str(path), f"damaged or truncated PDF ({detail[:120]})")


def _read_pages(path: Path) -> list[PageContent]:
    import pdfplumber
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    # What pdfminer/pdfplumber raise for a malformed file; anything else is caught too (pdfminer
    # also fails with bare KeyError/TypeError on odd objects) but reported with its type.
    broken = (PdfminerException, MalformedPDFException, PSException, zlib.error)
    try:
        pdf = pdfplumber.open(path, unicode_norm="NFC")
        plumber_pages = pdf.pages
    except broken as exc:
        raise _open_error(path, exc) from exc
    except Exception as exc:  # noqa: BLE001
        raise IngestError(str(path), f"damaged PDF, or one pdfminer cannot read ({_short(exc, typed=True)})") from exc
    with pdf:
        if not plumber_pages:
            raise IngestError(str(path), "damaged PDF (it has no pages)")
        out = []
        for i, page in enumerate(plumber_pages, start=1):
            try:
                out.append(_read_page(page, i, len(plumber_pages)))
            except broken as exc:
                out.append(PageContent(i, float(page.height), [], [], False, error=_short(exc)))
            except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
                out.append(PageContent(i, float(page.height), [], [], False, error=_short(exc, typed=True)))
            finally:
                page.close()
    if all(p.error for p in out):
        raise IngestError(str(path), f"damaged or truncated PDF (no page can be read: {out[0].error})")
    return out


def _short(exc: Exception, typed: bool = False) -> str:
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    text = str(cause) or type(cause).__name__
    return (f"{type(cause).__name__}: {text}" if typed else text)[:120]


def _read_page(page: Any, number: int, n_pages: int) -> PageContent:
    if _has_duplicate_chars(page.chars):
        page = page.dedupe_chars()  # fake bold: each glyph printed twice, slightly shifted
    grids = ruled_tables(page, number)
    rest = page
    if grids:
        boxes = [g.bbox for g in grids]
        rest = page.filter(lambda o: o.get("object_type") != "char" or not inside(o, boxes))
    raw_lines = rest.extract_text_lines(return_chars=True, **TEXT_TOLERANCE)
    lines = [ln for raw in raw_lines if (ln := make_line(number, raw))]
    unruled = unruled_tables(rest, number, lines, n_pages)
    if unruled:
        boxes = [g.bbox for g in unruled]
        lines = [ln for ln in lines if not _line_in(ln, boxes)]
        grids += unruled
    lines = split_columns(lines)
    for ln in lines:
        ln.segments = []  # only needed for table detection
    return PageContent(number, float(page.height), lines, grids, bool(page.images))


def _has_duplicate_chars(chars: list[dict[str, Any]]) -> bool:
    """A cheap test first: pdfplumber's dedupe_chars costs more than the rest of the page."""
    seen = {(c["text"], round(c["x0"]), round(c["top"])) for c in chars}
    return len(seen) < len(chars)


def _line_in(ln: Line, boxes: list[tuple[float, float, float, float]]) -> bool:
    cy = (ln.top + ln.bottom) / 2
    return any(b[1] - 1 <= cy <= b[3] + 1 and ln.x0 >= b[0] - 2 and ln.x1 <= b[2] + 2 for b in boxes)


def _check_text(path: Path, pages: list[PageContent]) -> None:
    texts = [ln.text for p in pages for ln in p.lines] + [c for p in pages for g in p.grids for r in g.rows for c in r]
    n_chars = sum(len(t.strip()) for t in texts)
    if n_chars == 0:
        raise IngestError(str(path), "no text layer; run OCR first")
    cid = sum(len(m) for t in texts for m in _CID.findall(t))
    if cid > 0.5 * n_chars:
        raise IngestError(str(path), "the text layer cannot be decoded (fonts without a Unicode map); run OCR first")


# -- layout groups --------------------------------------------------------------

@dataclass
class Group:
    kind: str  # heading, paragraph, list, caption, footnote, furniture, table
    lines: list[Line] = field(default_factory=list)
    grid: Grid | None = None
    partner: Group | None = None  # caption <-> table

    @property
    def text(self) -> str:
        return join_wrapped([ln.text for ln in self.lines])


def _is_caption(ln: Line) -> bool:
    parsed = parse_caption(ln.text)
    if parsed is None or len(ln.text) > 200:
        return False
    title = parsed[3]
    # "Tabell 3-1 viser at ..." is a sentence that mentions the table
    return not title or not title[0].islower()


def _heading_like(ln: Line, stats: FontStats) -> bool:
    t = ln.text
    if len(t) > 150 or len(re.findall(r"[^\W\d_]", t)) < 3:
        return False
    if _BULLET.match(t) or SOURCE_RE.match(t) or _LEADERS.search(t):
        return False
    if t[0].isdigit() and not _NUMBERED.match(t):  # "9,6 mnd.", "80 prosent av ..."
        return False
    if ln.size >= stats.body_size * 1.15:
        return True
    return ln.bold and ln.size >= stats.body_size * 0.95 and len(t) <= 120 and not t.endswith((".", ",", ";"))


def _role(ln: Line, stats: FontStats, height: float) -> str:
    if ln.furniture:
        return "furniture"
    if _is_caption(ln):
        return "caption"
    if _heading_like(ln, stats):
        return "heading"
    if _BULLET.match(ln.text):
        return "list"
    if ln.size <= 0.85 * stats.body_size and ln.top > 0.6 * height and _FOOTNOTE.match(ln.text):
        return "footnote"
    return "paragraph"


def _page_groups(page: PageContent, stats: FontStats) -> list[Group]:
    # reading order: on a two-column page each band's left column, then its right one
    units: list[Line | Grid] = sorted([*page.lines, *page.grids],
                                      key=lambda u: (getattr(u, "band", 0), getattr(u, "column", 0), u.top))
    rights: dict[int, float] = {}
    for col in {ln.column for ln in page.lines}:
        body = [ln.x1 for ln in page.lines if abs(ln.size - stats.body_size) < 0.6 and not ln.furniture
                and ln.column == col]
        rights[col] = sorted(body)[int(0.9 * (len(body) - 1))] if body else max(
            (ln.x1 for ln in page.lines), default=0.0)
    groups: list[Group] = []
    cur: Group | None = None
    for u in units:
        if isinstance(u, Grid):
            groups.append(Group("table", grid=u))
            cur = None
            continue
        role = _role(u, stats, page.height)
        if cur is not None and _continues(cur, u, role, stats, rights.get(u.column, 0.0)):
            cur.lines.append(u)
            continue
        cur = Group(role, [u])
        groups.append(cur)
    for g in groups:
        if g.kind == "heading" and (len(g.text) > _MAX_HEADING or g.text.endswith((".", ","))
                                    and len(g.text.split()) > 12):
            g.kind = "paragraph"
    _pair_captions(groups)
    return groups


def _continues(cur: Group, ln: Line, role: str, stats: FontStats, right: float) -> bool:
    prev = cur.lines[-1]
    if ln.column == 1 and prev.column == 0 and ln.band == prev.band:
        # from the foot of the left column to the head of the right one: a sentence may run on
        return cur.kind == "paragraph" and role == "paragraph" and not prev.text.endswith(_SENTENCE_END)
    gap = ln.top - prev.bottom
    if role == "furniture" or cur.kind == "furniture" or gap < -0.5 * prev.height:
        return False
    if cur.kind == "heading":
        return role == "heading" and ln.style == prev.style and gap < 0.8 * ln.size
    if cur.kind == "caption":
        first = cur.lines[0]
        return (role == "paragraph" and len(cur.lines) < 3 and ln.style == first.style
                and first.style != (round(stats.body_size * 2) / 2, False) and gap < 0.8 * ln.size)
    if cur.kind == "footnote":
        return role == "paragraph" and abs(ln.size - prev.size) < 0.3 and gap < 0.8 * ln.size
    if cur.kind == "list":
        if role == "list":
            return not _para_break(prev, ln, stats, right, indent_ok=True)
        item_x0 = next(x.x0 for x in reversed(cur.lines) if _BULLET.match(x.text))
        return role == "paragraph" and ln.x0 > item_x0 + 0.5 * ln.size and not _para_break(prev, ln, stats, right,
                                                                                              indent_ok=True)
    if cur.kind == "paragraph":
        return role == "paragraph" and not _para_break(prev, ln, stats, right)
    return False


def _para_break(prev: Line, ln: Line, stats: FontStats, right: float, indent_ok: bool = False) -> bool:
    if abs(prev.size - ln.size) > 0.6 or prev.bold != ln.bold:
        return True
    if ln.top - prev.top > 1.4 * stats.line_pitch(ln.size) + 0.5:
        return True
    if not indent_ok and ln.x0 > prev.x0 + 0.8 * ln.size:  # first-line indent
        return True
    return prev.text.endswith(_SENTENCE_END) and prev.x1 < right - 2.5 * prev.size


def _pair_captions(groups: list[Group]) -> None:
    """Link a 'Tabell N …' caption to the table right above or below it."""
    for i, g in enumerate(groups):
        if g.kind != "table" or g.grid is None:
            continue
        above = groups[i - 1] if i > 0 else None
        below = groups[i + 1] if i + 1 < len(groups) else None
        if above and above.kind == "caption" and above.partner is None and \
                g.grid.top - above.lines[-1].bottom < 4 * above.lines[-1].height:
            above.partner, g.partner = g, above
            continue
        after = groups[i + 2] if i + 2 < len(groups) else None
        if below and below.kind == "caption" and below.partner is None and \
                below.lines[0].top - g.grid.bottom < 4 * below.lines[0].height and \
                not (after and after.kind == "table"):
            below.partner, g.partner = g, below


# -- assembly -------------------------------------------------------------------

class _Assembler:
    """Writes the source text page by page and creates the records with exact pages."""

    def __init__(self, doc_id: str, pages: list[PageContent]):
        self.b = DocBuilder(doc_id)
        self.pages = pages
        self.parts: list[str] = []
        self.length = 0
        self.tables: dict[int, Table] = {}  # id(grid group) -> Table
        self.pending: dict[int, tuple[Group, Span, PageRef]] = {}  # table group id -> caption waiting for it

    def write(self, text: str) -> Span:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return Span(start=start, end=self.length)

    def run(self) -> tuple[str, ParsedDocument]:
        line_pages = [p.lines for p in self.pages]
        mark_furniture(line_pages, [p.height for p in self.pages])
        stats = font_stats([[ln for ln in lines if not ln.furniture] for lines in line_pages])
        all_groups = [_page_groups(p, stats) for p in self.pages]
        levels = _HeadingLevels([g for gs in all_groups for g in gs if g.kind == "heading"])
        out_pages: list[Page] = []
        for page, groups in zip(self.pages, all_groups, strict=True):
            if out_pages:
                self.write("\f")
            start = self.length
            for k, g in enumerate(groups):
                if k:
                    self.write("\n\n")
                self.emit(g, PageRef.exact(page.number), levels)
            span = Span(start=start, end=self.length)
            out_pages.append(Page(number=page.number, certainty=PageCertainty.exact, span=span,
                                  text="".join(self.parts)[span.start:span.end]))
        parsed = self.b.finish()
        parsed.pages = out_pages
        return "".join(self.parts), parsed

    def write_lines(self, lines: list[str]) -> tuple[Span, list[Span]]:
        spans = []
        for k, t in enumerate(lines):
            if k:
                self.write("\n")
            spans.append(self.write(t))
        return Span(start=spans[0].start, end=spans[-1].end), spans

    def emit(self, g: Group, page: PageRef, levels: _HeadingLevels) -> None:
        if g.kind == "table" and g.grid is not None:
            self.emit_table(g, page)
            return
        span, _ = self.write_lines([ln.text for ln in g.lines])
        if g.kind == "furniture":
            return
        if g.kind == "heading":
            got = _numbered(g.text)
            number, title = got if got else (None, g.text)
            self.b.heading(title, levels.level(g, number), span, number=number, page=page)
        elif g.kind == "caption" and g.partner is not None:
            table = self.tables.get(id(g.partner))
            if table is None:  # the table follows: create its records first so the caption can point at it
                self.pending[id(g.partner)] = (g, span, page)
            else:
                self.emit_caption(g, span, page, table)
        elif g.kind == "caption":
            self.emit_caption(g, span, page, None)
        elif g.kind == "list":
            items = _list_items(g.lines)
            self.b.block("list", "\n".join(items), span, page=page)
        elif g.kind == "paragraph" and SOURCE_RE.match(g.text) and self.b.figures and \
                self.b.figures[-1].page == page and self.b.figures[-1].source is None:
            self.b.figures[-1].source = g.text
            if self.b.figures[-1].table_id:
                t = next(t for t in self.b.tables if t.id == self.b.figures[-1].table_id)
                t.source = t.source or g.text
            self.b.block("paragraph", g.text, span, page=page)
        else:
            self.b.block(g.kind, g.text, span, page=page)  # type: ignore[arg-type]

    def emit_caption(self, g: Group, span: Span, page: PageRef, table: Table | None) -> None:
        fig = self.b.figure(g.text, span, table_id=table.id if table else None)
        if fig is not None:
            fig.page = page
        self.b.block("caption", g.text, span, page=page, figure_id=fig.id if fig else None)

    def emit_table(self, g: Group, page: PageRef) -> None:
        grid = g.grid
        assert grid is not None
        rows = grid.rows
        span, row_spans = self.write_lines([" | ".join(r) for r in rows])
        width = len(rows[0])
        fields: dict[str, Any] = {}
        if g.partner is not None:
            parsed = parse_caption(g.partner.text)
            if parsed:
                fields = {"number": parsed[1], "caption": g.partner.text, "title": parsed[3] or None}
        table = self.b.table(
            span,
            columns=rows[0],
            rows=[TableRow(label=r[0], cells=[parse_cell(c) for c in (r[1:] + [""] * width)[: width - 1]], span=s)
                  for r, s in zip(rows[1:], row_spans[1:], strict=True)],
            page=page,
            style="pdf",
            **fields,
        )
        self.tables[id(g)] = table
        waiting = self.pending.pop(id(g), None)
        if waiting is not None:
            self.emit_caption(waiting[0], waiting[1], waiting[2], table)
        self.b.block("table", linearise(rows), span, page=page, table_id=table.id)


def _list_items(lines: list[Line]) -> list[str]:
    items: list[list[str]] = []
    for ln in lines:
        if _BULLET.match(ln.text) or not items:
            items.append([_BULLET.sub("", ln.text, count=1) if not re.match(r"^\(?[0-9a-z]\)", ln.text)
                          else ln.text])
        else:
            items[-1].append(ln.text)
    return [f"• {join_wrapped(it)}" if not re.match(r"^\(?[0-9a-z]\)", it[0]) else join_wrapped(it)
            for it in items]


class _HeadingLevels:
    """Levels from section numbers; unnumbered headings ranked against the numbered ones by font."""

    def __init__(self, headings: list[Group]):
        seen: dict[tuple[float, bool], list[int]] = {}
        unnumbered: set[tuple[float, bool]] = set()
        for g in headings:
            got = _numbered(g.text)
            style = g.lines[0].style
            if got:
                seen.setdefault(style, []).append(got[0].count(".") + 1)
            else:
                unnumbered.add(style)
        self.known = {s: max(set(v), key=v.count) for s, v in seen.items()}
        ranked = sorted(unnumbered, key=lambda s: (-s[0], not s[1]))
        self.rank = {s: i + 1 for i, s in enumerate(ranked)}

    def level(self, g: Group, number: str | None) -> int:
        if number:
            return number.count(".") + 1
        style = g.lines[0].style
        if style in self.known:
            return self.known[style]
        if not self.known:
            return min(self.rank.get(style, 1), 4)
        bigger = [lvl for s, lvl in self.known.items() if s[0] > style[0] or (s[0] == style[0] and s[1] > style[1])]
        return max(bigger) + 1 if bigger else 1
