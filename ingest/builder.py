"""Shared builder the format parsers use: ids, the section stack, page assignment."""

from __future__ import annotations

from core.records import (
    Block,
    BlockKind,
    NamedFigure,
    OcrRepairStats,
    PageCertainty,
    PageRef,
    ParsedDocument,
    Section,
    Span,
    Table,
)
from ingest.pages import PageMap
from text.captions import parse_caption


class DocBuilder:
    """Collects sections, blocks, tables and figures in reading order.

    A parser calls `heading`, `block`, `table`, `figure` as it walks the
    source; each record gets its id and the current section path. `finish`
    fills in pages from a `PageMap` for every record the parser left unknown.
    """

    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        self.sections: list[Section] = []
        self.blocks: list[Block] = []
        self.tables: list[Table] = []
        self.figures: list[NamedFigure] = []
        self.warnings: list[str] = []
        self._stack: list[Section] = []

    # -- sections --------------------------------------------------------
    @property
    def current(self) -> Section | None:
        return self._stack[-1] if self._stack else None

    @property
    def path(self) -> list[str]:
        return list(self.current.path) if self.current else []

    def heading(self, title: str, level: int, span: Span, number: str | None = None,
                page: PageRef | None = None) -> Section:
        while self._stack and self._stack[-1].level >= level:
            self._stack.pop()
        label = f"{number} {title}".strip() if number else title
        parent = self.current
        sec = Section(
            id=f"{self.doc_id}:s{len(self.sections):04d}",
            doc_id=self.doc_id,
            number=number,
            title=title,
            level=level,
            path=(parent.path if parent else []) + [label],
            parent_id=parent.id if parent else None,
            span=span,
            page=page or PageRef.unknown(),
        )
        self.sections.append(sec)
        self._stack.append(sec)
        return sec

    def enter(self, section: Section) -> None:
        """Make an existing section current again (a chapter's divider page and its body are one section)."""
        by_id = {s.id: s for s in self.sections}
        chain: list[Section] = []
        node: Section | None = section
        while node is not None:
            chain.append(node)
            node = by_id.get(node.parent_id) if node.parent_id else None
        self._stack = chain[::-1]

    # -- blocks ----------------------------------------------------------
    def block(self, kind: BlockKind, text: str, span: Span, raw: str | None = None,
              page: PageRef | None = None, table_id: str | None = None,
              figure_id: str | None = None) -> Block | None:
        text = text.strip()
        if not text:
            return None
        sec = self.current
        b = Block(
            id=f"{self.doc_id}:b{len(self.blocks):05d}",
            doc_id=self.doc_id,
            kind=kind,
            text=text,
            raw=raw if raw is not None and raw != text else None,
            section_id=sec.id if sec else None,
            section_path=self.path,
            page=page or PageRef.unknown(),
            span=span,
            table_id=table_id,
            figure_id=figure_id,
        )
        self.blocks.append(b)
        return b

    def table(self, span: Span, **fields) -> Table:
        sec = self.current
        t = Table(
            id=f"{self.doc_id}:t{len(self.tables):03d}",
            doc_id=self.doc_id,
            section_id=sec.id if sec else None,
            section_path=self.path,
            span=span,
            **fields,
        )
        self.tables.append(t)
        return t

    def figure(self, caption: str, span: Span, notes: list[str] | None = None,
               source: str | None = None, table_id: str | None = None) -> NamedFigure | None:
        parsed = parse_caption(caption)
        if parsed is None:
            return None
        kind, number, label, title = parsed
        sec = self.current
        f = NamedFigure(
            id=f"{self.doc_id}:f{len(self.figures):03d}",
            doc_id=self.doc_id,
            kind=kind,  # type: ignore[arg-type]
            number=number,
            label=label,
            title=title,
            notes=notes or [],
            source=source,
            table_id=table_id,
            section_id=sec.id if sec else None,
            section_path=self.path,
            span=span,
        )
        self.figures.append(f)
        return f

    # -- result ----------------------------------------------------------
    def finish(self, pages: PageMap | None = None, source: str | None = None,
               ocr: OcrRepairStats | None = None) -> ParsedDocument:
        if pages is not None:
            for rec in [*self.sections, *self.blocks, *self.tables, *self.figures]:
                if rec.page.certainty == PageCertainty.unknown:
                    rec.page = pages.for_span(rec.span)
            for row in (r for t in self.tables for r in t.rows):
                if row.span is not None and row.page.certainty == PageCertainty.unknown:
                    row.page = pages.for_span(row.span)
            for t in self.tables:
                for f in self.figures:
                    if f.table_id == t.id and f.page.certainty == PageCertainty.unknown:
                        f.page = t.page
        return ParsedDocument(
            pages=pages.pages(source) if pages is not None else [],
            numbering_starts=list(pages.restarts) if pages is not None else [],
            page_starts=pages.page_starts(source) if pages is not None and source is not None and pages.restarts
            else [],
            sections=self.sections,
            blocks=self.blocks,
            tables=self.tables,
            figures=self.figures,
            ocr=ocr,
            warnings=self.warnings,
        )
