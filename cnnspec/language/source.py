"""A spec's text from a file or standard input: bounded, UTF-8, one kind of line ending."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from cnnspec.errors import Diagnostic, SpecSyntaxError

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
