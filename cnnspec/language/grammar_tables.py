"""grammars/cnnspec.lark -> the tables `cnnspec.language.parser` runs, built by Lark and shipped as JSON.

Lark builds the LALR(1) tables and the terminals' regular expressions once, here, when the
grammar changes; `cnnspec/language/parse_tables.json` keeps them as plain data (JSON: no pickle, no
code, and nothing to compile when Python's bytecode cache is off), so a process that
parses a spec never imports Lark unless a text breaks the grammar (Lark's exceptions and
`match_examples` then word the message). After editing the grammar run

    python -m cnnspec.language.grammar_tables

and commit `cnnspec/language/parse_tables.json`; tests/test_grammar_tables.py rebuilds the tables
and fails, naming that command, while they differ.
"""

from __future__ import annotations

import json

from cnnspec.language.parser import TABLES_PATH, grammar_text

REGENERATE = "python -m cnnspec.language.grammar_tables"
STARTS = ("start", "statement")


def build() -> dict:
    """The lexer's terminals and the LALR tables of each start symbol, as plain data."""
    from lark import Lark
    from lark.parsers.lalr_analysis import Shift

    lark = Lark(grammar_text(), parser="lalr", lexer="basic", start=list(STARTS))
    # Keywords are found the way Lark finds them: a WORD whose text equals a keyword.
    keywords = {t.pattern.value: t.name for t in lark.terminals if t.pattern.type == "str" and t.pattern.value.isidentifier()}
    matchers = [t for t in lark.terminals if t.pattern.value not in keywords]
    matchers.sort(key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
    tables = {}
    for start in STARTS:
        conf = lark.parse_interactive(start=start).parser_state.parse_conf
        # Plain str symbols: Lark names rules with its Token class, whose __eq__ is slow.
        actions = {
            state: {
                str(symbol): (True, target) if action is Shift else (False, (str(target.origin.name), len(target.expansion)))
                for symbol, (action, target) in row.items()
            }
            for state, row in conf.states.items()
        }
        tables[start] = _canonical(actions, conf.start_state, conf.end_state)
    return {
        # `?statement`'s alternatives, in the grammar's order: `name`, `input`, then every layer.
        "statements": [str(rule.expansion[0].name) for rule in lark.rules if rule.origin.name == "statement"],
        "terminals": [(t.name, t.pattern.to_regexp()) for t in matchers],
        "keywords": dict(sorted(keywords.items())),
        "ignore": sorted(lark.ignore_tokens),
        "tables": tables,
    }


def _canonical(actions: dict, start_state: int, end_state: int) -> dict:
    """The states reachable from `start_state`, numbered in breadth-first order of sorted symbols.

    Lark numbers states in an order that follows string hashing, which changes from one
    process to the next; this numbering depends on the automaton alone, so a rebuild can
    be compared with the shipped tables.
    """
    number, order = {start_state: 0}, [start_state]
    for state in order:
        for symbol, (shift, target) in sorted(actions[state].items()):
            if shift and target not in number:
                number[target] = len(order)
                order.append(target)
    # Row i is state i: [symbol, 1, next state] to shift, [symbol, 0, [rule, length]] to reduce.
    rows = [
        [[symbol, 1, number[target]] if shift else [symbol, 0, list(target)] for symbol, (shift, target) in sorted(actions[state].items())]
        for state in order
    ]
    return {"rows": rows, "end_state": number[end_state]}


def source(tables: dict) -> str:
    """The text of cnnspec/language/parse_tables.json for `tables`: a line per state, for readable diffs."""
    lines = ["{"]
    for key in ("statements", "terminals", "keywords", "ignore"):
        lines.append(f" {json.dumps(key)}: {json.dumps(tables[key])},")
    lines.append(' "tables": {')
    for number, (start, table) in enumerate(tables["tables"].items()):
        lines.append(f'  {json.dumps(start)}: {{"end_state": {table["end_state"]}, "rows": [')
        lines += [f"   {json.dumps(row)}," for row in table["rows"]]
        lines[-1] = lines[-1].rstrip(",")
        lines.append("  ]}" + ("," if number < len(tables["tables"]) - 1 else ""))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    TABLES_PATH.write_text(source(build()), "utf-8")
    print(f"written: {TABLES_PATH}")


if __name__ == "__main__":
    main()
