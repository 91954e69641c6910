"""Errors a user can act on; the CLI and API print their message, never a traceback."""


class IngestError(Exception):
    """A document could not be ingested; the message says why and what to do."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message
