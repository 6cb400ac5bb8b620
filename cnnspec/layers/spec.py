"""The intermediate representation: a spec as immutable, self-validating dataclasses.

`Spec` holds the network; its layers are the nodes of `cnnspec.layers`, one class per
kind. Every value is resolved (defaults filled in) so that the analyzer and the Keras
backend never have to know the language's defaults. Source positions are metadata
(`compare=False`), so a parsed spec equals one built by hand.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from cnnspec.errors import Diagnostic, character_name

# Keras 3 accepts each of these as `activation=` (tests check every one against Keras).
ACTIVATIONS = (
    "relu", "sigmoid", "tanh", "softmax", "linear", "elu", "gelu", "swish", "silu", "selu",
    "softplus", "softsign", "leaky_relu", "relu6", "hard_sigmoid", "hard_silu", "hard_swish", "mish",
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
    import difflib  # only a misspelling needs it, and it costs every start 1 ms

    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass(frozen=True, slots=True)
class Span:
    """1-based line and column where a statement starts in its source."""

    line: int
    column: int
    # ' (in block 'b' called on line N)' for a statement a block call wrote: every message
    # at this span ends with it (cnnspec.language.blocks).
    within: str = field(default="", compare=False)


NOWHERE = Span(0, 0)


BLOCK_INPUT = "in"  # `@in` inside a block: the tensor the call reads
_MADE = "__"  # a block-made name is the body's name, this, and the call's number


def made_name(name: str, number: int) -> str:
    """The name a block call gives its body's `name` (`cnnspec.language.blocks`).

    >>> made_name("r", 3), split_made_name("r__3"), split_made_name("my_name")
    ('r__3', ('r', 3), None)
    """
    return f"{name}{_MADE}{number}"


def split_made_name(label: str) -> tuple[str, int] | None:
    """(the body's name, the call's number) of a block-made name; None for any other."""
    base, made, number = label.rpartition(_MADE)
    return (base, int(number)) if made and base and number.isdigit() else None


@dataclass(frozen=True, slots=True)
class BlockCall:
    """One expansion of a block (`cnnspec.language.blocks`): the block, the line and column
    of the call, the call's number in the spec (each copy of `xN` is a call of its own) and
    its arguments as the body saw them, defaults included, in the block's order."""

    block: str
    line: int
    column: int
    number: int
    arguments: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        """The call as a one-line label: `bottleneck 64 256 s=1`.

        >>> BlockCall("res", 3, 1, 1, (("f", "64"), ("s", "2"))).text()
        'res f=64 s=2'
        """
        return " ".join([self.block, *(f"{name}={value}" for name, value in self.arguments)])


@dataclass(frozen=True)
class Origin:
    """Where a line of a spec's expanded text was written: its line in the source, the
    (expanded column, source column) where each stretch of it starts, and the block calls
    it came through, outermost first."""

    line: int
    columns: tuple[tuple[int, int], ...]
    calls: tuple[BlockCall, ...] = ()

    def span(self, column: int) -> Span:
        """The source span of `column` of this expanded line."""
        line, column, where = self.locate(column)
        return Span(line, column, where)

    def locate(self, column: int) -> tuple[int, int, str]:
        """(line, column) in the source, and ' (in block 'b' called on line N)' or ''."""
        start, source = max((c for c in self.columns if c[0] <= column), default=(1, 1))
        where = "".join(f" (in block '{call.block}' called on line {call.line})" for call in self.calls[-1:])
        return self.line, source + (column - start), where


def require_positive(field_name: str, what: str, values: tuple[int, ...]) -> None:
    for value in values:
        if value <= 0:
            raise InvalidField(field_name, f"{what} must be positive, got {value}")


def require_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise InvalidField(
            "activation",
            f"unknown activation '{activation}'{suggestion(activation, ACTIVATIONS)}",
        )


def require_padding(padding: str) -> None:
    if padding not in PADDINGS:
        raise InvalidField("padding", f"padding must be 'same' or 'valid', got '{padding}'")


@dataclass(frozen=True, slots=True)
class Spec:
    """A whole network: its name, the input shape (H, W, C) or (N,), and its layers.

    Layers are in topological order (every layer after the ones it reads).
    """

    name: str
    input_shape: tuple[int, ...] = (28, 28, 1)
    layers: tuple = ()  # cnnspec.layers nodes
    source: str = field(default="<string>", compare=False)
    input_span: Span = field(default=NOWHERE, compare=False, repr=False)
    text: str = field(default="", compare=False, repr=False)
    # A graph (empty for a chain, where each layer reads the one before): per layer, the
    # indices of the layers it reads (-1: the input), and the name its output was given.
    inputs: tuple[tuple[int, ...], ...] = ()
    labels: tuple[str | None, ...] = ()
    # Per layer, the block calls that wrote it, outermost first (empty for a spec without
    # blocks): what emit's functions, draw's collapsed boxes and the editor's hover follow.
    calls: tuple[tuple[BlockCall, ...], ...] = field(default=(), compare=False, repr=False)

    def diagnostic(self, message: str, span: Span, severity: str = "error", code: str | None = None) -> Diagnostic:
        """A diagnostic at `span` of this spec's source, with the line for its caret."""
        line, column = span.line, span.column
        lines = self.text.split("\n")
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        if span.within:  # inside a block's substituted argument: no further than the line's end
            message += span.within
            column = min(column, len(line_text) + 1)
        return Diagnostic(message, max(line, 1), max(column, 1), self.source, line_text, severity, code)

    def reads(self, index: int) -> tuple[int, ...]:
        """The indices of the layers layer `index` reads (-1: the input)."""
        return self.inputs[index] if self.inputs else (index - 1,)

    def __post_init__(self):
        if not self.name.strip():
            raise InvalidField("name", 'a model name cannot be empty; write one, like name "Model 3"')
        # A control character is never printable: most names skip the scan, character by character.
        control = None if self.name.isprintable() else next(
            (c for c in self.name if unicodedata.category(c) == "Cc"), None
        )
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
        require_positive("input_shape", "input size", self.input_shape)
