"""The trained NorNE NER as a component of the project's rule pipeline (ingestion runs both).

`norne_ner` runs the trained tok2vec + ner (nlp.pipelines) on the rule pipeline's tokens and writes the
names it finds as entities with the project's labels. It runs sentence by sentence (the model was trained on
single sentences), and only on the sentences where `model_spans` could keep a name (a capital past the
sentence start, or an acronym): in these reports about two thirds of the tokens are in sentences with none,
and the e5 features make the model the costliest step of ingestion. The EntityRuler added after it (with
`overwrite_ents`) then replaces every model entity it overlaps, and `prefer_longer_names` gives a longer
model name back its place where the ruler only matched a part of it (`Gamle Oslo` over `Oslo`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.pipelines import load

# NorNE label -> project label. The project's guideline (eval/facts_eval.py) makes municipalities,
# districts, counties and countries GPE whatever their role, so GPE_ORG (`Norge signerte`) is a GPE, and
# so is NorNE's LOC: in these reports it is city districts and regions (`Grünerløkka`, `Alna`), which the
# guideline calls GPE. PROD, EVT, DRV (`norsk`, `osloborger`) and MISC have no project label: dropped.
LABEL_MAP = {"PER": "PER", "ORG": "ORG", "GPE_LOC": "GPE", "GPE_ORG": "GPE", "LOC": "GPE"}
# places and organisations: a model span with one of these labels replaces the ruler's shorter names inside it
LONGER_LABELS = frozenset({"ORG", "GPE", "LOC"})
SPANS_KEY = "norne"
SENTENCE_END = frozenset({".", "!", "?", ":", ";", "•", "·", "–", "—", "-", "|", "*", "»", "«", '"'})
FACTORY = "norne_ner"
PREFER_LONGER = "prefer_longer_names"


def model_spans(doc: Doc, mdoc: Doc, offset: int = 0) -> list[Span]:
    """The trained model's entities on `mdoc`, mapped onto `doc` (whose tokens from `offset` on are mdoc's)."""
    out = []
    for ent in mdoc.ents:
        label = LABEL_MAP.get(ent.label_)
        if label is None:
            continue
        # The model saw no tabs or line breaks in training: trim them off the edges, and a name never
        # runs across a line break (a table row or heading above the next line).
        start, end = ent.start, ent.end
        while start < end and mdoc[start].is_space:
            start += 1
        while end > start and mdoc[end - 1].is_space:
            end -= 1
        ent = mdoc[start:end]
        if not len(ent) or any("\n" in t.text for t in ent):
            continue
        # A name starts with a capital or a digit; lower-case starts are mostly common nouns the model
        # took for names in headings and tables.
        if not (ent.text[:1].isupper() or ent.text[:1].isdigit()):
            continue
        # Cut-off compounds (`Arbeids- og`) and markup residue are not names.
        if ent.text.endswith("-") or any(c in ent.text for c in "<>%?=/"):
            continue
        # At the start of a sentence, line or heading a capital says nothing: headings and table cells
        # (`Tilskudd`, `Resultat`, `Formålet`) start with one. There the span needs another capitalised
        # word (`Gamle Oslo`) or must be an acronym (`NTNU`, not a capitalised heading `STYRINGSPARAMETERE`).
        if at_sentence_start(mdoc, start) and not (
            ent[0].is_upper and 1 < len(ent[0]) <= 5 or any(t.text[:1].isupper() for t in ent[1:])
        ):
            continue
        # Reports name a person by full name; a single capitalised word the model calls a person here is
        # a programme (`Jobbsjansen`), a heading word (`Andel`) or an English word in a title.
        if label == "PER" and (len(ent) < 2 or not all(t.text[:1].isupper() for t in ent if t.is_alpha)):
            continue
        out.append(Span(doc, offset + start, offset + end, label=label))
    return out


def sentences(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges [start, end) split after line breaks, tabs and `.`, `!`, `?` (never inside a name).

    Inside a range `at_sentence_start` answers as it does in the whole doc, since each range begins
    right after a token that makes it answer True.
    """
    cuts = [0]
    for tok in doc[:-1]:
        if tok.text in {".", "!", "?"} or "\n" in tok.text or "\t" in tok.text:
            cuts.append(tok.i + 1)
    cuts.append(len(doc))
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if not all(t.is_space for t in doc[a:b])]


