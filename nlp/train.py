"""Train the NorNE NER pipelines: `python -m nlp.train [--lang nb|nn|all]` (what `make nlp` runs).

Converts NorNE, trains with spaCy's own loop and the checked-in config, evaluates model-best on the UD
test and dev files and writes the pipeline plus training.json to nlp/models/<lang>/.
"""

from __future__ import annotations

import os

# One thread per process: the machine is shared, and a single thread keeps the run reproducible.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402
from spacy.cli.train import train as spacy_train  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402
from spacy.training import Example  # noqa: E402

from core.config import NORNE_DIR  # noqa: E402
from nlp import e5_features  # noqa: E402
from nlp.convert import LABELS, convert  # noqa: E402
from nlp.timing import best_pass_seconds  # noqa: E402
from nlp.vectors import DIMS as VECTOR_DIMS  # noqa: E402
from nlp.vectors import METHODS as VECTOR_METHODS  # noqa: E402
from nlp.vectors import build as build_vectors  # noqa: E402
from nlp.vectors import to_spacy  # noqa: E402

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models"
CONFIGS = HERE / "configs"
# Files of model-best that inference does not need.
JUNK = ("optimizer", "training", "vectors")


def evaluate(nlp: spacy.language.Language, path: Path) -> dict:
    """Entity P/R/F1 overall and per type on a DocBin, raw text through the pipeline's tokenizer."""
    refs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    examples = [Example(nlp.make_doc(d.text), d) for d in refs]
    scores = nlp.evaluate(examples)
    per_type = scores.get("ents_per_type") or {}
    return {
        "p": round(scores["ents_p"], 4),
        "r": round(scores["ents_r"], 4),
        "f": round(scores["ents_f"], 4),
        "per_type": {
            label: {k: round(v, 4) for k, v in per_type[label].items()} for label in LABELS if label in per_type
        },
        "sentences": len(refs),
    }


def words_per_second(nlp: spacy.language.Language, path: Path, repeat: int = 2) -> float:
    """Throughput of the whole pipeline (tokenizer + tok2vec + ner) over the test texts, best of `repeat`."""
    texts = [d.text for d in DocBin().from_disk(path).get_docs(nlp.vocab)]
    words = sum(len(nlp.make_doc(t)) for t in texts)
    return round(words / best_pass_seconds(nlp, texts, repeat, batch_size=256), 1)


def strip_artefact(model_dir: Path) -> None:
    """Remove what inference does not need (optimizer state, empty vectors)."""
    for name in JUNK:
        p = model_dir / name
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()


def dir_size(path: Path) -> int:
    """Total bytes of the files under `path`."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def uses_static_vectors(config: Path) -> bool:
    """Whether the config's tok2vec reads static vectors (then `[initialize] vectors` must be given)."""
    cfg = spacy.util.load_config(config)
    return bool(cfg["components"]["tok2vec"]["model"]["embed"].get("include_static_vectors"))


def uses_e5_features(config: Path) -> bool:
    """Whether the config's tok2vec reads frozen e5 token features (nlp/e5_features.py)."""
    return e5_features.uses_features(spacy.util.load_config(config))


