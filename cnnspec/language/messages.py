"""Lark's syntax errors, turned into sentences a user can act on.

Typical mistakes have their own message: `MISTAKES` maps each message to malformed
examples, and Lark's `match_examples` picks the message whose example failed in the same
parser state on the same kind of token. Anything else gets a sentence built from what the
grammar expected there. Lark's terminal names (`WORD`, `$END`, `_SEP`) never reach a user.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from cnnspec.errors import Diagnostic, character_name
from cnnspec.layers.spec import PADDINGS, suggestion
from cnnspec.language.parser import STATEMENTS, parse_statement

LAYER_LIST = ("conv, depthwise, separable, deconv, pool, avgpool, gap, gmp, dense, pointwise, flatten, dropout, "
              "batchnorm, layernorm, normalize, pad, relu, relu6, activation, reshape, rescale, upsample")
KEYWORD_TOKENS = frozenset(kind.upper() for kind in STATEMENTS)

# message template -> malformed statements that make it (placeholders: {keyword}, {word}).
MISTAKES = {
    "{keyword} takes no activation, got '{word}'; only conv and dense layers have one": [
        "pool 2 relu", "pool 2 s2 relu", "pool 2 same relu", "pool 2 s2 same relu",
        "avgpool 2 relu", "avgpool 2 s2 relu", "avgpool 2 valid relu", "avgpool 2 s2 same relu",
        "flatten relu", "batchnorm relu", "dropout 0.5 relu", "dropout 0 relu",
        "input 28x28x1 relu",
        # `relu` is a keyword too; other names are words
        "pool 2 tanh", "pool 2 s2 tanh", "pool 2 same tanh", "avgpool 2 tanh", "avgpool 2 s2 tanh",
        "flatten tanh", "batchnorm tanh", "dropout 0.5 tanh", "dropout 0 tanh", "input 28x28x1 tanh",
    ],
    "dense takes one activation, got a second one, '{word}'": ["dense 10 relu softmax"],
    "dense takes no stride or padding, got '{word}'": [
        "dense 10 s2", "dense 10 same", "dense 10 valid", "dense 10 relu s2", "dense 10 relu same", "dense 10 relu valid",
    ],
    "'{word}' comes too early: write the size first, like {keyword} 5x5x6 {word}": [
        "conv s2 5x5x6", "conv same 5x5x6", "conv valid 5x5x6", "conv relu 5x5x6",
    ],
    "'{word}' comes too early: write the window first, like {keyword} 2 {word}": [
        "pool s2 2", "pool same 2", "pool valid 2", "avgpool s2 2", "avgpool same 2", "avgpool valid 2",
    ],
    "'{word}' comes too early: write the units first, like dense 128 {word}": ["dense relu 10"],
    "{keyword} takes one size; join the numbers with 'x', like 5x5x6 (got a second size, '{word}')": [
        "conv 5 5", "conv 5x5x6 3", "conv 5x5x6 s1 3", "conv 5x5x6 same 3", "conv 5x5x6 relu 3",
        "pool 2 2", "pool 2 s2 2", "pool 2 same 2", "avgpool 2 2", "avgpool 2 s2 2", "avgpool 2 same 2",
        "dense 10 10", "dense 10 relu 10", "input 28 28", "dropout 0.5 0.5", "dropout 0 1",
    ],
    "a name is quoted: name \"{word}\"": ["name model", "name 3", "name conv"],
    "quotes are only for name; write {unquoted} without them": [
        'conv "5x5x6"', 'conv 5x5x6 "relu"', 'conv 5x5x6 s1 "relu"', 'dense "10"', 'dense 10 "relu"',
        'pool "2"', 'input "28x28x1"', 'dropout "0.5"',
    ],
    "{keyword} takes no arguments, got '{word}'": [
        "flatten 2", "flatten s2", "flatten same", "flatten 0.5", "batchnorm 2", "batchnorm s2", "batchnorm valid",
        "layernorm 2", "normalize 2", "relu 2", "relu6 2", "gap 2", "gmp 2", "layernorm s2", "relu same",
    ],
    "dropout takes a rate in [0, 1), like dropout 0.5, not '{word}'": ["dropout relu", "dropout s2", "dropout same"],
}

# What each terminal means to a user, for the general "expected ..." sentence.
EXPECTED = {
    "SIZE": "a size like 5x5x6",
    "FRACTION": "a rate like 0.5",
    "STRING": 'a quoted name like "Model 3"',
    "STRIDE": "a stride like s2",
    "SAME": "padding 'same' or 'valid'",
    "VALID": "padding 'same' or 'valid'",
    "WORD": "an activation like relu",
    "RELU": "an activation like relu",
    "RELU6": "an activation like relu",
    "GROUPS": "groups like g2",
    "MULTIPLIER": "a depth multiplier like m2",
    "BIAS": "'bias' or 'nobias'",
    "NOBIAS": "'bias' or 'nobias'",
    "NOCENTER": "'nocenter' or 'noscale'",
    "NOSCALE": "'nocenter' or 'noscale'",
    "KEEPDIMS": "'keepdims'",
    "PERSAMPLE": "'persample'",
    "SIDES": "zeros per side like 1 or 0,1x0,1",
    "OFFSET": "an offset like offset -1.0",
    "_SEP": "'|' or a new line",
    "$END": "the end of the line",
}
WHAT_FOLLOWS = {
    "name": 'a quoted name, like name "Model 3"',
    "input": "the input size, like input 28x28x1",
    "conv": "kernel height x width x output channels, like conv 5x5x6",
    "pool": "the window, like pool 2",
    "avgpool": "the window, like avgpool 2",
    "dense": "the number of units, like dense 128",
    "dropout": "a rate in [0, 1), like dropout 0.5",
    "depthwise": "kernel height x width, like depthwise 3x3",
    "separable": "kernel height x width x output channels, like separable 3x3x64",
    "deconv": "kernel height x width x output channels, like deconv 3x3x32",
    "pointwise": "the number of units, like pointwise 64",
    "pad": "zeros per side, like pad 1, pad 1x2 or pad 0,1x0,1",
    "activation": "an activation's name, like activation swish",
    "reshape": "the new size, like reshape 7x7x16",
    "rescale": "a scale, like rescale 0.5 offset -1.0",
    "upsample": "the factor, like upsample 2",
}


@functools.cache
def _example_errors() -> dict[str, UnexpectedToken]:
    """Each example's error, computed once (match_examples would otherwise re-parse them)."""
    errors = {}
    for examples in MISTAKES.values():
        for example in examples:
            try:
                parse_statement(example)
            except UnexpectedToken as error:
                errors[example] = error
            else:
                raise AssertionError(f"mistake example parses: {example!r}")
    return errors


