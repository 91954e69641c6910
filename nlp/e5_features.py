"""Frozen contextual token features from multilingual-e5-small for the NER tok2vec (nlp/configs/{nb,nn}.cfg).

Each text goes through the first 8 transformer layers of e5 (no prompt); a piece's feature is the mean of the
hidden states after layers 4..8 (a contrastively tuned sentence model's last layer is tuned for pooling, the middle
ones carry more token-level information). A spaCy token's feature is the mean of the pieces whose characters
overlap it (a piece's leading space is not counted as overlap), then standardised per token (zero mean, unit
variance: the middle layers have a few large outlier dimensions). A token that no piece covers (whitespace) gets
zeros. Texts longer than the model's 512 positions are cut into consecutive windows of `WINDOW` pieces (no
overlap), each encoded on its own with its own <s> and </s>: a long document is never truncated.

Where the piece states come from: a cache (`load_cache`, built once for the NorNE training sentences so training
never re-runs e5) when it holds the text, otherwise an ONNX graph of the truncated model built into the model cache
on first use (int8 or fp32). The e5 weights never go into the pipeline folder; the pipeline's config names the
feature model's fingerprint and `check_fingerprint` refuses another.

`imdi.E5Features.v1` is the thinc layer (docs -> one float32 row per token, no gradient), `imdi.E5HashEmbed.v1`
the tok2vec embed that concatenates it (after a trainable projection) with spaCy's MultiHashEmbed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

DIM = 384
LAYERS = (4, 8)  # hidden states after layers 4..8 (inclusive), averaged; layers past 8 are not run
WINDOW = 510  # content pieces per window: 512 positions minus <s> and </s>
RECIPE = "1"  # bump when the features change (layers, pooling, windowing): the fingerprint changes with it
FILES = {"fp32": "tokens.onnx", "int8": "tokens_int8.onnx"}
BATCH_PIECES = 4096  # pieces (padded) per ONNX call: sentences batch together, long windows alone


# -- the feature model's identity -----------------------------------------------------------------------------


def fingerprint() -> str:
    """Names the weights, layers and recipe the features come from (not the precision they are run at)."""
    import embedders.convert as e5_convert

    sha = e5_convert.weights_sha256()
    return f"{e5_convert.MODEL_NAME}:{sha[:16]}:c{e5_convert.CONVERTER_VERSION}:layers{LAYERS[0]}-{LAYERS[1]}:r{RECIPE}"


class FeatureModelMismatch(RuntimeError):
    """The pipeline was trained on features of another model or recipe than the one installed."""


def check_fingerprint(expected: str) -> None:
    """Refuse to run a pipeline whose features came from another model than the installed one."""
    actual = fingerprint()
    if expected != actual:
        raise FeatureModelMismatch(
            f"the NER pipeline was trained on e5 token features {expected!r}, but the installed model gives "
            f"{actual!r}: retrain it (python -m nlp.train) or install the model it was trained with")


# -- pieces and their alignment to tokens ------------------------------------------------------------------------


def pieces(tokenizer, text: str) -> tuple[list[list[int]], np.ndarray]:
    """The text's piece ids cut into windows (each with <s> ... </s>), and each content piece's (start, end)."""
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids = enc.ids
    offsets = np.asarray(enc.offsets, dtype=np.int32).reshape(-1, 2)
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    windows = [[bos, *ids[i:i + WINDOW], eos] for i in range(0, len(ids), WINDOW)]
    return windows, trim_spaces(text, offsets)


def trim_spaces(text: str, offsets: np.ndarray) -> np.ndarray:
    """Offsets with each piece's leading whitespace (sentencepiece's `▁`) left out."""
    out = offsets.copy()
    for row in np.flatnonzero(out[:, 0] < out[:, 1]):
        s, e = out[row]
        while s < e - 1 and text[s].isspace():
            s += 1
        out[row, 0] = s
    return out


def pool(offsets: np.ndarray, states: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Mean of the piece states overlapping each token [start, end); zeros for a token no piece overlaps."""
    out = np.zeros((len(starts), states.shape[1]), dtype=np.float32)
    if not len(starts) or not len(offsets):
        return out
    # the first token ending after a piece starts and the last one starting before it ends
    first = np.searchsorted(ends, offsets[:, 0], side="right")
    last = np.searchsorted(starts, offsets[:, 1], side="left") - 1
    counts = np.maximum(last - first + 1, 0)
    piece_rows = np.repeat(np.arange(len(offsets)), counts)
    token_rows = np.concatenate([np.arange(f, f + c) for f, c in zip(first, counts, strict=True)]) if counts.any() \
        else np.zeros(0, dtype=np.int64)
    np.add.at(out, token_rows, states[piece_rows].astype(np.float32))
    n = np.bincount(token_rows, minlength=len(starts)).astype(np.float32)
    covered = n > 0
    out[covered] /= n[covered, None]
    return out


