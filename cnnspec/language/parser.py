"""Text -> statements: the grammar's terminals and its LALR(1) tables, run by a loop of our own.

The tables come built (cnnspec/language/parse_tables.json, from grammars/cnnspec.lark by
`python -m cnnspec.language.grammar_tables`), so Lark is not imported to parse.
`cnnspec.language.recovery` parses a broken text statement by statement and
`cnnspec.language.messages` words each error (with Lark, imported only then).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from itertools import chain
from pathlib import Path



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


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement as written: its grammar rule, keyword token and argument tokens."""

    kind: str
    keyword: Token
    args: tuple[Token, ...]


def grammar_text() -> str:
    """The grammar shipped in the package (mapped from the top-level grammars/ folder)."""
    import importlib.resources  # only to rebuild the tables and in tests: a run reads the tables

    try:
        folder = importlib.resources.files("cnnspec.grammars")
    except ModuleNotFoundError:
        # Imported straight from a source checkout, where grammars/ sits beside the package.
        folder = Path(__file__).resolve().parents[2] / "grammars"
    return folder.joinpath("cnnspec.lark").read_text("utf-8")


TABLES_PATH = Path(__file__).with_name("parse_tables.json")
# Lark's tables for the grammar, built when it last changed (see cnnspec.language.grammar_tables).
_TABLES = json.loads(TABLES_PATH.read_text("utf-8"))
# The statement rules, in the grammar's order: `name`, `input`, then every layer keyword.
STATEMENTS = tuple(_TABLES["statements"])
_TERMINALS = dict(_TABLES["terminals"])
# A quoted name (the grammar's STRING), or one left open, which runs to the end of its line;
# and a comment (COMMENT). Inside either, '|', '#', grid characters and quotes are text:
# the grid reader and the formatter cut texts with these, so all agree with the lexer.
STRING_PATTERN = f'(?:{_TERMINALS["STRING"]})|"[^"\\n]*'
COMMENT_PATTERN = _TERMINALS["COMMENT"]


class _Lexer:
    """The grammar's own terminals in one compiled regex, scanned in a tight loop.

    Keywords are found the way Lark finds them: a WORD whose text equals a keyword takes
    the keyword's type. Spaces and comments are skipped inside the regex, and a run of
    separators (with the blank and comment lines between them) becomes one token, since
    only its line count matters.
    """

    def __init__(self, terminals: list[list[str]], keywords: dict[str, str], ignore: list[str]):
        self.keywords = keywords
        self.ignore = frozenset(ignore)
        self.lines: dict[str, tuple[tuple[str, str, int], ...]] = {}
        # A comment runs to the end of its line: a '|' inside one separates nothing.
        separator_run = r"(?:[ \t\f\r]*(?:#[^\n]*\n|\r?\n|\|))*"
        alternatives = "|".join(
            f"(?P<{name}>{pattern}{separator_run if name == '_SEP' else ''})" for name, pattern in terminals
        )
        # Any other character is an error: matched here so that finditer never skips one.
        self.scan = re.compile(f"[ \\t\\f\\r]*(?:{alternatives}|(?P<_UNEXPECTED>[\\s\\S]))").finditer

    def lex(self, data: str):
        keywords, ignore = self.keywords, self.ignore
        new = str.__new__  # Token(...) inlined: a call per token is a fifth of the lexer's time
        line, line_start = 1, 0
        for match in self.scan(data):
            kind = match.lastgroup
            if kind == "_SEP":
                start = match.start(kind)
                value = match.group(kind)
                yield Token(kind, value, line, start - line_start + 1)
                if "\n" in value:
                    line += value.count("\n")
                    line_start = start + value.rindex("\n") + 1
            elif kind == "_UNEXPECTED":
                from lark.exceptions import UnexpectedCharacters  # Lark words the error

                position = match.start(kind)
                raise UnexpectedCharacters(data, position, line, position - line_start + 1)
            elif kind not in ignore:
                value = match.group(kind)
                token = new(Token, value)
                token.type = keywords.get(value, kind) if kind == "WORD" else kind
                token.line, token.column = line, match.end() - len(value) - line_start + 1
                yield token

    def lex_lines(self, data: str) -> list[Token] | None:
        """The tokens of `lex(data)`, each line lexed once per process (a spec's lines recur:
        the same header and layers in model after model, variant after variant); None when a
        line does not lex. Strings and comments end with their line, so lines lex alone; the
        separators between them merge as `lex` merges a run of them (their text, never part
        of a statement, is not kept)."""
        tokens, seen, new = [], self.lines, str.__new__
        for number, line in enumerate(data.split("\n"), 1):
            if number > 1 and (not tokens or tokens[-1].type != "_SEP"):
                tokens.append(Token("_SEP", "\n", number - 1, 1))  # its place only words errors: never kept
            found = seen.get(line)
            if found is None:
                try:
                    lexed = list(self.lex(line))
                except Exception:  # noqa: BLE001 - UnexpectedCharacters: the caller lexes the whole text
                    return None
                if len(seen) < MAX_LINES:
                    seen[line] = tuple((token.type, str(token), token.column) for token in lexed)
                for token in lexed:
                    if token.type != "_SEP" or not tokens or tokens[-1].type != "_SEP":
                        token.line = number
                        tokens.append(token)
                continue
            for kind, value, column in found:
                if kind != "_SEP" or not tokens or tokens[-1].type != "_SEP":
                    token = new(Token, value)
                    token.type, token.line, token.column = kind, number, column
                    tokens.append(token)
        return tokens


MAX_LINES = 16384  # distinct lines remembered by the lexer


