"""Parser for pdftotext-style exports: hard-wrapped lines, numbered headings, space-separated tables.

Built on the corpus file 003 (IMDi årsrapport 2022, Nynorsk); the rules are
phrased for any export of that shape:

* page furniture (footer number + running headers) is dropped and used as page evidence;
* footnote areas at page bottoms become `footnote` blocks, and the markers glued to words
  in the body (`flyktningar.6`, `prosent30`, `9 99737`) are cut out of block text;
* paragraphs are joined across wraps, soft hyphens, page breaks and footnote areas;
* numbered and unnumbered headings make the section tree;
* captioned and captionless tables become `Table` records with cells split by column count.
"""

from __future__ import annotations

import re

from core.records import Cell, ParsedDocument, Span, Table, TableRow
from ingest.builder import DocBuilder
from ingest.formats.generic.reader import parse as generic_parse
from ingest.formats.pdftotext.cells import make_cell, unit_hint
from ingest.formats.pdftotext.layout import NUM_HEADING_RE, Item, Walker, merge_paragraphs
from ingest.formats.pdftotext.lines import (
    BULLET_RE,
    SENTENCE_END_RE,
    Anchor,
    FootnoteArea,
    Line,
    find_anchors,
    find_footnote_areas,
    join_lines,
    line_text,
    split_lines,
    uses_trailing_space,
)
from ingest.formats.pdftotext.pages import build_page_map, page_bottoms, page_records
from ingest.formats.pdftotext.tables import TableData
from ingest.pages import PageMap
from text.captions import normalise_number, parse_caption
from text.clean import detach_footnote_marker

_BODY_KINDS = ("paragraph", "list", "heading", "caption", "infographic")
_YEAR_OR_DATE_END = re.compile(r"(?:(?:19|20)\d\d|\d{1,2}\.\d{1,2}\.(?:19|20)\d\d)$")


def parse(text: str, doc_id: str) -> ParsedDocument:
    parsed = read_document(text, doc_id)
    parsed.page_bottoms = page_bottoms(text, sorted((b.span.start, b.kind) for b in parsed.blocks),
                                       [(b.span.start, b.span.end) for b in parsed.blocks if b.kind == "table"])
    return parsed


def read_document(text: str, doc_id: str) -> ParsedDocument:
    lines = split_lines(text)
    trailing = uses_trailing_space(lines)
    if not trailing or "\f" in text:
        # A plain `pdftotext` run (no trailing spaces, or form feeds kept): the walker below leans on the
        # 2022 report's line endings to tell body text from chart text, so the layout-free reader goes first.
        return generic_parse(text, doc_id)
    anchors = find_anchors(lines)
    furniture = {k for a in anchors for k in range(a.first, a.last + 1)}
    areas = find_footnote_areas(lines, furniture)
    pages = build_page_map(lines, anchors, areas)
    area_lines = {k for a in areas for k in range(a.first, a.last + 1)}
    items = merge_paragraphs(Walker(lines, furniture, areas, anchors, trailing).walk(), lines,
                             furniture | area_lines)
    items = attach_openers(insert_missing_chapters(items, lines, anchors), lines)
    mask = find_markers(lines, items, areas)
    em = _Emitter(doc_id, lines, mask, pages, trailing)
    for it in items:
        em.emit(it)
    if len(anchors) == 0:
        em.b.warnings.append("no page anchors found: pages are unknown")
    parsed = em.b.finish(pages, source=text)
    parsed.pages = page_records(pages, text)
    return parsed


# -- footnote markers ----------------------------------------------------------------

