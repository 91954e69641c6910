"""Restore æ/ø/å (and a few other OCR slips) in OCR text: `gkonomiske` -> `økonomiske`.

A noisy-channel repair. Each word-like token is read back against a lexicon
learned from the clean corpus documents (`ingest/data/ocr`, built by
`ingest.formats.ocr.lexicon`): a depth-first walk over a letter trie tries the inverse
of each OCR substitution seen in the damaged report (ø -> g/a/e/o/@, å ->
a/d/&/3/é/8, æ -> ae/ze/ee/z, l -> I, o -> 0, ...) and also lets a token split
into lexicon words (Norwegian compounds). Every reading is scored by word
frequency times the likelihood of its substitutions, then rescored with
bigram context. A token that is itself a word is only changed when a reading
beats it clearly and, for common words, the context supports the change.

Short function words get rules instead: `pa`/`pd`/`p&` -> `på` always, and
`&`, `3`, `8`, `a`, `@` -> `å` only as an infinitive marker before a verb.

Last, a token that is a word but also what the OCR makes of an æ/ø/å word (`far`: `får`, `før`) is
decided by the trigram context model of `ingest.formats.ocr.context` (`_real_words`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.records import OcrRepairStats
from ingest.formats.ocr import context
from ingest.formats.ocr.language import document_language, other_standard_form
from ingest.formats.ocr.substitutions import SUBSTITUTIONS, damaged_forms
from text.clean import address_spans
from text.years import YEAR_RE

DATA_DIR = Path(__file__).resolve().parent / "data"

# A capital I read where a lower-case l was printed (`Igpet` = `løpet`) is marked with \x01.
_CAP_I = "\x01"
MAX_SUBS = 5
MAX_SEGMENTS = 3
MIN_SEGMENT = 4  # compound parts shorter than this make too many accidental words
BOUNDARY = math.log(0.02)  # cost of reading a token as a compound rather than one word
LINK = math.log(0.25)  # the linking s/e of a compound
SHORT_CHANGED = math.log(0.2)  # a changed compound part of only MIN_SEGMENT letters
# Endings added to a lexicon word the clean text only has in another form (støtte -> støttet)
SUFFIXES = frozenset({"e", "er", "ere", "ene", "en", "et", "ens", "ets", "a", "s", "t", "te", "de", "es", "r", "ne",
                      "ende", "ing", "inger", "ingen", "else", "elsen", "het", "heten", "lig", "lige"})
INFLECTED = math.log(0.05)
MIN_STEM = 6  # shorter stems plus an ending make too many accidental words
MARGIN = math.log(3.0)  # how much a change must beat the token read as it stands
LIKELY_SUB = math.log(0.5)
MIN_DAMAGE = math.log(1e-4)  # readings needing less likely substitutions than this are guesses
# Substitutions that also turn a Bokmål spelling into a Nynorsk one (oppgave/oppgåve, forebygge/førebygge)
WEAK = {("a", "å"), ("a", "ø"), ("e", "ø"), ("o", "ø"), ("e", "æ"), ("s", "ø"), ("z", "ø"), ("i", "l"), ("i", "j")}
GENERAL_WEIGHT = 0.2  # the general word lists weigh this much of the clean corpus, all words together
RARE = 0.5  # below this Bokmål count a token that reads as a word is no proof against a report word
ATTESTED = 3  # ... when that report word was seen this often in the clean reports
COMMON = 5  # a token seen this often in clean text is only changed with context support
LETTERS = "a-zA-ZæøåÆØÅéÉèü"
TOKEN_RE = re.compile(rf"[{LETTERS}@&0-9]+")
_HAS_LETTER = re.compile(rf"[{LETTERS}]")
_NEEDS_LOOK = re.compile(r"[@&0-9éqzI]|ae|ee")
PAA_FORMS = {"pa", "pd", "p&", "pé", "p3", "p4", "p8", "pá", "pad", "péd", "pé&", "p&&"}
INFINITIVE_MARKS = {"&", "3", "8", "4", "@", "a", "A", "R", "3@", "a8", "d", "é"}
# Real Bokmål words the clean text happens to lack that OCR also makes of å/ø words
# (far: før/får, vare: våre, rad: råd, ...): changed only when a seen word pair supports it.
REAL_WORDS = {"far", "bor", "ber", "sa", "rad", "vare", "bade", "mater", "male", "mal", "matte", "fare", "lane"}
# Words after which an infinitive marker follows (`for å`, `til å`, `begynt å`, `viktig å`)
AA_GOVERNORS = {"for", "til", "ved", "om", "med", "uten", "enn", "av", "begynt", "begynte", "begynner", "forsøkt",
                "forsøker", "forsøkte", "prøver", "prøvde", "prøve", "sluttet", "slutte", "klarte", "klarer", "ønsker",
                "ønsket", "pleier", "pleide", "vanskelig", "lett", "mulig", "viktig", "nødvendig", "valgte", "velger",
                "besluttet", "bestemte", "lov", "tid", "måte", "mål", "behov", "ansvar", "rett", "plikt", "sjanse",
                "muligheten", "mulighet", "nok", "fortsette", "fortsatte", "lære", "lærte", "synes", "og"}
REAL_WORD_MARGIN = 6.0  # how much likelier a reading of a real word must be, damage and context together
# A reading the same document holds elsewhere as a certain repair (`formidlingsbyrader` -> `formidlingsbyråer`)
# is that much likelier for a token that only reads as a compound of other words (`formidlingsbyrder`):
# a document repeats its own words far more often than the general lists expect.
DOC_BONUS = math.log(20.0)
# how much more frequent in the document's standard an æ/ø/å reading of its other-standard word must be
VARIANT_RATIO = 5.0
# One capital and a 3/8, the OCR's form of `Så`, `Nå`, `Få`; codes look the same (`K3`, `S3`), so context decides.
_CODED_WORD = re.compile(r"[A-ZÆØÅ][38]")
SHORT_VERBS = {"gi", "ta", "få", "gå", "nå", "se", "bo", "ha", "slå", "stå", "tro", "be", "dø", "si", "la"}


@dataclass(frozen=True)
class Repair:
    """One changed token: `source[start:end] == raw` is replaced by `fixed`."""

    start: int
    end: int
    raw: str
    fixed: str


class Lexicon:
    """Word and bigram counts from the clean documents, with a letter trie for the search."""

    def __init__(self, data_dir: Path = DATA_DIR):
        self.nb: dict[str, float] = dict(_read_counts(data_dir / "unigrams_nb.txt"))
        self.nn: dict[str, float] = dict(_read_counts(data_dir / "unigrams_nn.txt"))
        nn = self.nn
        self.bigrams: Counter[tuple[str, str]] = Counter()
        for key, c in _read_counts(data_dir / "bigrams_nb.txt").items():
            a, _, b = key.partition(" ")
            self.bigrams[(a, b)] = c
        # The general lists fill the gaps of the small clean corpus (`søndag`, `lønnsoppgjøret`): their
        # counts are scaled to the corpus and weighted down, so a report's own words still win.
        clean_total = sum(self.nb.values()) + sum(nn.values())
        for name, weight in (("general_nb.txt", GENERAL_WEIGHT), ("general_nn.txt", GENERAL_WEIGHT * 0.3)):
            path = data_dir / name
            if not path.exists():
                continue
            general = _read_counts(path)
            scale = weight * clean_total / max(1, sum(general.values()))
            target = self.nb if name.endswith("nb.txt") else nn
            for w, c in general.items():
                target[w] = target.get(w, 0) + c * scale
        # Nynorsk words count less: they should fill gaps, not outvote Bokmål.
        self.counts: dict[str, float] = {w: float(c) for w, c in self.nb.items()}
        for w, c in nn.items():
            self.counts[w] = self.counts.get(w, 0.0) + 0.3 * c
        self.total = sum(self.counts.values())
        self.nb_total = sum(self.nb.values())
        self.nn_total = sum(nn.values())
        self.left: Counter[str] = Counter()
        for (a, _b), c in self.bigrams.items():
            self.left[a] += c
        self.after_aa = {b for (a, b) in self.bigrams if a == "å"}
        self.trie: dict = {}
        for w in self.counts:
            node = self.trie
            for ch in w:
                node = node.setdefault(ch, {})
            node["$"] = w

    def own(self, lang: str) -> dict[str, float]:
        """The word counts of the document's standard ('nb' or 'nn')."""
        return self.nn if lang == "nn" else self.nb

    def share(self, word: str, lang: str) -> float:
        """Relative frequency of `word` in the word list of standard `lang`."""
        return self.own(lang).get(word, 0.0) / (self.nn_total if lang == "nn" else self.nb_total)

    def other_standard(self, word: str, lang: str) -> bool:
        """`handtere` in a Bokmål document, `fra` in a Nynorsk one: a word of the other standard."""
        other = "nb" if lang == "nn" else "nn"
        return other_standard_form(word, self.own(lang), self.own(other), self.nb_total if lang == "nb" else
                                   self.nn_total, self.nn_total if lang == "nb" else self.nb_total)

    def logp(self, word: str) -> float:
        return math.log((self.counts.get(word, 0.0) + 0.1) / self.total)

    def bonus(self, a: str, b: str, mu: float = 20.0, cap: float = 5.0) -> float:
        """log P(b | a) / P(b) for a pair seen in clean text, else 0.

        The clean text is small, so an unseen pair says little; only seen pairs count.
        """
        c = self.bigrams.get((a, b), 0)
        if not c:
            return 0.0
        pb = (self.counts.get(b, 0.0) + 0.1) / self.total
        p = (c + mu * pb) / (self.left.get(a, 0) + mu)
        return max(0.0, min(cap, math.log(p / pb)))


