"""Sections, paragraphs, lists and tables of one letter of the bundle."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.records import Span, TableRow
from ingest.builder import DocBuilder
from ingest.formats.letter import text as lt
from ingest.formats.letter.lines import BodyLine, Line, body_lines
from ingest.formats.letter.parts import CALENDAR, INSTRUCTION, MAIN, STATISTICS, Part
from ingest.formats.letter.tables import (
    Row,
    SpaceTable,
    is_table_start,
    linearise,
    read_calendar,
    read_space_table,
    read_xgrid,
)

_MAIN_LETTER = re.compile(r"\bTildelingsbrevet for (\d{4})\b")
OWN_PAGES = "sidetall gjelder dette brevet"
OWN_PAGES_ATTACHMENT = "sidetall gjelder dette vedlegget"

_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?P<dot>\.?)\s+(?P<title>[A-ZÆØÅ«\"].{1,150})$")
_GOAL_WORD = re.compile(r"^VIRKSOMHETSSPESIFIKT(?:\s+(?P<rest>MÅL\s+\d+:.*))?$")
_GOAL = re.compile(r"^MÅL\s+(?P<no>\d+):\s*(?P<title>.*)$")
_SP_ONLY = re.compile(r"^STYRINGSPARAMETER:$")
_SP = re.compile(r"^(?:STYRINGSPARAMETER:\s*)?(?P<id>SP\d+):\s*(?P<title>\S.*)$")
_ASSIGNMENT = re.compile(r"^Oppdrag nr\.?\s*\d{4}\s*[-–]\s*\d{2,3}:?\s+\S")
_SUB_ASSIGNMENT = re.compile(r"^(?:Deloppdrag \d+:?\s+\S.*|Del \d+)$")
_PART_NO = re.compile(r"^Del \d+$")
_KAP = re.compile(r"^Kap\. (?P<no>\d{3}) (?P<title>[A-ZÆØÅ].*[^.:])$")
_SIGNATURE = re.compile(r"^(?:Med hilsen|.+\(e\.f\.\))$")
_AFTER_SIGNATURE = re.compile(r"^(?:Dokumentet er elektronisk|Kopi\b)")


@dataclass
class _Pending:
    """The paragraph or list being collected."""

    kind: str  # "paragraph" or "list"
    items: list[list[tuple[str, Line]]]  # (separator, line) per item; a paragraph has one item
    intro: list[tuple[str, Line]] = field(default_factory=list)  # the sentence a list hangs on
    bare_label: bool = False  # only a label so far ("Resultatkrav:"), its content comes next
    labelled: bool = False  # opened by a sub-label
    numbered: bool = False  # list items are `1.`, `2.` …

    @property
    def start(self) -> int:
        first = self.intro or self.items[0]
        return first[0][1].cstart

    @property
    def end(self) -> int:
        return self.items[-1][-1][1].cend

    @property
    def last(self) -> Line:
        return self.items[-1][-1][1]

    def text(self) -> str:
        if self.kind == "paragraph":
            return lt.render(self.items[0])
        rows = [lt.render(self.intro)] if self.intro else []
        rows += [lt.render(item) for item in self.items]
        return "\n".join(rows)

    def lead_like(self, short: int) -> bool:
        """A short line (or two) without a full stop: a run-in heading (`Regionreform`, `Post 01 Driftsutgifter`)."""
        if self.kind != "paragraph" or self.labelled or len(self.items[0]) > 2 or len(self.last.text) >= short:
            return False
        t = lt.render(self.items[0])
        return len(t) <= 100 and t[:1].isupper() and not re.search(r"[.,;:!?]$", t) \
            and not lt.ends_with_function_word(t) and t.count("(") == t.count(")")


class LetterBody:
    """Walk the kept lines of one part and feed the builder."""

    def __init__(self, b: DocBuilder, lines: list[Line], part: Part):
        self.b = b
        self.part = part
        self.bl = body_lines(lines, part.first, part.last)
        widths = sorted(len(x.text) for x in self.bl) or [80]
        width = widths[int(0.9 * (len(widths) - 1))]
        self.short = int(0.8 * width)  # a line ending this early ends its paragraph
        self.tiny = int(0.6 * width)  # a line this short is a title or list entry, not wrapped prose
        self.cur: _Pending | None = None
        self.nums: list[int] = []
        self.num_level = 1
        self.goal_open = False
        self.assignment_level: int | None = None
        self.group_open = False
        self.kap: str | None = None
        self.kap_title: str | None = None
        self.kap_fresh = False  # nothing emitted since the Kap heading
        self.list_next: int | None = None

    # -- driver ------------------------------------------------------------------------
    def run(self) -> None:
        if not self.bl:
            return
        i = self._part_title()
        if self.part.kind == STATISTICS:
            i = self._xgrid(i)
        elif self.part.kind == CALENDAR:
            i = self._calendar(i)
        while i < len(self.bl):
            i = self._step(i)
        self._flush()

    def _step(self, i: int) -> int:
        bl = self.bl[i]
        t = bl.text
        if bl.footnote:
            return self._footnote(i)
        if is_table_start(self.bl, i):
            j = self._table(i)
            if j is not None:
                return j
        j = self._heading(i)
        if j is not None:
            return j
        if _SIGNATURE.match(t) and (t == "Med hilsen" or i + 1 < len(self.bl)):
            return self._signature(i)
        self._line(bl)
        return i + 1

    # -- part titles -------------------------------------------------------------------
    def _part_title(self) -> int:
        p = self.part
        first = self.bl[0].line
        if p.kind == MAIN:
            return self._main_title()
        if p.kind == INSTRUCTION:
            j = 0
            while j < len(self.bl) and j < 6 and not _NUMBERED.match(self.bl[j].text):
                j += 1
            title = lt.render([(" ", x.line) for x in self.bl[:j]])
            self.b.heading(f"Vedlegg 1: {title} ({OWN_PAGES_ATTACHMENT})", 1, self._span(0, j))
            return j
        if p.kind == STATISTICS:
            self.b.heading(f"Vedlegg 2: {self.bl[0].text} ({OWN_PAGES_ATTACHMENT})", 1, self._span(0, 1))
            return 1
        if p.kind == CALENDAR:
            self.b.heading(f"Vedlegg {p.number}: {self.bl[1].text} ({OWN_PAGES_ATTACHMENT})", 1, self._span(0, 2))
            return 2
        # a tillegg letter
        dated = f"brev datert {p.meta.date}; " if p.meta.date else ""
        if p.title_line is None:
            title = f"Tillegg nr. {p.number} til tildelingsbrev for 2020 (tittellinjen mangler i kilden; " \
                    f"{dated}{OWN_PAGES})"
            self.b.heading(title, 1, Span(start=first.cstart, end=first.cstart))
            return 0
        j = next((k for k, x in enumerate(self.bl) if x.line.no == p.title_line), 0)
        k = j + 1
        while k < len(self.bl) and not self.bl[k].para and k - j < 3 and \
                (len(self.bl[k].text) < 20 or self.bl[k].text[:1].islower()):
            k += 1
        title = lt.render([(" ", x.line) for x in self.bl[j:k]])
        self.b.heading(f"{title} ({dated}{OWN_PAGES})", 1, self._span(j, k))
        return k

    def _main_title(self) -> int:
        """The bundle's main letter starts at `1. Innledning` (cover and contents were not exported): name it
        from its first sentence. Another letter-shaped file gets its first line as title when that is short."""
        first = self.bl[0]
        opening = " ".join(x.text for x in self.bl[:12])
        if m := _MAIN_LETTER.search(opening):
            title = f"Tildelingsbrev {m.group(1)}" + (" til IMDi" if "IMDi" in opening else "")
            self.b.heading(title, 1, Span(start=first.line.cstart, end=first.line.cstart))
            return 0
        if len(first.text) <= 100 and not _NUMBERED.match(first.text) and not lt.ends_sentence(first.text):
            self.b.heading(first.text, 1, self._span(0, 1))
            return 1
        self.b.heading("Brev", 1, Span(start=first.line.cstart, end=first.line.cstart))
        return 0

    def _span(self, a: int, b: int) -> Span:
        return Span(start=self.bl[a].line.cstart, end=self.bl[b - 1].line.cend)

    # -- headings ----------------------------------------------------------------------
    def _heading(self, i: int) -> int | None:
        t = self.bl[i].text
        if m := _NUMBERED.match(t):
            return self._numbered(i, m)
        if _GOAL_WORD.match(t):
            return self._goal(i)
        if _SP_ONLY.match(t) and i + 1 < len(self.bl) and _SP.match(self.bl[i + 1].text):
            return self._structured(i, i + 1, "Styringsparameter ")
        if _SP.match(t):
            return self._structured(i, i, "Styringsparameter ")
        if _ASSIGNMENT.match(t):
            return self._structured(i, i, "")
        if _SUB_ASSIGNMENT.match(t):
            return self._sub_assignment(i)
        if (m := _KAP.match(t)) and (self.cur is None or self.bl[i].para or lt.ends_sentence(self.cur.last.text)):
            return self._kap(i, m)
        return None

    def _numbered(self, i: int, m: re.Match[str]) -> int | None:
        nums = [int(x) for x in m.group("num").split(".")]
        if len(nums) == 1 and not m.group("dot"):
            return None
        if len(nums) == 1 and self.list_next is not None and nums[0] == self.list_next:
            self.list_next += 1
            return None  # the next item of a numbered list
        if not self._valid(nums):
            if nums == [1]:
                self.list_next = 2
            return None
        j = i + 1
        title = m.group("title")
        while j < len(self.bl) and not self.bl[j].para and j - i < 3:
            nxt = self.bl[j].text
            if not (nxt[:1].islower() or (lt.ends_with_function_word(title) and len(nxt) < 40)):
                break
            title = f"{title} {nxt}"
            j += 1
        self._flush()
        self.nums = nums
        self.num_level = len(nums) + 1
        self._reset_below_numbered()
        title = re.sub(r"\s+", " ", title).strip()
        self.b.heading(title, self.num_level, self._span(i, j), number=".".join(map(str, nums)))
        return j

    def _valid(self, nums: list[int]) -> bool:
        """Next in the heading sequence: a sibling (≤ 2 ahead) at some level or a first child."""
        if not self.nums:
            return len(nums) == 1
        parent = nums[:-1]
        if parent != self.nums[:len(parent)]:
            return False
        prev = self.nums[len(parent)] if len(self.nums) > len(parent) else 0
        return prev < nums[-1] <= prev + 2

    def _reset_below_numbered(self) -> None:
        self.goal_open = False
        self.assignment_level = None
        self.group_open = False
        self.kap = self.kap_title = None
        self.list_next = None

    def _title_until_label(self, i: int, first: str, max_lines: int) -> tuple[str, int]:
        """A structured block's title: wrapped lines up to its first sub-label or a blank line."""
        title = first
        j = i + 1
        while j < len(self.bl) and j - i < max_lines:
            x = self.bl[j]
            if x.para or lt.label(x.text) or self._is_heading_start(x.text):
                break
            title = f"{title} {x.text}"
            j += 1
        return re.sub(r"\s+", " ", title).strip(), j

    def _is_heading_start(self, t: str) -> bool:
        return bool(_ASSIGNMENT.match(t) or _SP.match(t) or _SP_ONLY.match(t) or _GOAL_WORD.match(t)
                    or _SUB_ASSIGNMENT.match(t) or lt.BULLET.match(t))

    def _goal(self, i: int) -> int:
        m = _GOAL_WORD.match(self.bl[i].text)
        assert m
        j = i
        rest = m.group("rest")
        if rest is None:
            if i + 1 >= len(self.bl) or not _GOAL.match(self.bl[i + 1].text):
                return self._plain(i)
            j = i + 1
            rest = self.bl[j].text
        g = _GOAL.match(rest)
        assert g
        title, k = self._title_until_label(j, g.group("title"), 5)
        self._flush()
        self.goal_open = True
        self.assignment_level = None
        self.b.heading(f"Virksomhetsspesifikt mål {g.group('no')}: {title}".strip(), self.num_level + 1,
                       self._span(i, k))
        return k

    def _plain(self, i: int) -> int:
        self._line(self.bl[i])
        return i + 1

    def _structured(self, i: int, j: int, prefix: str) -> int:
        """`STYRINGSPARAMETER: SP2: …` and `Oppdrag nr. 2020-001 …`: sections named with their id."""
        first = self.bl[j].text
        if m := _SP.match(first):
            first = f"{m.group('id')}: {m.group('title')}"
        title, k = self._title_until_label(j, first, 5)
        self._flush()
        level = self.num_level + 1 + (1 if self.goal_open else 0)
        self.assignment_level = level
        self.list_next = None
        self.b.heading(f"{prefix}{title}", level, self._span(i, k))
        return k

    def _sub_assignment(self, i: int) -> int:
        if _PART_NO.match(self.bl[i].text):
            title, k = self.bl[i].text, i + 1
        else:
            title, k = self._title_until_label(i, self.bl[i].text, 3)
        self._flush()
        level = (self.assignment_level or self.num_level) + 1
        self.b.heading(title, level, self._span(i, k))
        return k

    def _kap(self, i: int, m: re.Match[str]) -> int:
        """`Kap. 291 Bosetting av …` opens the chapter's budget table and bindings; an intro sentence
        ending in ':' right before it (`Følgende endringer fra RNB 2020 …:`) groups the chapters."""
        if self.cur is not None and self.cur.kind == "paragraph" and self.cur.text().endswith(":"):
            self._group_heading()
        self._flush()
        level = self.num_level + 1 + (1 if self.group_open else 0)
        title = re.sub(r"\s+", " ", self.bl[i].text).strip()
        self.b.heading(title, level, self._span(i, i + 1))
        self.kap, self.kap_title, self.kap_fresh = m.group("no"), title, True
        return i + 1

    def _group_heading(self) -> str:
        cur = self.cur
        assert cur is not None
        self.cur = None
        title = cur.text().rstrip(":").strip()
        self.b.heading(title, self.num_level + 1, Span(start=cur.start, end=cur.end))
        self.group_open = True
        self.kap = self.kap_title = None
        return title

    # -- tables ------------------------------------------------------------------------
    def _table(self, i: int) -> int | None:
        caption: str | None = None
        start: int | None = None
        cur = self.cur
        if cur is not None and cur.kind == "paragraph" and cur.text().endswith(":") and len(cur.text()) < 300:
            if cur.text().startswith("Etter") and (self.kap or self.group_open):
                # the summary after the changes belongs to no chapter: a section of its own
                caption = self._group_heading()
            else:
                caption, start = cur.text().rstrip(":").strip(), cur.start
        t = read_space_table(self.bl, i, kap=self.kap)
        if t is None:
            return None
        if caption is not None:
            self.cur = None
        if caption is None:
            self._flush()
            if self.kap_fresh:
                caption = self.kap_title
        self._emit_table(t, caption, start if start is not None else t.start)
        return t.next

    def _emit_table(self, t: SpaceTable, caption: str | None, start: int) -> None:
        span = Span(start=start, end=t.end)
        tab = self.b.table(span, caption=caption, title=caption, columns=t.columns, rows=_rows(t.rows),
                           style="space")
        self.b.block("table", linearise(caption, t.columns, t.rows, t.unit), span, table_id=tab.id)
        self.kap_fresh = False

    def _xgrid(self, i: int) -> int:
        g = read_xgrid(self.bl, i)
        if g is None:
            return i
        caption = self.bl[0].text
        notes = []
        j = g.next
        if j < len(self.bl) and self.bl[j].text.startswith("All statistikk"):
            notes.append(lt.render([(" ", x.line) for x in self.bl[j:]]))
        rows = [r for grp in g.groups for r in grp.rows]
        tab = self.b.table(Span(start=g.start, end=g.end), caption=caption, title=caption, columns=g.columns,
                           rows=_rows(rows), notes=notes, style="space")
        for grp in g.groups:
            span = Span(start=grp.start, end=grp.rows[-1].end)
            text = linearise(f"{caption} – {grp.title}", g.columns, grp.rows)
            self.b.block("table", text, span, table_id=tab.id)
        return g.next

    def _calendar(self, i: int) -> int:
        t = read_calendar(self.bl, i)
        if t is None:
            return i
        self._emit_table(t, self.b.current.title if self.b.current else None, t.start)
        return t.next

    # -- paragraphs and lists ----------------------------------------------------------
    def _line(self, bl: BodyLine) -> None:
        t = bl.text
        lab = lt.label(t)
        item = lt.BULLET.match(t) or lt.ENUM.match(t)
        numbered_item = re.match(r"^\d{1,2}\.\s", t) is not None and self.list_next is not None
        cur = self.cur
        broke = bl.para and not bl.debris
        if lab is not None:
            self._flush()
            self.cur = _Pending("paragraph", [[("", bl.line)]], bare_label=lab[1] is None, labelled=True)
            return
        if item or numbered_item:
            self._item(bl, numbered_item)
            return
        if cur is None:
            self.cur = _Pending("paragraph", [[("", bl.line)]])
            return
        if cur.bare_label:
            sep = " " if cur.items[0][-1][1].text.endswith(":") else ": "
            cur.items[0].append((sep, bl.line))
            cur.bare_label = False
            return
        if cur.kind == "list":
            last = cur.items[-1]
            if (broke and not t[:1].islower()) or self._list_ends(cur, bl):
                if cur.numbered and len(last) == 1 and not broke and _lead(last[0][1].text):
                    last.append((": ", bl.line))
                    return
                self._flush()
                self.cur = _Pending("paragraph", [[("", bl.line)]])
                return
            last.append((" ", bl.line))
            return
        if cur.lead_like(self.short) and t[:1].isupper() and (len(t) >= self.tiny or lt.ends_sentence(t)):
            cur.items[0].append((": ", bl.line))  # `Regionreform` + its paragraph
            return
        if broke and not t[:1].islower() or self._paragraph_ends(cur, bl):
            self._flush()
            self.cur = _Pending("paragraph", [[("", bl.line)]])
            return
        cur.items[0].append((" ", bl.line))

    def _paragraph_ends(self, cur: _Pending, bl: BodyLine) -> bool:
        """No blank-line marker, but the paragraph is over: a finished sentence on a short line, a new
        date entry, or a run of short title-like lines (`Vedlegg nr. 1 …` / `Vedlegg nr. 2 …`)."""
        last, t = cur.last, bl.text
        if lt.DATE_ONLY.match(t) and lt.ends_sentence(last.text):
            return True
        if lt.sentence_break(_as_body(last), bl, self.short):
            return True
        if not t[:1].isupper() or lt.ends_with_function_word(last.text) or last.text.endswith((",", "-")):
            return False
        if lt.DATE_ONLY.match(last.text):
            return False  # `1.3.2020` heads the line after it
        if cur.labelled and len(cur.items[0]) == 1 and len(last.text) < self.tiny:
            return True  # `Rapportering: Årsrapport` is complete in itself
        return len(last.text) < self.tiny and len(t) < self.tiny and not re.search(r"[.,;:]$", last.text)

    def _list_ends(self, cur: _Pending, bl: BodyLine) -> bool:
        """A capitalised line after a finished entry is the paragraph after the list."""
        last = cur.last
        if not lt.starts_upper(bl.text) or lt.ends_with_function_word(last.text) or last.text.endswith((",", "-")):
            return False
        if lt.ends_sentence(last.text):
            return last.trailing2 or len(last.text) < self.short
        return len(last.text) < self.tiny

    def _item(self, bl: BodyLine, numbered: bool) -> None:
        cur = self.cur
        m = lt.BULLET.match(bl.text)
        line = bl.line
        text_line = _with_text(line, f"- {m.group('text')}") if m else line
        new_numbered_list = numbered and bl.para and cur is not None and cur.kind == "list"
        if cur is not None and cur.kind == "list" and not new_numbered_list:
            cur.items.append([("", text_line)])
            return
        if cur is not None and cur.kind == "paragraph" and (cur.bare_label or cur.text().endswith(":")):
            self.cur = _Pending("list", [[("", text_line)]], intro=cur.items[0], numbered=numbered)
            return
        self._flush()
        self.cur = _Pending("list", [[("", text_line)]], numbered=numbered)

    def _flush(self) -> None:
        cur, self.cur = self.cur, None
        if cur is None:
            return
        kind = cur.kind
        if kind == "paragraph" and cur.bare_label:
            kind = "heading"
        self.b.block(kind, cur.text(), Span(start=cur.start, end=cur.end))  # type: ignore[arg-type]
        self.kap_fresh = False

    def _footnote(self, i: int) -> int:
        self._flush()
        j = i + 1
        while j < len(self.bl) and not self.bl[j].para and not self.bl[j].line.lead1:
            j += 1
        text = lt.render([(" ", x.line) for x in self.bl[i:j]])
        self.b.block("footnote", text, self._span(i, j))
        return j

    def _signature(self, i: int) -> int:
        self._flush()
        j = i + 1
        while j < len(self.bl) and not _AFTER_SIGNATURE.match(self.bl[j].text) and len(self.bl[j].text) < 60:
            j += 1
        self.b.block("paragraph", lt.render([(" ", x.line) for x in self.bl[i:j]]), self._span(i, j))
        return j


def _rows(rows: list[Row]) -> list[TableRow]:
    return [TableRow(label=r.label, cells=r.cells, span=Span(start=r.start, end=r.end)) for r in rows]


def _lead(text: str) -> bool:
    return len(text) <= 80 and not re.search(r"[.,;:!?]$", text) and not lt.ends_with_function_word(text)


def _as_body(line: Line) -> BodyLine:
    return BodyLine(line, False, False, False)


def _with_text(line: Line, text: str) -> Line:
    return Line(line.no, line.start, line.end, line.raw, line.kind, line.cstart, line.cend, text, line.debris)
