"""The intermediate representation: a spec as immutable, self-validating dataclasses.

Every value is resolved (defaults filled in) so that the analyzer and the Keras backend
never have to know the language's defaults. Source positions are metadata
(`compare=False`), so a parsed spec equals one built by hand.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from typing import Union

from .errors import Diagnostic, character_name

# Keras 3 accepts each of these as `activation=` (tests check every one against Keras).
ACTIVATIONS = (
    "relu", "sigmoid", "tanh", "softmax", "linear", "elu", "gelu", "swish", "silu", "selu",
    "softplus", "softsign", "leaky_relu", "relu6", "hard_sigmoid", "hard_silu", "mish",
    "exponential", "log_softmax",
)
PADDINGS = ("same", "valid")


class InvalidField(ValueError):
    """A node was given a value it cannot hold; `field` says which, for the caret."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


def suggestion(word: str, choices) -> str:
    """'; did you mean 'x'?' for the closest choice, or '' when none is close.

    >>> suggestion("sigmod", ACTIVATIONS)
    "; did you mean 'sigmoid'?"
    """
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass(frozen=True)
class Span:
    """1-based line and column where a statement starts in its source."""

    line: int
    column: int


NOWHERE = Span(0, 0)


def _require_positive(field_name: str, what: str, values: tuple[int, ...]) -> None:
    for value in values:
        if value <= 0:
            raise InvalidField(field_name, f"{what} must be positive, got {value}")


def _require_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise InvalidField(
            "activation",
            f"unknown activation '{activation}'{suggestion(activation, ACTIVATIONS)}",
        )


def _require_padding(padding: str) -> None:
    if padding not in PADDINGS:
        raise InvalidField("padding", f"padding must be 'same' or 'valid', got '{padding}'")


@dataclass(frozen=True)
class Conv:
    """2-D convolution, `conv KhxKwxC [sN] [same|valid] [activation]`."""

    filters: int
    kernel: tuple[int, int]
    strides: tuple[int, int] = (1, 1)
    padding: str = "same"
    activation: str = "relu"
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def __post_init__(self):
        _require_positive("kernel", "kernel size", self.kernel)
        _require_positive("filters", "number of output channels", (self.filters,))
        _require_positive("strides", "stride", self.strides)
        _require_padding(self.padding)
        _require_activation(self.activation)


@dataclass(frozen=True)
class Pool:
    """Max pooling, `pool N[xM] [sK[xL]] [same|valid]`; stride defaults to the window."""

    window: tuple[int, int]
    strides: tuple[int, int]
    padding: str = "valid"
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def __post_init__(self):
        _require_positive("window", "pool window", self.window)
        _require_positive("strides", "stride", self.strides)
        _require_padding(self.padding)


@dataclass(frozen=True)
class AvgPool(Pool):
    """Average pooling; the same arguments as `pool`."""


@dataclass(frozen=True)
class Dense:
    """Fully connected layer, `dense N [activation]`."""

    units: int
    activation: str
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def __post_init__(self):
        _require_positive("units", "number of units", (self.units,))
        _require_activation(self.activation)


@dataclass(frozen=True)
class Flatten:
    """`flatten`; `implicit` marks one cnnspec inserted before a dense layer."""

    implicit: bool = field(default=False, compare=False)
    span: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Dropout:
    """`dropout P`, 0 <= P < 1."""

    rate: float
    span: Span = field(default=NOWHERE, compare=False, repr=False)

    def __post_init__(self):
        if not 0 <= self.rate < 1:
            raise InvalidField("rate", f"dropout rate must be in [0, 1), got {self.rate:g}")


@dataclass(frozen=True)
class BatchNorm:
    """`batchnorm` over the last axis (channels, or units after a dense layer)."""

    span: Span = field(default=NOWHERE, compare=False, repr=False)


Layer = Union[Conv, Pool, AvgPool, Dense, Flatten, Dropout, BatchNorm]


@dataclass(frozen=True)
class Spec:
    """A whole network: its name, the input shape (H, W, C) or (N,), and its layers."""

    name: str
    input_shape: tuple[int, ...] = (28, 28, 1)
    layers: tuple[Layer, ...] = ()
    source: str = field(default="<string>", compare=False)
    input_span: Span = field(default=NOWHERE, compare=False, repr=False)
    text: str = field(default="", compare=False, repr=False)

    def diagnostic(self, message: str, span: Span, severity: str = "error", code: str | None = None) -> Diagnostic:
        """A diagnostic at `span` of this spec's source, with the line for its caret."""
        lines = self.text.split("\n")
        line_text = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
        return Diagnostic(message, max(span.line, 1), max(span.column, 1), self.source, line_text, severity, code)

    def __post_init__(self):
        if not self.name.strip():
            raise InvalidField("name", 'a model name cannot be empty; write one, like name "Model 3"')
        control = next((c for c in self.name if unicodedata.category(c) == "Cc"), None)
        if control:  # it would reach the terminal with every line that names the model
            raise InvalidField("name", f"a model name cannot hold the control character {character_name(control)}")
        if "/" in self.name:
            # Keras joins scope names with '/' and refuses it in a model's name.
            raise InvalidField("name", f"a model name cannot contain '/', got {self.name!r}")
        if len(self.input_shape) not in (1, 3):
            raise InvalidField(
                "input_shape",
                f"input takes HxWxC (or N for a vector), got {len(self.input_shape)} numbers",
            )
        _require_positive("input_shape", "input size", self.input_shape)