def _marker_candidates(line: Line, k: int) -> list[tuple[int, int]]:
    """Offsets of footnote number `k` glued to the end of a word, a sentence or a digit group."""
    out = []
    t = line.text
    for m in re.finditer(rf"{k}(?!\d)", t):
        a, e = m.start(), m.end()
        if a == 0 or (e < len(t) and not (t[e].isspace() or t[e] in ".,;:)")):
            continue
        before = t[a - 1]
        if before.isdigit():
            # "6 72326": a whole thousands group, then the marker
            g = re.search(r"(\d{1,3}) \d{3}$", t[:a])
            if g and not re.search(r"\d ?$", t[:g.start(1)]):
                out.append((line.start + a, line.start + e))
        elif before.isalpha() or before in ")]»”\"'*":
            out.append((line.start + a, line.start + e))
        elif before in ".,:;?!" and a >= 2 and (t[a - 2].isalpha() or t[a - 2] in ")»”" or
                                               _YEAR_OR_DATE_END.search(t[:a - 1])):
            out.append((line.start + a, line.start + e))
    return out


def find_markers(lines: list[Line], items: list[Item], areas: list[FootnoteArea]) -> list[tuple[int, int]]:
    """Source ranges of the footnote markers in body text, matched to the numbered definitions.

    Markers run in the same order as the definitions, and each one stands
    between the previous marker and its own definition, so only the expected
    number is searched for, only in that window.
    """
    body = sorted({k for it in items if it.kind in _BODY_KINDS for k in it.lines})
    defs = sorted((d.number, lines[d.lines[0]].start) for a in areas for d in a.defs)
    found: list[tuple[int, int]] = []
    pos = 0
    for num, def_start in defs:
        hit = None
        for k in body:
            ln = lines[k]
            if ln.end <= pos or ln.start >= def_start:
                continue
            cands = [c for c in _marker_candidates(ln, num) if c[0] >= pos and c[1] <= def_start]
            if cands:
                hit = cands[0]
                break
        if hit:
            found.append(hit)
            pos = hit[1]
    return found


# -- chapters known only from running headers --------------------------------------------

def insert_missing_chapters(items: list[Item], lines: list[Line], anchors: list[Anchor]) -> list[Item]:
    """A chapter whose heading was an image still names itself in the running header of its pages.

    It is opened at the first subsection heading after the previous numbered
    heading that shares its main word (`Årsrekneskap` → `Prinsippnote
    årsrekneskapen`), else where the running header stands.
    """
    found = {it.number for it in items if it.kind == "heading" and it.number}
    for a in anchors:
        m = NUM_HEADING_RE.match(a.header or "")
        if not m or a.header_line is None or m.group("num") in found:
            continue
        num = m.group("num")
        tup = tuple(int(p) for p in num.split("."))
        lo = max((k for k, it in enumerate(items) if it.kind == "heading" and it.number and it.first < a.first
                  and tuple(int(p) for p in it.number.split(".")) < tup), default=-1)
        hi = next((k for k, it in enumerate(items) if it.first > a.last), len(items))
        word = max(re.findall(r"\w+", m.group("title").lower()), key=len)
        stem = word[:max(5, len(word) - 2)]
        at = next((k for k in range(lo + 1, hi) if items[k].kind == "heading" and not items[k].number
                   and stem in " ".join(lines[i].s for i in items[k].lines).lower()), hi)
        page_line = items[at].first if at < len(items) else a.header_line
        items.insert(at, Item("heading", [a.header_line], number=num, level=len(tup), page_line=page_line))
        found.add(num)
    return items


def attach_openers(items: list[Item], lines: list[Line]) -> list[Item]:
    """Chart text printed just before a numbered heading is that chapter's opening spread: move it under it."""
    out: list[Item] = []
    for it in items:
        if it.kind == "heading" and it.number and not it.page_line:
            k = len(out)
            while k > 0 and (out[k - 1].kind == "infographic" or (
                    out[k - 1].kind == "paragraph" and len(out[k - 1].lines) <= 2
                    and not SENTENCE_END_RE.search(lines[out[k - 1].last].s))):
                k -= 1
            if any(o.kind == "infographic" for o in out[k:]):
                moved = out[k:]
                del out[k:]
                out.append(it)
                out.extend(moved)
                continue
        out.append(it)
    return out


# -- emission ----------------------------------------------------------------------------

