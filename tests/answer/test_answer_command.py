"""`kb answer` prints each answer type in its shape: a list item by item, each with its source."""

from typer.testing import CliRunner

import answer.commands as commands
import answer.compose
import index.search
from core.records import Answer, AnswerType, AnswerValue, Citation, Span


def _cite(start: int) -> Citation:
    return Citation(doc_id="d", title="Rapport", source_file="d.txt", span=Span(start=start, end=start + 6),
                    page_label="s. 3")


def test_a_list_is_printed_item_by_item_with_sources(monkeypatch):
    import typer

    listed = Answer(question="q", found=True, answer_type=AnswerType.list, item_type=AnswerType.place,
                    short_answer="Gjøvik, Trondheim", confidence=0.7, text="Kontorene i Gjøvik og Trondheim.",
                    values=[AnswerValue(text="Gjøvik", citation=_cite(10)),
                            AnswerValue(text="Trondheim", citation=_cite(20))])
    # the command imports both when it runs, from their own modules
    monkeypatch.setattr(index.search, "open_index", lambda path: object())
    monkeypatch.setattr(answer.compose, "answer", lambda q, idx, k_passages: listed)
    app = typer.Typer()
    app.command()(commands.answer_command)
    out = CliRunner().invoke(app, ["hvilke kontorer"]).output
    assert "list (place)" in out and "• Gjøvik" in out and "[20:26]" in out