def train_lang(lang: str, norne: Path, both: bool = True, adopt: Path | None = None,
               adopt_seconds: float | None = None, vectors_method: str = "distilled",
               vectors_dims: int = VECTOR_DIMS, config: Path | None = None, out_dir: Path | None = None) -> dict:
    """Convert, train, evaluate and store one pipeline; returns the training record.

    `adopt` takes the model-best of an earlier run of the same config instead of training (for a run
    stopped at an evaluation step N: with a fixed seed and one thread the first N steps do not depend on
    max_steps, so it equals a run with `max_steps = N`); the record says so.
    """
    # another config and folder: for experiments that must not replace the committed pipeline
    config = Path(config or CONFIGS / f"{lang}.cfg").resolve()
    out_dir = Path(out_dir or MODELS / lang)
    vectors = build_vectors(norne, dims=vectors_dims, method=vectors_method) if uses_static_vectors(config) else None
    features = uses_e5_features(config)
    if features and adopt is None:
        # training reads the cached piece states of the NorNE sentences, never the graph
        e5_features.load_cache(e5_features.build_cache(norne))
    with tempfile.TemporaryDirectory(prefix=f"nlp-{lang}-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        data = convert(norne, lang, corpus, both=both)
        if adopt is None:
            t0 = time.perf_counter()
            paths = {"paths.train": str(corpus / "train.spacy"), "paths.dev": str(corpus / "dev.spacy")}
            if vectors:
                paths["paths.vectors"] = str(to_spacy(vectors[0], lang, work / "vectors"))
            spacy_train(config, work / "out", overrides=paths)
            seconds = time.perf_counter() - t0
            best = work / "out" / "model-best"
        else:
            seconds = adopt_seconds or 0.0
            best = work / "adopted"
            shutil.copytree(adopt, best)
        strip_artefact(best)
        # scored as it runs at ingest: features from the ONNX graph at the config's precision, not the cache
        e5_features.load_cache(None)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(best, out_dir)
        nlp = spacy.load(out_dir)
        record = {
            "lang": lang,
            "spacy_version": spacy.__version__,
            "config": str(config.relative_to(HERE.parent)) if config.is_relative_to(HERE.parent) else str(config),
            "config_sha256": hashlib.sha256(config.read_bytes()).hexdigest(),
            "seed": 0,
            "trained_on_both_standards": both,
            "adopted_checkpoint": adopt is not None,
            **data,
            "static_vectors": vectors[1] if vectors else None,
            "e5_features": {"fingerprint": e5_features.fingerprint(),
                            "precision": nlp.config["components"]["tok2vec"]["model"]["embed"].get("precision", "int8"),
                            "cache": "fp32 ONNX graph, stored float16"} if features else None,
            "test": evaluate(nlp, corpus / "test.spacy"),
            "dev": evaluate(nlp, corpus / "dev.spacy"),
            "words_per_second": words_per_second(nlp, corpus / "test.spacy"),
            "training_seconds": round(seconds, 1),
            "size_bytes": dir_size(out_dir),
        }
    (out_dir / "training.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lang", choices=["nb", "nn", "all"], default="all")
    ap.add_argument("--norne", type=Path, default=NORNE_DIR, help="NorNE folder (default ../shared/norne)")
    ap.add_argument("--own-only", action="store_true", help="train on this standard's sentences only")
    ap.add_argument("--adopt", type=Path, help="record this model-best of a stopped run instead of training")
    ap.add_argument("--adopt-seconds", type=float, help="wall time the adopted run took to reach it")
    ap.add_argument("--vectors-method", choices=sorted(VECTOR_METHODS), default="distilled",
                    help="static vectors (if the config reads them): e5 distilled (a) or piece embeddings (b)")
    ap.add_argument("--vectors-dims", type=int, default=VECTOR_DIMS, help="PCA dims of the static vectors")
    ap.add_argument("--config", type=Path, help="train this config instead of nlp/configs/<lang>.cfg (one language)")
    ap.add_argument("--out", type=Path, help="write the pipeline here instead of nlp/models/<lang> (one language)")
    args = ap.parse_args(argv)
    vec = {"vectors_method": args.vectors_method, "vectors_dims": args.vectors_dims}
    if args.lang == "all" and not args.adopt and not (args.config or args.out):
        # One process per standard, one core each.
        cmd = [sys.executable, "-m", "nlp.train", "--norne", str(args.norne)]
        cmd += ["--own-only"] if args.own_only else []
        cmd += ["--vectors-method", args.vectors_method, "--vectors-dims", str(args.vectors_dims)]
        # built once here, not by both children at the same time
        if any(uses_static_vectors(CONFIGS / f"{lang}.cfg") for lang in ("nb", "nn")):
            build_vectors(args.norne, dims=args.vectors_dims, method=args.vectors_method)
        if any(uses_e5_features(CONFIGS / f"{lang}.cfg") for lang in ("nb", "nn")):
            e5_features.build_cache(args.norne, threads=2)  # both cores: nothing else runs yet
        procs = [subprocess.Popen([*cmd, "--lang", lang]) for lang in ("nb", "nn")]
        return max(p.wait() for p in procs)
    if args.adopt and args.lang == "all":
        ap.error("--adopt needs --lang nb or nn")
    if (args.config or args.out) and args.lang == "all":
        ap.error("--config and --out need --lang nb or nn")
    rec = train_lang(args.lang, args.norne, both=not args.own_only, adopt=args.adopt, adopt_seconds=args.adopt_seconds,
                     config=args.config, out_dir=args.out, **vec)
    print(json.dumps({k: rec[k] for k in ("lang", "training_seconds", "words_per_second", "size_bytes")}))
    print(f"{args.lang}: test F1 {rec['test']['f']:.4f} (P {rec['test']['p']:.4f} R {rec['test']['r']:.4f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
