"""The .cnn files of one folder, and nothing outside it.

A path from a request is relative, plain (no `..`, no absolute path, no drive, no NUL),
ends in `.cnn`, and still lies inside the folder once every symlink is resolved; anything
else is a `Refused` with the reason, which the web layer sends back as a 4xx.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

MAX_LISTED = 1000  # files listed at most: a huge folder must not stall the page


class Refused(ValueError):
    """A path a request may not use; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def confined(folder: Path, relative: object) -> Path:
    """`relative` inside `folder` (both resolved), or `Refused`.

    >>> confined(Path("/tmp"), "../etc/passwd.cnn")
    Traceback (most recent call last):
    ...
    cnnspec.servers.files.Refused: '..' is not allowed in a path: ../etc/passwd.cnn
    """
    if not isinstance(relative, str) or not relative.strip():
        raise Refused("a path is a non-empty string relative to the served folder")
    if "\0" in relative or len(relative) > 4096:
        raise Refused("this path holds a NUL character or is too long")
    posix, windows = PurePosixPath(relative), PureWindowsPath(relative)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or relative.startswith(("/", "\\")):
        raise Refused(f"absolute paths are not allowed; give a path inside the served folder: {relative}")
    if ".." in posix.parts or ".." in windows.parts:
        raise Refused(f"'..' is not allowed in a path: {relative}")
    if posix.suffix != ".cnn":
        raise Refused(f"only .cnn files can be opened or saved: {relative}")
    root = folder.resolve()
    target = (root / posix).resolve()
    if not target.is_relative_to(root):
        raise Refused(f"this path leads outside the served folder (through a symlink): {relative}", 403)
    return target


def list_specs(folder: Path) -> list[str]:
    """The .cnn files under `folder` (symlinks leading out left out), as relative paths."""
    root = folder.resolve()
    found = []
    for path in sorted(root.rglob("*.cnn")):
        if len(found) >= MAX_LISTED:
            break
        try:
            inside = path.resolve().is_relative_to(root) and path.is_file()
        except OSError:
            continue
        if inside and not any(part.startswith(".") for part in path.relative_to(root).parts):
            found.append(path.relative_to(root).as_posix())
    return found
