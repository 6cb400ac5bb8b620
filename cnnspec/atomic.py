"""Files that readers see whole or not at all: write beside the target, then `os.replace`.

A training run is interrupted at any moment (Ctrl-C, a full disk, a killed job); every file
it leaves must be either the previous complete version or the new complete one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside `path`, with the same suffix; it replaces `path` on success.

    The suffix is kept because some writers choose the format by it (Keras wants `.keras`,
    Matplotlib `.png`). On any exception the temporary file is removed and `path` is untouched.

    >>> import tempfile; target = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with replacing(target) as temp:
    ...     _ = temp.write_text("whole")
    >>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
    ('whole', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same directory as the target, so os.replace is a rename within one filesystem.
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(handle)
    temp = Path(temp_name)
    try:
        # mkstemp makes the file private (0600); the result should be as open as any new file.
        os.chmod(temp, 0o666 & ~_umask())
        yield temp
        _fsync(temp)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 text so that a reader never sees half of it."""
    with replacing(path) as temp:
        temp.write_text(text, encoding="utf-8")


def _umask() -> int:
    # The umask can only be read by setting it; set it straight back.
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def _fsync(path: Path) -> None:
    # Without it a power cut after the rename can leave an empty file under the new name.
    with open(path, "rb") as file:
        os.fsync(file.fileno())
