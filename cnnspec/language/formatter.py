"""Text -> the same spec in canonical layout, comments kept.

The IR drops comments and layout, so the formatter works on source lines: each line's
code is parsed by the real grammar (so a statement reads exactly as the parser reads
it) and rewritten from the IR node it builds; comments are copied as written.

The layout: one space between words and ' | ' between statements on a line; the line
breaks the author chose are kept, except that `name` and `input` get lines of their
own; options in the order depth multiplier, stride, padding, groups, activation, bias, in
their short forms (`pool 2`, `s2`), the switches that change a layer (`g4`, `m2`,
`nobias`, `noscale`, `keepdims`) always and their defaults never; trailing comments of neighbouring lines aligned two spaces after the longest
code; at most one blank line in a row; a final new line. `explicit` also writes every
default: strides, paddings, activations, the name, the input and the flatten cnnspec
would insert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cnnspec.layers import arguments
from cnnspec.layers.spec import Spec
from cnnspec.layers import Flatten
from cnnspec.language.loading import first_grid_slot, grid_error, parse
from cnnspec.language.source import normalize_newlines
from cnnspec.language.parser import STRING_PATTERN, Statement
from cnnspec.language.blocks import has_blocks
from cnnspec.language.recovery import parse_statements
from cnnspec.errors import SpecSyntaxError
from cnnspec.language.wiring import wire_words
from cnnspec.layers.base import ALL_OPTIONS
from cnnspec.layers.text import header_statements

# A string runs to its closing quote; '#' outside a string starts the comment.
_CODE_PIECE = re.compile(f'{STRING_PATTERN}|[^"#]+')
COMMENT_GAP = 2


@dataclass(frozen=True)
class SourceLine:
    """One line of a spec: its code (possibly empty) and its comment ('' or '#...')."""

    code: str
    comment: str


def split_lines(text: str) -> list[SourceLine]:
    """Each line cut into code and comment, a '#' inside a quoted name being code.

    >>> split_lines('name "a#b"  # the name\\n# only a comment')
    [SourceLine(code='name "a#b"', comment='# the name'), SourceLine(code='', comment='# only a comment')]
    """
    found = []
    for line in text.split("\n"):
        position = 0
        for match in _CODE_PIECE.finditer(line):
            if match.start() != position:
                break
            position = match.end()
        found.append(SourceLine(line[:position].strip(), line[position:].rstrip()))
    return found


def _written_options(statement: Statement) -> frozenset[str]:
    return frozenset(arguments.role(token) for token in statement.args[1:])


def line_ending(text: str) -> str:
    r"""The file's line ending (its first one), which `fmt` keeps: \r\n, \r or \n.

    >>> line_ending("a\r\nb"), line_ending("a\rb"), line_ending("ab")
    ('\r\n', '\r', '\n')
    """
    cut = next((i for i, c in enumerate(text) if c in "\r\n"), None)
    if cut is None or text[cut] == "\n":
        return "\n"
    return "\r\n" if text[cut + 1 : cut + 2] == "\n" else "\r"


def format_text(text: str, source: str = "<string>", *, explicit: bool = False, default_name: str | None = None) -> str:
    """`text` in canonical layout; raises `SpecError` (and changes nothing) if it is not a valid spec.

    >>> print(format_text("conv 5x5x6  relu   s1|pool 2x2 s2x2 # halve\\ndense 10"), end="")
    conv 5x5x6 s1 relu | pool 2 s2  # halve
    dense 10
    >>> print(format_text("conv 5x5x6 | dense 10", explicit=True), end="")
    name "model"
    input 28x28x1
    conv 5x5x6 s1 same relu | flatten | dense 10 softmax
    """
    text = normalize_newlines(text)
    if first_grid_slot(text) is not None:
        if explicit:
            raise grid_error(text, source, "and --explicit writes the defaults of one spec: format it without --explicit")
        return format_grid(text, source)
    if has_blocks(text):
        if explicit:
            raise SpecSyntaxError(spec_diagnostic_at_block(text, source))
        return format_blocks(text, source)
    spec = parse(text, source, default_name=default_name)
    layers = iter(enumerate(spec.layers))
    header_written = set()
    out: list[SourceLine] = []
    for line in split_lines(text):
        statements, _ = parse_statements(line.code, source) if line.code else ([], [])
        pieces: list[str] = []
        for statement in statements:
            if statement.kind in ("name", "input"):
                header_written.add(statement.kind)
                out.append(SourceLine(_header(spec, statement.kind), ""))
                continue
            index, layer = next(layers)
            reads = None
            if isinstance(layer, Flatten) and layer.implicit:
                if explicit:
                    pieces.append("flatten" + wire_words(spec, index))
                else:
                    reads = spec.reads(index)[0]
                index, layer = next(layers)
            words = layer.statement(ALL_OPTIONS if explicit else _written_options(statement))
            pieces.append(words + wire_words(spec, index, reads))
        if pieces:
            out.append(SourceLine(" | ".join(pieces), line.comment))
        elif statements:  # a header line: its comment stays with it
            out[-1] = SourceLine(out[-1].code, line.comment)
        else:
            out.append(SourceLine("", line.comment))
    if explicit:
        out = _with_header(out, spec, header_written)
    return _join(_squeeze_blank_lines(out))


# A grid cannot be parsed into one spec, so its lines are laid out by spacing alone:
# one space between words, ' | ' between statements, none inside {a,b} and [...]?.
_GRID_SPACING = ((re.compile(r"\s+"), " "), (re.compile(r"\s*\|\s*"), " | "), (re.compile(r"\s*,\s*"), ","),
                 (re.compile(r"([{\[])\s+"), r"\1"), (re.compile(r"\s+([}\]])"), r"\1"))
_STRING_OR_CODE = re.compile(r'"[^"\n]*"?|[^"]+')


def format_grid(text: str, source: str = "<string>") -> str:
    """A grid (`{a,b}` choices, `[...]?` optional layers) in canonical spacing, its choices
    kept as written; its variants are the same specs before and after.

    >>> print(format_grid("conv { 5x5 , 7x7 }x6|[ dense 64 ]?   # maybe\\ndense 10"), end="")
    conv {5x5,7x7}x6 | [dense 64]?  # maybe
    dense 10
    """
    from cnnspec.language.grid import parse_grid

    grid = parse_grid(text, source)  # a malformed grid is an error at its place, and nothing changes
    lines = [SourceLine(_grid_code(line.code), line.comment) for line in split_lines(text)]
    formatted = _join(_squeeze_blank_lines(lines))
    # Spacing alone never changes what a grid expands to; this checks it did not.
    assert _grid_skeleton(parse_grid(formatted, source)) == _grid_skeleton(grid), "fmt changed a grid"
    return formatted


BLOCK_INDENT = "  "


def format_blocks(text: str, source: str = "<string>") -> str:
    """A spec with blocks in canonical spacing, each block's body indented; the calls and
    their arguments kept as written (the spec is the same before and after)."""
    spec = parse(text, source)  # an invalid spec is an error at its place, and nothing changes
    lines, inside = [], False
    for line in split_lines(text):
        code = _grid_code(line.code)
        if code.startswith("block ") or code == "block":
            lines.append(SourceLine(code, line.comment))
            inside = True
            continue
        if code == "end":
            inside = False
        lines.append(SourceLine(BLOCK_INDENT + code if inside and code else code, line.comment))
    formatted = _join(_squeeze_blank_lines(lines))
    assert parse(formatted, source) == spec, "fmt changed a spec with blocks"
    return formatted


def spec_diagnostic_at_block(text: str, source: str):
    from cnnspec.errors import Diagnostic

    number = next(i for i, line in enumerate(text.split("\n"), 1) if line.lstrip().startswith("block"))
    line_text = text.split("\n")[number - 1]
    return Diagnostic("--explicit writes one spec without blocks; expand them first or format without --explicit",
                      number, len(line_text) - len(line_text.lstrip()) + 1, source, line_text)


def _grid_code(code: str) -> str:
    pieces = []
    for match in _STRING_OR_CODE.finditer(code):
        piece = match.group()
        if not piece.startswith('"'):
            for pattern, replacement in _GRID_SPACING:
                piece = pattern.sub(replacement, piece)
        pieces.append(piece)
    return "".join(pieces).strip()


def _grid_skeleton(grid) -> tuple:
    """A grid without its spacing: what its variants are made of."""
    def bare(text):
        return re.sub(r"\s+", "", text)

    return tuple(map(bare, grid.pieces)), tuple(tuple(map(bare, slot.alternatives)) for slot in grid.slots)


def _header(spec: Spec, kind: str) -> str:
    name, input_ = header_statements(spec)
    return name if kind == "name" else input_


def _with_header(lines: list[SourceLine], spec: Spec, written: set[str]) -> list[SourceLine]:
    """Put the missing name/input lines right before the first line of code."""
    missing = [SourceLine(_header(spec, kind), "") for kind in ("name", "input") if kind not in written]
    if not missing:
        return lines
    first_code = next(i for i, line in enumerate(lines) if line.code)
    if "name" in written:  # `input` goes after the written `name`
        first_code += 1
    return lines[:first_code] + missing + lines[first_code:]


def _squeeze_blank_lines(lines: list[SourceLine]) -> list[SourceLine]:
    kept: list[SourceLine] = []
    for line in lines:
        blank = not line.code and not line.comment
        if blank and (not kept or (not kept[-1].code and not kept[-1].comment)):
            continue
        kept.append(line)
    while kept and not kept[-1].code and not kept[-1].comment:
        kept.pop()
    return kept


def _join(lines: list[SourceLine]) -> str:
    """Lines of text; trailing comments on neighbouring code lines share one column."""
    rendered = []
    group: list[SourceLine] = []

    def flush():
        column = max(len(line.code) for line in group) + COMMENT_GAP
        rendered.extend(line.code.ljust(column) + line.comment for line in group)
        group.clear()

    for line in lines:
        if line.code and line.comment:
            group.append(line)
            continue
        if group:
            flush()
        rendered.append(line.code or line.comment)
    if group:
        flush()
    return "\n".join(rendered) + "\n"