def standardise(x: np.ndarray) -> np.ndarray:
    """Zero mean and unit variance per row (rows of zeros stay zeros)."""
    mean = x.mean(axis=1, keepdims=True)
    std = x.std(axis=1, keepdims=True)
    return np.divide(x - mean, std, out=np.zeros_like(x), where=std > 0)


# -- where the piece states come from ------------------------------------------------------------------------------


class PieceCache:
    """Piece offsets and states of known texts (the NorNE sentences), read from a folder built by `build_cache`."""

    def __init__(self, folder: Path):
        meta = json.loads((folder / "cache.json").read_text(encoding="utf-8"))
        self.fingerprint = meta["fingerprint"]
        texts = json.loads((folder / "texts.json").read_text(encoding="utf-8"))
        lens = np.load(folder / "lens.npy")
        self.offsets = np.load(folder / "offsets.npy")
        self.states = np.load(folder / "states.npy", mmap_mode="r")
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
        self.index = {t: (int(s), int(n)) for t, s, n in zip(texts, starts, lens, strict=True)}

    def get(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        hit = self.index.get(text)
        if hit is None:
            return None
        s, n = hit
        return self.offsets[s:s + n], self.states[s:s + n]


class OnnxPieces:
    """The truncated e5 on ONNX Runtime: piece states of any text."""

    def __init__(self, precision: str = "int8", threads: int | None = None):
        from tokenizers import Tokenizer

        from embedders.onnx import open_session

        folder = export()
        self.precision = precision
        self.session = open_session(folder / FILES[precision], threads)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.pad = self.tokenizer.token_to_id("<pad>")

    def states(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(offsets, states) per text; windows of all texts are batched by length."""
        from embedders.onnx import padded

        split = [pieces(self.tokenizer, t) for t in texts]
        windows = [(i, w) for i, (ws, _) in enumerate(split) for w in ws]
        order = sorted(range(len(windows)), key=lambda k: len(windows[k][1]))
        outs: list[np.ndarray | None] = [None] * len(windows)
        k = 0
        while k < len(order):
            batch = [order[k]]
            k += 1
            while k < len(order) and len(windows[order[k]][1]) * (len(batch) + 1) <= BATCH_PIECES:
                batch.append(order[k])
                k += 1
            ids, mask = padded([windows[b][1] for b in batch], self.pad)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            for r, b in enumerate(batch):
                outs[b] = hidden[r, 1:len(windows[b][1]) - 1]  # without <s> and </s>
        result = []
        pos = 0
        for _, offsets in split:
            n_windows = max(1, -(-len(offsets) // WINDOW)) if len(offsets) else 0
            parts = outs[pos:pos + n_windows]
            pos += n_windows
            states = np.concatenate(parts) if parts else np.zeros((0, DIM), dtype=np.float32)
            result.append((offsets, states))
        return result


class Features:
    """Per-token e5 features of spaCy docs: cached states where known, the ONNX graph otherwise."""

    def __init__(self):
        self.cache: PieceCache | None = None
        self.runtime: OnnxPieces | None = None
        self.precision = "int8"

    def __call__(self, docs) -> list[np.ndarray]:
        found: list[tuple[np.ndarray, np.ndarray] | None] = [
            self.cache.get(d.text) if self.cache is not None else None for d in docs]
        missing = [i for i, f in enumerate(found) if f is None]
        if missing:
            if self.runtime is None or self.runtime.precision != self.precision:
                self.runtime = OnnxPieces(self.precision)
            for i, f in zip(missing, self.runtime.states([docs[i].text for i in missing]), strict=True):
                found[i] = f
        out = []
        for doc, (offsets, states) in zip(docs, found, strict=True):
            starts = np.fromiter((t.idx for t in doc), dtype=np.int64, count=len(doc))
            ends = starts + np.fromiter((len(t) for t in doc), dtype=np.int64, count=len(doc))
            out.append(standardise(pool(offsets, states, starts, ends)))
        return out


FEATURES = Features()


def uses_features(config: dict) -> bool:
    """Whether a pipeline config's tok2vec reads e5 features (then this module must be imported to load it)."""
    embed = config["components"]["tok2vec"]["model"].get("embed", {})
    return str(embed.get("@architectures", "")).startswith("imdi.E5")


def norne_texts(norne: Path) -> list[str]:
    """Every sentence text the NorNE DocBins hold (training sentences and both standards' dev and test), sorted."""
    from nlp.convert import STANDARDS, load_split

    texts: set[str] = set()
    for code in STANDARDS.values():
        split = load_split(norne, code)
        for s in [*split.train, *split.dev, *split.test]:
            texts.add("".join(w + (" " if sp else "") for w, sp in zip(s.words, s.spaces, strict=True)))
    return sorted(texts)


def cache_dir() -> Path:
    import embedders.convert as e5_convert

    return e5_convert.cache_root() / "ner-e5-pieces"


def build_cache(norne: Path, dest: Path | None = None, threads: int | None = None) -> Path:
    """Piece states of every NorNE sentence (fp32 graph, stored as float16) unless a current cache is there.

    Built once so training epochs never re-run e5; keyed on the feature fingerprint and the NorNE data hash.
    """
    from core.atomic import building_folder, is_current
    from nlp.convert import data_hash

    dest = Path(dest or cache_dir())
    files = sorted(str(p.relative_to(norne)) for p in [*(norne / "ndt").rglob("*.conll"),
                                                        *(norne / "ud").rglob("*.conllu")])
    stamp = {"fingerprint": fingerprint(), "norne_sha256": data_hash(norne, files), "precision": "fp32"}
    if is_current(dest / "cache.json", stamp):
        return dest
    texts = norne_texts(norne)
    runtime = OnnxPieces("fp32", threads=threads)
    offsets, states, lens = [], [], []
    for start in range(0, len(texts), 2048):
        for o, s in runtime.states(texts[start:start + 2048]):
            offsets.append(o)
            states.append(s.astype(np.float16))
            lens.append(len(o))
    with building_folder(dest) as tmp:
        np.save(tmp / "offsets.npy", np.concatenate(offsets).astype(np.int32))
        np.save(tmp / "states.npy", np.concatenate(states))
        np.save(tmp / "lens.npy", np.asarray(lens, dtype=np.int64))
        (tmp / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        (tmp / "cache.json").write_text(json.dumps(stamp))
    return dest


def load_cache(folder: Path | None) -> None:
    """Use (or with None stop using) a piece-state cache; refuses one built from another feature model."""
    if folder is None:
        FEATURES.cache = None
        return
    cache = PieceCache(Path(folder))
    check_fingerprint(cache.fingerprint)
    FEATURES.cache = cache


# -- the ONNX graph (export needs torch, run time does not) ---------------------------------------------------------


def default_dir() -> Path:
    import embedders.convert as e5_convert

    return e5_convert.cache_root() / f"{e5_convert.MODEL_NAME}-tokens-onnx"


def _stamp() -> dict:
    from embedders.fingerprint import onnxruntime_version

    return {"fingerprint": fingerprint(), "onnxruntime": onnxruntime_version()}


def is_built(dest: Path | None = None) -> bool:
    """Whether a current graph is in the model cache (or at `dest`)."""
    from core.atomic import is_current

    return is_current(Path(dest or default_dir()) / "source.json", _stamp())


def export(dest: Path | None = None, force: bool = False) -> Path:
    """Build the truncated graph (fp32 and int8) into the model cache unless a current one is there."""
    from core.atomic import building_folder

    dest = Path(dest or default_dir())
    if not force and is_built(dest):
        return dest
    stamp = _stamp()
    import embedders.convert as e5_convert
    from embedders.onnx import quantize_int8

    st_dir = e5_convert.ensure_model()
    with building_folder(dest) as tmp:
        _export_fp32(st_dir, tmp / FILES["fp32"])
        quantize_int8(tmp / FILES["fp32"], tmp / FILES["int8"])
        shutil.copy2(st_dir / "tokenizer.json", tmp / "tokenizer.json")
        (tmp / "source.json").write_text(json.dumps(stamp))
    return dest


def truncated_model(st_dir: Path):
    """e5's BertModel with only the layers the features need (torch; for the export and the cache)."""
    import torch
    from transformers import AutoModel

    class MiddleStates(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                            token_type_ids=torch.zeros_like(input_ids), output_hidden_states=True)
            return torch.stack(out.hidden_states[LAYERS[0]:LAYERS[1] + 1]).mean(0)

    bert = AutoModel.from_pretrained(str(st_dir), attn_implementation="eager").eval()
    bert.encoder.layer = bert.encoder.layer[:LAYERS[1]]
    return MiddleStates(bert).eval()


def _export_fp32(st_dir: Path, out: Path) -> None:
    from embedders.onnx import export_fused

    model = truncated_model(st_dir)
    export_fused(model, model.bert.config, out, "states", {0: "batch", 1: "tokens"})


# -- spaCy / thinc -------------------------------------------------------------------------------------------------


def _register() -> None:
    from spacy.util import registry
    from thinc.api import Maxout, Model, chain, concatenate, with_array

    def forward(model, docs, is_train):
        if not model.attrs.get("checked"):
            check_fingerprint(model.attrs["fingerprint"])
            model.attrs["checked"] = True
        FEATURES.precision = model.attrs["precision"]
        feats = [model.ops.asarray2f(f) for f in FEATURES(docs)]
        return feats, lambda d_feats: []  # frozen: no gradient flows into e5

    @registry.layers("imdi.E5Features.v1")
    def e5_features(fingerprint: str, precision: str = "int8") -> Model:
        if precision not in FILES:
            raise ValueError(f"unknown precision {precision!r} of the e5 features; choose {' or '.join(FILES)}")
        return Model("e5_features", forward, dims={"nO": DIM}, attrs={"fingerprint": fingerprint,
                                                                       "precision": precision})

    @registry.architectures("imdi.E5HashEmbed.v1")
    def e5_hash_embed(width: int, attrs: list[str], rows: list[int], include_static_vectors: bool,
                      feature_width: int, fingerprint: str, precision: str = "int8") -> Model:
        from spacy.ml.models.tok2vec import MultiHashEmbed

        hashed = MultiHashEmbed(width=width, attrs=attrs, rows=rows, include_static_vectors=include_static_vectors)
        e5 = chain(e5_features(fingerprint, precision), with_array(Maxout(feature_width, DIM, nP=2, normalize=True)))
        mix = with_array(Maxout(width, width + feature_width, nP=3, normalize=True, dropout=0.0))
        return chain(concatenate(hashed, e5), mix)


_register()