class _Grammar:
    """Lark's LALR(1) tables for grammars/cnnspec.lark, run by a loop specialised to it.

    Lark builds the tables when the grammar changes (`cnnspec.language.grammar_tables`, shipped as
    `cnnspec/language/parse_tables.json`); this loop shifts and reduces exactly as Lark's parser does
    (tests/test_grammar_tables.py compares the two), but keeps only what the builder needs:
    a `Statement` per statement rule, the tokens of every other rule spliced into their
    parent, and separators dropped (as Lark filters `_`-terminals). It is about twice as
    fast as Lark's general tree builder, and Lark is imported only to word a syntax error.
    """

    def __init__(self, tables: dict):
        self.lexer = _Lexer(tables["terminals"], tables["keywords"], tables["ignore"])
        self.tables = tables["tables"]
        self.plans: dict[tuple[str, ...], list[tuple[str, int, int]]] = {}

    def parse(self, text: str, start: str = "start") -> list[Statement]:
        """The statements of `text`; a Lark `UnexpectedInput` where it breaks the grammar.

        LALR actions depend on token types alone, so the statements' places in a sequence of
        token types are found once (`_run`) and reused for every text of the same shape
        (a sweep's variants, the same model with other sizes). A text that does not lex
        is run token by token, so its first error is the one Lark's own loop would meet.
        """
        tokens = self.lexer.lex_lines(text)
        key = None if tokens is None else (start, *[token.type for token in tokens])
        plan = self.plans.get(key)
        if plan is None:
            try:
                statements, plan = self._run(tokens, start)
            except Exception:  # noqa: BLE001 - a syntax error (or a line that does not lex):
                # run the lexer and the loop together, so the first error is the one Lark meets
                return self._run(self.lexer.lex(text), start)[0]
            if len(self.plans) < MAX_PLANS:
                self.plans[key] = plan
            return statements
        return [Statement(kind, tokens[first], tuple(tokens[first + 1 : last])) for kind, first, last in plan]

    def _run(self, tokens, start: str) -> tuple[list[Statement], list[tuple[str, int, int]]]:
        """The LALR loop: the statements, and each one's (rule, first token, end) in the token list.

        Statements never nest, so the tokens shifted since the last statement rule was
        reduced are exactly the next statement's; separators are dropped, as Lark drops
        `_`-terminals, and they end every statement but the last, so each statement's
        tokens are contiguous.
        """
        actions, state, end_state = self.tables[start]
        states, statements, pending = [state], [], []  # LALR states; results; current statement
        plan, first = [], None
        line, column = 1, 1
        for index, token in enumerate(chain(tokens, (None,))):
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
                    from lark.exceptions import UnexpectedToken  # Lark words the error

                    expected = {s for s in row if s.isupper() or s.startswith("$")}
                    raise UnexpectedToken(token, expected, state=states[-1]) from None
                if shift:
                    states.append(target)
                    if kind[0] != "_":
                        if not pending:
                            first = index
                        pending.append(token)
                    break
                name, size = target
                if size:
                    del states[-size:]
                if name in _STATEMENT_KINDS:
                    statements.append(Statement(name, pending[0], tuple(pending[1:])))
                    plan.append((name, first, first + len(pending)))
                    pending.clear()
                target = actions[states[-1]][name][1]
                if target == end_state and kind == "$END":  # the start symbol, and nothing follows
                    return statements, plan
                states.append(target)
        raise AssertionError("the LALR tables accept only at the end of input")


MAX_PLANS = 4096  # distinct token-type sequences remembered; beyond, texts are run token by token
_STATEMENT_KINDS = frozenset(STATEMENTS)


def load_tables(data: dict) -> dict:
    """The shipped tables (cnnspec/language/parse_tables.json, written by `cnnspec.language.grammar_tables`)
    in the form `_Grammar` runs: per start symbol, (actions by state, start state, end state)."""
    tables = {
        start: (
            {state: {symbol: (True, target) if shift else (False, tuple(target)) for symbol, shift, target in row}
             for state, row in enumerate(table["rows"])},
            0, table["end_state"],
        )
        for start, table in data["tables"].items()
    }
    return {"terminals": data["terminals"], "keywords": data["keywords"], "ignore": data["ignore"], "tables": tables}


@functools.cache
def grammar_parser() -> _Grammar:
    """The parser of the compiled grammar tables, built once (recovery parses whole files with it)."""
    return _Grammar(load_tables(_TABLES))


def parse_statement(text: str) -> Statement:
    """One statement alone (no separators); raises Lark's `UnexpectedInput` if malformed."""
    (statement,) = grammar_parser().parse(text, start="statement")
    return statement


# A string runs to its closing quote or the end of the line; a comment to the end of the line.
_PIECE = re.compile(f'{STRING_PATTERN}|{COMMENT_PATTERN}|[|\\n]|[^"#|\\n]+')


_BLANK = " \t\f\r"


def statement_chunks(text: str):
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


def complete_statements(text: str, final: bool = False) -> tuple[list[str], str]:
    """The statements ended by a separator in `text`, and the unfinished text after them
    (or, when `final`, every statement and nothing left).

    Strings and comments are skipped as the lexer skips them, so a '|' inside a quoted name
    ends nothing; blank statements are left out, as in `statement_chunks`.

    >>> complete_statements('name "a|b" | conv 3x3x4 # c\\ndense 1')
    (['name "a|b"', 'conv 3x3x4'], 'dense 1')
    """
    if final:
        return [chunk for _, _, chunk in statement_chunks(text)], ""
    last = -1
    for match in _PIECE.finditer(text):
        if match.group() in ("|", "\n"):
            last = match.start()
    if last < 0:
        return [], text
    return [chunk for _, _, chunk in statement_chunks(text[:last])], text[last + 1 :]
