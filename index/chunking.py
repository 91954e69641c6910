"""Cut a stored document into search chunks.

Three kinds of chunk, all tied to their section and to exact source spans:

* text: consecutive blocks of one section (never across a section boundary),
  about `target_words` long and at most `max_words`; an oversize block is cut at
  sentence ends and each piece is located in the source again;
* table: a few rows of a parsed `Table`, each row written with the column headers
  (`Resultat 2020: 49 %`) under the caption, so a question about one row finds it;
* caption: one per named table/figure, written with both numbering styles.

A "table" block is skipped when its `Table` has parsed rows (the rows say the same,
better); caption blocks of named figures give way to the figure's own chunk.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from core.records import Block, Chunk, Document, Entity, NamedFigure, PageCertainty, PageRef, Span, Table

_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[«\"(A-ZÆØÅ0-9•\-])")
_WORD = re.compile(r"\w+", re.UNICODE)
_GAP = r"(?:[\W_]|<[^>]{0,20}>)+"  # what may stand between two words in the source: spaces, markup, hyphens


@dataclass(frozen=True)
class ChunkSettings:
    target_words: int = 160
    max_words: int = 250
    min_words: int = 40  # a shorter tail joins the chunk before it (within max_words)
    rows_per_chunk: int = 4
    table_words: int = 90  # rows join a table chunk up to this many words (caption included); one row at least

    def as_dict(self) -> dict:
        return {"target_words": self.target_words, "max_words": self.max_words, "min_words": self.min_words,
                "rows_per_chunk": self.rows_per_chunk, "table_words": self.table_words}


@dataclass
class _Part:
    """A piece of chunk text before ids are assigned."""

    text: str
    span: Span
    page: PageRef
    kind: str
    block_id: str | None = None
    raw: str | None = None
    lang: str | None = None
    entities: tuple[Entity, ...] = ()

    @property
    def words(self) -> int:
        return len(self.text.split())


def merge_pages(refs: Iterable[PageRef]) -> PageRef:
    """Same page -> that page (exact only if every part is exact); else a first–last range.

    When every part has a page to turn to (exact, or an estimate with a bound), the chunk gets the
    first part's page, where the passage begins, and the widest bound of its parts.
    """
    refs = list(refs)
    merged = _hull(refs)
    known = [r for r in refs if r.certainty != PageCertainty.unknown or r.estimate is not None]
    if not known or all(r.certainty == PageCertainty.exact for r in known):
        return merged  # exact parts: their page, or the exact pages it runs over
    if all(r.turn_to is not None and (r.certainty == PageCertainty.exact or r.error is not None) for r in known):
        page = known[0].turn_to
        assert page is not None
        error = max(0 if r.certainty == PageCertainty.exact else (r.error or 0) for r in known)
        if merged.certainty == PageCertainty.unknown:
            return PageRef.unknown().with_estimate(page, error)
        return merged.with_estimate(page, error)
    return merged


def rows_page(table: Table, rows: list[int]) -> PageRef:
    """Where a group of a table's rows lies: from the rows' own pages where the evidence gives them (a long
    table runs over pages), else the table's."""
    refs = [table.row_page(i) for i in rows]
    return table.page if all(r is table.page for r in refs) else merge_pages(refs)


def _hull(refs: list[PageRef]) -> PageRef:
    """The evidence of all parts together: one page, or the range from the lowest to the highest."""
    # an estimate alone is not evidence of where the chunk lies: only pages and ranges the source gave
    known = [r for r in refs if r.certainty != PageCertainty.unknown and (r.estimate is None or r.first is not None)]
    if not known:
        return PageRef.unknown()
    lows = [r.first if r.first is not None else r.page for r in known]
    highs = [r.last if r.last is not None else r.page for r in known]
    if any(v is None for v in lows + highs):
        return known[0]
    first, last = min(lows), max(highs)  # type: ignore[type-var]
    if first == last:
        if all(r.certainty == PageCertainty.exact for r in known):
            return PageRef.exact(first)  # type: ignore[arg-type]
        return PageRef.estimated(first, first, last)  # type: ignore[arg-type]
    return PageRef(certainty=PageCertainty.range, first=first, last=last)


