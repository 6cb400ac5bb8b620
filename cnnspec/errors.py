"""One error root for everything a user can get wrong, rendered as compilers do.

Every problem is a `Diagnostic` (severity, message, position); a `SpecError` carries one or
more of them, so a file with several mistakes is reported whole, and `str()` draws each
one as `file:line:col: error: message`, the source line and a caret under the column.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


CONTEXT = 60  # characters shown on each side of the caret in a very long line


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning at a 1-based line and column of a source text."""

    message: str
    line: int
    column: int
    source: str = "<string>"
    line_text: str = ""
    severity: str = "error"
    code: str | None = None

    def render(self) -> str:
        """`file:line:col: severity: message`, then the line and a caret.

        >>> print(Diagnostic("unknown activation 'sigmod'", 3, 11, "m.cnn", "dense 128 sigmod").render())
        m.cnn:3:11: error: unknown activation 'sigmod'
            dense 128 sigmod
                      ^
        """
        tag = f" [{self.code}]" if self.code else ""
        head = f"{self.source}:{self.line}:{self.column}: {self.severity}: {self.message}{tag}"
        if not self.line_text:
            return head
        start, end = 0, len(self.line_text)
        if end > 2 * CONTEXT:  # a very long line: show the stretch around the column
            start = max(0, min(self.column - 1 - CONTEXT, end - 2 * CONTEXT))
            end = start + 2 * CONTEXT
        # Tabs would shift the caret and control characters would garble the terminal:
        # show each as one printable character so the caret stays under the column.
        shown = "".join(c if c.isprintable() else "?" for c in self.line_text[start:end].replace("\t", " "))
        caret = display_width(shown[: max(self.column - 1 - start, 0)])
        if start:
            shown, caret = "…" + shown, caret + 1
        if end < len(self.line_text):
            shown += "…"
        return f"{head}\n    {shown}\n    {' ' * caret}^"


def display_width(text: str) -> int:
    """Terminal columns of `text`: East Asian wide and fullwidth characters take two,
    combining marks (and variation selectors) none, so a caret padded by this lands under its character.

    >>> display_width("ab"), display_width("漢字"), display_width("e\\u0301")
    (2, 4, 1)
    """
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.category(c) in ("Mn", "Me") else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


# Control characters have no name in unicodedata; these are the ones a terminal shows oddly.
CONTROL_NAMES = {"\x1b": "escape", "\x08": "backspace", "\x0b": "vertical tab", "\x7f": "delete"}


def character_name(c: str) -> str:
    """A character as `U+XXXX (its name)`, for the ones that cannot be shown in quotes.

    >>> character_name("\\u00a0"), character_name("\\x1b"), character_name("\\x07")
    ('U+00A0 (no-break space)', 'U+001B (escape)', 'U+0007 (a control character)')
    """
    name = CONTROL_NAMES.get(c) or unicodedata.name(c, "").lower() or "a control character"
    return f"U+{ord(c):04X} ({name})"


class SpecError(ValueError):
    """A spec (or its data, or its run) is wrong; carries every diagnostic found."""

    def __init__(self, diagnostics: Diagnostic | list[Diagnostic] | tuple[Diagnostic, ...]):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = (diagnostics,)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        if not self.diagnostics:
            raise ValueError("SpecError needs at least one diagnostic")
        super().__init__(self.diagnostics[0].message)  # str() renders them all, when asked

    @property
    def line(self) -> int:
        return self.diagnostics[0].line

    @property
    def column(self) -> int:
        return self.diagnostics[0].column

    @property
    def source(self) -> str:
        return self.diagnostics[0].source

    @property
    def message(self) -> str:
        return self.diagnostics[0].message

    def __str__(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


class SpecSyntaxError(SpecError):
    """The text does not follow the grammar, or names something that does not exist."""


class SpecShapeError(SpecError):
    """The layers are well formed but their sizes do not fit together."""


class DataError(SpecError):
    """MNIST could not be found, read or verified."""


class RunError(SpecError):
    """A training run could not start or had to stop."""


def plain_error(cls: type[SpecError], message: str, source: str = "<cnnspec>") -> SpecError:
    """An error about a file or run as a whole, positioned at its start."""
    return cls(Diagnostic(message, 1, 1, source))
