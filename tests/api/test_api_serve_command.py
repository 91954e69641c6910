"""`kb serve`: options reach uvicorn and the app's configuration."""

from __future__ import annotations

from typer.testing import CliRunner

from kb.cli import app


def test_kb_serve_passes_host_port_data_and_index(monkeypatch, tmp_path):
    import uvicorn

    seen = {}

    def fake_run(asgi_app, **kw):
        seen["app"], seen["kw"] = asgi_app, kw

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = CliRunner().invoke(app, ["serve", "--host", "127.0.0.1", "--port", "8123", "--data", str(tmp_path),
                                      "--index", str(tmp_path / "idx")])
    assert result.exit_code == 0, result.output
    assert seen["kw"]["host"] == "127.0.0.1" and seen["kw"]["port"] == 8123
    assert seen["app"].title == "IMDi kunnskapsbase"
    assert str(tmp_path / "idx") in result.output


def test_kb_serve_refuses_a_bad_port():
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code != 0
