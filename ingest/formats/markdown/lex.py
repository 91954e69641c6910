"""Split a markdown-ish export into blank-line separated chunks with exact source offsets.

Hand-written rather than markdown-it: the exports put tab-separated tables, `---\t---`
rules under tab rows (which CommonMark reads as setext headings) and `<p>` cells (which
it reads as HTML blocks) in places a CommonMark parser would swallow, and every record
needs character offsets, not just line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
RULE = re.compile(r"^ {0,3}(?:-{3,}|\*{3,}|_{3,}|={3,})[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,2}[.)])[ \t]+(?=\S)")
PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
PIPE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BLANK = re.compile(r"^[\s\u00a0\u202f\u200b]*$")


@dataclass
class Line:
    start: int  # offset of the first character of the line
    end: int  # offset after the last character (newline excluded)
    text: str


@dataclass
class Chunk:
    """A run of lines: heading, para, list, tabs (tab table), pipe (pipe table), rule or code."""

    kind: str
    lines: list[Line]
    level: int = 0  # markdown heading level
    items: list[tuple[int, list[Line]]] = field(default_factory=list)  # list: (indent, lines)
    parts: list[Chunk] = field(default_factory=list)  # paragraphs joined across a page break
    tag: str = ""  # set by later passes: "skip" (TOC), "keynum", ...
    text: str | None = None  # cleaned text fixed by a later pass (key numbers joined with their labels)

    @property
    def start(self) -> int:
        first = self.lines[0]
        return first.start + (len(first.text) - len(first.text.lstrip()))

    @property
    def end(self) -> int:
        last = (self.parts[-1] if self.parts else self).lines[-1]
        return last.start + len(last.text.rstrip())

    def raw(self, source: str) -> str:
        """The chunk's source text; joined parts are separated by a newline."""
        if not self.parts:
            return source[self.start:self.end]
        own = source[self.start:self.lines[-1].start + len(self.lines[-1].text.rstrip())]
        return "\n".join([own, *(p.raw(source) for p in self.parts)])

    @property
    def heading_text(self) -> str:
        m = ATX.match(self.lines[0].text)
        return m.group(2) if m else self.lines[0].text.strip()


def split_lines(text: str) -> list[Line]:
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append(Line(pos, pos + len(body), body))
        pos += len(raw)
    return out


def lex(text: str) -> list[Chunk]:
    """Chunks in source order. Blank lines (also lines of only spaces) separate chunks."""
    chunks: list[Chunk] = []
    cur: Chunk | None = None
    fence: str | None = None

    def flush() -> None:
        nonlocal cur
        if cur is not None and cur.lines:
            chunks.append(cur)
        cur = None

    for line in split_lines(text):
        t = line.text
        if fence is not None:
            assert cur is not None
            cur.lines.append(line)
            if t.strip().startswith(fence):
                fence = None
                flush()
            continue
        if _BLANK.match(t):
            flush()
            continue
        fm = FENCE.match(t)
        if fm:
            flush()
            fence = fm.group(1)[:3]
            cur = Chunk("code", [line])
            continue
        hm = ATX.match(t)
        if hm and "\t" not in t:
            flush()
            chunks.append(Chunk("heading", [line], level=len(hm.group(1))))
            continue
        if "\t" in t:
            if cur is None or cur.kind != "tabs":
                flush()
                cur = Chunk("tabs", [])
            cur.lines.append(line)
            continue
        if SETEXT.match(t) and cur is not None and cur.kind == "para" and len(cur.lines) == 1:
            # `Title` underlined with === or --- (only a single plain line, never a tab row)
            cur.lines.append(line)
            cur.kind = "heading"
            cur.level = 1 if t.strip().startswith("=") else 2
            flush()
            continue
        if RULE.match(t):
            flush()
            chunks.append(Chunk("rule", [line]))
            continue
        if PIPE_ROW.match(t):
            if cur is None or cur.kind != "pipe":
                flush()
                cur = Chunk("pipe", [])
            cur.lines.append(line)
            continue
        lm = LIST_ITEM.match(t)
        if lm:
            if cur is None or cur.kind != "list":
                flush()
                cur = Chunk("list", [])
            cur.lines.append(line)
            indent = len(lm.group("indent").replace("\t", "    "))
            cur.items.append((indent, [line]))
            continue
        if cur is not None and cur.kind == "list":
            cur.lines.append(line)  # lazy continuation of the last item
            cur.items[-1][1].append(line)
            continue
        if cur is None or cur.kind != "para":
            flush()
            cur = Chunk("para", [])
        cur.lines.append(line)
    flush()
    return [_demote_bad_pipe(c) for c in chunks]


def _demote_bad_pipe(chunk: Chunk) -> Chunk:
    """A pipe table needs its `|---|` separator as the second line; otherwise it is a paragraph."""
    if chunk.kind == "pipe" and not (len(chunk.lines) >= 2 and PIPE_SEP.match(chunk.lines[1].text)):
        chunk.kind = "para"
    return chunk


def list_marker_end(line: str) -> int:
    m = LIST_ITEM.match(line)
    return m.end() if m else 0
