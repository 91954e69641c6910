"""The question-file format (JSON Lines) and its validation.

One object per line. Required: `id`, `question`, `support` (a verbatim passage of
one source file that contains the answer, or a list of such passages when the
answer stands in more than one place: a hit is relevant when it covers at least
half of any one of them) and `answer_values` (tokens a correct answer must
contain; may be empty). Optional: `doc`, `answer`, `lang`, `kind`,
`page_hint`, `answer_type` (what the question asks for, as in
core.records.AnswerType; when absent the answer module's reading of the question
groups it in the per-type figures). Unknown fields are ignored. A bad line is never dropped silently:
it becomes a `QuestionError` carrying its id (when readable) and line number,
and the harness counts it as a miss.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

REQUIRED = ("id", "question", "support", "answer_values")


class Question(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    id: str
    question: str
    support: str | list[str]
    answer_values: list[str]
    doc: str | None = None
    answer: str | None = None
    lang: str | None = None
    kind: str | None = None
    page_hint: int | None = None
    answer_type: str | None = None
    line: int = 0  # 1-based line in the question file, set by the loader

    @field_validator("id", "question")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @field_validator("support")
    @classmethod
    def _supports_not_blank(cls, v: str | list[str]) -> str | list[str]:
        items = [v] if isinstance(v, str) else v
        if not items or any(not s.strip() for s in items):
            raise ValueError("must not be empty (a passage, or a list of non-empty passages)")
        return v

    @property
    def supports(self) -> list[str]:
        """Every passage that counts as evidence (one for the plain string form)."""
        return [self.support] if isinstance(self.support, str) else list(self.support)

    @field_validator("answer_values", mode="before")
    @classmethod
    def _values_as_strings(cls, v: object) -> object:
        # `[49]` is an easy slip when writing a file by hand; the number means the same token.
        if isinstance(v, list):
            return [str(x) if isinstance(x, int | float) and not isinstance(x, bool) else x for x in v]
        return v


@dataclass(frozen=True)
class QuestionError:
    id: str  # the line's id when it could be read, else "line-<N>"
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line} ({self.id}): {self.message}"


@dataclass
class QuestionFile:
    questions: list[Question]
    errors: list[QuestionError]

    @property
    def n(self) -> int:
        """Every question line, valid or not: errors count in the denominator."""
        return len(self.questions) + len(self.errors)


class QuestionFileError(Exception):
    """The file cannot be used at all (missing, unreadable, not text, no questions)."""


def parse_line(text: str, line: int) -> Question | QuestionError:
    """One JSONL line as a question, or the reason it is not one."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return QuestionError(f"line-{line}", line, f"invalid JSON: {exc.msg} (column {exc.colno})")
    if not isinstance(obj, dict):
        return QuestionError(f"line-{line}", line, f"expected a JSON object, got {type(obj).__name__}")
    qid = obj.get("id")
    qid = str(qid) if isinstance(qid, str | int) and str(qid).strip() else f"line-{line}"
    missing = [f for f in REQUIRED if f not in obj]
    if missing:
        return QuestionError(qid, line, f"missing required field(s): {', '.join(missing)}")
    try:
        return Question.model_validate({**obj, "line": line})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return QuestionError(qid, line, f"invalid field(s): {problems}")


def parse_questions(text: str) -> QuestionFile:
    """All questions of a JSONL text; blank lines are skipped, duplicate ids are errors."""
    questions: list[Question] = []
    errors: list[QuestionError] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        item = parse_line(raw, n)
        if isinstance(item, QuestionError):
            errors.append(item)
        elif item.id in seen:
            errors.append(QuestionError(item.id, n, f"duplicate id (first on line {seen[item.id]})"))
        else:
            seen[item.id] = n
            questions.append(item)
    return QuestionFile(questions, errors)


def load_questions(path: Path) -> QuestionFile:
    """Read and parse a question file; raise QuestionFileError when it cannot be used at all."""
    path = Path(path)
    if not path.exists():
        raise QuestionFileError(f"question file not found: {path}")
    if not path.is_file():
        raise QuestionFileError(f"not a file: {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuestionFileError(f"{path} is not UTF-8 text (byte offset {exc.start})") from exc
    except OSError as exc:
        raise QuestionFileError(f"cannot read {path}: {exc.strerror}") from exc
    qf = parse_questions(text)
    if not qf.questions and not qf.errors:
        raise QuestionFileError(f"{path} holds no questions")
    if not qf.questions:
        first = qf.errors[0]
        raise QuestionFileError(f"{path}: no valid question line ({len(qf.errors)} invalid; first: {first})")
    return qf
