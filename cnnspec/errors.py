"""One error root for everything a user can get wrong, rendered as compilers do.

`CnnspecError` is the root; `str()` of any of them is what the command line prints.

- `SpecError`: a spec's text is wrong. Every problem is a `Diagnostic` (severity, message,
  position); a `SpecError` carries one or more of them, so a file with several mistakes is
  reported whole, and `str()` draws each one as `file:line:col: error: message`, the source
  line and a caret under the column.
- `DataError` and `RunError`: data, or a run (its folder, its outputs, its options), as a
  whole. They have no line or column to give, so they claim none: one line per problem,
  `PATH: error: message`, or `cnnspec: error: message` when no path is concerned.
- `UsageError`: the command was misused; the command line shows its usage and exits 2.
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


class CnnspecError(Exception):
    """The root of every error cnnspec raises for a user's mistake; `exit_code` is what
    the command line returns for it."""

    exit_code = 1
    heading: str | None = None  # a line said before the error itself (see `headed`)

    def headed(self, heading: str):
        """This error, said after one line of context (`3 of 8 Ray trials failed; the
        first error follows`)."""
        import copy

        error = copy.copy(self)
        error.heading = heading
        return error

    def render(self) -> str:
        return super().__str__()

    def __str__(self) -> str:
        body = self.render()
        return f"cnnspec: error: {self.heading}\n{body}" if self.heading else body


class SpecError(CnnspecError, ValueError):
    """A spec's text is wrong; carries every diagnostic found, each at a line and column."""

    def __init__(self, diagnostics: Diagnostic | list[Diagnostic] | tuple[Diagnostic, ...]):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = (diagnostics,)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        if not self.diagnostics:
            raise ValueError("SpecError needs at least one diagnostic")
        super().__init__(self.diagnostics[0].message)  # str() renders them all, when asked

    def __reduce__(self):  # copies and pickles (a Ray trial's error) rebuild it whole
        return type(self), (self.diagnostics,), self.__dict__

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

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


class SpecSyntaxError(SpecError):
    """The text does not follow the grammar, or names something that does not exist."""


class SpecShapeError(SpecError):
    """The layers are well formed but their sizes do not fit together."""


class SpecFitError(SpecError):
    """The spec is valid but does not fit what it is used with: the data it is trained on,
    or a limit on its parameters or memory. Positioned at the part of the spec to blame."""


class PlainError(CnnspecError):
    """An error about something as a whole (a data file, a run folder, an output): one
    line per message, `PATH: error: message`, or `cnnspec: error: message` without a path.

    >>> print(RunError("cannot write the model: Permission denied", "m.keras"))
    m.keras: error: cannot write the model: Permission denied
    >>> print(RunError(["epochs must be >= 1", "lr must be > 0"]))
    cnnspec: error: epochs must be >= 1
    cnnspec: error: lr must be > 0
    """

    def __init__(self, messages: str | list[str] | tuple[str, ...], path: str | None = None):
        self.messages: tuple[str, ...] = (messages,) if isinstance(messages, str) else tuple(messages)
        if not self.messages:
            raise ValueError(f"{type(self).__name__} needs at least one message")
        self.path = None if path is None else str(path)
        super().__init__(self.messages[0])

    def __reduce__(self):
        return type(self), (self.messages, self.path), self.__dict__

    @property
    def message(self) -> str:
        return self.messages[0]

    def render(self) -> str:
        return "\n".join(f"{self.path or 'cnnspec'}: error: {message}" for message in self.messages)


class DataError(PlainError):
    """Data (MNIST, a dataset, an image, a file of arrays) could not be found, read or verified."""


class RunError(PlainError):
    """A training run (or a file a command writes) could not start or had to stop."""


class UsageError(CnnspecError):
    """The command was misused (options that do not go together, a bad value argparse
    cannot check): shown after the command's usage line as `cnnspec COMMAND: error: ...`."""

    exit_code = 2


def cannot_write(what: str, path, problem: OSError | str, kind: type[PlainError] | None = None) -> PlainError:
    """The one error for an output that could not be written: `PATH: error: cannot write
    the model: No space left on device` (`problem`: the OSError, or why, found before
    trying); a `RunError` unless `kind` says otherwise (the MNIST cache: a `DataError`)."""
    if isinstance(problem, OSError):
        problem = problem.strerror or str(problem)
    return (kind or RunError)(f"cannot write {what}: {problem}", str(path))
