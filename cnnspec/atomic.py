"""Output files appear whole or not at all: written beside the target, then renamed onto it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | Path):
    """A temporary path in `path`'s folder that replaces `path` when the block succeeds.

    The temporary name keeps `path`'s suffix (Keras picks its file format by suffix), and
    on failure it is removed, leaving any old file untouched.
    """
    path = Path(path)
    # Same folder, so os.replace is a rename within one filesystem.
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}")
    os.close(handle)
    try:
        yield Path(temp_name)
        # mkstemp makes the file private (0600); give it the permissions a new file gets.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp_name, 0o666 & ~umask)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def write_text_atomically(path: str | Path, text: str) -> None:
    with atomic_path(path) as temp:
        temp.write_text(text, encoding="utf-8")
