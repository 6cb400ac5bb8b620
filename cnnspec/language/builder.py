"""Statements -> Spec: each layer statement built by its kind, every misuse reported at its token.

Each kind (`cnnspec.layers`) resolves its own defaults, the report's general setup: conv
stride 1, `same` padding and ReLU; pooling strides equal to the window and no padding;
sigmoid in hidden dense layers and softmax in the last one.
"""

from __future__ import annotations

from pathlib import PurePath

from cnnspec.layers import arguments
from cnnspec.layers.arguments import Misuse
from cnnspec.errors import Diagnostic
from cnnspec.layers.spec import InvalidField, Span, Spec
from cnnspec.layers import BY_KEYWORD, Flatten
from cnnspec.language.parser import Statement, Token


def default_name(source: str) -> str:
    """A spec without `name` is named after its file's stem (`model` for a string).

    >>> default_name("specs/model3.cnn"), default_name("<string>")
    ('model3', 'model')
    """
    return "model" if source.startswith("<") else PurePath(source).stem


def build_spec(
    statements: list[Statement], text: str, source: str, fallback_name: str | None = None
) -> tuple[Spec | None, list[tuple[Token, str]]]:
    """The spec and every misuse found as (token, message); the spec is None if any."""
    problems: list[tuple[Token, str]] = []
    header: dict[str, Statement] = {}
    layer_statements = []
    for statement in statements:
        if statement.kind not in ("name", "input"):
            layer_statements.append(statement)
        elif statement.kind in header:
            first = header[statement.kind].keyword.line
            problems.append((statement.keyword, f"{statement.kind} given twice (first on line {first})"))
        elif layer_statements:
            problems.append((statement.keyword, f"{statement.kind} must come before the first layer"))
        else:
            header[statement.kind] = statement

    if "name" in header:
        name = header["name"].args[0][1:-1]
    else:
        name = fallback_name or default_name(source)
    input_shape, input_span = (28, 28, 1), Span(1, 1)
    if "input" in header:
        input_span = arguments.span(header["input"].keyword)
        try:
            input_shape = arguments.numbers(header["input"].args[0], (1, 3), "input takes HxWxC (or N for a vector)")
        except Misuse as misuse:
            problems.append((misuse.token, misuse.message))

    layers, inputs, labels = [], (), ()
    spatial = len(input_shape) == 3
    if "@" in text or "->" in text:  # a graph, perhaps: a chain never loads the wiring
        from cnnspec.language.wiring import build_graph, is_wired

        if is_wired(layer_statements):
            layers, inputs, labels = build_graph(layer_statements, spatial, problems)
            layer_statements = ()
    for statement in layer_statements:
        kind = BY_KEYWORD[statement.kind]  # the grammar admits only registered keywords
        try:
            layer = kind.from_statement(statement, statement is layer_statements[-1])
        except Misuse as misuse:
            problems.append((misuse.token, misuse.message))
            continue
        if kind.needs_vector and spatial:
            layers.append(Flatten(implicit=True, span=layer.span))
        if layer.rank_left() is not None:
            spatial = layer.rank_left() == 3
        layers.append(layer)

    if problems:
        return None, problems
    try:
        return Spec(name, input_shape, tuple(layers), source, input_span, text, inputs, labels), []
    except InvalidField as error:
        statement = header["name" if error.field == "name" else "input"]
        return None, [(statement.args[0], str(error))]


def misuse_diagnostics(problems, source: str, text: str) -> list[Diagnostic]:
    lines = text.split("\n")
    return [
        Diagnostic(message, token.line, token.column, source, lines[token.line - 1] if token.line <= len(lines) else "")
        for token, message in problems
    ]
