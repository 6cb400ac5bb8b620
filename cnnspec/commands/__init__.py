"""One module per `cnnspec` subcommand (see `cnnspec.cli`)."""

from __future__ import annotations

import sys
from pathlib import Path

from cnnspec.errors import UsageError


def read_spec(path: str):
    """Load a spec file (an unreadable one is a located error like a bad one)."""
    from cnnspec.language.loading import load

    return load(path)


def write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def spec_paths(paths: list[str]) -> list[str]:
    """Files as given; a folder stands for the .cnn files inside it (one holding none names
    nothing to work on: misuse, like a missing argument)."""
    found = []
    for path in paths:
        if Path(path).is_dir():
            inside = sorted(str(p) for p in Path(path).glob("*.cnn"))
            if not inside:
                raise UsageError(f"{path}: this folder holds no .cnn files")
            found += inside
        else:
            found.append(path)
    return found
