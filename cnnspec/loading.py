"""The public entry points from text or file to a validated `Spec`."""

from __future__ import annotations

from pathlib import Path

from .builder import build_spec, misuse_diagnostics
from .errors import Diagnostic, SpecSyntaxError
from .ir import Span, Spec
from .parser import parse_statements


def parse(text: str, source: str = "<string>", *, default_name: str | None = None) -> Spec:
    """Parse a .cnn text into a `Spec`; raise `SpecSyntaxError` listing every problem found.

    >>> parse("conv 5x5x6 | pool 2 | dense 10").layers[-1]
    Dense(units=10, activation='softmax')
    """
    statements, diagnostics = parse_statements(text, source)
    spec, problems = build_spec(statements, text, source, default_name)
    if problems:
        diagnostics += misuse_diagnostics(problems, source, text)
    if not diagnostics and not spec.layers:
        diagnostics.append(spec.diagnostic(
            "the spec has no layers; write some, such as: conv 5x5x6 | pool 2 | dense 10", Span(spec.input_span.line, 1)
        ))
    if diagnostics:
        raise SpecSyntaxError(sorted(diagnostics, key=lambda d: (d.line, d.column)))
    return spec


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of a spec file; an error at the first byte that is not UTF-8 text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        # Columns count characters, and everything before the bad byte is valid UTF-8.
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8-sig" if line == 1 else "utf-8")) + 1
        line_end = data.find(b"\n", error.start)
        line_text = data[before.rfind(b"\n") + 1 : None if line_end < 0 else line_end].decode("utf-8", "replace")
        raise SpecSyntaxError(Diagnostic(
            f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the spec as UTF-8", line, column, source, line_text
        )) from None
    if "\x00" in text:
        before = text[: text.index("\x00")]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise SpecSyntaxError(Diagnostic("a NUL byte: this looks like a binary file, not a .cnn spec", line, column, source))
    return text


def read_source(path: str | Path) -> str:
    """A spec file's text; a file that cannot be read is an error like a bad one, at 1:1."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SpecSyntaxError(Diagnostic(f"cannot read the file: {error.strerror or error}", 1, 1, str(path))) from None
    return decode(data, str(path))


def load(path: str | Path) -> Spec:
    """Read and parse a .cnn file; its name defaults to the file's stem."""
    return parse(read_source(path), str(path), default_name=Path(path).stem)
