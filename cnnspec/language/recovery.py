"""Text -> every statement that parses, and a located message for each one that does not.

A valid text is parsed in one pass of the LALR tables. Only when that fails is the text
cut into statements and each parsed alone, so that every broken statement is reported,
not just the first; `cnnspec.language.messages` words each one (and imports Lark, so only then).
"""

from __future__ import annotations

from cnnspec.errors import Diagnostic
from cnnspec.language.parser import Statement, grammar_parser, parse_statement, statement_chunks


def parse_statements(text: str, source: str) -> tuple[list[Statement], list[Diagnostic]]:
    """All statements that parse, and a diagnostic for each one that does not."""
    try:
        return grammar_parser().parse(text, start="start"), []
    except Exception as error:  # noqa: BLE001 - the parser raises only Lark's UnexpectedInput
        from lark.exceptions import UnexpectedInput

        if not isinstance(error, UnexpectedInput):
            raise
    from lark.exceptions import UnexpectedInput

    from cnnspec.language.messages import describe  # Lark words the errors: imported only now

    statements, diagnostics = [], []
    lines = text.split("\n")
    for line, column, chunk in statement_chunks(text):
        try:
            statement = parse_statement(chunk)
        except UnexpectedInput as error:
            diagnostics.append(describe(error, chunk, column, line, lines, source))
            continue
        for token in (statement.keyword, *statement.args):
            token.line, token.column = line, token.column + column - 1
        statements.append(statement)
    return statements, diagnostics
