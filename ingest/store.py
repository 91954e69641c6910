"""The document store: one JSON Lines file per document, written atomically, with a small summary beside it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from core.atomic import write_file
from core.config import docs_dir, sources_dir
from core.records import (
    Block,
    Document,
    DocumentMeta,
    Fact,
    NamedFigure,
    OcrRepairStats,
    Page,
    Section,
    Table,
)

_KINDS: dict[str, type] = {
    "page": Page,
    "section": Section,
    "block": Block,
    "table": Table,
    "figure": NamedFigure,
    "fact": Fact,
}
_FIELD = {"page": "pages", "section": "sections", "block": "blocks", "table": "tables",
          "figure": "figures", "fact": "facts"}
_FACT_LINE = '{"type": "fact"'  # how write() starts a fact's line: json.dumps puts "type" first


class DocumentDigest(BaseModel):
    """What listing a document needs (metadata, counts, page numbers), without its records."""

    meta: DocumentMeta
    pages: list[int]  # the page numbers in the evidence, in document order
    sections: int
    blocks: int
    tables: int
    figures: int
    facts: int
    records_bytes: int  # the size of the records file this describes: another size means it is stale

    @classmethod
    def of(cls, doc: Document, records_bytes: int) -> DocumentDigest:
        return cls(meta=doc.meta, pages=[p.number for p in doc.pages], sections=len(doc.sections),
                   blocks=len(doc.blocks), tables=len(doc.tables), figures=len(doc.figures), facts=len(doc.facts),
                   records_bytes=records_bytes)


class DocumentStore:
    def __init__(self, data: Path):
        self.data = Path(data)
        self.docs = docs_dir(self.data)
        self.sources = sources_dir(self.data)

    def path(self, doc_id: str) -> Path:
        return self.docs / f"{doc_id}.jsonl"

    def source_path(self, doc_id: str) -> Path:
        return self.sources / f"{doc_id}.txt"

    def digest_path(self, doc_id: str) -> Path:
        return self.docs / f"{doc_id}.digest.json"  # not *.jsonl: ids() lists records files only

    def ids(self) -> list[str]:
        if not self.docs.exists():
            return []
        return sorted(p.stem for p in self.docs.glob("*.jsonl"))

    def meta(self, doc_id: str) -> DocumentMeta:
        with self.path(doc_id).open(encoding="utf-8") as fh:
            first = json.loads(fh.readline())
        return DocumentMeta.model_validate(first["meta"])

    def write(self, doc: Document, source_text: str) -> None:
        """Source first, then the records: a document file always has its source.

        Records are serialised before anything is written, so a failure there
        leaves both old files in place rather than a new source under old records.
        """
        lines = [json.dumps({"type": "meta", "meta": doc.meta.model_dump(mode="json"),
                             "ocr": doc.ocr.model_dump(mode="json") if doc.ocr else None,
                             "warnings": doc.warnings}, ensure_ascii=False)]
        for kind, field in _FIELD.items():
            for rec in getattr(doc, field):
                lines.append(json.dumps({"type": kind, **rec.model_dump(mode="json")}, ensure_ascii=False))
        records = "\n".join(lines) + "\n"
        write_file(self.source_path(doc.meta.id), source_text)
        write_file(self.path(doc.meta.id), records)
        # last, so a digest is never newer than records it does not describe (see digest())
        digest = DocumentDigest.of(doc, len(records.encode("utf-8")))
        write_file(self.digest_path(doc.meta.id), digest.model_dump_json())

    def digest(self, doc_id: str) -> DocumentDigest | None:
        """The summary written beside the records, or None when there is none or it does not describe the
        records file now there (written before it, or for another size): the caller reads the document then."""
        try:
            records, digest_stat = os.stat(self.path(doc_id)), os.stat(self.digest_path(doc_id))
        except OSError:
            return None
        if digest_stat.st_mtime_ns < records.st_mtime_ns:
            return None
        try:
            digest = DocumentDigest.model_validate_json(self.digest_path(doc_id).read_bytes())
        except (OSError, ValueError):
            return None
        return digest if digest.records_bytes == records.st_size and digest.meta.id == doc_id else None

    def facts(self, doc_id: str) -> list[Fact]:
        """The document's facts, validating no other record."""
        with self.path(doc_id).open(encoding="utf-8") as fh:
            return [Fact.model_validate({k: v for k, v in json.loads(line).items() if k != "type"})
                    for line in fh if line.startswith(_FACT_LINE)]

    def read(self, doc_id: str) -> Document:
        fields: dict[str, list] = {f: [] for f in _FIELD.values()}
        head = None
        with self.path(doc_id).open(encoding="utf-8") as fh:
            for line in fh:
                obj = json.loads(line)
                kind = obj.pop("type")
                if kind == "meta":
                    head = obj
                else:
                    fields[_FIELD[kind]].append(_KINDS[kind].model_validate(obj))
        if head is None:
            raise ValueError(f"{self.path(doc_id)} has no meta line")
        return Document(
            meta=DocumentMeta.model_validate(head["meta"]),
            ocr=OcrRepairStats.model_validate(head["ocr"]) if head.get("ocr") else None,
            warnings=head.get("warnings", []),
            **fields,
        )

    def source(self, doc_id: str) -> str:
        return self.source_path(doc_id).read_text(encoding="utf-8")

    def __iter__(self) -> Iterator[Document]:
        for doc_id in self.ids():
            yield self.read(doc_id)

    def remove(self, doc_id: str) -> None:
        for p in (self.path(doc_id), self.source_path(doc_id), self.digest_path(doc_id)):
            if p.exists():
                p.unlink()