def union_span(spans: Iterable[Span]) -> Span:
    spans = list(spans)
    return Span(start=min(s.start for s in spans), end=max(s.end for s in spans))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def embed_text(chunk: Chunk) -> str:
    """What the dense model sees: the section path and the readable text (not the raw OCR)."""
    path = " > ".join(chunk.section_path)
    return f"{path}\n{chunk.text}" if path else chunk.text


def _split_sentences(text: str, target: int, limit: int) -> list[tuple[int, int]]:
    """(start, end) offsets in `text` of pieces of about `target` words, never above `limit`, cut at sentence ends."""
    cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]
    sentences: list[tuple[int, int, int]] = []  # start, end, words
    for a, b in zip(cuts, cuts[1:], strict=False):
        words = [m.span() for m in re.finditer(r"\S+", text[a:b])]
        while len(words) > limit:  # a "sentence" with no full stop (linearised table, list)
            sentences.append((a + words[0][0], a + words[target - 1][1], target))
            words = words[target:]
        if words:
            sentences.append((a + words[0][0], a + words[-1][1], len(words)))
    pieces: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    n = 0
    for a, b, w in sentences:
        if cur and (n >= target or n + w > limit):
            pieces.append(cur)
            cur, n = None, 0
        cur = (cur[0], b) if cur else (a, b)
        n += w
    if cur:
        pieces.append(cur)
    return pieces


def _locate(source: str, span: Span, piece: str, after: int) -> int | None:
    """Start offset of `piece` inside `source[after:span.end]`, matching its first words loosely."""
    words = _WORD.findall(piece)
    for n in (6, 3, 1):
        if len(words) < n and n > 1:
            continue
        pattern = _GAP.join(re.escape(w) for w in words[:n])
        m = re.compile(pattern, re.IGNORECASE).search(source, after, span.end)
        if m:
            return m.start()
    return None


def _block_parts(block: Block, source: str | None, settings: ChunkSettings) -> list[_Part]:
    base = _Part(block.text, block.span, block.page, block.kind, block.id, block.raw, block.lang,
                 tuple(block.entities))
    if base.words <= settings.max_words:
        return [base]
    pieces = _split_sentences(block.text, settings.target_words, settings.max_words)
    starts: list[int | None] = []
    after = block.span.start
    for a, b in pieces:
        pos = _locate(source, block.span, block.text[a:b], after) if source is not None else None
        starts.append(pos)
        if pos is not None:
            after = pos + 1
    parts = []
    for i, (a, b) in enumerate(pieces):
        start = block.span.start if i == 0 else starts[i]
        nxt = next((s for s in starts[i + 1:] if s is not None), None)
        if start is None:  # not found again in the source: cite the whole block
            span = block.span
        else:
            end = nxt if nxt is not None and nxt > start else block.span.end
            if source is not None:
                while end > start + 1 and source[end - 1].isspace():
                    end -= 1
            span = Span(start=start, end=end)
        ents = tuple(e.model_copy(update={"start": e.start - a, "end": e.end - a})
                     for e in block.entities if a <= e.start and e.end <= b)
        parts.append(_Part(block.text[a:b], span, block.page, block.kind, block.id, None if i else block.raw,
                           block.lang, ents))
    return parts


def _group(parts: list[_Part], settings: ChunkSettings) -> list[list[_Part]]:
    groups: list[list[_Part]] = []
    cur: list[_Part] = []
    n = 0
    for p in parts:
        if cur and (n >= settings.target_words or n + p.words > settings.max_words):
            groups.append(cur)
            cur, n = [], 0
        cur.append(p)
        n += p.words
    if cur:
        if groups and n < settings.min_words and sum(q.words for q in groups[-1]) + n <= settings.max_words:
            groups[-1].extend(cur)
        else:
            groups.append(cur)
    return groups


