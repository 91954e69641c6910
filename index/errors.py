"""Errors of the index stage that the CLI and API report as plain messages."""

from __future__ import annotations


class IndexError_(Exception):  # noqa: N801 - avoid shadowing the builtin IndexError
    """Base class: something about the search index the user can fix."""


class IndexMissingError(IndexError_):
    """No index where one was expected."""


class IndexMismatchError(IndexError_):
    """The index was built with another model or other settings than asked for."""


class IndexCorruptError(IndexError_):
    """The index folder is incomplete or unreadable."""
