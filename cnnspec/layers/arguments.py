"""A statement's arguments read at their tokens: sizes, strides, padding and activation.

Layer kinds call these to turn a `Statement` into their IR node; a misuse is a `Misuse`
pointing at the token to blame, which the builder turns into a located diagnostic.
"""

from __future__ import annotations

from cnnspec.layers.spec import ACTIVATIONS, PADDINGS, InvalidField, Span, suggestion

TYPE_CHECKING = False  # not `typing`'s: importing it costs a `check` 3 ms
if TYPE_CHECKING:  # kinds read the parser's tokens; they need not import it
    from cnnspec.language.parser import Statement, Token

MAX_DIGITS = 30  # far beyond any real network, and keeps every product printable
# The canonical order of a statement's options.
OPTION_ROLES = ("multiplier", "stride", "padding", "groups", "activation", "bias", "center", "scale", "keepdims", "persample")
# The option each token type gives; any other token after the size names an activation.
TOKEN_ROLES = {
    "STRIDE": "stride", "SAME": "padding", "VALID": "padding", "GROUPS": "groups", "MULTIPLIER": "multiplier",
    "BIAS": "bias", "NOBIAS": "bias", "NOCENTER": "center", "NOSCALE": "scale", "KEEPDIMS": "keepdims",
    "PERSAMPLE": "persample",
}


def role(token: Token) -> str:
    """The option `token` gives: one of `OPTION_ROLES`."""
    return TOKEN_ROLES.get(token.type, "activation")


# The integers of each size and stride text read so far: the same few recur in spec after
# spec (a sweep's variants, a model's layers), and reading one is most of a statement's cost.
_NUMBERS: dict[str, tuple[int, ...]] = {}
MAX_REMEMBERED = 16384


class Misuse(Exception):
    """A statement's argument cannot mean what it says; `token` is where to point."""

    def __init__(self, token: Token, message: str):
        super().__init__(message)
        self.token, self.message = token, message


def numbers(token: Token, arity: tuple[int, ...], usage: str) -> tuple[int, ...]:
    """The integers of a size or stride token ('5x5x6', 's2'), `len` one of `arity`."""
    values = _NUMBERS.get(token)
    if values is None:
        parts = token.lstrip("s").split("x")
        if len(token) > MAX_DIGITS and any(len(part.lstrip("-")) > MAX_DIGITS for part in parts):
            raise Misuse(token, f"number too large: sizes have at most {MAX_DIGITS} digits")
        values = tuple(map(int, parts))
        if len(_NUMBERS) < MAX_REMEMBERED:
            _NUMBERS[str(token)] = values
    if len(values) not in arity:
        raise Misuse(token, f"{usage}, got '{token}'")
    return values


def pair(values: tuple[int, ...]) -> tuple[int, int]:
    """A one- or two-number window or stride as (rows, columns).

    >>> pair((2,)), pair((2, 3))
    ((2, 2), (2, 3))
    """
    return (values[0], values[-1])


def _looks_like_stride(word: str) -> bool:
    """'s2x', 's2x3x': a stride the lexer could not read whole."""
    return len(word) > 1 and word[0] == "s" and (word[1].isdigit() or word[1] == "-")


def options(statement: Statement, allowed: tuple[str, ...], first: int = 1) -> dict[str, Token]:
    """Option tokens by role (stride, padding, activation, ...), each at most once; they start
    at argument `first` (after the size; 0 for a statement that takes only options)."""
    found: dict[str, Token] = {}
    for token in statement.args[first:]:
        given = role(token)
        if given == "activation" and _looks_like_stride(token):
            raise Misuse(token, f"a stride is sN or sNxM, like s2 or s2x1, got '{token}'")
        if given not in allowed:
            raise Misuse(token, f"{statement.kind} takes no {given}")
        if given == "activation" and token not in ACTIVATIONS:
            hint = suggestion(token, ACTIVATIONS + (PADDINGS if "padding" in allowed else ()))
            raise Misuse(token, f"unknown activation '{token}'{hint}")
        if given in found:
            raise Misuse(token, f"{given} given twice in {statement.kind} (first '{found[given]}')")
        found[given] = token
    return found


def switch(found: dict[str, Token], name: str, default: bool = True) -> bool:
    """An on/off option (`bias`/`nobias`, `nocenter`, `keepdims`): `default` unless written."""
    token = found.get(name)
    return default if token is None else not token.startswith("no")


def count(found: dict[str, Token], name: str, default: int) -> int:
    """A counted option, a letter then a number (`g4` groups, `m2` depth multiplier)."""
    token = found.get(name)
    return int(token[1:]) if token else default


def stride(found: dict[str, Token], default: tuple[int, int]) -> tuple[int, int]:
    token = found.get("stride")
    return pair(numbers(token, (1, 2), "a stride is sN or sNxM")) if token else default


# Fields checked on the statement's first argument (its size); the others on their option.
_OPTION_OF_FIELD = {
    "strides": "stride", "padding": "padding", "activation": "activation", "groups": "groups", "multiplier": "multiplier",
}


def node(cls, statement: Statement, found: dict[str, Token], **fields):
    """`cls(**fields)`, a field it refuses blamed on the token that gave it."""
    try:
        return cls(**fields)
    except InvalidField as error:
        option = _OPTION_OF_FIELD.get(error.field)
        token = found.get(option) if option else None
        if token is None:  # read from the size (depthwise's multiplier too), or a default not written
            token = statement.args[0] if statement.args and option in (None, "multiplier") else statement.keyword
        raise Misuse(token, str(error)) from None


def span(token: Token) -> Span:
    return Span(token.line, token.column)
