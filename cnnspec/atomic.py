"""Write a file whole or not at all: a temporary file beside it, then `os.replace`.

A reader never sees half a file, and an error (a full disk, a crash, Ctrl-C) leaves the
old file as it was, never truncated.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: str | Path, write: Callable[[BinaryIO], object]) -> None:
    """Call `write(file)` on a temporary file in `path`'s folder, then move it over `path`."""
    with atomic_path(path) as temporary, open(temporary, "wb") as file:
        write(file)


@contextlib.contextmanager
def atomic_path(path: str | Path):
    """A temporary path beside `path`, moved over it when the block succeeds and removed
    when it fails; for writers that want a file name (Keras's `model.save`, matplotlib).

    The temporary name ends in `path`'s suffix, by which such writers pick their format.
    An existing file keeps its permission bits.
    """
    path = Path(path)
    if path.is_symlink():  # replace the file the link points to; the link stays a link
        path = path.resolve()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}")
    os.close(handle)
    try:
        yield Path(temporary)
        with open(temporary, "rb") as file:
            os.fsync(file.fileno())
        try:
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        except FileNotFoundError:
            os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    write_atomic(path, lambda file: file.write(text.encode("utf-8")))


def _read_umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before other threads
    # (TensorFlow's, Ray's) could create a file in the moment it is 0.
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()
