"""The public entry points from text or file to a validated `Spec`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cnnspec.language.builder import build_spec, misuse_diagnostics
from cnnspec.errors import Diagnostic, SpecSyntaxError
from cnnspec.layers.spec import Span, Spec
from cnnspec.language.recovery import parse_statements
from cnnspec.language.source import normalize_newlines, read_source, source_name

def parse(text: str, source: str = "<string>", *, default_name: str | None = None) -> Spec:
    """Parse a .cnn text into a `Spec`; raise `SpecSyntaxError` listing every problem found.

    >>> parse("conv 5x5x6 | pool 2 | dense 10").layers[-1]
    Dense(units=10, activation='softmax', use_bias=True)
    """
    text = normalize_newlines(text)
    expansion = None
    if "block" in text:  # blocks are expanded first; a spec without them never loads the expander
        from cnnspec.language.blocks import expand

        expansion = expand(text, source)
    parsed = expansion.text if expansion else text
    statements, diagnostics = parse_statements(parsed, source)
    spec, problems = build_spec(statements, parsed, source, default_name)
    if problems:
        diagnostics += misuse_diagnostics(problems, source, parsed)
    if expansion:  # errors point at the source the user wrote, not at the expanded text
        diagnostics = [relocate(diagnostic, expansion.origins, text) for diagnostic in diagnostics]
        spec = spec and located(spec, text, expansion.origins)
    if not diagnostics and not spec.layers:
        diagnostics.append(spec.diagnostic(
            "the spec has no layers; write some, such as: conv 5x5x6 | pool 2 | dense 10", Span(spec.input_span.line, 1)
        ))
    if diagnostics:
        raise grid_error(text, source, "not one spec: expand and check its variants with cnnspec sweep") or SpecSyntaxError(sorted(diagnostics, key=lambda d: (d.line, d.column)))
    return spec


def located(spec: Spec, text: str, origins) -> Spec:
    """`spec` parsed from expanded text, with the source text and every span moved to
    where its statement was written (and the block call named)."""
    def moved(span: Span) -> Span:
        return origins[span.line - 1].span(span.column) if 0 < span.line <= len(origins) else span

    layers = tuple(dataclasses.replace(layer, span=moved(layer.span)) for layer in spec.layers)
    calls = tuple(origins[layer.span.line - 1].calls if 0 < layer.span.line <= len(origins) else ()
                  for layer in spec.layers)
    return dataclasses.replace(spec, text=text, layers=layers, input_span=moved(spec.input_span),
                               calls=calls if any(calls) else ())


def relocate(diagnostic: Diagnostic, origins, text: str) -> Diagnostic:
    """A diagnostic on expanded text moved to the source line and column it came from."""
    if not 0 < diagnostic.line <= len(origins):
        return diagnostic
    line, column, where = origins[diagnostic.line - 1].locate(diagnostic.column)
    lines = text.split("\n")
    line_text = lines[line - 1] if line <= len(lines) else ""
    return dataclasses.replace(diagnostic, message=diagnostic.message + where, line=line,
                               column=min(column, len(line_text) + 1), line_text=line_text)


def first_grid_slot(text: str) -> int | None:
    """The offset of the first `{...}` choice or `[...]?` optional layer of a text that
    reads as a well-formed grid; None for a plain spec (or a malformed grid).

    >>> first_grid_slot("conv {5,7}x{5,7}x6"), first_grid_slot('name "a{b}" | conv 5x5x6')
    (5, None)
    """
    # Only errors and fmt ask; a valid spec's check need not import the grid language (2 ms).
    from cnnspec.language.grid import GRID_CHARACTERS, parse_grid

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


def load(path: str | Path) -> Spec:
    """Read and parse a .cnn file (`-`: standard input); its name defaults to the file's stem."""
    source = source_name(path)
    return parse(read_source(path), source, default_name=None if source == "<stdin>" else Path(path).stem)
