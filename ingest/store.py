"""The document store: one JSON Lines file per document, written atomically."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

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


class DocumentStore:
    def __init__(self, data: Path):
        self.data = Path(data)
        self.docs = docs_dir(self.data)
        self.sources = sources_dir(self.data)

    def path(self, doc_id: str) -> Path:
        return self.docs / f"{doc_id}.jsonl"

    def source_path(self, doc_id: str) -> Path:
        return self.sources / f"{doc_id}.txt"

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
        write_file(self.source_path(doc.meta.id), source_text)
        write_file(self.path(doc.meta.id), "\n".join(lines) + "\n")

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
        for p in (self.path(doc_id), self.source_path(doc_id)):
            if p.exists():
                p.unlink()
