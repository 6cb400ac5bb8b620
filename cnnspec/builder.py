"""Statements -> Spec: resolve the language's defaults and report every misuse at its token.

The defaults are the report's general setup: conv stride 1, `same` padding and ReLU;
pooling strides equal to the window and no padding; sigmoid in hidden dense layers and
softmax in the last one.
"""

from __future__ import annotations

from pathlib import PurePath

from .errors import Diagnostic
from .ir import (
    ACTIVATIONS, PADDINGS, AvgPool, BatchNorm, Conv, Dense, Dropout, Flatten, InvalidField,
    Pool, Span, Spec, suggestion,
)
from .parser import Statement, Token

_POOLS = {"pool": Pool, "avgpool": AvgPool}


class _Misuse(Exception):
    def __init__(self, token: Token, message: str):
        self.token, self.message = token, message


MAX_DIGITS = 30  # far beyond any real network, and keeps every product printable


def _numbers(token: Token, arity: tuple[int, ...], usage: str) -> tuple[int, ...]:
    parts = token.lstrip("s").split("x")
    if len(token) > MAX_DIGITS and any(len(part.lstrip("-")) > MAX_DIGITS for part in parts):
        raise _Misuse(token, f"number too large: sizes have at most {MAX_DIGITS} digits")
    values = tuple(map(int, parts))
    if len(values) not in arity:
        raise _Misuse(token, f"{usage}, got '{token}'")
    return values


def _pair(values: tuple[int, ...]) -> tuple[int, int]:
    return (values[0], values[-1])


def _options(statement: Statement, allowed: tuple[str, ...]) -> dict[str, Token]:
    """stride / padding / activation tokens by role; each at most once."""
    found: dict[str, Token] = {}
    for token in statement.args[1:]:
        if token.type == "STRIDE":
            role = "stride"
        elif token.type in ("SAME", "VALID"):
            role = "padding"
        else:
            role = "activation"
        if role not in allowed:
            raise _Misuse(token, f"{statement.kind} takes no {role}")
        if role in found:
            raise _Misuse(token, f"{role} given twice in {statement.kind} (first '{found[role]}')")
        if role == "activation" and token not in ACTIVATIONS:
            hint = suggestion(token, ACTIVATIONS + (PADDINGS if "padding" in allowed else ()))
            raise _Misuse(token, f"unknown activation '{token}'{hint}")
        found[role] = token
    return found


def _span(token: Token) -> Span:
    return Span(token.line, token.column)


def _layer(statement: Statement, is_last: bool):
    kind, size = statement.kind, statement.args[0] if statement.args else None
    span = _span(statement.keyword)
    if kind == "conv":
        kh, kw, filters = _kernel_size(size)
        options = _options(statement, ("stride", "padding", "activation"))
        return _node(
            Conv, statement, options,
            filters=filters, kernel=(kh, kw),
            strides=_stride(options, (1, 1)),
            padding=str(options.get("padding", "same")),
            activation=str(options.get("activation", "relu")), span=span,
        )
    if kind in _POOLS:
        window = _pair(_numbers(size, (1, 2), f"{kind} takes a window N or NxM"))
        options = _options(statement, ("stride", "padding"))
        return _node(
            _POOLS[kind], statement, options,
            window=window, strides=_stride(options, window),
            padding=str(options.get("padding", "valid")), span=span,
        )
    if kind == "dense":
        (units,) = _numbers(size, (1,), "dense takes one number of units, like dense 128")
        options = _options(statement, ("activation",))
        default = "softmax" if is_last else "sigmoid"
        return _node(Dense, statement, options, units=units,
                     activation=str(options.get("activation", default)), span=span)
    if kind == "dropout":
        if "x" in size:
            raise _Misuse(size, f"dropout takes one rate in [0, 1), got '{size}'")
        return _node(Dropout, statement, {}, rate=float(size), span=span)
    if kind == "flatten":
        return Flatten(span=span)
    return BatchNorm(span=span)


def _kernel_size(size: Token) -> tuple[int, int, int]:
    return _numbers(size, (3,), "conv takes kernel height x width x output channels, like 5x5x6")


def _stride(options: dict[str, Token], default: tuple[int, int]) -> tuple[int, int]:
    token = options.get("stride")
    return _pair(_numbers(token, (1, 2), "a stride is sN or sNxM")) if token else default


# Fields checked on the statement's first argument (its size); the others on their option.
_SIZE_FIELDS = frozenset({"kernel", "filters", "window", "units", "rate"})


def _node(cls, statement: Statement, options: dict[str, Token], **fields):
    try:
        return cls(**fields)
    except InvalidField as error:
        if error.field in _SIZE_FIELDS:
            token = statement.args[0]
        else:
            token = options.get({"strides": "stride"}.get(error.field, error.field), statement.keyword)
        raise _Misuse(token, str(error)) from None


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
        input_span = _span(header["input"].keyword)
        try:
            input_shape = _numbers(header["input"].args[0], (1, 3), "input takes HxWxC (or N for a vector)")
        except _Misuse as misuse:
            problems.append((misuse.token, misuse.message))

    layers = []
    spatial = len(input_shape) == 3
    for statement in layer_statements:
        try:
            layer = _layer(statement, statement is layer_statements[-1])
        except _Misuse as misuse:
            problems.append((misuse.token, misuse.message))
            continue
        # Keras's Dense acts on the last axis only; the report (and every user) meant a
        # flatten first, so insert the Flatten row Keras would then show.
        if isinstance(layer, Dense) and spatial:
            layers.append(Flatten(implicit=True, span=layer.span))
        if isinstance(layer, (Dense, Flatten)):
            spatial = False
        layers.append(layer)

    if problems:
        return None, problems
    try:
        return Spec(name, input_shape, tuple(layers), source, input_span, text), []
    except InvalidField as error:
        statement = header["name" if error.field == "name" else "input"]
        return None, [(statement.args[0], str(error))]


def misuse_diagnostics(problems, source: str, text: str) -> list[Diagnostic]:
    lines = text.split("\n")
    return [
        Diagnostic(message, token.line, token.column, source, lines[token.line - 1] if token.line <= len(lines) else "")
        for token, message in problems
    ]
