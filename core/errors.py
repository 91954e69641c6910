"""Errors a user can act on; the CLI and API print their message, never a traceback."""

from __future__ import annotations


class IngestError(Exception):
    """A document could not be ingested; the message says why and what to do."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message

class IndexError_(Exception):  # noqa: N801 - avoid shadowing the builtin IndexError
    """Base class: something about the search index the user can fix."""


class IndexMissingError(IndexError_):
    """No index where one was expected."""


class IndexMismatchError(IndexError_):
    """The index was built with another model or other settings than asked for."""


class IndexUnavailableError(IndexError_):
    """The store holding the index (a Milvus server) does not answer."""


class IndexCorruptError(IndexError_):
    """The index folder is incomplete or unreadable."""
