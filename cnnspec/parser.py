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
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .errors import Diagnostic


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


# The statement rules, in the grammar's order: `name`, `input`, then every layer keyword.
STATEMENTS = tuple(
    rule.strip() for rule in re.search(r"^\?statement:(.*)$", grammar_text(), re.MULTILINE).group(1).split("|")
)


class _Lexer:
    """The grammar's own terminals in one compiled regex, scanned in a tight loop.

    Keywords are found the way Lark finds them: a WORD whose text equals a keyword takes
    the keyword's type. Spaces and comments are skipped inside the regex, and a run of
    separators (with the blank and comment lines between them) becomes one token, since
    only its line count matters.
    """

    def __init__(self, terminals, ignore):
        keywords = {t.pattern.value: t.name for t in terminals if t.pattern.type == "str" and t.pattern.value.isidentifier()}
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
                    expected = {s for s in row if s.isupper() or s.startswith("$")}
                    raise UnexpectedToken(token, expected, state=states[-1]) from None
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


def parse_statement(text: str) -> Statement:
    """One statement alone (no separators); raises Lark's `UnexpectedInput` if malformed."""
    (statement,) = _parser().parse(text, start="statement")
    return statement


def parse_statements(text: str, source: str) -> tuple[list[Statement], list[Diagnostic]]:
    """All statements that parse, and a diagnostic for each one that does not."""
    from .syntax_messages import describe

    try:
        return _parser().parse(text, start="start"), []
    except UnexpectedInput:
        pass
    statements, diagnostics = [], []
    lines = text.split("\n")
    for line, column, chunk in _statement_chunks(text):
        try:
            statement = parse_statement(chunk)
        except UnexpectedInput as error:
            diagnostics.append(describe(error, chunk, column, line, lines, source))
            continue
        for token in (statement.keyword, *statement.args):
            token.line, token.column = line, token.column + column - 1
        statements.append(statement)
    return statements, diagnostics


# A string runs to its closing quote or the end of the line; a comment to the end of the line.
_PIECE = re.compile(r'"[^"\n]*"?|#[^\n]*|[|\n]|[^"#|\n]+')


_BLANK = " \t\f\r"


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
        elif not piece.startswith("#") and piece.strip(_BLANK):
            # Only the grammar's blanks: str.strip() would also drop U+00A0 or U+2028,
            # which the grammar refuses, and the statement would pass here unseen.
            lead = len(piece) - len(piece.lstrip(_BLANK))
            first = match.start() + lead if first is None else first
            last = match.start() + len(piece.rstrip(_BLANK))
