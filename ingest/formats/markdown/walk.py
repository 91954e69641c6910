"""Walk lexed chunks into sections, blocks, tables and named figures (shared by the markdown parsers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from core.records import Span, Table
from ingest.builder import DocBuilder
from ingest.formats.markdown.lex import FENCE, Chunk, list_marker_end
from ingest.formats.markdown.tables import build_rows, is_header, linearise, rows_of, split_parts
from ingest.formats.markdown.text import (
    bold_line,
    caption_text,
    footnote_number,
    footnote_text,
    inline,
    is_note,
    is_source,
    starts_lower,
    sup_refs,
    terminated,
    vocabulary,
    words,
)
from text.captions import parse_caption

MAX_LIST_WORDS = 350
MAX_LEAD_CHARS = 400


class HeadingPolicy(Protocol):
    def heading(self, walker: Walker, index: int, chunk: Chunk) -> None: ...


class Leveller:
    """Section levels: anchored headings (numbered, or matched to the TOC) fix a level;
    the others nest below the last anchor by the order of their markdown levels."""

    def __init__(self) -> None:
        self.anchor = 0
        self.stack: list[int] = []  # markdown levels of the open unanchored headings

    def anchored(self, level: int) -> int:
        self.anchor = level
        self.stack = []
        return level

    def relative(self, md_level: int) -> int:
        while self.stack and self.stack[-1] >= md_level:
            self.stack.pop()
        self.stack.append(md_level)
        return self.anchor + len(self.stack)


@dataclass
class _Notes:
    notes: list[str] = field(default_factory=list)
    source: str | None = None
    end: int = 0


class Walker:
    def __init__(self, text: str, doc_id: str, policy: HeadingPolicy):
        self.text = text
        self.b = DocBuilder(doc_id)
        self.policy = policy
        self.leveller = Leveller()
        self.since_heading = 0  # blocks since the last heading
        self.since_table: int | None = None  # blocks since the last table (None: no table yet in this section)
        self.last_table: Table | None = None
        self.vocab = vocabulary(text)

    # -- driver ------------------------------------------------------------
    def run(self, chunks: list[Chunk]) -> DocBuilder:
        self.chunks = chunks
        i = 0
        while i < len(chunks):
            i = self._step(i)
        return self.b

    def _step(self, i: int) -> int:
        c = self.chunks[i]
        if c.tag == "skip" or c.kind == "rule":
            return i + 1
        if c.kind == "heading":
            self.policy.heading(self, i, c)
            self.since_heading = 0
            self.since_table = None
            return i + 1
        if c.text is not None:
            self.block("paragraph", c.text, c)
            return i + 1
        if c.kind in ("tabs", "pipe"):
            return self._table(i)
        if c.kind == "list":
            return self._list(i)
        raw = c.raw(self.text)
        if c.kind == "code":
            body = [ln.text for ln in c.lines if not FENCE.match(ln.text)]
            self.block("paragraph", "\n".join(body), c)
            return i + 1
        if footnote_number(raw):
            self._footnotes(c)
            return i + 1
        cap = caption_text(raw)
        if cap:
            return self._named(i, cap)
        nxt = self._next(i)
        bold = bold_line(raw) if len(c.lines) == 1 and not c.parts else None
        if bold and nxt is not None and self.chunks[nxt].kind in ("tabs", "pipe"):
            return self._table(nxt, caption=inline(bold), caption_start=c.start)
        if self._runin_heading(c):
            return i + 1
        if _number_lines(c):
            return self._lines_as_list(i)
        if (raw.rstrip().endswith(":") and len(raw) <= MAX_LEAD_CHARS and nxt is not None
                and self.chunks[nxt].kind == "list"):
            return self._list(nxt, lead=c)
        self.block("paragraph", inline(raw), c)
        return i + 1

    def _next(self, i: int) -> int | None:
        return i + 1 if i + 1 < len(self.chunks) else None

    # -- records -----------------------------------------------------------
    def block(self, kind, text: str, chunk: Chunk | None = None, span: Span | None = None, **kw):
        span = span or Span(start=chunk.start, end=chunk.end)  # type: ignore[union-attr]
        b = self.b.block(kind, text, span, **kw)
        if b is not None:
            self.since_heading += 1
            if self.since_table is not None:
                self.since_table += 1
        return b

    def section(self, title: str, level: int, chunk: Chunk, number: str | None = None):
        return self.b.heading(title, level, Span(start=chunk.start, end=chunk.end), number=number)

    def _runin_heading(self, c: Chunk) -> bool:
        """`**Bold title**  \\nParagraph text` (a bold line opening a paragraph): a subsection."""
        if len(c.lines) < 2:
            return False
        title = bold_line(c.lines[0].text.rstrip())
        rest = "\n".join(ln.text for ln in c.lines[1:])
        if not title or len(title.split()) < 3 or len(rest) < 80 or caption_text(title):
            return False
        first = c.lines[0]
        span = Span(start=c.start, end=first.start + len(first.text.rstrip()))
        self.b.heading(inline(title), self.leveller.relative(4), span)
        self.since_heading = 0
        second = c.lines[1]
        body = Span(start=second.start + len(second.text) - len(second.text.lstrip()), end=c.end)
        self.block("paragraph", inline(rest), span=body)
        return True

    def _footnotes(self, c: Chunk) -> None:
        """One footnote block per `<sup>N</sup>` definition (a chunk may hold several)."""
        groups: list[list] = []
        for line in c.lines + [ln for p in c.parts for ln in p.lines]:
            if footnote_number(line.text) or not groups:
                groups.append([line])
            else:
                groups[-1].append(line)
        for g in groups:
            raw = "\n".join(ln.text for ln in g)
            span = Span(start=g[0].start + len(g[0].text) - len(g[0].text.lstrip()),
                        end=g[-1].start + len(g[-1].text.rstrip()))
            self.block("footnote", footnote_text(raw), span=span)

    def _list(self, i: int, lead: Chunk | None = None) -> int:
        """List items, in blocks of at most MAX_LIST_WORDS words; a `…:` lead-in opens the first."""
        c = self.chunks[i]
        items: list[tuple[str, int, int]] = []  # (text, start, end)
        open_items: list[int] = []  # content columns of the enclosing items
        for indent, lines in c.items:
            first = lines[0].text
            content = list_marker_end(first)
            # an item nests only when indented to its parent's text, as in CommonMark
            while open_items and indent < open_items[-1]:
                open_items.pop()
            depth = len(open_items)
            open_items.append(content)
            raw = "\n".join([first[content:], *(ln.text for ln in lines[1:])])
            text = inline(raw)
            if not text:
                continue
            marker = first.strip().split()[0]
            bullet = marker if marker[0].isdigit() else "-"
            start = lines[0].start + len(first) - len(first.lstrip())
            end = lines[-1].start + len(lines[-1].text.rstrip())
            items.append(("  " * min(depth, 3) + f"{bullet} {text}", start, end))
        groups: list[list[tuple[str, int, int]]] = [[]]
        budget = 0
        for it in items:
            if groups[-1] and budget + words(it[0]) > MAX_LIST_WORDS:
                groups.append([])
                budget = 0
            groups[-1].append(it)
            budget += words(it[0])
        for n, g in enumerate(g for g in groups if g):
            lines = [t for t, _, _ in g]
            start = g[0][1]
            if n == 0 and lead is not None:
                lines.insert(0, inline(lead.raw(self.text)))
                start = lead.start
            self.block("list", "\n".join(lines), span=Span(start=start, end=g[-1][2]))
        return i + 1

    def _lines_as_list(self, i: int) -> int:
        """Hard-wrapped lines that each state a number (`40 % mener ...  `): a list, one item a line."""
        c = self.chunks[i]
        items = [inline(ln.text) for ln in c.lines]
        self.block("list", "\n".join(f"- {t}" for t in items if t), c)
        return i + 1

    def _notes_after(self, j: int, refs: set[str], damaged_source_ok: bool = False) -> tuple[_Notes, int]:
        """`\\*` notes, referenced `<sup>N</sup>` footnotes and a `Kilde:` line following a table or figure."""
        got = _Notes()
        while j < len(self.chunks) and got.source is None:
            c = self.chunks[j]
            if c.kind != "para" or c.text is not None:
                break
            raw = c.raw(self.text)
            first = c.lines[0].text
            if is_source(first, damaged_ok=damaged_source_ok):
                got.source = inline(raw)
            elif is_note(first):
                for k, line in enumerate(c.lines):
                    if is_source(line.text):
                        got.source = inline("\n".join(ln.text for ln in c.lines[k:]))
                        break
                    if is_note(line.text) or not got.notes:
                        got.notes.append(inline(line.text))
                    else:
                        got.notes[-1] = f"{got.notes[-1]} {inline(line.text)}"
            elif footnote_number(raw) in refs:
                got.notes.append(footnote_text(raw))
            else:
                break
            got.end = c.end
            j += 1
        return got, j

    def _named(self, i: int, cap: str) -> int:
        """A `Tabell N`/`Figur N` caption: the table under it, or the figure's notes and source."""
        c = self.chunks[i]
        nxt = self._next(i)
        is_table = parse_caption(cap)[0] == "tabell"  # type: ignore[index]
        if is_table and nxt is not None and self.chunks[nxt].kind in ("tabs", "pipe"):
            return self._table(nxt, caption=cap, caption_chunk=c)
        notes, j = self._notes_after(i + 1, set(), damaged_source_ok=True)
        end = max(c.end, notes.end)
        span = Span(start=c.start, end=end)
        fig = self.b.figure(cap, span, notes=notes.notes, source=notes.source)
        text = "\n".join([cap, *notes.notes, *([notes.source] if notes.source else [])])
        self.block("caption", text, span=span, figure_id=fig.id if fig else None)
        return j

    def _table(self, i: int, caption: str | None = None, caption_chunk: Chunk | None = None,
               caption_start: int | None = None) -> int:
        """A table with its continuation blocks (page breaks), notes and source; sub-tables split."""
        first = self.chunks[i]
        rows = rows_of(first, self.vocab)
        if not rows:
            return i + 1
        header = rows[0] if is_header(rows[0]) else None
        ncols = max(len(r.cells) for r in rows)
        refs = sup_refs(first.raw(self.text))
        notes_all: list[str] = []
        source: str | None = None
        end = first.end
        j = i + 1
        while j < len(self.chunks) and source is None:
            c = self.chunks[j]
            if c.kind == first.kind:
                more = rows_of(c, self.vocab)
                repeated = header is not None and bool(more) and more[0].cells == header.cells
                headless = bool(more) and not is_header(more[0]) and max(len(r.cells) for r in more) == ncols
                if not (repeated or headless):
                    break
                rows += more
                refs |= sup_refs(c.raw(self.text))
                end = c.end
                j += 1
                continue
            got, k = self._notes_after(j, refs)
            if k == j:
                break
            notes_all += got.notes
            source = got.source
            end = got.end
            j = k

        named = caption_chunk is not None
        inherited = caption is None and self.since_heading > 0
        if caption is None:
            caption = self._inherited_caption()
        parts = split_parts(rows)
        parsed = parse_caption(caption) if named and caption else None
        base_title = parsed[3] if parsed else caption
        tables: list[Table] = []
        texts: list[tuple[str, Span]] = []
        for n, part in enumerate(parts):
            columns, trows = build_rows(part)
            title = base_title
            if (len(parts) > 1 or inherited) and columns and columns[0]:
                title = columns[0]  # a sub-table is named by its first header cell
            p_start = part.first_line.start if n else (caption_start if caption_start is not None else first.start)
            p_end = end if n == len(parts) - 1 else part.last_line.start + len(part.last_line.text.rstrip())
            span = Span(start=p_start, end=p_end)
            t = self.b.table(
                span, number=parsed[1] if parsed else None, caption=caption, title=title, columns=columns,
                rows=trows, notes=notes_all, source=source, style="tab" if first.kind == "tabs" else "text",
            )
            tables.append(t)
            head = caption if len(parts) == 1 or not title or title == caption else f"{caption} – {title}"
            texts.append((linearise(head, columns, trows, notes_all, source), span))
        if named and caption_chunk is not None and tables:
            cap_span = Span(start=caption_chunk.start, end=caption_chunk.end)
            fig = self.b.figure(caption, Span(start=caption_chunk.start, end=end), notes=notes_all,
                                source=source, table_id=tables[0].id)
            self.block("caption", caption, span=cap_span, figure_id=fig.id if fig else None)
        for t, (text, span) in zip(tables, texts, strict=True):
            self.block("table", text, span=span, table_id=t.id)
        self.last_table = tables[-1] if tables else self.last_table
        self.since_table = 0
        return j

    def _inherited_caption(self) -> str | None:
        """No caption line: the heading right above, or the caption of the table just before."""
        sec = self.b.current
        if self.since_heading == 0 and sec is not None:
            return sec.title
        if self.since_table == 0 and self.last_table is not None:
            return self.last_table.caption
        return None


