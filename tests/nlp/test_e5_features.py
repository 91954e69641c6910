"""The e5 token-feature layer (nlp/e5_features.py): pieces pooled onto spaCy tokens, windows, the thinc layer."""

from __future__ import annotations

import numpy as np
import pytest
import spacy

from nlp import e5_features as F

TOKENIZER = F.default_dir() / "tokenizer.json"


@pytest.fixture(scope="module")
def tokenizer():
    if not TOKENIZER.is_file():
        pytest.skip(f"e5 token-feature graph not built at {TOKENIZER.parent}")
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(TOKENIZER))
    tok.no_padding()
    tok.no_truncation()
    return tok


def token_spans(nlp, text):
    doc = nlp.make_doc(text)
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    return doc, starts, starts + np.array([len(t) for t in doc], dtype=np.int64)


def test_pool_averages_the_pieces_overlapping_each_token():
    # pieces: [0,3) [3,5) -> token 0 [0,5); [6,10) -> token 1; [10,12) spans tokens 1 and 2 ([6,11), [11,12))
    offsets = np.array([[0, 3], [3, 5], [6, 10], [10, 12]], dtype=np.int32)
    states = np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 2.0], [0.0, 4.0]], dtype=np.float16)
    starts, ends = np.array([0, 6, 11, 13]), np.array([5, 11, 12, 14])
    out = F.pool(offsets, states, starts, ends)
    assert out.tolist() == [[2.0, 0.0], [0.0, 3.0], [0.0, 4.0], [0.0, 0.0]]  # the last token has no piece


def test_pool_of_nothing_is_empty_or_zero():
    assert F.pool(np.zeros((0, 2), np.int32), np.zeros((0, 3)), np.zeros(0), np.zeros(0)).shape == (0, 3)
    assert F.pool(np.zeros((0, 2), np.int32), np.zeros((0, 3)), np.array([0]), np.array([2])).tolist() == [[0, 0, 0]]


def test_standardise_rows_and_keeps_zero_rows():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    out = F.standardise(x)
    assert out[0].mean() == pytest.approx(0.0, abs=1e-6) and out[0].std() == pytest.approx(1.0, rel=1e-5)
    assert out[1].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("text", [
    "Ståle Ørjasæter bor i Tromsø og jobber i Arbeids- og velferdsetaten (NAV).",
    # OCR damage: split words, stray marks, broken æøå, doubled spaces and a line break
    "Stor tinget  ve dtok i 2O2O at Kommunal- og moderniseringsdepartem ent et ~ skal ha ansvar for\nfl0ktninger .",
])
def test_every_word_token_gets_pieces_and_pieces_stay_inside_the_text(tokenizer, text):
    nlp = spacy.blank("nb")
    windows, offsets = F.pieces(tokenizer, text)
    assert len(windows) == 1 and len(windows[0]) == len(offsets) + 2
    assert (offsets[:, 0] >= 0).all() and (offsets[:, 1] <= len(text)).all()
    # sentencepiece's leading space is not part of the next word (a piece of nothing but `▁` keeps its space)
    assert all(not text[s].isspace() or text[s:e].isspace() for s, e in offsets if e > s)
    doc, starts, ends = token_spans(nlp, text)
    states = np.eye(len(offsets), dtype=np.float32)  # one-hot: which pieces each token averaged
    pooled = F.pool(offsets, states, starts, ends)
    for tok, row in zip(doc, pooled, strict=True):
        used = np.flatnonzero(row)
        if tok.is_space:
            assert not used.size
            continue
        assert used.size, tok.text
        covered = "".join(text[offsets[p, 0]:offsets[p, 1]] for p in used)
        assert tok.text in covered  # the token's characters are all inside its pieces


def test_empty_text_has_no_windows_and_an_empty_doc_no_rows(tokenizer):
    windows, offsets = F.pieces(tokenizer, "")
    assert windows == [] and offsets.shape == (0, 2)
    assert F.pool(offsets, np.zeros((0, F.DIM)), np.zeros(0), np.zeros(0)).shape == (0, F.DIM)


def test_long_text_is_cut_into_windows_not_truncated(tokenizer):
    text = " ".join(["Forvaltningsreformen i Troms og Finnmark fylkeskommune"] * 120)
    windows, offsets = F.pieces(tokenizer, text)
    assert len(offsets) > 2 * F.WINDOW
    assert [len(w) - 2 for w in windows] == [F.WINDOW, F.WINDOW, len(offsets) - 2 * F.WINDOW]
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    assert all(w[0] == bos and w[-1] == eos for w in windows)
    assert offsets[-1, 1] == len(text)  # the end of the text has pieces too


@pytest.fixture(scope="module")
def runtime():
    folder = F.default_dir()
    if not (folder / F.FILES["int8"]).is_file():
        pytest.skip("e5 token-feature graph not built")
    return F.OnnxPieces("int8", threads=1)


def test_onnx_states_of_a_long_text_cover_every_piece_and_match_the_short_text(runtime):
    short = "Tromsø kommune søkte Helsedirektoratet om midler."
    long = " ".join([short] * 150)
    (o1, s1), (o2, s2), (o3, s3) = runtime.states([short, long, ""])
    assert s1.shape == (len(o1), F.DIM) and s2.shape == (len(o2), F.DIM) and s3.shape == (0, F.DIM)
    assert len(o2) > F.WINDOW
    # the first sentence of the long text sees more context, but stays close to the sentence alone
    a, b = s1[0], s2[0]
    assert float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)) > 0.5


def test_layer_refuses_features_of_another_model():
    with pytest.raises(F.FeatureModelMismatch, match="retrain"):
        F.check_fingerprint("multilingual-e5-small:0000000000000000:c1:layers4-8:r1")


def test_committed_config_builds_a_tok2vec_with_one_row_per_token(runtime):
    """nlp/configs/nb.cfg initialises, and its tok2vec runs the features through the ONNX graph."""
    from spacy.tokens import Span
    from spacy.training import Example

    from nlp.train import CONFIGS

    config = spacy.util.load_config(CONFIGS / "nb.cfg")
    assert F.uses_features(config)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    doc = nlp.make_doc("Kari Nordmann bor i Tromsø.")
    ref = nlp.make_doc(doc.text)
    ref.ents = [Span(ref, 0, 2, label="PER"), Span(ref, 4, 5, label="GPE_LOC")]
    nlp.initialize(lambda: [Example(doc, ref)])
    F.load_cache(None)
    out = nlp.get_pipe("tok2vec").predict([nlp.make_doc(doc.text), nlp.make_doc("")])
    assert out[0].shape == (6, 128) and out[1].shape == (0, 128)
