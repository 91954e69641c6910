"""Everything that decides what an index contains, and how it is searched; stored in its manifest.

IndexSettings decide the files (a change means a rebuild; vectors are reused). SearchSettings are the
query-time weights and thresholds: recorded in the same manifest and in every `kb eval` report, so a
figure can always be traced to the settings that produced it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from embedders import DEFAULT_BACKEND, DEFAULT_MODEL, default_quantize
from embedders.fingerprint import check_backend
from index.chunking import ChunkSettings
from index.fusion import FUSION_METHODS
from index.retrievers.dense import DenseSettings
from text.query import QueryType
from text.tokenizer import TokenizerSettings

_BUILD_CODE = ("index/build.py", "index/chunking.py", "index/retrievers/dense.py", "embedders/convert.py",
               "embedders/__init__.py", "embedders/base.py", "embedders/fingerprint.py",
               "embedders/st.py", "embedders/onnx.py", "index/retrievers/keyword.py", "text/norwegian.py",
               "index/offsets.py", "index/settings.py", "text/tokenizer.py", "index/sentences.py", "text/sentences.py")
INDEX_FORMAT = 3  # bump when the files of an index change: an older index is rebuilt, its vectors reused


@dataclass(frozen=True)
class FusionWeights:
    """How much each retriever counts for one query type; 0 leaves a retriever out (facts: not even asked)."""

    keyword: float = 1.0
    semantic: float = 1.0
    facts: float = 0.0

    def __post_init__(self) -> None:
        for name, w in self.as_dict().items():
            if not 0 <= w <= 10:
                raise ValueError(f"fusion weight {name}={w} must lie in 0..10")
        if self.keyword == 0 and self.semantic == 0:
            raise ValueError("fusion needs keyword or semantic weight above 0")

    def as_dict(self) -> dict[str, float]:
        return {"keyword": self.keyword, "semantic": self.semantic, "facts": self.facts}


@dataclass(frozen=True)
class RerankSettings:
    """The second stage over the fused top `pool`: finer evidence than the chunk, added to the fused score."""

    enabled: bool = True
    pool: int = 50
    # fitted (eval/fusion_fit.py): proximity and the best-matching sentence help on both sets; section/caption
    # match and the collapse did not
    proximity: float = 0.25  # the query's rarest terms close together in the chunk
    section: float = 0.0  # query terms in the section path or table caption
    sentence: float = 0.5  # the chunk's best-matching sentence (sentence vectors, index/sentences.py)
    dedup: bool = False  # collapse row groups of one table / the same passage in two letters into one hit

    def __post_init__(self) -> None:
        if not 1 <= self.pool <= 1000:
            raise ValueError(f"rerank pool {self.pool} must lie in 1..1000")
        for name in ("proximity", "section", "sentence"):
            if not 0 <= getattr(self, name) <= 10:
                raise ValueError(f"rerank weight {name} must lie in 0..10")

    def as_dict(self) -> dict:
        return {"enabled": self.enabled, "pool": self.pool, "proximity": self.proximity, "section": self.section,
                "sentence": self.sentence, "dedup": self.dedup}


def _default_weights() -> dict[QueryType, FusionWeights]:
    """Fitted by 5-fold CV on the dev set and the outside set together (python -m eval.fusion_fit; eval/REPORT.md):
    number questions lean on exact words and the table rows the facts point at; English questions on the
    multilingual model alone (keyword search cannot read them); short keyword queries on BM25 and facts."""
    return {
        QueryType.number: FusionWeights(keyword=2.0, semantic=1.0, facts=1.0),
        QueryType.english: FusionWeights(keyword=0.0, semantic=1.0, facts=0.5),
        QueryType.keyword: FusionWeights(keyword=1.0, semantic=0.0, facts=1.0),
        QueryType.passage: FusionWeights(keyword=2.0, semantic=1.0, facts=0.0),
    }


@dataclass(frozen=True)
class SearchSettings:
    """Query-time settings of hybrid search: fusion method and weights per query type, year prior, second stage."""

    fusion: str = "rrf"  # rrf | score (min-max normalised scores, weighted sum)
    rrf_k: int = 20
    weights: dict[QueryType, FusionWeights] = field(default_factory=_default_weights)
    # relative lift of chunks from the report of a year the question names; kept by the fit on the current
    # ingest because no question set does worse with it (eval/REPORT.md: on the older ingest it cost the outside set)
    year_prior: float = 0.3
    pool: int = 50  # depth each retriever is read to before fusion
    rerank: RerankSettings = field(default_factory=RerankSettings)

    def __post_init__(self) -> None:
        if self.fusion not in FUSION_METHODS:
            raise ValueError(f"unknown fusion {self.fusion!r}; expected one of {', '.join(FUSION_METHODS)}")
        if not 0 <= self.rrf_k <= 1000:
            raise ValueError(f"rrf_k {self.rrf_k} must lie in 0..1000")
        if not 0 <= self.year_prior <= 5:
            raise ValueError(f"year_prior {self.year_prior} must lie in 0..5")
        if not 1 <= self.pool <= 1000:
            raise ValueError(f"pool {self.pool} must lie in 1..1000")
        missing = set(QueryType) - set(self.weights)
        if missing:
            raise ValueError(f"fusion weights missing for query type(s) {', '.join(sorted(missing))}")

    def weights_for(self, qtype: QueryType) -> FusionWeights:
        return self.weights[qtype]

    def as_dict(self) -> dict:
        return {"fusion": self.fusion, "rrf_k": self.rrf_k, "year_prior": self.year_prior, "pool": self.pool,
                "weights": {t.value: w.as_dict() for t, w in self.weights.items()},
                "rerank": self.rerank.as_dict()}

    @classmethod
    def from_dict(cls, d: dict) -> SearchSettings:
        return cls(fusion=d["fusion"], rrf_k=int(d["rrf_k"]), year_prior=float(d["year_prior"]), pool=int(d["pool"]),
                   weights={QueryType(t): FusionWeights(**w) for t, w in d["weights"].items()},
                   rerank=RerankSettings(**d["rerank"]))


@dataclass(frozen=True)
class IndexSettings:
    model: str = DEFAULT_MODEL
    backend: str = DEFAULT_BACKEND
    # int8 or none; None = the backend's default (int8 on onnx, none elsewhere); part of the model fingerprint
    quantize: str | None = None
    dense: DenseSettings = field(default_factory=DenseSettings)
    tokenizer: TokenizerSettings = field(default_factory=TokenizerSettings)
    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    # BM25 (Lucene variant); b above the usual 0.75 because repeated table captions and long prose
    # otherwise outscore the one short row that answers (tuned on eval/questions/dev.jsonl)
    bm25_k1: float = 1.2
    bm25_b: float = 0.85
    # every chunk's sentences embedded too, for the second stage's best-matching sentence (about 6 per chunk:
    # the build embeds about 3x the text it would without them)
    sentences: bool = True
    search: SearchSettings = field(default_factory=SearchSettings)

    def __post_init__(self):
        if self.quantize is None:
            object.__setattr__(self, "quantize", default_quantize(self.backend))
        check_backend(self.backend, self.quantize)

    def as_dict(self) -> dict:
        """What the manifest records (the model is recorded beside it, with its fingerprint)."""
        return {
            "tokenizer": self.tokenizer.as_dict(),
            "keyword": {"method": "bm25-lucene", "k1": self.bm25_k1, "b": self.bm25_b},
            "chunking": self.chunking.as_dict(),
            "dense": self.dense.as_dict(),
            "sentences": self.sentences,
            "search": self.search.as_dict(),
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
            tokenizer=TokenizerSettings(stem=tok["stem"], fold=tok["fold"], stopwords=tok["stopwords"],
                                        english_glossary=tok.get("english_glossary", True),
                                        lemma=tok.get("lemma", False)),
            chunking=ChunkSettings(**s["chunking"]),
            bm25_k1=s["keyword"]["k1"],
            bm25_b=s["keyword"]["b"],
            sentences=s.get("sentences", False),
            # an index built before search settings were recorded is searched with today's defaults
            search=SearchSettings.from_dict(s["search"]) if "search" in s else SearchSettings(),
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
