"""multilingual-e5-small on ONNX Runtime, fp32 or dynamic int8, with no torch at run time.

The ONNX files are built once from the converted sentence-transformers folder (convert.py) into the model
cache, beside it: `model.onnx` (fp32, mean pooling and L2 normalisation inside the graph) and
`model_int8.onnx` (the same graph with its weights quantised to int8 by onnxruntime's `quantize_dynamic`).
At run time only `onnxruntime`, `tokenizers` and numpy are used.

Why a hand-written export: sentence-transformers' ONNX backend and `export_dynamic_quantized_onnx_model` go
through optimum (optimum-onnx), which requires transformers < 4.58 and would replace the pinned
transformers 5.x. So the export is `torch.onnx.export` (TorchScript exporter; the dynamo exporter would need
onnxscript for no gain here) plus `onnxruntime.quantization.quantize_dynamic`, the same two steps optimum runs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

import embedders.convert as e5_convert
from core.atomic import building_folder, is_current
from embedders.base import process_threads
from embedders.fingerprint import EXPORT_VERSION, expected_fingerprint, onnxruntime_version

OPSET = 17
FILES = {"none": "model.onnx", "int8": "model_int8.onnx"}
MAX_TOKENS = 512
# Left in fp32 by the int8 export: the FFN output projections whose inputs have outliers that one per-tensor
# dynamic scale flattens. Chosen by a sweep that keeps each layer's in turn (cosine to fp32 on 200 corpus chunks
# and 200 NorQuAD questions; no dev question): layers 4, 5 and 0 carry nearly all of int8's FFN-output error, the
# other nine a tenth as much each. With these three the dev set's hybrid search ranks within 0.01 of torch's, and
# passages still embed 3.05x faster than torch on the 2-core AMD machine (3 of the 36 matmuls; eval/REPORT.md).
FP32_MATMULS = ("/layer.0/output/dense/", "/layer.4/output/dense/", "/layer.5/output/dense/")


def default_onnx_dir() -> Path:
    return e5_convert.cache_root() / f"{e5_convert.MODEL_NAME}-onnx"


# -- the one-time export (needs torch) ----------------------------------------------------------------


def _stamp() -> dict:
    return {"sha256": e5_convert.weights_sha256(), "converter": e5_convert.CONVERTER_VERSION,
            "export": EXPORT_VERSION, "onnxruntime": onnxruntime_version()}


def _export_fp32(st_dir: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel

    class MeanPooled(torch.nn.Module):
        """The transformer plus sentence-transformers' mean pooling and Normalize, as one graph."""

        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    # eager attention traces to plain MatMul/Softmax, which onnxruntime fuses and int8 quantisation covers
    bert = AutoModel.from_pretrained(str(st_dir), attn_implementation="eager").eval()
    export_fused(MeanPooled(bert).eval(), bert.config, out, "embedding", {0: "batch"})


def export_fused(model, config, out: Path, output: str, output_axes: dict[int, str]) -> None:
    """`model(input_ids, attention_mask)` (a BERT with `config`) to ONNX at `out`, its attention fused.

    Shared with the NER's e5 token features (nlp/e5_features.py), which export a truncated encoder the same way.
    """
    import torch
    from onnxruntime.transformers import optimizer

    ids = torch.tensor([[0, 100, 200, 300, 2], [0, 400, 2, 1, 1]], dtype=torch.long)
    mask = (ids != 1).long()
    raw = out.with_name("raw.onnx")
    with torch.inference_mode():
        torch.onnx.export(model, (ids, mask), str(raw), input_names=["input_ids", "attention_mask"],
                          output_names=[output], opset_version=OPSET, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                        "attention_mask": {0: "batch", 1: "tokens"}, output: output_axes})
    # onnxruntime's BERT optimizer fuses attention, embedding and skip LayerNorms (the session's own optimisations
    # do not match this graph's attention): passages 1.8x faster in fp32, cosine to the unfused graph 0.999999
    fused = optimizer.optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                     hidden_size=config.hidden_size, opt_level=0)
    fused.save_model_to_file(str(out))
    raw.unlink()


