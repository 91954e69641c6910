"""Publish a folder built beside its destination in one rename: a crash leaves the old folder or the new, never a
half-written one."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
