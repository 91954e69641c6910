"""Everything that decides what an index contains; stored in its manifest and compared on open."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.chunking import ChunkSettings
from index.embedders import DEFAULT_BACKEND, DEFAULT_MODEL, default_quantize
from index.embedders.fingerprint import check_backend
from index.fusion import DEFAULT_RRF_K
from index.retrievers.dense import DenseSettings
from text.tokenizer import TokenizerSettings

_BUILD_CODE = ("index/build.py", "index/chunking.py", "index/retrievers/dense.py", "index/embedders/convert.py",
               "index/embedders/__init__.py", "index/embedders/base.py", "index/embedders/fingerprint.py",
               "index/embedders/st.py", "index/embedders/onnx.py", "index/retrievers/keyword.py", "text/norwegian.py",
               "index/offsets.py", "index/settings.py", "text/tokenizer.py")
INDEX_FORMAT = 3  # bump when the files of an index change: an older index is rebuilt, its vectors reused


@dataclass(frozen=True)
class IndexSettings:
    model: str = DEFAULT_MODEL
    backend: str = DEFAULT_BACKEND
    # int8 or none; None = the backend's default (int8 on onnx, none elsewhere); part of the model fingerprint
    quantize: str | None = None
    dense: DenseSettings = field(default_factory=DenseSettings)
    tokenizer: TokenizerSettings = field(default_factory=TokenizerSettings)
    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    fusion_k: int = DEFAULT_RRF_K
    # BM25 (Lucene variant); b above the usual 0.75 because repeated table captions and long prose
    # otherwise outscore the one short row that answers (tuned on eval/questions/dev.jsonl)
    bm25_k1: float = 1.2
    bm25_b: float = 0.85
    keyword_weight: float = 1.0
    semantic_weight: float = 1.0

    def __post_init__(self):
        if self.quantize is None:
            object.__setattr__(self, "quantize", default_quantize(self.backend))
        check_backend(self.backend, self.quantize)

    @property
    def weights(self) -> dict[str, float]:
        return {"keyword": self.keyword_weight, "semantic": self.semantic_weight}

    def as_dict(self) -> dict:
        """What the manifest records (the model is recorded beside it, with its fingerprint)."""
        return {
            "tokenizer": self.tokenizer.as_dict(),
            "keyword": {"method": "bm25-lucene", "k1": self.bm25_k1, "b": self.bm25_b},
            "chunking": self.chunking.as_dict(),
            "dense": self.dense.as_dict(),
            "fusion": {"method": "rrf", "k": self.fusion_k, "weights": self.weights},
        }

    @classmethod
    def from_manifest(cls, manifest: dict) -> IndexSettings:
        s = manifest["settings"]
        tok = s["tokenizer"]
        dense = dict(s["dense"])
        kind = dense.pop("kind")
        dense_kw = {f"{kind}_{k}": v for k, v in dense.items()}
        return cls(
            model=manifest["model"]["name"],
            backend=manifest["model"]["backend"],
            quantize=manifest["model"].get("quantize", "none"),  # absent from indexes built before onnx
            dense=DenseSettings(kind=kind, **dense_kw),
            tokenizer=TokenizerSettings(stem=tok["stem"], fold=tok["fold"], stopwords=tok["stopwords"]),
            chunking=ChunkSettings(**s["chunking"]),
            fusion_k=s["fusion"]["k"],
            bm25_k1=s["keyword"]["k1"],
            bm25_b=s["keyword"]["b"],
            keyword_weight=s["fusion"]["weights"]["keyword"],
            semantic_weight=s["fusion"]["weights"]["semantic"],
        )


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the code that decides an index's contents: changed rules mean a rebuild (vectors are reused)."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent  # the project root
    for name in _BUILD_CODE:
        h.update(name.encode())
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]