class _Emitter:
    def __init__(self, doc_id: str, lines: list[Line], mask: list[tuple[int, int]], pages: PageMap,
                 trailing: bool):
        self.b = DocBuilder(doc_id)
        self.lines = lines
        self.mask = sorted(mask)
        self.pages = pages
        self.trailing = trailing

    def span(self, idxs: list[int]) -> Span:
        """From the first to the last printed character of the lines (indent and trailing spaces left out)."""
        first = self.lines[min(idxs)]
        last = self.lines[max(idxs)]
        start = first.start + len(first.text) - len(first.text.lstrip())
        end = last.end - (len(last.text) - len(last.text.rstrip()))
        return Span(start=start, end=max(end, start))

    def text(self, idxs: list[int], masked: bool = True) -> str:
        parts = [line_text(self.lines[k], self.mask if masked else None) for k in idxs]
        return join_lines(parts, glue_cut_words=False)

    def emit(self, it: Item) -> None:
        getattr(self, f"_{it.kind}")(it)

    def _heading(self, it: Item) -> None:
        text = self.text(it.lines)
        span = self.span(it.lines)
        if it.number:
            m = NUM_HEADING_RE.match(text)
            title = m.group("title") if m else text
            # a chapter known from its running header starts where its first subsection does
            page = self.pages.at(self.lines[it.page_line].start) if it.page_line is not None else None
            self.b.heading(title, it.level, span, number=it.number, page=page)
        else:
            self.b.heading(text, it.level, span)

    def _paragraph(self, it: Item) -> None:
        text = self.text(it.lines)
        raw = self.text(it.lines, masked=False)
        self.b.block("paragraph", text, self.span(it.lines), raw=raw)

    _infographic = _paragraph

    def _list(self, it: Item) -> None:
        entries: list[list[int]] = []
        for k in it.lines:
            if BULLET_RE.match(self.lines[k].text) or not entries:
                entries.append([k])
            else:
                entries[-1].append(k)
        text = "\n".join("- " + self.text(e) for e in entries)
        raw = "\n".join("- " + self.text(e, masked=False) for e in entries)
        span = self.span(it.lines)
        prev = self.b.blocks[-1] if self.b.blocks else None
        if prev is not None and prev.kind == "paragraph" and len(prev.text) < 200 and \
                prev.section_id == (self.b.current.id if self.b.current else None) and \
                (prev.text.endswith(":") or not SENTENCE_END_RE.search(prev.text)) and \
                not self._text_between(prev.span.end, span.start):
            # "IMDi skal" / "Nokre eksempel er:" introduce the list: keep them together
            combined_raw = (prev.raw or prev.text) + "\n" + raw
            prev.kind = "list"
            prev.text = prev.text + "\n" + text
            prev.raw = combined_raw if combined_raw != prev.text else None
            prev.span = Span(start=prev.span.start, end=span.end)
            return
        self.b.block("list", text, span, raw=raw)

    def _text_between(self, a: int, b: int) -> bool:
        return any(ln.s for ln in self.lines if ln.start >= a and ln.end <= b)

    def _caption(self, it: Item) -> None:
        text = self.text(it.lines)
        span = self.span(it.lines)
        fig = self.b.figure(text, span)
        self.b.block("caption", text, span, figure_id=fig.id if fig else None)

    def _footnote(self, it: Item) -> None:
        self.b.block("footnote", self.text(it.lines, masked=False), self.span(it.lines))

    def _urls(self, it: Item) -> None:
        urls: list[str] = []
        for k in it.lines:
            s = self.lines[k].s
            if urls and not self.lines[k - 1].trailing and k - 1 in it.lines and " " not in s \
                    and not s.startswith(("http", "www.")):
                urls[-1] += s  # a link wrapped inside its path
            else:
                urls.append(s)
        self.b.block("footnote", " ".join(dict.fromkeys(urls)), self.span(it.lines))

    def _table(self, it: Item) -> None:
        td = it.table
        assert td is not None
        cap_text = self.text(it.caption) if it.caption else None
        parsed = parse_caption(cap_text) if cap_text else None
        span = self.span(it.lines + it.caption)
        if parsed:
            number: str | None = normalise_number(parsed[1])
            caption, title = cap_text, parsed[3]
        else:
            number = None
            head = cap_text or it.title
            caption = head or td.label_header or None
            title = f"{head}: {td.label_header}" if head and td.label_header and td.label_header != head else caption
        notes = [n for n, _ in td.notes]
        note_numbers = {int(m.group(1)) for n in notes if (m := re.match(r"(\d{1,2}) ", n))}
        t_unit = title_unit(title)
        rows = []
        for r in td.rows:
            label = clean_label(r.label, note_numbers)
            if r.group:
                label = f"{clean_label(r.group, note_numbers)} – {label}"
            row_unit = paren_unit(label)
            if td.style == "text":
                cells = [Cell(text=" ".join(c).strip()) for c in r.cells]
            else:
                cells = [make_cell(c, row_unit or paren_unit(col) or t_unit)
                         for c, col in zip(r.cells, td.columns, strict=False)]
            rows.append(TableRow(label=label, cells=cells, span=self.span(r.lines)))
        columns = [td.label_header] + td.columns if (td.columns or td.label_header) else []
        table = self.b.table(span, number=number, caption=caption, title=title, columns=columns, rows=rows,
                             notes=notes, source=td.source, style="space" if td.style == "space" else "text")
        fig = self.b.figure(cap_text, self.span(it.caption), notes=notes, source=td.source,
                            table_id=table.id) if parsed else None
        self.b.block("table", linearise(table), span, table_id=table.id, figure_id=fig.id if fig else None)


