"""The shipped parse tables are the grammar's, and the parser's own LALR loop is Lark's parser.

`cnnspec.language.parser` runs tables that Lark built from grammars/cnnspec.lark when it last
changed (cnnspec/language/parse_tables.json), with a loop of its own that reads no Lark internals
at run time. Two laws: rebuilding the tables from the grammar gives the shipped file, and
on any text, valid or fuzzed, the loop accepts and rejects what `Lark.parse` does, with
the same tokens.
"""

import functools
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedInput

from cnnspec.language.grammar_tables import REGENERATE, TABLES_PATH, build, source
from cnnspec.language.parser import STATEMENTS, grammar_parser, grammar_text
from cnnspec.testing import spec_texts
from conftest import ROOT


def test_the_shipped_tables_are_rebuilt_from_the_grammar():
    shipped = TABLES_PATH.read_text("utf-8")
    assert shipped == source(build()), f"grammars/cnnspec.lark changed: run `{REGENERATE}` and commit {TABLES_PATH.name}"


def test_the_tables_do_not_depend_on_string_hashing():
    """Lark numbers states in hash order; the shipped numbering must not follow it."""
    code = "from cnnspec.language.grammar_tables import build, source; print(source(build()), end='')"
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                             env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout
        assert out == TABLES_PATH.read_text("utf-8")


@functools.cache
def _lark():
    return Lark(grammar_text(), parser="lalr", lexer="basic", start=["start", "statement"])


def _lark_tokens(text, start):
    """The non-separator tokens of Lark's tree, in order, as (type, text, line, column); or None if rejected."""
    try:
        tree = _lark().parse(text, start=start)
    except UnexpectedInput:
        return None
    return [(t.type, str(t), t.line, t.column) for t in tree.scan_values(lambda v: True)]


def _own_tokens(text, start):
    try:
        statements = grammar_parser().parse(text, start=start)
    except UnexpectedInput:
        return None
    return [(t.type, str(t), t.line, t.column) for s in statements for t in (s.keyword, *s.args)]


def _same(text):
    for start in ("start", "statement"):
        assert _own_tokens(text, start) == _lark_tokens(text, start), (start, text)


PIECES = ["conv", "pool", "avgpool", "dense", "flatten", "dropout", "batchnorm", "name", "input", "5x5x6", "2",
          "s2", "s1x2", "same", "valid", "relu", "0.5", ".5", "1e-3", '"M 3"', '"open', "|", "\n", "\r\n", " ", "\t",
          "# note", "-3", "5x", "x5", "{", "?", "s", "3.5x2", "reluu", "28x28x1", ";", "é"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join))
def test_the_loop_accepts_rejects_and_tokenizes_as_lark_on_fuzzed_text(text):
    _same(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="cnvpoldes 0123456789x.|\n#\"-_", max_size=40))
def test_the_loop_agrees_with_lark_on_random_characters(text):
    _same(text)


@settings(max_examples=100, deadline=None)
@given(spec_texts())
def test_the_loop_agrees_with_lark_on_valid_specs(text):
    assert _own_tokens(text, "start") is not None
    _same(text)


def test_every_statement_keyword_is_a_grammar_rule():
    assert set(STATEMENTS) <= {str(rule.origin.name) for rule in _lark().rules}


def test_a_bar_inside_a_comment_separates_nothing():
    """Found by the differential test: the lexer's separator run let a comment stop at '|'."""
    from cnnspec import parse

    for text in ("conv 3x3x4\n# note | dense 5", "conv 3x3x4\n\n  # a | b | dense 5\n"):
        _same(text)
        assert len(parse(text).layers) == 1
