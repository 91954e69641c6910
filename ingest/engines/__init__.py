"""How the pipeline stages run: in this process (the default) or as a Ray Data pipeline (`--engine ray`)."""

from __future__ import annotations

ENGINES = ("local", "ray")


def check_engine(engine: str, address: str | None) -> None:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if address and engine != "ray":
        raise ValueError("--address is only for --engine ray")
