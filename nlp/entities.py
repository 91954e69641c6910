"""The trained NorNE NER as a component of the project's rule pipeline (ingestion runs both).

`norne_ner` runs the trained tok2vec + ner (nlp.pipelines) on the rule pipeline's tokens and writes the
names it finds as entities with the project's labels; the EntityRuler added after it (with
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
NAME_LABELS = frozenset({"ORG", "GPE", "LOC"})
SPANS_KEY = "norne"
SENTENCE_END = frozenset({".", "!", "?", ":", ";", "•", "·", "–", "—", "-", "|", "*", "»", "«", '"'})
FACTORY = "norne_ner"
PREFER_LONGER = "prefer_longer_names"


def model_spans(doc: Doc, mdoc: Doc) -> list[Span]:
    """The trained model's entities on `mdoc`, mapped onto `doc` (same tokens) with project labels."""
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
        out.append(Span(doc, start, end, label=label))
    return out


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

    def __init__(self, lang: str) -> None:
        self.model = load(lang)

    def mirror(self, doc: Doc) -> Doc:
        """The same tokens in the trained pipeline's vocab (its strings and labels live there)."""
        return Doc(self.model.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])

    def set_annotations(self, doc: Doc, mdoc: Doc) -> Doc:
        spans = model_spans(doc, mdoc)
        doc.spans[SPANS_KEY] = spans
        doc.ents = spans
        return doc

    def __call__(self, doc: Doc) -> Doc:
        mdoc = self.mirror(doc)
        for _name, proc in self.model.pipeline:
            mdoc = proc(mdoc)
        return self.set_annotations(doc, mdoc)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        docs = list(docs)
        mdocs: Iterable[Doc] = (self.mirror(d) for d in docs)
        for _name, proc in self.model.pipeline:
            mdocs = proc.pipe(mdocs, batch_size=batch_size)
        for doc, mdoc in zip(docs, mdocs, strict=True):
            yield self.set_annotations(doc, mdoc)


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
        if span.label_ not in NAME_LABELS:
            continue
        inside = [e for e in ents if e.start < span.end and span.start < e.end]
        if not inside or any(e.label_ not in NAME_LABELS for e in inside):
            continue
        if all(span.start <= e.start and e.end <= span.end for e in inside) and any(
            (e.start, e.end) != (span.start, span.end) for e in inside
        ):
            ents = [e for e in ents if e not in inside] + [span]
    doc.ents = sorted(ents, key=lambda e: e.start)
    return doc
