"""OCR export (001, IMDis årsrapport 2024): one text line per PDF line, æ/ø/å lost, no markup.

The source is repaired word by word first (`ingest.formats.ocr.repair`); every record
keeps its span in the unrepaired source and `Block.raw` keeps the text before
repair. The walk over the lines recognises, in this order:

* printed page numbers and the running header (page evidence, not text);
* numbered chapter/section lines (` 3.2 Flere innvandrere deltar |`);
* captions `Tabell 3.1.1` / `Figur 3.1.2` (and two whose word was lost), with
  the table rows or chart debris under them;
* footnotes `N text`, numbered on through the document;
* bullet lists (`e ...`, `o ...`, `¢ ...`);
* short unmarked lines followed by prose: sub-headings;
* runs of number rows without a caption (Hovedtall, the accounts): tables;
* runs of short fragments (org chart, chart labels): one low-value paragraph;
* everything else: paragraphs, with hard wraps joined.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from core.records import ParsedDocument, Span
from ingest.builder import DocBuilder
from ingest.formats.ocr.pages import anchors, is_running_header, page_map, split_lines
from ingest.formats.ocr.repair import Repair, repair_text, stats
from ingest.formats.ocr.tables import RowLine, linearise, looks_numeric_row, parse_rows
from text.captions import DOTTED_CAPTION_RE, normalise_number

HEADING = re.compile(r"^(?P<lead> ?)(?P<num>\d)\.(?:(?P<sub>\d{1,2})\.?)?\s+(?P<title>[A-ZÆØÅ@].{1,90})$")
CAPTION = DOTTED_CAPTION_RE
LOST_CAPTION = re.compile(r"^\s?(?P<num>\d\.\d\.\d{1,2})\.?\s+(?P<title>[A-ZÆØÅ].*)$")
BULLET = re.compile(r"^\s?(?:[eo¢•]|\u2022)\s+(?=[a-zæøå@&])")
NOTE_HEADING = re.compile(r"^\s?Note\s+\d+[A-Z]?\s+[A-ZÆØÅ]")
UNNAMED_TABLE_TITLE = re.compile(r"^\s?(Hovedtall\s+\d{4}|N\S{1,3}kkeltall\s+fra)")
YEAR_RANGE_LINE = re.compile(r"[A-ZÆØÅa-zæøå. ]*(19|20)\d\d\s*[-–—]+\s*(19|20)\d\d\.?\*?")
FUNCTION_WORDS = {"og", "i", "av", "som", "er", "det", "for", "til", "på", "pa", "pd", "med", "at", "har", "en", "et",
                  "de", "den", "vi", "om", "ble", "var", "kan", "skal", "fra", "ikke", "seg", "sin", "blir"}


class Repaired:
    """Repaired text of any source span, fast."""

    def __init__(self, text: str, repairs: list[Repair]):
        self.text = text
        self.repairs = repairs
        self.starts = [r.start for r in repairs]

    def __call__(self, start: int, end: int) -> str:
        i = bisect.bisect_left(self.starts, start)
        out, pos = [], start
        while i < len(self.repairs) and self.repairs[i].end <= end:
            r = self.repairs[i]
            out.append(self.text[pos:r.start])
            out.append(r.fixed)
            pos = r.end
            i += 1
        out.append(self.text[pos:end])
        return "".join(out)


# -- text clean-up -------------------------------------------------------------

def strip_refs(t: str) -> str:
    """Footnote reference glyphs glued to words: `fylkeskommunene?.`, `ledersamling'®`, `2023%`."""
    t = re.sub(r"(?<=\w)['’]?[®°¥]+", "", t)
    t = re.sub(r"(?<=\.)[?!'’]+(?=\s|$)", "", t)
    t = re.sub(r"(?<=[\w.,])['’]?[?!]+(?=[.,;:®°]|\d|\s+[a-zæøå])", "", t)
    t = re.sub(r"(?<=[a-zæøå])[?!]\d{1,2}\b", "", t)
    t = re.sub(r"(?<=[a-zæøå])['’](?=[\s.,;:)]|$)", "", t)
    t = re.sub(r"(?<=\b(?:19|20)\d\d)%(?=[\s.,]|$)", "", t)
    t = re.sub(r"(?<=\d)%[!?]+", "", t)
    t = re.sub(r"(?<=[a-zæøå.,])>\*?", "", t)
    return t


def join_wrapped(lines: list[str]) -> str:
    """Hard-wrapped lines into one text; `HK-` + `dir` stay hyphenated (the OCR never splits words)."""
    out = ""
    for ln in (x.strip() for x in lines):
        if not ln:
            continue
        if not out:
            out = ln
        elif out.endswith("-") and ln[:1].islower() and not re.match(r"(og|eller|til)\b", ln):
            out += ln
        else:
            out += " " + ln
    return re.sub(r"[ \t]+", " ", out).strip()


def clean(lines: list[str]) -> str:
    return strip_refs(join_wrapped(lines))


def _words(t: str) -> list[str]:
    return re.findall(r"[A-Za-zæøåÆØÅ@&]+", t)


def is_prose(t: str) -> bool:
    """A line of running text, not a label, legend or table row."""
    s = t.strip()
    if len(s) < 60 or "=" in s or re.match(r"^(?![IÅ]\s)[A-Za-z®=]\s", s):
        return False
    words = _words(s)
    if len(words) < 9:
        return False
    return sum(w.lower() in FUNCTION_WORDS for w in words) >= 2 and not looks_numeric_row(s)


# -- the walk ----------------------------------------------------------------------

# A note that is only a figure and what it counts (`5 115 personer`): too short to pass as a note by its words,
# so only the next note's number admits it
FIGURE_NOTE = re.compile(r"[1-9]\d{0,2}(?: \d{3})*(?:,\d+)?(?: [a-zæøå]+){1,2}")


@dataclass
class _State:
    numbered_level: int = 0
    footnote: int = 0  # last footnote number seen


class _Walker:
    def __init__(self, text: str, doc_id: str):
        self.text = text
        fixed, repairs = repair_text(text)
        self.repairs = repairs
        self.rep = Repaired(text, repairs)
        self.lines = split_lines(text)
        self.pm, self.anchor_list = page_map(self.lines)
        self.skip = {i for i, _ in anchors(self.lines)} | {i for i, ln in enumerate(self.lines)
                                                             if is_running_header(ln)}
        self.b = DocBuilder(doc_id)
        self.st = _State()
        self.seen_figures: set[tuple[str, str]] = set()

    # helpers
    def r(self, i: int) -> str:
        ln = self.lines[i]
        return self.rep(ln.start, ln.end)

    def nonblank_after(self, i: int) -> int | None:
        j = i + 1
        while j < len(self.lines):
            if not self.lines[j].blank and j not in self.skip:
                return j
            j += 1
        return None

    def prev_blank(self, i: int) -> bool:
        return i == 0 or self.lines[i - 1].blank or (i - 1) in self.skip

    def span(self, i: int, j: int) -> Span:
        """Lines i..j inclusive."""
        return Span(start=self.lines[i].start + (len(self.lines[i].text) - len(self.lines[i].text.lstrip())),
                    end=self.lines[j].end)

    def block(self, kind, idx: list[int], text: str | None = None, **kw):
        idx = [i for i in idx if not self.lines[i].blank]
        if not idx:
            return None
        raw = join_wrapped([self.lines[i].text for i in idx])
        fixed = text if text is not None else clean([self.r(i) for i in idx])
        return self.b.block(kind, fixed, self.span(idx[0], idx[-1]), raw=raw, **kw)

    # recognisers
    def heading(self, i: int):
        ln = self.lines[i]
        m = HEADING.match(ln.text)
        if not m:
            return None
        if not m.group("lead") and m.group("sub") is not None:
            return None  # `3.1 Bosetting` in running text lists the sections; the heading has the leading space
        if m.group("sub") is None and not re.match(r"^ ?\d\.\s", ln.text):
            return None
        return m

    def footnote(self, i: int):
        """(number, text start) when line i starts the next footnote."""
        ln = self.lines[i]
        t = ln.text.strip()
        if not (self.prev_blank(i) or ln.block_start):
            return None
        exp = self.st.footnote + 1
        m = re.match(r"^(2>|\d{1,2}|[!?%]\d?)\s?(?=\S)", t)
        if not m:
            return None
        rest = t[m.end():]
        tok = m.group(1)
        num = None
        if tok.isdigit():
            v = int(tok)
            if exp <= v <= exp + 3:
                num = v
            elif str(exp).startswith(tok) and len(tok) < len(str(exp)):
                num = exp  # a digit of the number was lost (`2 Fagressurs` for 23)
            elif t.startswith(str(exp)) and re.match(r"\d\s?\d{3}\s+personer", t[len(str(exp)):]):
                num, rest = exp, t[len(str(exp)):]  # `435 115 personer` is note 43: `5 115 personer`
        elif tok == "!" and exp == 1:
            num = 1
        elif tok == "2>" and str(exp).startswith("2"):
            num = exp
        elif tok.startswith("%") and len(tok) == 2 and exp // 10 == 5 and tok[1] == str(exp % 10):
            num = exp
        if num is None:
            return None
        if FIGURE_NOTE.fullmatch(rest.strip()) and self.next_note_follows(i, num):
            return num, rest.strip()  # `44 3 395 personer`, `435 115 personer` (note 43): the next note confirms it
        if not re.match(r"^\s*[A-ZÆØÅa-zæøå«“\"(§\d]", rest) or len(_words(rest)) < 2 or len(rest) < 15:
            return None
        glued = rest != t[m.end():]
        if re.match(r"\d{3}\b", rest):
            return None  # `36 000 deltakere` goes on a sentence, it is not note 36
        if tok.isdigit() and not glued and not t[len(tok):len(tok) + 1].isspace():
            return None  # `671/60 ...` is a table row, not note 67
        return num, rest.strip()

    def next_note_follows(self, i: int, num: int) -> bool:
        """The next line after a blank starts with note `num + 1` (`45 Endring for …`)."""
        j = i + 1
        while j < len(self.lines) and (self.lines[j].blank or j in self.skip):
            j += 1
        return j > i + 1 and j < len(self.lines) and \
            re.match(rf"{num + 1}(?!\d)", self.lines[j].text.strip()) is not None

    def unmarked_heading(self, i: int) -> int | None:
        """Last line index of a short heading block starting at i, when prose follows it."""
        if not self.prev_blank(i) and not self.lines[i].block_start:
            return None
        j = i
        while j + 1 < len(self.lines) and not self.lines[j + 1].blank and (j + 1) not in self.skip and j - i < 2:
            j += 1
        if j - i > 1:
            return None
        if j + 1 < len(self.lines) and not self.lines[j + 1].blank and (j + 1) not in self.skip:
            return None
        t = " ".join(self.r(k).strip() for k in range(i, j + 1))
        if not (3 <= len(t) <= 110) or not re.match(r"^[A-ZÆØÅ«]", t) or re.search(r"[.,;:]$", t):
            return None
        if re.search(r"[=|]", t.rstrip("|")) or sum(c.isdigit() for c in t) > len(t) * 0.3:
            return None
        if CAPTION.match(t) or BULLET.match(self.lines[i].text) or t.startswith("*"):
            return None
        if re.match(r"^\w+ \d+:", t) or re.match(r"^(?![IÅ] )[A-Za-zÆØÅæøå] ", t) or re.search(r"\. [A-ZÆØÅ]", t):
            return None  # `Mål 1: ...` list items, legends (`H Bosette ...`), two sentences
        if len(t) > 60 and len(_words(t)) > 4 and sum(w.lower() in FUNCTION_WORDS for w in _words(t)) > 4:
            return None
        nxt = self.nonblank_after(j)
        if nxt is None or not is_prose(self.r(nxt)) or self.heading(nxt) or CAPTION.match(self.lines[nxt].text):
            return None
        if not re.match(r"^[A-ZÆØÅ0-9«@]", self.r(nxt).strip()):
            return None  # a sentence that goes on after a break, not a new paragraph under a heading
        return j

    # -- main loop ---------------------------------------------------------------
    def run(self) -> ParsedDocument:
        i, n = 0, len(self.lines)
        para: list[int] = []
        while i < n:
            ln = self.lines[i]
            if i in self.skip:
                self.flush(para)
                i += 1
                continue
            if ln.blank:
                if para and self.paragraph_goes_on(para, i):
                    i += 1
                    continue
                self.flush(para)
                i += 1
                continue
            m = self.heading(i)
            if m:
                self.flush(para)
                i = self.do_heading(i, m)
                continue
            if NOTE_HEADING.match(ln.text) and self.prev_blank(i):
                self.flush(para)
                self.b.heading(clean([self.r(i)]), self.st.numbered_level + 1, self.span(i, i))
                i += 1
                continue
            if CAPTION.match(ln.text) or (LOST_CAPTION.match(ln.text) and self.prev_blank(i)):
                self.flush(para)
                i = self.do_caption(i)
                continue
            if UNNAMED_TABLE_TITLE.match(ln.text) and (self.prev_blank(i) or ln.block_start):
                self.flush(para)
                i = self.do_unnamed_table(i, title_line=i)
                continue
            fn = self.footnote(i)
            if fn:
                self.flush(para)
                i = self.do_footnote(i, *fn)
                continue
            if BULLET.match(ln.text):
                self.flush(para)
                i = self.do_list(i)
                continue
            if not para:
                j = self.unmarked_heading(i)
                if j is not None:
                    title = clean([self.r(k) for k in range(i, j + 1)]).rstrip(" |")
                    self.b.heading(title, self.st.numbered_level + 1, self.span(i, j))
                    i = j + 1
                    continue
                if looks_numeric_row(self.r(i)) and self.numeric_run(i) >= 3:
                    i = self.do_unnamed_table(i, title_line=None)
                    continue
                k = self.debris_run(i)
                if k is not None:
                    self.block("paragraph", [x for x in range(i, k + 1) if x not in self.skip],
                               text=self.debris_text(i, k))
                    i = k + 1
                    continue
            para.append(i)
            i += 1
        self.flush(para)
        return self.b.finish(self.pm, source=self.text, ocr=stats(self.text, self.repairs))

    def paragraph_goes_on(self, para: list[int], i: int) -> bool:
        """A blank line inside a sentence (a column or page break): the next line starts lower case."""
        last = self.r(para[-1]).rstrip()
        j = self.nonblank_after(i)
        if j is None or j - i > 3 or any(k in self.skip for k in range(i, j)):
            return False
        nxt = self.r(j).strip()
        if re.search(r"[.!?:»”\"]$", last) or not nxt[:1].islower() or BULLET.match(self.lines[j].text):
            return False
        return not looks_numeric_row(nxt)

    def flush(self, para: list[int]) -> None:
        if para:
            self.block("paragraph", list(para))
            para.clear()

    # -- pieces ------------------------------------------------------------------
    def do_heading(self, i: int, m) -> int:
        title_lines = [self.r(i).strip()]
        end = i
        j = i + 1
        if j < len(self.lines) and not self.lines[j].blank and self.lines[j].text.strip()[:1].islower():
            title_lines.append(self.r(j).strip())
            end = j
        first = re.sub(r"^\d\.(\d{1,2}\.?)?\s+", "", title_lines[0].strip())
        if len(title_lines) > 1:
            first = re.sub(r"\s\|$", " i", first)  # `deltar |` + `arbeidslivet`: the | was an i
        title = strip_refs(join_wrapped([first, *title_lines[1:]])).rstrip(" |").strip()
        num = m.group("num") + (f".{m.group('sub')}" if m.group("sub") else "")
        level = 1 if m.group("sub") is None else 2
        self.st.numbered_level = level
        self.b.heading(title, level, self.span(i, end), number=num)
        return end + 1

    def caption_lines(self, i: int) -> int:
        """Last line of a caption that wraps (`... 2020-` / `2024.`, `... etter` / `fylke.`)."""
        end = i
        cap = self.r(i).rstrip()
        while True:
            j = end + 1
            gap = 0
            while j < len(self.lines) and self.lines[j].blank and gap < 1:
                j, gap = j + 1, gap + 1
            if j >= len(self.lines) or j in self.skip or self.lines[j].blank:
                return end
            nxt = self.r(j).strip()
            if cap.endswith("-") and len(nxt) <= 12 and re.match(r"\d{4}", nxt):
                end, cap = j, cap + nxt
                continue
            open_paren = cap.count("(") > cap.count(")")
            if gap == 0 and not re.search(r"[.,:;*]$", cap) and (nxt[:1].islower() or nxt[:1].isdigit() or open_paren) \
                    and len(nxt) < 130 and not looks_numeric_row(nxt):
                end, cap = j, cap + " " + nxt
                continue
            if gap == 0 and len(nxt) <= 40 and YEAR_RANGE_LINE.fullmatch(nxt):
                end, cap = j, cap + " " + nxt  # `Måneder. 2020-2024.` finishing the caption
                continue
            if gap == 1 and not re.search(r"[.,:;*]$", cap) and nxt[:1].isdigit() and re.search(r"\.\s*$", nxt) \
                    and len(nxt) < 100:
                end, cap = j, cap + " " + nxt
                continue
            return end

    def zone_end(self, i: int, kind: str) -> int:
        """Last line of the table rows or chart debris that follow a caption."""
        j, last = i, i - 1
        seen_rows = False
        while j < len(self.lines):
            ln = self.lines[j]
            if j in self.skip or ln.blank:
                j += 1
                continue
            t = self.r(j)
            if self.heading(j) or CAPTION.match(ln.text) or (LOST_CAPTION.match(ln.text) and self.prev_blank(j)):
                break
            if UNNAMED_TABLE_TITLE.match(ln.text) or NOTE_HEADING.match(ln.text):
                break
            if self.footnote(j):
                break
            if t.strip().startswith("*") or t.strip().lower().startswith("kilde"):
                last = j
                j += 1
                while j < len(self.lines) and not self.lines[j].blank and j not in self.skip \
                        and not self.lines[j].block_start:
                    last = j
                    j += 1
                continue
            if is_prose(t) and (self.prev_blank(j) or ln.block_start or seen_rows or kind == "figur"):
                if not (kind == "tabell" and not seen_rows and self.numeric_soon(j, 8)):
                    break
            if (seen_rows or kind == "figur") and (self.prev_blank(j) or ln.block_start) \
                    and self.unmarked_heading(j) is not None:
                break
            if looks_numeric_row(t):
                seen_rows = True
            last = j
            j += 1
        return last

    def do_caption(self, i: int) -> int:
        m = CAPTION.match(self.lines[i].text)
        end = self.caption_lines(i)
        caption = clean([self.r(k) for k in range(i, end + 1)])
        note = None
        if m:
            kind = "tabell" if m.group("kind") == "Tabell" else "figur"
        else:
            kind = None  # the word was lost: a table if number rows follow, else a figure
        zone_last = self.zone_end(end + 1, kind or "figur")
        zone = [k for k in range(end + 1, zone_last + 1) if k not in self.skip]
        if kind is None:
            rows = sum(looks_numeric_row(self.r(k)) for k in zone if not self.lines[k].blank)
            kind = "tabell" if rows >= 3 else "figur"
            note = f"Ordet «{kind.capitalize()}» mangler i OCR-teksten; typen er utledet av innholdet under."
            caption = f"{kind.capitalize()} {caption.strip()}"
        key = (kind, normalise_number(re.split(r"\s", caption.strip(), maxsplit=2)[1]))
        cap_span = self.span(i, end)
        if kind == "tabell":
            self.do_table(caption, cap_span, zone, key, note, i, end)
        else:
            fig = None
            if key not in self.seen_figures:
                fig = self.b.figure(caption, cap_span, notes=[note] if note else None)
                self.seen_figures.add(key)
            self.block("caption", list(range(i, end + 1)), text=caption,
                       figure_id=fig.id if fig else None)
            if zone:
                notes = [k for k in zone if self.r(k).strip().startswith("*")]
                body = [k for k in zone if k not in notes and not self.lines[k].blank]
                if body:
                    self.block("paragraph", body, text=self.debris_text(body[0], body[-1], only=set(body)))
                if notes:
                    self.block("paragraph", notes)
                    if fig is not None:
                        fig.notes.extend(clean([self.r(k)]) for k in notes)
        return max(zone_last, end) + 1

    def do_table(self, caption: str | None, cap_span: Span | None, zone: list[int], key, note, i, end) -> None:
        rows = [RowLine(self.lines[k].start, self.lines[k].end, strip_refs(self.r(k))) for k in zone]
        parsed = parse_rows(rows, caption, extra_header=[caption] if caption and not key else None)
        first = zone[0] if zone else i
        last = zone[-1] if zone else end
        span = Span(start=(cap_span.start if cap_span else self.lines[first].start), end=self.lines[last].end)
        number = key[1] if key else None
        title = None
        if caption and key:
            title = re.sub(r"^\S+\s+\S+\s*", "", caption.strip(), count=1).strip()
        notes = list(parsed.notes)
        if note:
            notes.append(note)
        if parsed.unaligned:
            notes.append(f"{parsed.unaligned} rader kunne ikke deles sikkert i kolonner (OCR); "
                         "verdiene står som tekst.")
        if parsed.header_text and parsed.columns[1:2] == ["kolonne 1"]:
            notes.append(f"Kolonneoverskrifter (OCR, uordnet): {parsed.header_text}")
        t = self.b.table(span, number=number, caption=caption, title=title or caption, columns=parsed.columns,
                         rows=parsed.rows, notes=notes, source=parsed.source, style="ocr")
        fig = None
        if key and key not in self.seen_figures and caption:
            fig = self.b.figure(caption, cap_span or span, notes=[note] if note else None, source=parsed.source,
                                table_id=t.id)
            self.seen_figures.add(key)
        if caption and cap_span:
            self.b.block("caption", caption, cap_span, raw=join_wrapped([self.text[cap_span.start:cap_span.end]]),
                         figure_id=fig.id if fig else None, table_id=t.id)
        if zone:
            body = [k for k in zone if not self.lines[k].blank]
            if body:
                self.block("table", body, text=linearise(None, parsed) or clean([self.r(k) for k in body]),
                           table_id=t.id)

    def do_unnamed_table(self, i: int, title_line: int | None) -> int:
        caption = clean([self.r(i)]) if title_line is not None else None
        start = i + 1 if title_line is not None else i
        last = self.zone_end(start, "tabell")
        if title_line is not None:
            # Hovedtall runs until the next table title
            k = start
            while k <= last:
                if k != i and UNNAMED_TABLE_TITLE.match(self.lines[k].text):
                    last = k - 1
                    break
                k += 1
        zone = [k for k in range(start, last + 1) if k not in self.skip]
        cap_span = self.span(i, i) if title_line is not None else None
        if not zone:
            self.block("paragraph", [i])
            return i + 1
        self.do_table(caption, cap_span, zone, None, None, i, i)
        return last + 1

    def numeric_soon(self, i: int, lines: int) -> bool:
        """A number row within the next few non-blank lines (a table header sits above its rows)."""
        j, seen = i + 1, 0
        while j < len(self.lines) and seen < lines:
            if not self.lines[j].blank and j not in self.skip:
                if looks_numeric_row(self.r(j)):
                    return True
                seen += 1
            j += 1
        return False

    def numeric_run(self, i: int) -> int:
        """How many of the next lines (blank lines aside) are number rows."""
        count, j, misses = 0, i, 0
        while j < len(self.lines) and misses < 2:
            if self.lines[j].blank or j in self.skip:
                j += 1
                continue
            if looks_numeric_row(self.r(j)):
                count += 1
            elif is_prose(self.r(j)):
                break
            else:
                misses += 1
            j += 1
        return count

    def debris_run(self, i: int) -> int | None:
        """Last line of a run of short fragments (org chart, chart labels), at least four blocks long."""
        j, blocks, last = i, 0, None
        while j < len(self.lines):
            if j in self.skip:
                j += 1
                continue
            if self.lines[j].blank:
                j += 1
                continue
            k = j
            while k + 1 < len(self.lines) and not self.lines[k + 1].blank and (k + 1) not in self.skip:
                k += 1
            texts = [self.r(x).strip() for x in range(j, k + 1)]
            if k - j > 2 or any(len(t) > 40 or is_prose(t) for t in texts) or self.heading(j) \
                    or CAPTION.match(self.lines[j].text) or UNNAMED_TABLE_TITLE.match(self.lines[j].text) \
                    or self.footnote(j) or BULLET.match(self.lines[j].text):
                break
            if any(re.search(r"[.!?]$", t) for t in texts):
                break
            blocks += 1
            last = k
            j = k + 1
        return last if blocks >= 4 else None

    def debris_text(self, i: int, k: int, only: set[int] | None = None) -> str:
        parts = [strip_refs(self.r(x).strip()) for x in range(i, k + 1)
                 if not self.lines[x].blank and x not in self.skip and (only is None or x in only)]
        return "; ".join(p for p in parts if p)

    def do_footnote(self, i: int, num: int, rest: str) -> int:
        self.st.footnote = num
        j = i
        while j + 1 < len(self.lines) and not self.lines[j + 1].blank and (j + 1) not in self.skip \
                and not self.lines[j + 1].block_start and not self.footnote_like(j + 1):
            j += 1
        marker = len(self.lines[i].text.strip()) - len(rest)  # the number as printed (`!`, `2>`, `43`)
        body = [self.r(i).strip()[marker:], *(self.r(k) for k in range(i + 1, j + 1))]
        text = f"{num} {clean(body)}"
        self.block("footnote", list(range(i, j + 1)), text=text)
        return j + 1

    def footnote_like(self, i: int) -> bool:
        return bool(re.match(r"^\d{1,2}\s+[A-ZÆØÅ]", self.lines[i].text.strip())) and self.footnote(i) is not None \
            if self.prev_blank(i) else False

    def do_list(self, i: int) -> int:
        items: list[list[int]] = []
        j = i
        while j < len(self.lines):
            ln = self.lines[j]
            if j in self.skip:
                j += 1
                continue
            if BULLET.match(ln.text):
                items.append([j])
            elif ln.blank:
                nxt = self.nonblank_after(j)
                if nxt is None or not BULLET.match(self.lines[nxt].text):
                    break
            elif items and ln.text.strip()[:1].islower() and not ln.block_start:
                items[-1].append(j)
            else:
                break
            j += 1
        texts = []
        for it in items:
            t = clean([self.r(k) for k in it])
            texts.append("• " + BULLET.sub("", t, count=1).strip())
        lines = [k for it in items for k in it]
        self.block("list", lines, text="\n".join(texts))
        return lines[-1] + 1


def parse(text: str, doc_id: str) -> ParsedDocument:
    return _Walker(text, doc_id).run()
