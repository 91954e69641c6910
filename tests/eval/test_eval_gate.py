"""Regression gate: `kb eval` on the dev set, over the real index built once per session, must keep recall@5.

The threshold is the landed cross-validated dev recall@5 minus 0.02 (eval/REPORT.md, "Retrieval that holds");
raise it when a change lands a better cross-validated figure, never to fit one run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval import commands
from index.settings import SearchSettings
from kb.cli import app

pytestmark = pytest.mark.slow

DEV = Path(__file__).resolve().parents[2] / "eval" / "questions" / "dev.jsonl"
# cross-validated dev recall@5 (python -m eval.fusion_fit) when the gate was last set (77f77bf). The int8 export of
# stop 29 brought the landed figure to 0.837 (eval/REPORT.md); the gate was left at the higher figure, which the
# in-sample run (0.876) still clears, rather than lowered to follow it
CV_RECALL5 = 0.854
GATE = round(CV_RECALL5 - 0.02, 3)


def test_dev_recall_at_5_gate(data_dir, real_index_dir, monkeypatch, tmp_path):
    from index.search import open_index

    monkeypatch.setattr(commands, "open_searcher", lambda data: open_index(real_index_dir))
    out = tmp_path / "dev.json"
    result = CliRunner().invoke(app, ["eval", str(DEV), "--data", str(data_dir), "--mode", "hybrid",
                                      "--json", str(out), "--min-recall5", str(GATE)])
    report = json.loads(out.read_text(encoding="utf-8"))
    assert result.exit_code == 0, f"recall@5 {report['recall@5']} below the gate {GATE}\n{result.output}"
    assert report["n"] == 178
    # the figures were measured with the settings the code ships (recorded in the manifest and the report)
    assert report["settings"]["search"] == SearchSettings().as_dict()