def _read_counts(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, c = line.rpartition("\t")
        if key:
            out[key] = int(c)
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon()


_RULES: dict[str, list[tuple[str, str, float]]] = {}
for _dmg, _clean, _p in SUBSTITUTIONS:
    _RULES.setdefault(_dmg[0], []).append((_dmg, _clean, math.log(_p)))


@dataclass(frozen=True)
class Reading:
    text: str  # the restored word, lower case
    score: float  # log P(words) + log P(substitutions) + compound cost
    subs: int
    parts: tuple[str, ...]
    damage: float = 0.0  # log P(substitutions) alone
    weak: int = 0  # substitutions in WEAK

    @property
    def first(self) -> str:
        return self.parts[0]

    @property
    def last(self) -> str:
        return self.parts[-1]


def readings(key: str, lex: Lexicon | None = None, limit: int = 6) -> list[Reading]:
    """The best readings of a lower-cased token (\x01 marks a capital I), best first."""
    return list(_readings(key, lex or lexicon(), limit))


@lru_cache(maxsize=50000)
def _readings(key: str, lex: Lexicon, limit: int) -> tuple[Reading, ...]:
    found: dict[str, Reading] = {}
    n = len(key)

    def walk(i: int, node: dict, out: str, score: float, subs: int, weak: int, parts: tuple[str, ...],
             seg_subs: int, cost: float):
        if i == n:
            word = node.get("$")
            if word is not None and (not parts or len(word) >= MIN_SEGMENT):
                allp = parts + (word,)
                c = cost + (SHORT_CHANGED if parts and seg_subs and len(word) == MIN_SEGMENT else 0.0)
                total = score + c + sum(lex.logp(p) for p in allp) + BOUNDARY * (len(allp) - 1)
                prev = found.get(out)
                if prev is None or total > prev.score:
                    found[out] = Reading(out, total, subs, allp, score, weak)
            return
        ch = key[i]
        word = node.get("$")
        if word is not None and len(word) >= MIN_STEM and key[i:] in SUFFIXES:
            # the rest is an inflection ending of a lexicon word
            allp = parts + (word,)
            c = cost + INFLECTED + (SHORT_CHANGED if parts and seg_subs and len(word) == MIN_SEGMENT else 0.0)
            total = score + c + sum(lex.logp(p) for p in allp) + BOUNDARY * (len(allp) - 1)
            text = out + key[i:]
            prev = found.get(text)
            if prev is None or total > prev.score:
                found[text] = Reading(text, total, subs, allp, score, weak)
        # a compound boundary after a whole word (optionally a linking s/e)
        if word is not None and node is not lex.trie and len(parts) + 1 < MAX_SEGMENTS and len(word) >= MIN_SEGMENT \
                and n - i >= MIN_SEGMENT:
            c = cost + (SHORT_CHANGED if parts and seg_subs and len(word) == MIN_SEGMENT else 0.0)
            walk(i, lex.trie, out, score, subs, weak, parts + (word,), 0, c)
            if ch in "se" and n - i - 1 >= MIN_SEGMENT:
                walk(i + 1, lex.trie, out + ch, score, subs, weak, parts + (word,), 0, c + LINK)
        nxt = node.get(ch)
        if nxt is not None:
            walk(i + 1, nxt, out + ch, score, subs, weak, parts, seg_subs, cost)
        if subs < MAX_SUBS:
            for dmg, clean, lp in _RULES.get(ch, ()):
                if dmg == _CAP_I and clean == "i":
                    nxt = node.get("i")
                    if nxt is not None:
                        walk(i + 1, nxt, out + "i", score, subs, weak, parts, seg_subs, cost)
                    continue
                if key.startswith(dmg, i):
                    nxt = node.get(clean)
                    if nxt is not None:
                        walk(i + len(dmg), nxt, out + clean, score + lp, subs + 1, weak + ((dmg, clean) in WEAK),
                             parts, seg_subs + 1, cost)

    walk(0, lex.trie, "", 0.0, 0, 0, (), 0, 0.0)
    return tuple(sorted(found.values(), key=lambda r: -r.score)[:limit])


def _key(token: str) -> str:
    """Lower case for lookup; a capital I inside a lower-case word may be an l."""
    if token.isupper() and len(token) > 1:
        return token.lower()
    out = []
    for i, ch in enumerate(token):
        if ch == "I" and (i + 1 < len(token) and token[i + 1].islower()) and (i > 0 or token[1:2] in "gzknp"):
            out.append(_CAP_I)
        elif ch == "I" and i > 0 and token[i - 1].islower():
            out.append(_CAP_I)
        else:
            out.append(ch.lower())
    return "".join(out)


def match_case(raw: str, fixed: str, sentence_start: bool = False) -> str:
    """Carry the raw token's case over: `Fzerre` -> `Færre`, `SPRAK` -> `SPRÅK`, `@vrige` by position."""
    letters = [c for c in raw if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters) and len(raw) > 1:
        return fixed.upper()
    first = raw[0]
    if first == "@" and len(raw) > 1:
        return fixed[:1].upper() + fixed[1:]  # `@` is how the OCR read a capital Ø (`@verland`, `@kt`)
    if raw == "@" and not sentence_start:
        return fixed  # alone inside a sentence it is the infinitive marker (`for @ komme`): `å`
    if first == "I" and fixed.startswith("l") and not sentence_start:
        return fixed  # `Igpet` is `løpet`: the capital was an l
    if first.isupper() or (not first.isalpha() and first not in "0" and sentence_start):
        return fixed[:1].upper() + fixed[1:]
    return fixed


@dataclass
class _Tok:
    start: int
    end: int
    raw: str
    key: str
    options: list[Reading]
    identity: Reading | None
    choice: str | None = None  # lower-case chosen form when it differs from the raw token
    exact: bool = False  # `choice` already has its final case


def repair_text(text: str, lang: str | None = None) -> tuple[str, list[Repair]]:
    """The repaired text and every change, with offsets into `text`.

    `lang` is the document's standard, 'nb' or 'nn'; by default it is read from the text itself.
    """
    lex = lexicon()
    lang = lang or document_language(text)
    toks = _tokenise(text, lex)
    _choose(toks, lex, text, lang)
    _other_standard(toks, lex, text, lang)
    _function_words(toks, lex, text)
    _coded_words(toks, lex, text, lang)
    _real_words(toks, text, lex, lang)
    # web and e-mail addresses are written without æøå by convention (`imdis-kommuneundersokelse-2023`): a slug
    # "repaired" to `kommuneundersøkelse` is a broken link, so tokens inside one stay as printed
    addresses = address_spans(text)
    repairs = []
    for t in toks:
        if t.choice is None or any(a <= t.start < b for a, b in addresses):
            continue
        fixed = t.choice if t.exact else match_case(t.raw, t.choice, _sentence_start(text, t.start))
        if fixed != t.raw:
            repairs.append(Repair(t.start, t.end, t.raw, fixed))
    return apply(text, repairs), repairs


def apply(text: str, repairs: list[Repair], start: int = 0, end: int | None = None) -> str:
    """`text[start:end]` with the repairs that lie inside it applied."""
    end = len(text) if end is None else end
    out, pos = [], start
    for r in repairs:
        if r.start < start or r.end > end:
            continue
        out.append(text[pos:r.start])
        out.append(r.fixed)
        pos = r.end
    out.append(text[pos:end])
    return "".join(out)


def stats(text: str, repairs: list[Repair], n_examples: int = 25) -> OcrRepairStats:
    """Token and change counts, with a spread-out sample of changes."""
    tokens = sum(1 for m in TOKEN_RE.finditer(text) if _HAS_LETTER.search(m.group(0)) or m.group(0) == "&")
    step = max(1, len(repairs) // n_examples) if repairs else 1
    return OcrRepairStats(tokens=tokens, changed=len(repairs),
                          examples=[(r.raw, r.fixed) for r in repairs[::step][:n_examples]])


# -- internals -----------------------------------------------------------------

def _tokenise(text: str, lex: Lexicon) -> list[_Tok]:
    toks = []
    for m in TOKEN_RE.finditer(text):
        raw = m.group(0)
        key = _key(raw)
        options: list[Reading] = []
        identity = None
        if len(raw) >= 2 and _HAS_LETTER.search(raw) and not _is_code(raw):
            options = readings(key, lex)
            plain = key.replace(_CAP_I, "i")
            identity = next((r for r in options if r.text == plain and r.subs == 0), None)
        toks.append(_Tok(m.start(), m.end(), raw, key, options, identity))
    return toks


def _glyph_fallback(raw: str, lex: Lexicon) -> str | None:
    """Tokens no reading explains: `@` starting a word is Ø, `&` inside a word is å."""
    if re.fullmatch(r"@[a-zæøå]{2,}", raw):
        return "Ø" + raw[1:]
    if re.fullmatch(r"[a-zæøåA-ZÆØÅ]+&[a-zæøå]*", raw) and raw.lower() not in PAA_FORMS:
        return raw.replace("&", "å")
    m = re.fullmatch(r"[A-ZÆØÅa-zæøå][a-zæøå]*é[bcdfghjklmnpqrstvwxz][a-zæøå]*", raw)
    if m and "é" not in raw[raw.index("é") + 1:]:
        # Norwegian writes é only at a word's end (`idé`); inside a compound whose head the lexicon lacks
        # (`Tospréktest`) it is the OCR's å. A known word must end the compound after it, so foreign
        # words (`République`, `Pokédexen`) stay.
        fixed = raw.replace("é", "å")
        tail = fixed.lower()[fixed.index("å") + 1:]
        if any(lex.nb.get(tail[k:], 0) > 0 for k in range(len(tail) - MIN_SEGMENT + 1)):
            return fixed
    return None


def _is_code(raw: str) -> bool:
    """Acronyms with digits, ids and ordinals (`B1`, `SP13`, `2024-23`, `3a`) are not words."""
    if re.fullmatch(r"[A-ZÆØÅ]+\d+|\d+[a-zA-Z]?|\d+[A-Z]+", raw):
        return not re.fullmatch(r"[pP][3481&]|\d[a-zæøå]{1,3}", raw)
    return False


def _choose(toks: list[_Tok], lex: Lexicon, text: str, lang: str = "nb") -> None:
    """Pick a reading per token: by score alone first, then with the neighbours' choices and the
    document's own certain repairs as context."""
    for t in toks:
        t.choice = _best(t, lex, None, None, lang)
        if t.choice is None and not t.options:
            t.choice = _glyph_fallback(t.raw, lex)
            t.exact = t.choice is not None
    doc = _certain_repairs(toks)
    for t_prev, t, t_next in zip([None, *toks[:-1]], toks, [*toks[1:], None], strict=True):
        if len(t.options) < 2 and not (t.options and t.identity is None):
            continue
        prev = _form(t_prev) if t_prev is not None and _adjacent(text, t_prev, t) else None
        nxt = _form(t_next) if t_next is not None and _adjacent(text, t, t_next) else None
        t.choice = _best(t, lex, prev, nxt, lang, doc)


def _certain_repairs(toks: list[_Tok]) -> set[str]:
    """Words the document surely holds: the repairs of tokens that are no word as printed, and the last
    part of those read as compounds (`formidlingsbyrader` gives `formidlingsbyråer` and `byråer`)."""
    out: set[str] = set()
    for t in toks:
        if t.identity is None and t.options and t.choice is not None:
            r = next((r for r in t.options if r.text == t.choice), None)
            out.add(t.choice)
            if r is not None and len(r.parts) > 1:
                out.add(r.last)
    return out


def _form(t: _Tok) -> str:
    return t.choice if t.choice is not None else t.key.replace(_CAP_I, "i")


def _adjacent(text: str, a: _Tok, b: _Tok) -> bool:
    gap = text[a.end:b.start]
    return len(gap) <= 3 and not re.search(r"[.!?:;()|«»]", gap) and gap.strip(" \n-,") == ""


def _best(t: _Tok, lex: Lexicon, prev: str | None, nxt: str | None, lang: str = "nb",
          doc: set[str] | None = None) -> str | None:
    if not t.options:
        return None
    raw_l = t.key.replace(_CAP_I, "i")
    own = lex.own(lang)
    # a raw token that reads as itself (a word or a compound of words)
    plain_reading = next((r for r in t.options if r.subs == 0), None)
    # only a compound of other words as printed: the document's own certain repairs may outweigh it
    compound_only = plain_reading is not None and len(plain_reading.parts) > 1 and bool(doc)

    def ctx(r: Reading) -> float:
        s = r.score
        if prev is not None:
            s += lex.bonus(prev, r.first)
        if nxt is not None:
            s += lex.bonus(r.last, nxt)
        if compound_only and _head_repair(r, plain_reading, own) and (r.text in doc or r.last in doc):
            s += DOC_BONUS
        return s

    options = [r for r in t.options if r.subs == 0 or r.damage >= MIN_DAMAGE]
    if plain_reading is not None:
        # a word of the other standard must not replace a reading of the token in the document's own
        options = [r for r in options if r.subs == 0 or any(own.get(p, 0) for p in r.parts)]
    # a word of the other standard reached by a substitution that is also a spelling difference is a guess
    options = [r for r in options if not r.weak or any(own.get(p, 0) for p in r.parts)]
    if not options:
        return None
    best = max(options, key=ctx)
    if best.text == raw_l or best.subs == 0:
        return None
    # a token that is a word only as a rare general word (`mater`) yields to a reading the clean reports use
    # (`måter`): in a report that reading is the likelier one
    rare = own.get(raw_l, 0) < RARE and len(best.parts) == 1 and own.get(best.text, 0) >= ATTESTED
    if plain_reading is not None and not rare:
        if ctx(best) - ctx(plain_reading) < MARGIN:
            return None
        if lex.nb.get(raw_l, 0) >= COMMON and not _context_supports(best, prev, nxt, lex):
            return None
    if raw_l in REAL_WORDS and not _context_supports(best, prev, nxt, lex):
        return None
    elif not _NEEDS_LOOK.search(t.raw) and len(best.parts) > 1 and best.subs > 1 \
            and best.damage < best.subs * LIKELY_SUB:
        # an unknown word read as a compound with several changes is usually a name or a foreign word,
        # unless every change is one the OCR makes most of the time (`sgknadsbelgp`: g for ø twice)
        return None
    return best.text


def _head_repair(r: Reading, plain: Reading | None, own: dict[str, float]) -> bool:
    """`formidlings|byråer` for `formidlings|byrder`: only the last part changed, and the parts before it
    are words of the document's standard as printed (`sprak|nivå` keeps a damaged `sprak`: no)."""
    return plain is not None and r.subs > 0 and len(r.parts) == len(plain.parts) > 1 \
        and r.parts[:-1] == plain.parts[:-1] and all(own.get(p, 0) > 0 for p in r.parts[:-1])


def _other_standard(toks: list[_Tok], lex: Lexicon, text: str, lang: str) -> None:
    """`handtere` in a Bokmål report is `håndtere`, `fra` in a Nynorsk one `frå`: a word of the other standard
    whose æ/ø/å reading is a word of the document's own standard, VARIANT_RATIO times as frequent there.

    Names and foreign words (`Hold Your Hand`) are left alone: capitalised inside a sentence.
    """
    for i, t in enumerate(toks):
        if t.choice is not None or not t.options or t.raw[:1].isupper() and _name_like(toks, i, text):
            continue
        raw_l = t.key.replace(_CAP_I, "i")
        plain = t.identity
        if plain is None or len(plain.parts) != 1 or not lex.other_standard(raw_l, lang):
            continue
        floor = VARIANT_RATIO * lex.share(raw_l, lang)
        # only æ/ø/å readings: the standards differ there, and that is where the OCR hides a letter
        variants = [r for r in t.options if r.subs and len(r.parts) == 1 and r.text == r.first
                    and r.damage >= MIN_DAMAGE and _channel(raw_l, r.text) is not None
                    and lex.share(r.text, lang) > floor and not lex.other_standard(r.text, lang)]
        if variants:
            t.choice = max(variants, key=lambda r: r.score).text


def _context_supports(r: Reading, prev: str | None, nxt: str | None, lex: Lexicon) -> bool:
    return (prev is not None and lex.bigrams.get((prev, r.first), 0) > 0) or (
        nxt is not None and lex.bigrams.get((r.last, nxt), 0) > 0)


def _function_words(toks: list[_Tok], lex: Lexicon, text: str) -> None:
    """`på` and the infinitive marker `å`, decided from the token and the word after it."""
    doc_after_aa = {
        _form(b) for a, b in zip(toks, toks[1:], strict=False)
        if a.raw == "&" and _adjacent(text, a, b) and b.raw[:1].islower()
    }
    for i, t in enumerate(toks):
        low = t.raw.lower()
        if low in PAA_FORMS:
            t.choice = "på"
            continue
        if t.raw not in INFINITIVE_MARKS or i + 1 >= len(toks):
            continue
        nxt = toks[i + 1]
        if text[t.end:nxt.start] not in (" ", "\n") or not nxt.raw[:1].isalpha():
            continue
        if not nxt.raw[:1].islower():
            continue
        word = _form(nxt)
        if t.raw == "&":
            t.choice = "å"
        elif t.raw in {"A", "R"}:
            if _sentence_start(text, t.start) and _verb_like(word, lex, doc_after_aa):
                t.choice = "å"
        elif _verb_like(word, lex, doc_after_aa) or _governed_infinitive(toks, i, word, lex, text):
            prev = toks[i - 1] if i > 0 else None
            if t.raw.isdigit() and prev is not None and (prev.raw.isdigit() or prev.raw in {"kap", "post", "nr"}) \
                    and _adjacent(text, prev, t):
                continue
            t.choice = "å"
    _capital_i(toks, text)


def _real_words(toks: list[_Tok], text: str, lex: Lexicon | None = None, lang: str = "nb") -> None:
    """Words that are valid but may be a damaged æ/ø/å word (`far` for `får`): the n-gram context decides.

    Noisy channel: each reading is scored by the likelihood of the damage that would turn it into the token
    (none for the token itself) plus the log probability of the token and its two right neighbours given
    the two left ones. The token changes only when a reading beats it by REAL_WORD_MARGIN.
    """
    cm = context.model()
    words = [_context_form(t) for t in toks]
    for i, t in enumerate(toks):
        cands = cm.pairs.get(t.key)
        if not cands or t.raw.lower() in PAA_FORMS or _name_like(toks, i, text) or _compound_part(t, text):
            continue
        if t.raw in INFINITIVE_MARKS and t.choice is not None:
            continue  # the infinitive rule already decided
        if lex is not None and t.choice is not None and lex.other_standard(t.key, lang):
            continue  # the document's standard decided (`handtere` in Bokmål); the context prior is Bokmål only
        left = _neighbours(toks, words, text, i, -1)
        right = _neighbours(toks, words, text, i, 1)
        if left[1] == context.START and right[0] == context.END and not _sentence_start(text, t.start):
            continue  # chart labels and table debris: no context to decide from, only the prior
        scores = {t.key: cm.score(left, t.key, right)}
        for c in cands:
            if lex is not None and lex.other_standard(c, lang):
                continue  # `håndtere` for `handtere` in a Nynorsk document: the context prior is Bokmål only
            lp = _channel(t.key, c)
            if lp is not None:
                scores[c] = lp + cm.score(left, c, right)
        best = max(scores, key=scores.__getitem__)
        before = t.choice.lower() if t.choice is not None else None
        if before is not None and before in scores:
            # an earlier decision stands unless the context clearly prefers the token as printed
            if scores[t.key] - scores[before] >= REAL_WORD_MARGIN:
                t.choice = None
        elif before is None and best != t.key and scores[best] - scores[t.key] >= REAL_WORD_MARGIN:
            t.choice, t.exact = best, False


def _coded_words(toks: list[_Tok], lex: Lexicon, text: str, lang: str) -> None:
    """`S3 godt som alle`: a capital and a 3/8 opening a sentence before a lower-case word is `Så`.

    `_is_code` keeps such tokens as codes (`K3`, `S3`); they are read as a word only when every
    occurrence in the document stands so, the å-word is common in the document's standard and
    clean text has it before the next word.
    """
    cm = context.model()
    spots: dict[str, list[str | None]] = {}
    for i, t in enumerate(toks):
        if not _CODED_WORD.fullmatch(t.raw) or t.raw.lower() in PAA_FORMS:
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prose = nxt is not None and _sentence_start(text, t.start) and text[t.end:nxt.start] == " " \
            and nxt.raw.isalpha() and nxt.raw.islower()
        spots.setdefault(t.raw, []).append(_form(nxt).lower() if prose and nxt is not None else None)
    for i, t in enumerate(toks):
        nexts = spots.get(t.raw)
        if not nexts or None in nexts:
            continue  # used as a code somewhere in the document
        word = t.raw[0].lower() + "å"
        after = _form(toks[i + 1]).lower()
        if lex.own(lang).get(word, 0) >= ATTESTED and (lex.bigrams.get((word, after), 0) or cm.n.get((word, after))):
            t.choice, t.exact = t.raw[0] + "å", True


def _name_like(toks: list[_Tok], i: int, text: str) -> bool:
    """A name or an acronym (`Al`, `LSK`, `Kate Winslet`), not a word: all capitals, capitalised inside a
    sentence, or capitalised at its start with another capitalised word right after."""
    t = toks[i]
    if len(t.raw) > 1 and t.raw.isupper():
        return True
    if not t.raw[:1].isupper():
        return False
    if not _sentence_start(text, t.start):
        return True
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is not None and text[t.end:nxt.start] == " " and nxt.raw[:1].isupper()


def _compound_part(t: _Tok, text: str) -> bool:
    """`KrF-ere`, `LSK-spiller`: a part joined by a hyphen has no word context of its own."""
    return text[t.end:t.end + 1] == "-" or (t.start > 0 and text[t.start - 1] == "-")


def _context_form(t: _Tok) -> str | None:
    w = _form(t).lower()
    return w if context.WORD_RE.fullmatch(w) else None


def _neighbours(toks: list[_Tok], words: list[str | None], text: str, i: int, step: int) -> tuple[str, str]:
    """The two words before (step -1) or after (+1) token i in one clause; START/END past its edge.

    The n-grams were counted within runs that punctuation ends, so a comma ends the context here too.
    """
    out = []
    j = i
    for _ in range(2):
        k = j + step
        if not 0 <= k < len(toks) or words[k] is None:
            break
        a, b = (toks[k], toks[j]) if step < 0 else (toks[j], toks[k])
        gap = text[a.end:b.start]
        if gap.strip() or len(gap) > 3 or "\n\n" in gap:
            break
        out.append(words[k])
        j = k
    edge = context.START if step < 0 else context.END
    if len(out) < 2:
        out.append(edge)
    if len(out) < 2:
        out.append("")
    return (out[1], out[0]) if step < 0 else (out[0], out[1])


@lru_cache(maxsize=4096)
def _channel(raw: str, clean: str) -> float | None:
    """log P(the OCR prints `raw` | the word is `clean`), over the substitution table; None if it cannot."""
    return max((lp for form, lp in damaged_forms(clean) if form == raw), default=None)


def _governed_infinitive(toks: list[_Tok], i: int, word: str, lex: Lexicon, text: str) -> bool:
    """`for a spille`, `begynt d lese`: a word that governs an infinitive before, a known -e word after."""
    if i == 0 or toks[i].raw.isdigit() or not _adjacent(text, toks[i - 1], toks[i]):
        return False  # `for 8 ukrainske`: a digit after a preposition is a number
    before = _form(toks[i - 1]).lower()
    return before in AA_GOVERNORS and word.endswith("e") and lex.counts.get(word, 0.0) > 0


def _verb_like(word: str, lex: Lexicon, doc_after_aa: set[str]) -> bool:
    return word in lex.after_aa or word in doc_after_aa or word in SHORT_VERBS


def _capital_i(toks: list[_Tok], text: str) -> None:
    """`1 tillegg`, `T 2024 har` at a sentence start are the preposition I."""
    for t, nxt in zip(toks, toks[1:], strict=False):
        if t.raw not in {"1", "T"} or text[t.end:nxt.start] != " " or not _sentence_start(text, t.start):
            continue
        if nxt.raw == "tillegg" or (YEAR_RE.fullmatch(nxt.raw) and re.match(r"\s+[a-zæøå]", text[nxt.end:])):
            t.choice = "i"


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 200):pos]
    stripped = before.rstrip()
    if not stripped or re.search(r"\n[ \t]*\n[ \t]*$", before):
        return True
    return stripped[-1] in ".!?:•"