def merge_continuations(chunks: list[Chunk], text: str) -> list[Chunk]:
    """Join a paragraph (or list item) cut by a page break: the piece after the page-bottom
    footnotes starts in lower case and the piece before has no closing punctuation."""
    out: list[Chunk] = []
    for c in chunks:
        if c.kind == "para" and not c.tag and c.text is None:
            raw = c.raw(text)
            if starts_lower(inline(raw)) and not footnote_number(raw):
                k = len(out) - 1
                while k >= 0 and (out[k].kind == "rule" or _is_footnote(out[k], text)):
                    k -= 1
                if k >= 0 and _open_ended(out[k], text):
                    prev = out[k]
                    if prev.kind == "list":
                        prev.items[-1][1].extend(c.lines)
                        prev.lines.extend(c.lines)
                    else:
                        prev.parts.append(c)
                    continue
        out.append(c)
    return out


def _is_footnote(c: Chunk, text: str) -> bool:
    return c.kind == "para" and footnote_number(c.raw(text)) is not None


def _open_ended(c: Chunk, text: str) -> bool:
    if c.tag or c.text is not None:
        return False
    if c.kind == "list":
        last = c.items[-1][1][-1].text if c.items else ""
        return bool(last.strip()) and not terminated(inline(last))
    if c.kind != "para":
        return False
    raw = c.raw(text)
    first = c.lines[0].text
    if caption_text(raw) or is_source(first) or is_note(first) or bold_line(raw.strip()):
        return False
    return not terminated(inline(raw))


def _number_lines(c: Chunk) -> bool:
    """Three or more lines, each ending in a markdown hard break (but the last), each opening with a number."""
    if len(c.lines) < 3 or c.parts:
        return False
    if not all(ln.text.endswith("  ") or ln.text.endswith("\\") for ln in c.lines[:-1]):
        return False
    return all(inline(ln.text)[:1].isdigit() for ln in c.lines)
