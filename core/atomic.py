"""Publish a file or a folder built beside its destination in one rename: a crash leaves the old one or the new,
never a half-written one."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def write_file(path: Path, data: bytes | str, mode: int | None = None) -> None:
    """Write `data` to a temp file beside `path`, fsync, then rename over it; `mode` sets its permissions (a temp
    file is created private)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_folder(tmp: Path, dest: Path) -> None:
    """Move the finished folder `tmp` to `dest` (same file system), replacing what was there."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.replace(dest, old)
    os.replace(tmp, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def is_current(marker: Path, stamp: dict) -> bool:
    """Whether a folder built earlier carries `marker` with exactly this `stamp` (what it was built from)."""
    try:
        return json.loads(marker.read_text()) == stamp
    except (OSError, ValueError):
        return False


@contextmanager
def building_folder(dest: Path) -> Iterator[Path]:
    """A temporary folder beside `dest` to build in: renamed to `dest` when the block ends, removed if it fails."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.tmp-"))
    try:
        yield tmp
        replace_folder(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
