"""A synthetic collection for scale measurements: new documents recombined from the sections of ingested ones
(the bundled reports and the outside news set), with every number that is not a year changed.

Each document is markdown: a title, then four to six sections drawn from different source documents, each
with at most eight of its blocks. So the parser, enrichment and chunker see realistic text, but no
document is a copy of another.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.store import DocumentStore

_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[  ]\d{3})+(?![\d])|(?<![\w.,])\d+(?:,\d+)?(?![\d])")
_YEAR = re.compile(r"^(19[5-9]\d|20[0-4]\d)$")


@dataclass(frozen=True)
class Section:
    doc_id: str
    title: str
    blocks: tuple[str, ...]


def sections_of(data: Path, max_blocks: int = 8) -> list[Section]:
    """Every section with text in a data folder's document store."""
    store = DocumentStore(data)
    out = []
    for doc_id in store.ids():
        doc = store.read(doc_id)
        by_section: dict[str, list[str]] = {}
        for b in doc.blocks:
            if b.section_id and b.text.strip():
                by_section.setdefault(b.section_id, []).append(b.text.strip())
        for s in doc.sections:
            blocks = by_section.get(s.id)
            if blocks and s.title.strip():
                out.append(Section(doc_id, s.title.strip(), tuple(blocks[:max_blocks])))
    return out


def change_numbers(text: str, rng: random.Random) -> str:
    """Scale each number that is not a year by 0.5–1.5, keeping its written form (spaces, decimal comma)."""

    def one(m: re.Match) -> str:
        raw = m.group(0)
        if _YEAR.match(raw):
            return raw
        digits = re.sub(r"\D", "", raw.split(",")[0])
        if not digits:
            return raw
        value = max(1, round(int(digits) * rng.uniform(0.5, 1.5)))
        whole = f"{value:,}".replace(",", " ") if re.search(r"\s", raw) else str(value)
        return whole + ("," + raw.split(",")[1] if "," in raw else "")

    return _NUMBER.sub(one, text)


def make_document(i: int, pool: list[Section], rng: random.Random) -> str:
    chosen: list[Section] = []
    for s in rng.sample(pool, k=min(len(pool), 12)):
        if all(s.doc_id != c.doc_id for c in chosen):
            chosen.append(s)
        if len(chosen) >= rng.randint(4, 6):
            break
    lines = [f"# Samlerapport {i:04d}: {chosen[0].title}", ""]
    for s in chosen:
        lines += [f"## {s.title}", ""]
        for b in s.blocks:
            lines += [change_numbers(b, rng), ""]
    return "\n".join(lines)


def write_collection(sources: list[Path], out: Path, n: int = 1000, seed: int = 17) -> list[Path]:
    """`n` markdown documents in `out` from the sections of the data folders `sources`."""
    rng = random.Random(seed)
    pool = [s for data in sources for s in sections_of(data)]
    if len(pool) < 12:
        raise ValueError(f"too few sections in {', '.join(map(str, sources))} to recombine")
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = out / f"samlerapport-{i:04d}.md"
        p.write_text(make_document(i, pool, rng), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--from", dest="sources", type=Path, nargs="+", required=True, help="ingested data folders")
    ap.add_argument("-n", type=int, default=1000)
    args = ap.parse_args()
    paths = write_collection(args.sources, args.out, args.n)
    print(f"{len(paths)} documents in {args.out}")


if __name__ == "__main__":
    main()
