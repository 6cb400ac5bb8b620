"""The public entry points from text or file to a validated `Spec`."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from .builder import build_spec, misuse_diagnostics
from .errors import Diagnostic, SpecSyntaxError
from .ir import Span, Spec
from .parser import parse_statements

# A spec is a few lines; a 10,000-layer one is 150 KB. The limit keeps `check /dev/zero`
# (or a runaway generator) from eating the machine's memory.
MAX_SOURCE_BYTES = 4 * 2**20
STDIN = "-"
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def normalize_newlines(text: str) -> str:
    r"""Text with every line ending (\r\n, a lone \r) as \n: the grammar and every
    column count see one kind of line.

    >>> normalize_newlines("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def parse(text: str, source: str = "<string>", *, default_name: str | None = None) -> Spec:
    """Parse a .cnn text into a `Spec`; raise `SpecSyntaxError` listing every problem found.

    >>> parse("conv 5x5x6 | pool 2 | dense 10").layers[-1]
    Dense(units=10, activation='softmax')
    """
    text = normalize_newlines(text)
    statements, diagnostics = parse_statements(text, source)
    spec, problems = build_spec(statements, text, source, default_name)
    if problems:
        diagnostics += misuse_diagnostics(problems, source, text)
    if not diagnostics and not spec.layers:
        diagnostics.append(spec.diagnostic(
            "the spec has no layers; write some, such as: conv 5x5x6 | pool 2 | dense 10", Span(spec.input_span.line, 1)
        ))
    if diagnostics:
        raise grid_error(text, source, "not one spec: expand and check its variants with cnnspec sweep") or SpecSyntaxError(sorted(diagnostics, key=lambda d: (d.line, d.column)))
    return spec


def first_grid_slot(text: str) -> int | None:
    """The offset of the first `{...}` choice or `[...]?` optional layer of a text that
    reads as a well-formed grid; None for a plain spec (or a malformed grid).

    >>> first_grid_slot("conv {5,7}x{5,7}x6"), first_grid_slot('name "a{b}" | conv 5x5x6')
    (5, None)
    """
    from .grid import GRID_CHARACTERS, parse_grid

    if not GRID_CHARACTERS.search(text):
        return None
    try:
        grid = parse_grid(text)
    except SpecSyntaxError:
        return None
    return grid.slots[0].offset if grid.slots else None


def grid_error(text: str, source: str, message: str) -> SpecSyntaxError | None:
    """An error at the first slot of a grid given where one spec belongs, None if `text` is no grid."""
    offset = first_grid_slot(text)
    if offset is None:
        return None
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    line_text = text[line_start:].split("\n", 1)[0]
    what = "'[' opens an optional layer" if text[offset] == "[" else "'{' opens a choice"
    return SpecSyntaxError(Diagnostic(f"this is a grid ({what}), {message}", line, offset - line_start + 1, source, line_text))


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of a spec file; an error at the first byte that is not UTF-8 text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        # Columns count characters, and everything before the bad byte is valid UTF-8.
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8-sig" if line == 1 else "utf-8")) + 1
        line_text = data[error.start - (len(before) - before.rfind(b"\n") - 1) :].splitlines()[0].decode("utf-8", "replace")
        raise SpecSyntaxError(Diagnostic(
            f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the spec as UTF-8", line, column, source, line_text
        )) from None
    if "\x00" in text:
        before = normalize_newlines(text[: text.index("\x00")])
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise SpecSyntaxError(Diagnostic("a NUL byte: this looks like a binary file, not a .cnn spec", line, column, source))
    return text


def source_name(path: str | Path) -> str:
    """How messages name a spec's source: its path, or `<stdin>` for `-`."""
    return "<stdin>" if str(path) == STDIN else str(path)


def read_source(path: str | Path) -> str:
    """A spec file's text (`-`: standard input), at most MAX_SOURCE_BYTES; a file that
    cannot be read, or is no regular file, is an error like a bad one, at 1:1."""
    source = source_name(path)

    def refuse(message: str):
        raise SpecSyntaxError(Diagnostic(message, 1, 1, source)) from None

    try:
        if source == "<stdin>":
            data = sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
        else:
            # Decided before opening: opening a FIFO waits for a writer, and a device never ends.
            mode = Path(path).stat().st_mode
            for is_kind, kind in _KINDS:
                if is_kind(mode):
                    refuse(f"this is {kind}, not a file; give a .cnn file (or - to read standard input)")
            with open(path, "rb") as file:
                data = file.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        refuse(f"cannot read the file: {error.strerror or error}")
    if len(data) > MAX_SOURCE_BYTES:
        refuse(f"the file is over the limit of {MAX_SOURCE_BYTES:,} bytes for a spec; is it really a .cnn file?")
    return decode(data, source)


def load(path: str | Path) -> Spec:
    """Read and parse a .cnn file (`-`: standard input); its name defaults to the file's stem."""
    source = source_name(path)
    return parse(read_source(path), source, default_name=None if source == "<stdin>" else Path(path).stem)
