"""Lines of the Python that `cnnspec emit` writes: how long they may be, and how a call's
arguments wrap when they do not fit on one line (as black would wrap them)."""

from __future__ import annotations

LINE_LENGTH = 88


def wrapped(pieces: list[str], indent: str) -> str:
    """Arguments filled greedily into lines of at most LINE_LENGTH, each ending in a comma.

    >>> print(wrapped(["16", "(3, 3)", "strides=(1, 1)"], "    "))
        16, (3, 3), strides=(1, 1),
    """
    lines, current = [], ""
    for piece in pieces:
        candidate = f"{current} {piece}," if current else f"{indent}{piece},"
        if current and len(candidate) > LINE_LENGTH:
            lines.append(current)
            candidate = f"{indent}{piece},"
        current = candidate
    lines.append(current)
    return "\n".join(lines)
