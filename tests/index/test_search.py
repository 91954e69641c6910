"""Search API on the real corpus, indexed with the hashing test embedder: hits, snippets, citations, filters."""

from __future__ import annotations

import pytest

from index.filters import SearchFilters, parse_years
from index.highlight import trim_quote


def test_hits_are_ranked_with_snippets_and_citations(fake_index):
    hits = fake_index.search("bosatt innen 6 måneder", k=7, mode="hybrid")
    assert [h.rank for h in hits] == list(range(1, 8))
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))
    docs = {d["id"]: d for d in fake_index.documents()}
    for h in hits:
        c = fake_index.chunk(h.chunk_id)
        cit = h.citation
        assert h.text == c.text and h.doc_id == c.doc_id
        assert cit.title == docs[c.doc_id]["title"] and cit.year == docs[c.doc_id]["year"]
        assert cit.source_file == docs[c.doc_id]["source_file"]
        assert cit.page == c.page and cit.page_label == c.page.label()
        assert cit.section_path == c.section_path
        src = fake_index.sources[c.doc_id]
        assert cit.quote == trim_quote(src[cit.span.start:cit.span.end])
        assert c.span.start <= cit.span.start < cit.span.end <= c.span.end
        assert set(h.ranks) <= {"keyword", "semantic", "facts"} and h.ranks
    assert any("**" in h.snippet for h in hits)


def test_keyword_snippet_bolds_query_terms(fake_index):
    hit = fake_index.search("overføringsflyktninger", k=1, mode="keyword")[0]
    assert "**overføringsflyktninger**" in hit.snippet.lower()
    assert hit.ranks == {"keyword": 1} and set(hit.scores) == {"keyword"}


def test_number_query_finds_its_table_row(fake_index):
    hits = fake_index.search("2 819", k=5, mode="keyword")
    rows = [h for h in hits if "table" in h.kinds and h.citation.row is not None]
    assert rows, [h.chunk_id for h in hits]
    assert all("2 819" in h.citation.quote or "2819" in h.citation.quote for h in rows)


def test_empty_query_is_refused(fake_index):
    for q in ("", "   ", "\n\t"):
        with pytest.raises(ValueError, match="empty"):
            fake_index.search(q)
    with pytest.raises(ValueError, match="expected one of"):
        fake_index.search("bosetting", mode="fuzzy")
    with pytest.raises(ValueError, match="positive"):
        fake_index.search("bosetting", k=0)
    # invisible characters or punctuation alone would rank every chunk by nothing
    for q in ("\u200b", "\ufeff\u200d", "?!", "…"):
        with pytest.raises(ValueError, match="no words"):
            fake_index.search(q)
    assert fake_index.search("49 %")  # a figure is a word here


def test_an_absurdly_long_query_is_refused_as_the_api_refuses_it(fake_index):
    """The library, and so `kb search` and `kb answer`, take what the API takes: 1 000 characters."""
    assert fake_index.search(" " + "bosetting " * 99 + " ")  # 989 characters once trimmed
    with pytest.raises(ValueError, match="3599 characters long; at most 1000"):
        fake_index.search("ord " * 900)


def test_query_vectors_are_cached(fake_index, fake_embedder):
    before = fake_embedder.queries_embedded
    fake_index.search("ventetid for bosetting fra mottak", mode="semantic")
    fake_index.search("ventetid for bosetting fra mottak", mode="hybrid")
    assert fake_embedder.queries_embedded == before + 1


def test_lookup_counts_and_documents(fake_index):
    first = fake_index.chunks[0]
    assert fake_index.chunk(first.id) == first
    with pytest.raises(KeyError):
        fake_index.chunk("nope:c00000")
    docs = fake_index.documents()
    assert len(docs) == 5 and all(len(d["sha256"]) == 64 and d["ingest_version"] for d in docs)
    assert fake_index.counts["chunks"] == len(fake_index) == sum(d["chunks"] for d in docs)
    assert fake_index.manifest["model"]["fingerprint"] == "fake-hash-embedder:v1:64"


