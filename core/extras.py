"""Optional extras: a missing one is named in a one-line error, never an ImportError traceback."""

from __future__ import annotations

import importlib
from types import ModuleType

SCALE = "scale"  # Ray (ingest/index engines) and Milvus (store), see pyproject's optional-dependencies


class MissingExtraError(RuntimeError):
    """An optional dependency is not installed; the message says which extra to install."""


def require(module: str, extra: str = SCALE, feature: str = "") -> ModuleType:
    """Import `module` or raise MissingExtraError naming the extra that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        what = f"{feature} needs" if feature else "needs"
        raise MissingExtraError(f"{what} the optional extra '{extra}' ({module} is not installed): "
                                f"pip install '.[{extra}]'") from exc