def _replay(example: str):
    raise _example_errors()[example]


def known_mistake(error: UnexpectedToken) -> str | None:
    """The MISTAKES template for `error`, if one of its examples failed the same way.

    Only examples that failed on the same kind of token take part, so that Lark's
    state-only fallback in match_examples cannot pick a message meant for another token.
    """
    examples = _example_errors()
    same_kind = [
        (template, [e for e in texts if examples[e].token.type == error.token.type])
        for template, texts in MISTAKES.items()
    ]
    return error.match_examples(_replay, [(t, e) for t, e in same_kind if e], use_accepts=True)


def _word_at(chunk: str, offset: int) -> str:
    """The word at `offset`, with anything unprintable escaped so it can be quoted safely."""
    match = re.match(r"[^\s|#]+", chunk[offset:])
    word = match.group() if match else chunk[offset : offset + 1]
    return word if word.isprintable() else ascii(word)[1:-1]


def _not_ascii_digit(word: str) -> str | None:
    """A digit that is not 0-9 (fullwidth, Arabic-Indic, superscript...), described."""
    for c in word:
        if c.isdigit() and not c.isascii():
            return f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'DIGIT')}) is not an ASCII digit; write numbers with 0-9"
    return None


def describe(error: UnexpectedInput, chunk: str, chunk_column: int, line: int, lines, source: str) -> Diagnostic:
    """A diagnostic for a Lark error in one statement parsed alone (`chunk`, which starts at
    `chunk_column` of `line`; the error's own column counts from the chunk's start)."""
    at_end = isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END")
    offset = len(chunk) if at_end or not isinstance(error.column, int) or error.column < 1 else error.column - 1
    column = chunk_column + offset
    keyword = chunk.split(maxsplit=1)[0] if chunk.split() else ""
    word = _word_at(chunk, offset) if 0 <= offset < len(chunk) else ""
    character = chunk[offset] if 0 <= offset < len(chunk) else ""
    digit = _not_ascii_digit(word) if isinstance(error, UnexpectedCharacters) else None
    if digit:
        message = digit
    elif character and not character.isprintable():
        # the keyword's letters only: str.split() keeps a zero-width space inside the word
        where = "at the start of a statement" if offset == 0 else f"in {re.match(r'[A-Za-z_]*', chunk).group()} statement"
        message = f"unexpected character {character_name(character)} {where}; spaces are plain ASCII spaces"
    else:
        message = sentence(error, keyword, word, offset, at_end)
    return Diagnostic(message, line, column, source, lines[line - 1] if line <= len(lines) else "")


def sentence(error: UnexpectedInput, keyword: str, word: str, offset: int, at_end: bool) -> str:
    if offset == 0:
        if word.startswith('"'):
            return f"a statement cannot start with a string; did you mean name {word}?"
        hint = suggestion(word, STATEMENTS)
        if hint:
            return f"unknown statement '{word}'{hint}"
        return f"expected a layer ({LAYER_LIST}) or name/input, got '{word}'"
    if isinstance(error, UnexpectedCharacters):
        if word.startswith('"'):
            return 'unterminated string: close it with "'
        if word[:1].isdigit() or word[:1] == "-":
            if keyword == "dropout":
                return f"'{word}' is not a rate; write one number in [0, 1), like 0.5 or 1e-3"
            return f"'{word}' is not a number or size; sizes are whole numbers joined by 'x', like 5x5x6"
        return f"unexpected character '{word[:1]}' in {keyword} statement"
    if at_end:
        return f"{keyword} needs {WHAT_FOLLOWS.get(keyword, 'more')}"
    if error.token.type == "WORD" and keyword in ("pool", "avgpool") and suggestion(word, PADDINGS):
        return f"unknown padding '{word}'{suggestion(word, PADDINGS)}"
    template = known_mistake(error)
    if template:
        return template.format(keyword=keyword, word=word, unquoted=word.strip('"'))
    if error.token.type in KEYWORD_TOKENS:
        return f"'{word}' starts a new statement; separate statements with '|' or a new line"
    if not error.expected - {"SIZE", "FRACTION", "STRING"}:
        return f"{keyword} needs {WHAT_FOLLOWS.get(keyword, 'an argument')}, got '{word}'"
    expected = sorted({EXPECTED[name] for name in error.expected if name in EXPECTED})
    return f"unexpected '{word}' in {keyword} statement; expected " + (" or ".join(expected) or "nothing more")