def paren_unit(text: str | None) -> str | None:
    """The unit a label or header states in brackets: `(i 1 000 kroner)`, `(månader)`."""
    for group in reversed(re.findall(r"\(([^()]*)\)", text or "")):
        unit = unit_hint(group)
        if unit:
            return unit
    return None


def title_unit(title: str | None) -> str | None:
    """The unit of every cell when the caption says so on its own: `… Månader. 2018–2022`, `… i mill. kroner`."""
    for seg in re.split(r"\.\s+(?=[A-ZÆØÅ0-9])", title or ""):
        seg = seg.strip(" .")
        unit = unit_hint(seg) if len(seg.split()) <= 3 else None
        if unit and unit != "personer":
            return unit
    m = re.search(r"\bi (?:mill\. kroner|1 000 kroner|kroner|prosent)\s*$", title or "")
    return unit_hint(m.group(0)) if m else None


def clean_label(label: str, note_numbers: set[int]) -> str:
    """Row label without its note markers: `Busette totalt1` → `Busette totalt`, `året*` → `året`."""
    label = re.sub(r"(?<=[\w)])\*+", "", label)
    label = re.sub(r"\s+\*+(?=\s|$)", "", label).strip()
    m = re.search(r"(?<=[^\s\d])(\d{1,2})$", label)
    if m and int(m.group(1)) in note_numbers:
        label = label[:m.start()]
    elif not note_numbers and label:
        words = label.split(" ")
        words[-1] = detach_footnote_marker(words[-1])
        label = " ".join(words)
    return label.strip()


def linearise(table: Table) -> str:
    """Readable text of a table for search: caption, header, one line per row, notes, source."""
    out = [table.caption or table.title or ""]
    if table.title and table.caption and table.title not in table.caption:
        out[0] = table.title if table.caption in table.title else f"{table.caption} – {table.title}"
    cols = table.columns[1:] if table.columns else []
    if table.columns:
        out.append(" | ".join(c for c in table.columns if c))
    for r in table.rows:
        names = cols or [""] * len(r.cells)
        cells = [f"{col}: {c.text}" if col else c.text for col, c in zip(names, r.cells, strict=False) if c.text]
        out.append(" | ".join([r.label, *cells]))
    out.extend(f"Merknad: {n}" for n in table.notes)
    if table.source:
        out.append(table.source)
    return "\n".join(x for x in out if x)


__all__ = ["parse", "find_markers", "clean_label", "linearise", "TableData"]