def _cell_line(table: Table, row_index: int) -> str:
    row = table.rows[row_index]
    headers = table.columns[1:] if table.columns else []
    cells = []
    for j, cell in enumerate(row.cells):
        value = cell.text.strip()
        if not value:
            continue
        head = headers[j].strip() if j < len(headers) else ""
        cells.append(f"{head}: {value}" if head else value)
    label = row.label.strip()
    return " | ".join([label, *cells]) if label else " | ".join(cells)


def table_caption(table: Table) -> str:
    """The caption line; a numbered table also gets its number in the other style ("3-1-1" / "3.1.1")."""
    if table.caption:
        caption = table.caption.strip()
    elif table.number:
        caption = f"Tabell {table.number} {table.title or ''}".strip()
    else:
        return (table.title or "Tabell").strip()
    if table.number and "-" in table.number:
        missing = [n for n in (table.number, table.number.replace("-", ".")) if n not in caption]
        if missing:
            caption += f" (tabell {missing[0]})"
    return caption


def figure_text(fig: NamedFigure) -> str:
    """'Figur 3-1-5 Title (figur 3.1.5)' so either numbering style matches; notes and source after."""
    kind = fig.kind.capitalize()
    dotted = fig.number.replace("-", ".")
    head = f"{kind} {fig.number} {fig.title}".strip()
    text = f"{head} ({fig.kind} {dotted})" if dotted != fig.number else head
    extra = [n.strip() for n in fig.notes if n.strip()]
    if fig.source:
        extra.append(fig.source.strip())
    return "\n".join([text, *extra])


