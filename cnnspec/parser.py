"""Text -> statements: the Lark grammar, a structural transformer, and readable syntax errors.

A valid file is parsed in one LALR pass. Only when that fails is the text cut into
statements and each parsed alone, so that every broken statement is reported, not just
the first.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from itertools import chain
from dataclasses import dataclass
from pathlib import Path

from lark import Lark
from lark.parsers.lalr_analysis import Shift
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import Diagnostic
from .ir import suggestion

STATEMENTS = ("name", "input", "conv", "pool", "avgpool", "dense", "flatten", "dropout", "batchnorm")
LAYER_LIST = "conv, pool, avgpool, dense, flatten, dropout, batchnorm"

# What each terminal means to a user, for "expected ..." messages; raw names never leak.
_EXPECTED = {
    "SIZE": "a size like 5x5x6",
    "FRACTION": "a rate like 0.5",
    "STRING": 'a quoted name like "Model 3"',
    "STRIDE": "a stride like s2",
    "SAME": "padding 'same' or 'valid'",
    "VALID": "padding 'same' or 'valid'",
    "WORD": "an activation like relu",
    "_SEP": "'|' or a new line",
    "$END": "the end of the file",
}
_WHAT_FOLLOWS = {
    "name": 'a quoted name, like name "Model 3"',
    "input": "the input size, like input 28x28x1",
    "conv": "kernel height x width x output channels, like conv 5x5x6",
    "pool": "the window, like pool 2",
    "avgpool": "the window, like avgpool 2",
    "dense": "the number of units, like dense 128",
    "dropout": "a rate in [0, 1), like dropout 0.5",
}


class Token(str):
    """A token's text, with its terminal type and 1-based position (what the builder needs).

    Lark's own `Token` carries more and costs twice as much to create; the lexer makes one
    per word of every spec, so this is where parse time goes.
    """

    __slots__ = ("type", "line", "column")

    def __new__(cls, type_: str, value: str, line: int, column: int):
        token = str.__new__(cls, value)
        token.type, token.line, token.column = type_, line, column
        return token


@dataclass(frozen=True)
class Statement:
    """One statement as written: its grammar rule, keyword token and argument tokens."""

    kind: str
    keyword: Token
    args: tuple[Token, ...]


def grammar_text() -> str:
    """The grammar shipped in the package (mapped from the top-level grammars/ folder)."""
    try:
        folder = importlib.resources.files("cnnspec.grammars")
    except ModuleNotFoundError:
        # Imported straight from a source checkout, where grammars/ sits beside the package.
        folder = Path(__file__).resolve().parent.parent / "grammars"
    return folder.joinpath("cnnspec.lark").read_text("utf-8")


class _Lexer:
    """The grammar's own terminals in one compiled regex, scanned in a tight loop.

    Keywords are found the way Lark finds them: a WORD whose text equals a keyword takes
    the keyword's type. Spaces and comments are skipped inside the regex, and a run of
    separators (with the blank and comment lines between them) becomes one token, since
    only its line count matters.
    """

    def __init__(self, terminals, ignore):
        keywords = {t.pattern.value: t.name for t in terminals if t.pattern.type == "str" and t.pattern.value.isalpha()}
        matchers = [t for t in terminals if t.pattern.value not in keywords]
        matchers.sort(key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
        self.keywords = keywords
        self.ignore = frozenset(ignore)
        alternatives = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in matchers)
        self.scan = re.compile(f"[ \\t\\f\\r]*(?:{alternatives})").match
        self.separator_run = re.compile(r"(?:[ \t\f\r]*(?:#[^\n]*)?(?:\r?\n|\|))*").match

    def lex(self, data: str):
        scan, keywords, ignore, separator_run = self.scan, self.keywords, self.ignore, self.separator_run
        position, line, line_start, end = 0, 1, 0, len(data)
        while position < end:
            match = scan(data, position)
            if match is None:
                position += len(data[position:]) - len(data[position:].lstrip(" \t\f\r"))
                raise UnexpectedCharacters(data, position, line, position - line_start + 1)
            kind = match.lastgroup
            position = match.end()
            if kind == "_SEP":
                start = match.start(kind)
                position = separator_run(data, position).end()
                value = data[start:position]
                yield Token(kind, value, line, start - line_start + 1)
                if "\n" in value:
                    line += value.count("\n")
                    line_start = start + value.rindex("\n") + 1
            elif kind not in ignore:
                value = match.group(kind)
                yield Token(keywords.get(value, kind) if kind == "WORD" else kind, value, line, position - len(value) - line_start + 1)


class _Grammar:
    """Lark's LALR(1) tables for grammars/cnnspec.lark, run by a loop specialised to it.

    Lark builds the tables; this loop shifts and reduces exactly as Lark's parser does, but
    keeps only what the builder needs: a `Statement` per statement rule, the tokens of
    every other rule spliced into their parent, and separators dropped (as Lark filters
    `_`-terminals). It is about twice as fast as Lark's general tree builder.
    """

    def __init__(self):
        lark = Lark(grammar_text(), parser="lalr", lexer="basic", start=["start", "statement"])
        self.lexer = _Lexer(lark.terminals, lark.ignore_tokens)
        self.tables = {}
        for start in ("start", "statement"):
            conf = lark.parse_interactive(start=start).parser_state.parse_conf
            # Plain str symbols: Lark names rules with its Token class, whose __eq__ is slow.
            actions = {
                state: {
                    str(symbol): (True, target) if action is Shift else (False, (str(target.origin.name), len(target.expansion)))
                    for symbol, (action, target) in row.items()
                }
                for state, row in conf.states.items()
            }
            self.tables[start] = (actions, conf.start_state, conf.end_state)

    def parse(self, text: str, start: str = "start") -> list[Statement]:
        """The statements of `text`; a Lark `UnexpectedInput` where it breaks the grammar.

        Statements never nest, so the tokens shifted since the last statement rule was
        reduced are exactly the next statement's.
        """
        actions, state, end_state = self.tables[start]
        states, statements, pending = [state], [], []  # LALR states; results; current statement
        line, column = 1, 1
        for token in chain(self.lexer.lex(text), (None,)):
            if token is None:  # all tokens fed: reduce what is left at the end of input
                token = Token("$END", "", line, column)
            else:
                line, column = token.line, token.column + len(token)
            kind = token.type
            while True:
                row = actions[states[-1]]
                try:
                    shift, target = row[kind]
                except KeyError:
                    raise UnexpectedToken(token, {s for s in row if s.isupper() or s.startswith("$")}) from None
                if shift:
                    states.append(target)
                    if kind[0] != "_":
                        pending.append(token)
                    break
                name, size = target
                if size:
                    del states[-size:]
                if name in _STATEMENT_KINDS:
                    statements.append(Statement(name, pending[0], tuple(pending[1:])))
                    pending.clear()
                target = actions[states[-1]][name][1]
                if target == end_state:  # the start symbol: the whole input is reduced
                    return statements
                states.append(target)
        raise AssertionError("the LALR tables accept only at the end of input")


_STATEMENT_KINDS = frozenset(STATEMENTS)


@functools.cache
def _parser() -> _Grammar:
    return _Grammar()


def parse_statements(text: str, source: str) -> tuple[list[Statement], list[Diagnostic]]:
    """All statements that parse, and a diagnostic for each one that does not."""
    try:
        return _parser().parse(text, start="start"), []
    except UnexpectedInput:
        pass
    statements, diagnostics = [], []
    lines = text.split("\n")
    for line, column, chunk in _statement_chunks(text):
        try:
            (statement,) = _parser().parse(" " * (column - 1) + chunk, start="statement")
        except UnexpectedInput as error:
            diagnostics.append(_describe(error, chunk, column, line, lines, source))
            continue
        for token in (statement.keyword, *statement.args):
            token.line = line
        statements.append(statement)
    return statements, diagnostics


# A string runs to its closing quote or the end of the line; a comment to the end of the line.
_PIECE = re.compile(r'"[^"\n]*"?|#[^\n]*|[|\n]|[^"#|\n]+')


def _statement_chunks(text: str):
    """(line, column, text) of each non-blank statement, cut at '|' and new lines."""
    line, line_start, first, last = 1, 0, None, None
    for match in _PIECE.finditer(text + "\n"):
        piece = match.group()
        if piece in ("|", "\n"):
            if first is not None:
                yield line, first - line_start + 1, text[first:last]
            first = None
            if piece == "\n":
                line, line_start = line + 1, match.end()
        elif not piece.startswith("#") and piece.strip():
            lead = len(piece) - len(piece.lstrip())
            first = match.start() + lead if first is None else first
            last = match.start() + len(piece.rstrip())


def _word_at(chunk: str, offset: int) -> str:
    """The word at `offset`, with anything unprintable escaped so it can be quoted safely."""
    match = re.match(r"[^\s|#]+", chunk[offset:])
    word = match.group() if match else chunk[offset : offset + 1]
    return word if word.isprintable() else ascii(word)[1:-1]


def _describe(error: UnexpectedInput, chunk: str, chunk_column: int, line: int, lines, source) -> Diagnostic:
    """A sentence for a Lark error inside one statement; Lark's terminal names never leak."""
    at_end = isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END")
    column = chunk_column + len(chunk) if at_end or not isinstance(error.column, int) or error.column < 1 else error.column
    offset = column - chunk_column
    keyword = chunk.split(maxsplit=1)[0] if chunk.split() else ""
    word = _word_at(chunk, offset) if 0 <= offset < len(chunk) else ""
    message = _sentence(error, keyword, word, offset)
    return Diagnostic(message, line, column, source, lines[line - 1] if line <= len(lines) else "")


def _sentence(error: UnexpectedInput, keyword: str, word: str, offset: int) -> str:
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
            return f"'{word}' is not a number or size; sizes are whole numbers joined by 'x', like 5x5x6"
        return f"unexpected character {word[:1]!r} in {keyword} statement"
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        return f"{keyword} needs {_WHAT_FOLLOWS.get(keyword, 'more')}"
    token = error.token
    if token.type in ("CONV", "POOL", "AVGPOOL", "DENSE", "FLATTEN", "DROPOUT", "BATCHNORM", "NAME", "INPUT"):
        return f"'{word}' starts a new statement; separate statements with '|' or a new line"
    if offset and not error.expected - {"SIZE", "FRACTION", "STRING"}:
        return f"{keyword} needs {_WHAT_FOLLOWS.get(keyword, 'an argument')}, got '{word}'"
    expected = sorted({_EXPECTED[name] for name in error.expected if name in _EXPECTED})
    if keyword in ("pool", "avgpool") and token.type == "WORD":
        return f"{keyword} takes a stride (like s2) and padding (same or valid), not '{word}'{suggestion(word, ('same', 'valid'))}"
    return f"unexpected '{word}' in {keyword} statement; expected " + (" or ".join(expected) or "nothing more")
