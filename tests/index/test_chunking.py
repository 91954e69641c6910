"""Chunks from the stored corpus: section-bound, size-bound, exact spans, table rows with headers."""

from __future__ import annotations

import re

import pytest

from core.records import Document, DocumentMeta, PageCertainty, PageRef
from index.chunking import ChunkSettings, chunk_document, embed_text, figure_text, merge_pages


@pytest.fixture(scope="module")
def chunked(store):
    """doc id -> (document, source, chunks)."""
    out = {}
    for doc in store:
        src = store.source(doc.meta.id)
        out[doc.meta.id] = (doc, src, chunk_document(doc, src))
    return out


def test_every_document_gives_chunks_with_ordered_unique_ids(chunked):
    assert len(chunked) == 5
    for doc_id, (_, _, chunks) in chunked.items():
        assert chunks, doc_id
        ids = [c.id for c in chunks]
        assert len(set(ids)) == len(ids)
        assert ids == sorted(ids)
        assert all(i.startswith(f"{doc_id}:c") for i in ids)


def test_text_chunks_stay_in_one_section_and_under_the_word_limit(chunked):
    limit = ChunkSettings().max_words
    for doc, _, chunks in chunked.values():
        section_of = {b.id: b.section_id for b in doc.blocks}
        for c in chunks:
            if c.block_ids:
                assert len({section_of[b] for b in c.block_ids}) == 1, c.id
                assert len(c.text.split()) <= limit, c.id


def test_text_chunk_spans_cover_their_text(chunked):
    """The source at a chunk's span holds the chunk's words (markup and OCR damage aside)."""
    for doc, src, chunks in chunked.values():
        text_chunks = [c for c in chunks if c.block_ids and doc.meta.id != "imdi-arsrapport-2024"]
        for c in text_chunks:
            quote = src[c.span.start:c.span.end].lower()
            words = re.findall(r"[a-zæøå]{6,}", c.text.lower())
            if not words:
                continue
            found = sum(w in quote for w in words)
            assert found / len(words) > 0.8, (c.id, c.text[:80], quote[:80])


def test_pages_merge_honestly():
    assert merge_pages([PageRef.exact(13), PageRef.exact(13)]) == PageRef.exact(13)
    r = merge_pages([PageRef.exact(13), PageRef.estimated(14)])
    assert (r.certainty, r.first, r.last) == (PageCertainty.range, 13, 14)
    assert merge_pages([PageRef.estimated(5), PageRef.exact(5)]).certainty == PageCertainty.estimated
    assert merge_pages([PageRef.unknown()]).certainty == PageCertainty.unknown
    assert merge_pages([PageRef.unknown(), PageRef.exact(7)]) == PageRef.exact(7)
    assert merge_pages([PageRef.span_of(22, 37), PageRef.exact(40)]).label() == "s. 22–40"


def test_table_rows_carry_their_column_headers(chunked):
    checked = 0
    for doc, _, chunks in chunked.values():
        tables = {t.id: t for t in doc.tables}
        for c in chunks:
            if not c.rows:
                continue
            t = tables[c.table_id]
            lines = c.text.split("\n")
            assert len(c.row_spans) == len(c.rows)
            for line, row_i, span in zip(lines[1:], c.rows, c.row_spans, strict=False):
                row = t.rows[row_i]
                assert line.startswith(row.label.strip()) or not row.label.strip()
                for j, cell in enumerate(row.cells):
                    head = t.columns[j + 1].strip() if j + 1 < len(t.columns) else ""
                    if cell.text.strip() and head:
                        assert f"{head}: {cell.text.strip()}" in line
                        checked += 1
                assert t.span.start <= span.start < span.end <= t.span.end
    assert checked > 100


def test_the_sp13_row_reads_like_a_sentence(chunked):
    _, src, chunks = chunked["imdi-arsrapport-2020"]
    rows = [(c, line) for c in chunks if c.rows for line in c.text.split("\n")[1:]
            if "bosatt innen 6 måneder" in line and line.startswith("SP13:")]
    assert rows, "the SP13 six-month row is not a table chunk line"
    c, line = rows[0]
    assert "Resultat 2020: 49 %" in line and "Krav 2020: 90 %" in line
    i = c.text.split("\n")[1:].index(line)
    assert "49 %" in src[c.row_spans[i].start:c.row_spans[i].end]


def test_table_blocks_are_not_indexed_twice(chunked):
    for doc, _, chunks in chunked.values():
        with_rows = {t.id for t in doc.tables if t.rows}
        skipped = {b.id for b in doc.blocks if b.kind == "table" and b.table_id in with_rows}
        assert not skipped & {b for c in chunks for b in c.block_ids}


def test_figure_captions_are_chunks_in_both_numbering_styles(chunked):
    figs = [(f, c) for doc, _, chunks in chunked.values() for f in doc.figures
            for c in chunks if c.figure_ids == [f.id] and c.kinds == ["caption"]]
    assert figs
    for f, c in figs:
        assert c.section_path == f.section_path
        if "-" in f.number:
            assert f.number in c.text and f.number.replace("-", ".") in c.text
    assert figure_text(figs[0][0]).startswith(figs[0][0].kind.capitalize())


def test_ocr_chunks_index_the_raw_text_too(chunked):
    doc, _, chunks = chunked["imdi-arsrapport-2024"]
    repaired = [b for b in doc.blocks if b.raw]
    assert repaired
    raw_chunks = [c for c in chunks if any(b.id in c.block_ids for b in repaired)]
    assert all(len(c.index_text) > len(c.text) for c in raw_chunks)
    assert all(c.text in c.index_text for c in raw_chunks)
    assert embed_text(raw_chunks[0]).endswith(raw_chunks[0].text)


def test_a_document_without_sections_or_pages_still_chunks(corpus_texts):
    from ingest.formats.plain import parse

    text = corpus_texts["imdi-fou-2020"][:6000]
    parsed = parse(text, "tiny")
    meta = DocumentMeta(id="tiny", title="Tiny", source_file="tiny.txt", sha256="0", format="text")
    doc = Document(meta=meta, blocks=parsed.blocks, sections=[], tables=[], figures=[])
    chunks = chunk_document(doc, text, ChunkSettings(target_words=60, max_words=90))
    assert len(chunks) > 1
    assert all(c.page.certainty == PageCertainty.unknown for c in chunks)
    assert all(len(c.text.split()) <= 90 for c in chunks)
    for c in chunks:
        first = c.text.split()[0]
        assert first.strip("*#-") in text[c.span.start:c.span.end]
