"""Where results go, checked before any slow work: a bad output path should fail in the
first second, not after MNIST is loaded or a model built.

`check_file` for one file a command writes (`-o`), `claim_directory` for a run or
comparison folder (it creates the folder, the surest test that it can be created) and
`release`, which removes again what a claim created while it is still empty, so a run
that fails before finishing anything leaves nothing behind. Errors are `RunError`s
naming the path, like every other error about a file as a whole.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from cnnspec.errors import RunError, cannot_write

STDOUT = "-"  # `-o -`: write the text to standard output


def check_file(path: str | os.PathLike, what: str) -> None:
    """Raise unless `what` (e.g. "the model") can be written at `path`: its folder exists
    and may be written, the path is not a folder, and the name (and the temporary name
    beside it that `cnnspec.atomic` writes first) is not too long."""
    path = Path(path)
    try:
        if path.is_dir():
            problem = f"{path} is a folder"
        elif not path.parent.is_dir():
            problem = os.strerror(errno.ENOTDIR if path.parent.exists() else errno.ENOENT)
        elif not os.access(path.parent, os.W_OK | os.X_OK):
            problem = os.strerror(errno.EACCES)
        elif len(os.fsencode(f".{path.name}.12345678.tmp{path.suffix}")) > _name_max(path.parent):
            problem = os.strerror(errno.ENAMETOOLONG)
        else:
            return
    except OSError as exc:
        problem = exc.strerror or str(exc)
    raise cannot_write(what, path, problem)


def claim_directory(path: str | os.PathLike, what: str) -> tuple[Path, ...]:
    """Make `path` a folder (it may exist already) and return the folders this created,
    innermost first, for `release`; a RunError says why it cannot be one."""
    path = Path(path)
    created = []
    try:
        if path.exists() and not path.is_dir():
            raise RunError(f"cannot use this as {what}: it is a file, not a folder",
                           str(path))
        probe = path
        while not probe.exists():
            created.append(probe)
            probe = probe.parent
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        release(created)
        where = f" ({exc.filename})" if exc.filename and Path(exc.filename) != path else ""
        raise RunError(f"cannot create {what}: {exc.strerror or exc}{where}",
                       str(path)) from None
    return tuple(created)


def release(created: tuple[Path, ...] | list[Path]) -> None:
    """Remove the folders a claim created, innermost first, as long as they are empty:
    a folder holding anything (a finished epoch, a file of someone else's) stays."""
    for folder in created:
        try:
            folder.rmdir()
        except OSError:
            return


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255