def may_hold_name(doc: Doc) -> bool:
    """Whether `model_spans` could keep a span here: a capitalised word past a sentence start, or an acronym.

    A span at a sentence start needs a short acronym first or a later capitalised word, elsewhere it needs a
    capital (a name starting with a digit and holding no capital is the one kind this misses).
    """
    for tok in doc:
        if tok.text[:1].isupper() and (tok.is_upper and 1 < len(tok) <= 5 or not at_sentence_start(doc, tok.i)):
            return True
    return False


def at_sentence_start(doc: Doc, i: int) -> bool:
    """Whether token `i` begins the text, a line or a sentence (section numbers and bullets skipped)."""
    j = i - 1
    while j >= 0:
        tok = doc[j]
        if "\n" in tok.text or "\t" in tok.text or tok.text in SENTENCE_END:
            return True
        if not (tok.is_space or tok.like_num or tok.text.replace(".", "").isdigit() or tok.is_bracket):
            return False
        j -= 1
    return True


class NorneNer:
    """Pipeline component: the trained NorNE tok2vec + ner for `lang`, run on the host pipeline's tokens."""

    def __init__(self, lang: str, batch_size: int = 256) -> None:
        self.model = load(lang)
        self.batch_size = batch_size

    def mirror(self, doc: Doc, start: int, end: int) -> Doc:
        """Tokens [start, end) in the trained pipeline's vocab (its strings and labels live there)."""
        toks = doc[start:end]
        return Doc(self.model.vocab, words=[t.text for t in toks], spaces=[bool(t.whitespace_) for t in toks])

    def jobs(self, docs: list[Doc]) -> list[tuple[int, int, Doc]]:
        """(doc number, first token, sentence in the model's vocab) of every sentence that may hold a name."""
        out = []
        for k, doc in enumerate(docs):
            for start, end in sentences(doc):
                mdoc = self.mirror(doc, start, end)
                if may_hold_name(mdoc):
                    out.append((k, start, mdoc))
        return out

    def annotate(self, docs: list[Doc]) -> list[Doc]:
        """Run the model over those sentences of all `docs` in one stream (the e5 features batch by length)."""
        jobs = self.jobs(docs)
        found: list[list[Span]] = [[] for _ in docs]
        mdocs: Iterable[Doc] = (m for _, _, m in jobs)
        for _name, proc in self.model.pipeline:
            mdocs = proc.pipe(mdocs, batch_size=self.batch_size)
        for (k, start, _), mdoc in zip(jobs, mdocs, strict=True):
            found[k].extend(model_spans(docs[k], mdoc, start))
        for doc, spans in zip(docs, found, strict=True):
            doc.spans[SPANS_KEY] = spans
            doc.ents = spans
        return docs

    def __call__(self, doc: Doc) -> Doc:
        return self.annotate([doc])[0]

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        yield from self.annotate(list(docs))


@Language.factory(FACTORY, default_config={"model_lang": "nb"})
def make_norne_ner(nlp: Language, name: str, model_lang: str) -> NorneNer:
    return NorneNer(model_lang)


@Language.component(PREFER_LONGER)
def prefer_longer_names(doc: Doc) -> Doc:
    """A model name that strictly contains ruler names (and overlaps nothing else) replaces them.

    The ruler's gazetteer knows `Oslo` but not `Gamle Oslo`, `Statsforvalteren i Oslo og Viken` whole;
    when the model found the whole name, the part is the wrong answer. Amounts, dates, laws and
    references inside a model span keep the ruler's reading: the model is not trained for them.
    """
    ents = list(doc.ents)
    for span in doc.spans.get(SPANS_KEY, []):
        if span.label_ not in LONGER_LABELS:
            continue
        inside = [e for e in ents if e.start < span.end and span.start < e.end]
        if not inside or any(e.label_ not in LONGER_LABELS for e in inside):
            continue
        if all(span.start <= e.start and e.end <= span.end for e in inside) and any(
            (e.start, e.end) != (span.start, span.end) for e in inside
        ):
            ents = [e for e in ents if e not in inside] + [span]
    doc.ents = sorted(ents, key=lambda e: e.start)
    return doc