class _DocChunker:
    def __init__(self, doc: Document, source: str | None, settings: ChunkSettings):
        self.doc, self.source, self.settings = doc, source, settings
        self.sections = {s.id: s for s in doc.sections}
        self.tables_with_rows = {t.id for t in doc.tables if t.rows}
        self.figure_ids = {f.id for f in doc.figures}
        self.figures_by_table: dict[str, list[str]] = {}
        for f in doc.figures:
            if f.table_id:
                self.figures_by_table.setdefault(f.table_id, []).append(f.id)
        self.drafts: list[dict] = []
        meta = doc.meta
        # the document's own name and year are context for every chunk ("... i 2020" in the 2020 report)
        year = "" if meta.year is None or str(meta.year) in meta.title else f" {meta.year}"
        self.doc_label = meta.title + year

    def _section_lang(self, section_id: str | None) -> str | None:
        sec = self.sections.get(section_id or "")
        return (sec.lang if sec else None) or self.doc.meta.lang

    def _add(self, *, text: str, span: Span, page: PageRef, section_path: list[str], kinds: list[str],
             lang: str | None, block_ids: list[str] | None = None, raw: list[str] | None = None,
             table_id: str | None = None, figure_ids: list[str] | None = None,
             entities: list[Entity] | None = None, rows: list[int] | None = None,
             row_spans: list[Span] | None = None) -> None:
        path = " > ".join(section_path)
        index_text = "\n".join(x for x in (self.doc_label, path, text) if x)
        if raw:
            index_text += "\n" + "\n".join(raw)
        self.drafts.append(dict(
            doc_id=self.doc.meta.id, title=self.doc.meta.title, year=self.doc.meta.year,
            doc_type=self.doc.meta.doc_type, lang=lang, section_path=list(section_path), page=page, span=span,
            block_ids=block_ids or [], kinds=kinds, text=text, index_text=index_text, table_id=table_id,
            figure_ids=figure_ids or [], entities=entities or [], rows=rows or [], row_spans=row_spans or [],
        ))

    def text_chunks(self) -> None:
        run: list[Block] = []
        for b in self.doc.blocks:
            if b.kind == "table" and b.table_id in self.tables_with_rows:
                continue
            if b.kind == "caption" and b.figure_id in self.figure_ids:
                continue
            if run and b.section_id != run[-1].section_id:
                self._flush(run)
                run = []
            run.append(b)
        if run:
            self._flush(run)

    def _flush(self, blocks: list[Block]) -> None:
        parts = [p for b in blocks for p in _block_parts(b, self.source, self.settings)]
        section_path = blocks[0].section_path
        for group in _group(parts, self.settings):
            text = ""
            entities: list[Entity] = []
            for p in group:
                if text:
                    text += "\n\n"
                entities += [e.model_copy(update={"start": e.start + len(text), "end": e.end + len(text)})
                             for e in p.entities]
                text += p.text
            langs = Counter(p.lang for p in group if p.lang)
            table_ids = [b.table_id for b in blocks if b.table_id and any(p.block_id == b.id for p in group)]
            self._add(
                text=text, span=union_span(p.span for p in group), page=merge_pages(p.page for p in group),
                section_path=section_path, kinds=sorted({p.kind for p in group}),
                lang=langs.most_common(1)[0][0] if langs else self._section_lang(blocks[0].section_id),
                block_ids=list(dict.fromkeys(p.block_id for p in group if p.block_id)),
                raw=[p.raw for p in group if p.raw], table_id=table_ids[0] if table_ids else None,
                entities=entities,
            )

    def table_chunks(self) -> None:
        for t in self.doc.tables:
            if not t.rows:
                continue
            caption = table_caption(t)
            cap_words = len(caption.split())
            lines = [(i, _cell_line(t, i), t.rows[i].span or t.span) for i in range(len(t.rows))]
            groups: list[list[tuple[int, str, Span]]] = []
            cur: list[tuple[int, str, Span]] = []
            n = cap_words
            for i, line, span in lines:
                if not line.strip():
                    continue
                w = len(line.split())
                if cur and (len(cur) >= self.settings.rows_per_chunk or n + w > self.settings.table_words):
                    groups.append(cur)
                    cur, n = [], cap_words
                cur.append((i, line, span))
                n += w
            if cur:
                groups.append(cur)
            tail = [x.strip() for x in [*t.notes, t.source or ""] if x and x.strip()]
            for gi, group in enumerate(groups):
                body = [line for _, line, _ in group]
                if gi == len(groups) - 1:
                    body += tail
                self._add(
                    text="\n".join([caption, *body]), span=union_span(s for _, _, s in group),
                    page=rows_page(t, [i for i, _, _ in group]),
                    section_path=t.section_path, kinds=["table"], lang=self._section_lang(t.section_id),
                    table_id=t.id, figure_ids=self.figures_by_table.get(t.id, []),
                    rows=[i for i, _, _ in group], row_spans=[s for _, _, s in group],
                )

    def figure_chunks(self) -> None:
        for f in self.doc.figures:
            if f.table_id in self.tables_with_rows:
                continue  # its caption heads every row chunk of that table already
            self._add(
                text=figure_text(f), span=f.span, page=f.page, section_path=f.section_path, kinds=["caption"],
                lang=self._section_lang(f.section_id), table_id=f.table_id, figure_ids=[f.id],
            )

    def chunks(self) -> list[Chunk]:
        self.text_chunks()
        self.table_chunks()
        self.figure_chunks()
        self.drafts.sort(key=lambda d: (d["span"].start, d["span"].end))
        return [Chunk(id=f"{self.doc.meta.id}:c{i:05d}", **d) for i, d in enumerate(self.drafts)]


def chunk_document(doc: Document, source: str | None = None, settings: ChunkSettings | None = None) -> list[Chunk]:
    """All chunks of one document, in source order, with ids `<doc_id>:c00000`…"""
    return _DocChunker(doc, source, settings or ChunkSettings()).chunks()