# -- filters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_filters_apply_before_top_k(fake_index, mode):
    """A narrow filter still returns k hits when k chunks match it."""
    q = "bosetting av flyktninger i kommunene"
    for filters, check in [
        ({"year": 2022}, lambda c: c.year == 2022),
        ({"year": "2019-2021"}, lambda c: 2019 <= c.year <= 2021),
        ({"doc": "imdi-fou-2020"}, lambda c: c.doc_id == "imdi-fou-2020"),
        ({"lang": "nn"}, lambda c: c.lang == "nn"),
        ({"kind": "table"}, lambda c: "table" in c.kinds),
        ({"doc_type": "tildelingsbrev", "kind": ["table", "list"]},
         lambda c: c.doc_type == "tildelingsbrev" and {"table", "list"} & set(c.kinds)),
    ]:
        hits = fake_index.search(q, k=8, mode=mode, filters=filters)
        allowed = fake_index.columns.mask(SearchFilters.from_any(filters))
        if mode == "keyword":
            expected = min(8, int((fake_index.keyword.scores(fake_index.tokenizer.tokens(q)) * allowed > 0).sum()))
        else:
            expected = min(8, int(allowed.sum()))
        assert len(hits) == expected > 0, filters
        assert all(check(fake_index.chunk(h.chunk_id)) for h in hits), filters


def test_entity_filter(fake_index):
    with_entities = [c for c in fake_index.chunks if c.entities]
    if not with_entities:
        pytest.skip("the ingest stage attached no entities to blocks")
    target = with_entities[len(with_entities) // 2].entities[0]
    key = target.norm or target.text
    hits = fake_index.search("bosetting", k=5, mode="semantic", filters={"entity": key})
    assert hits
    for h in hits:
        ents = fake_index.chunk(h.chunk_id).entities
        assert any(key.lower() in {e.text.lower(), (e.norm or "").lower()} for e in ents)


def test_entity_filter_with_a_label_keeps_that_name_with_that_label_only(fake_index):
    names = [(c, e) for c in fake_index.chunks for e in c.entities if e.label in {"ORG", "GPE"}]
    if not names:
        pytest.skip("the ingest stage attached no names to blocks")
    _, target = names[len(names) // 2]
    key, other = target.norm or target.text, "GPE" if target.label == "ORG" else "ORG"
    same = fake_index.search("bosetting", k=5, mode="semantic",
                             filters={"entity": key.upper(), "entity_label": target.label})
    assert same
    for h in same:
        assert any(e.label == target.label and key.lower() in {e.text.lower(), (e.norm or "").lower()}
                   for e in fake_index.chunk(h.chunk_id).entities)
    # the same name under the other label: only chunks where it is tagged so (none, for most names)
    for h in fake_index.search("bosetting", k=5, mode="semantic", filters={"entity": key, "entity_label": other}):
        assert any(e.label == other and key.lower() in {e.text.lower(), (e.norm or "").lower()}
                   for e in fake_index.chunk(h.chunk_id).entities)
    # a label alone: any name with it
    alone = fake_index.search("bosetting", k=5, mode="semantic", filters={"entity_label": target.label})
    assert alone and all(any(e.label == target.label for e in fake_index.chunk(h.chunk_id).entities)
                         for h in alone)


def test_filter_values_are_checked():
    assert parse_years("2020") == (2020, 2020)
    assert parse_years("2021-2019") == (2019, 2021)
    assert parse_years([2019, 2022]) == (2019, 2022)
    with pytest.raises(ValueError, match="year"):
        parse_years("i fjor")
    with pytest.raises(ValueError, match="unknown filter"):
        SearchFilters.from_any({"yeer": 2020})
    assert SearchFilters.from_any(None).is_empty()


def test_a_long_quote_shows_what_it_cites():
    # an infographic block read as one passage: the figure stands far past the first 400 characters
    block = ("Tilskudd til frivillige organisasjoner " * 15 + "IMDi har 950 saker hos minoritetsrådgiverne "
             + "og mer " * 60)
    at = block.index("950")
    quote = trim_quote(block, focus=at)
    assert "950 saker" in quote and quote.startswith("… ") and quote.endswith(" …") and len(quote) <= 410
    assert "950" not in trim_quote(block)  # without a focus: the head, as before
    assert trim_quote(block, focus=10) == trim_quote(block)  # a focus inside the head changes nothing
    assert trim_quote("  kort  ", focus=3) == "kort"