def quantize_int8(src: Path, out: Path) -> None:
    """Dynamic int8 weights for the fp32 graph `src`, the matmuls named in FP32_MATMULS left in fp32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(src), load_external_data=False).graph
    keep = [n.name for n in graph.node if n.op_type == "MatMul" and any(k in n.name for k in FP32_MATMULS)]
    # per-channel weight scales keep the int8 vectors closer to fp32 at no cost at run time
    # the fused ops (com.microsoft domain) defeat shape inference: their outputs are float32
    quantize_dynamic(str(src), str(out), weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=keep,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def is_built(dest: Path | None = None) -> bool:
    """Whether a complete export for the installed weights is at `dest`."""
    return is_current(Path(dest or default_onnx_dir()) / "source.json", _stamp())


def export(dest: Path | None = None, force: bool = False) -> Path:
    """Build the ONNX folder at `dest` unless a complete one for the installed weights is there.

    Written into a temporary directory beside `dest` and renamed into place, so a crash never leaves a
    half-written model that a later run would trust.
    """
    dest = Path(dest or default_onnx_dir())
    if not force and is_built(dest):
        return dest
    stamp = _stamp()
    st_dir = e5_convert.ensure_model()
    with building_folder(dest) as tmp:
        _export_fp32(st_dir, tmp / FILES["none"])
        quantize_int8(tmp / FILES["none"], tmp / FILES["int8"])
        shutil.copy2(st_dir / "tokenizer.json", tmp / "tokenizer.json")
        prompts = json.loads((st_dir / "config_sentence_transformers.json").read_text())["prompts"]
        (tmp / "prompts.json").write_text(json.dumps(prompts))
        (tmp / "source.json").write_text(json.dumps(stamp))
    return dest


# -- run time (no torch) --------------------------------------------------------------------------------


def open_session(path: Path, threads: int | None = None):
    """An ONNX Runtime CPU session on `threads` (default: the process's share of the cores).

    Shared with the NER's e5 token features (nlp/e5_features.py), which run on the same cores.
    """
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or process_threads()
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    # idle workers sleep instead of spinning: a server runs many requests at once on 2 shared cores, and
    # spinning threads starve the request threads (32 clients: 0.6x torch's throughput with spinning;
    # 16 threads embedding queries: 63 vs 37 queries/s without it)
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


def padded(ids: list[list[int]], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """Token id rows as one (input_ids, attention_mask) pair, padded to the longest row."""
    width = max(len(x) for x in ids)
    input_ids = np.full((len(ids), width), pad, dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for i, x in enumerate(ids):
        input_ids[i, :len(x)] = x
        mask[i, :len(x)] = 1
    return input_ids, mask


class OnnxEmbedder:
    """multilingual-e5-small on ONNX Runtime; `quantize` is "int8" (dynamic int8 weights) or "none" (fp32)."""

    def __init__(self, quantize: str = "int8", model_dir: Path | None = None, batch_size: int = 16,
                 threads: int | None = None):
        from tokenizers import Tokenizer

        folder = export(model_dir)
        self.quantize = quantize
        self.batch_size = batch_size
        self.name = e5_convert.MODEL_NAME
        self.fingerprint = expected_fingerprint(self.name, "onnx", quantize)
        # once per process (get_embedder caches the embedder): queries and batches share these threads
        self._session = open_session(folder / FILES[quantize], threads)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._pad = self._tokenizer.token_to_id("<pad>")
        self._prompts = json.loads((folder / "prompts.json").read_text())
        self.dim = int(self._session.get_outputs()[0].shape[-1] or self._run([[0, 2]]).shape[1])

    @property
    def tokenizer(self):
        """The `tokenizers` tokenizer (the same file the sentence-transformers folder uses)."""
        return self._tokenizer

    def _run(self, ids: list[list[int]]) -> np.ndarray:
        input_ids, mask = padded(ids, self._pad)
        return self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]

    def _encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        from embedders.base import as_matrix

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prompt = self._prompts.get(prompt_name, "")
        ids = [e.ids for e in self._tokenizer.encode_batch([prompt + t for t in texts])]
        # sorted by length so a batch pads little; the results go back into the callers' order
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            part = order[start:start + self.batch_size]
            out[part] = self._run([ids[i] for i in part])
        return as_matrix(out, self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")
