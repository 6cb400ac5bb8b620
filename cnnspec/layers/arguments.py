"""A statement's arguments read at their tokens: sizes, strides, padding and activation.

Layer kinds call these to turn a `Statement` into their IR node; a misuse is a `Misuse`
pointing at the token to blame, which the builder turns into a located diagnostic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnnspec.layers.spec import ACTIVATIONS, PADDINGS, InvalidField, Span, suggestion

if TYPE_CHECKING:  # kinds read the parser's tokens; they need not import it
    from cnnspec.language.parser import Statement, Token

MAX_DIGITS = 30  # far beyond any real network, and keeps every product printable
OPTION_ROLES = ("stride", "padding", "activation")  # the canonical order of a statement's options


class Misuse(Exception):
    """A statement's argument cannot mean what it says; `token` is where to point."""

    def __init__(self, token: Token, message: str):
        super().__init__(message)
        self.token, self.message = token, message


def numbers(token: Token, arity: tuple[int, ...], usage: str) -> tuple[int, ...]:
    """The integers of a size or stride token ('5x5x6', 's2'), `len` one of `arity`."""
    parts = token.lstrip("s").split("x")
    if len(token) > MAX_DIGITS and any(len(part.lstrip("-")) > MAX_DIGITS for part in parts):
        raise Misuse(token, f"number too large: sizes have at most {MAX_DIGITS} digits")
    values = tuple(map(int, parts))
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


def options(statement: Statement, allowed: tuple[str, ...]) -> dict[str, Token]:
    """stride / padding / activation tokens by role; each at most once."""
    found: dict[str, Token] = {}
    for token in statement.args[1:]:
        if token.type == "STRIDE":
            role = "stride"
        elif token.type in ("SAME", "VALID"):
            role = "padding"
        elif _looks_like_stride(token):
            raise Misuse(token, f"a stride is sN or sNxM, like s2 or s2x1, got '{token}'")
        else:
            role = "activation"
        if role not in allowed:
            raise Misuse(token, f"{statement.kind} takes no {role}")
        if role == "activation" and token not in ACTIVATIONS:
            hint = suggestion(token, ACTIVATIONS + (PADDINGS if "padding" in allowed else ()))
            raise Misuse(token, f"unknown activation '{token}'{hint}")
        if role in found:
            raise Misuse(token, f"{role} given twice in {statement.kind} (first '{found[role]}')")
        found[role] = token
    return found


def stride(found: dict[str, Token], default: tuple[int, int]) -> tuple[int, int]:
    token = found.get("stride")
    return pair(numbers(token, (1, 2), "a stride is sN or sNxM")) if token else default


# Fields checked on the statement's first argument (its size); the others on their option.
_OPTION_OF_FIELD = {"strides": "stride", "padding": "padding", "activation": "activation"}


def node(cls, statement: Statement, found: dict[str, Token], **fields):
    """`cls(**fields)`, a field it refuses blamed on the token that gave it."""
    try:
        return cls(**fields)
    except InvalidField as error:
        option = _OPTION_OF_FIELD.get(error.field)
        if option is None:
            token = statement.args[0] if statement.args else statement.keyword
        else:
            token = found.get(option, statement.keyword)
        raise Misuse(token, str(error)) from None


def span(token: Token) -> Span:
    return Span(token.line, token.column)
