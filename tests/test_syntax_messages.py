"""Diagnostics quality: every typical mistake reads as a sentence; no grammar jargon leaks."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnnspec import SpecError, SpecSyntaxError, analyze, parse
from cnnspec.language.messages import MISTAKES

EXAMPLES = [(template, example) for template, examples in MISTAKES.items() for example in examples]


def message_for(text: str) -> str:
    with pytest.raises(SpecError) as caught:
        analyze(parse(text, "m.cnn"))
    return caught.value.diagnostics[0].message


def template_regex(template: str) -> str:
    return "^" + re.sub(r"\\\{\w+\\\}", ".*", re.escape(template)) + "$"


@pytest.mark.parametrize("template, example", EXAMPLES, ids=[e for _, e in EXAMPLES])
def test_each_typical_mistake_gets_its_own_message(template, example):
    assert re.match(template_regex(template), message_for(example))


@pytest.mark.parametrize(
    "text, message",
    [
        ("pool 2 relu", "pool takes no activation, got 'relu'; only conv and dense layers have one"),
        ("dense 10 relu softmax", "dense takes one activation, got a second one, 'softmax'"),
        ("conv s2 5x5x6", "'s2' comes too early: write the size first, like conv 5x5x6 s2"),
        ("conv 5 5 6", "conv takes one size; join the numbers with 'x', like 5x5x6 (got a second size, '5')"),
        ("name model3", 'a name is quoted: name "model3"'),
        ('conv 5x5x6 "relu"', "quotes are only for name; write relu without them"),
        ("flatten 2", "flatten takes no arguments, got '2'"),
        ("conv 5x5x6 flatten", "'flatten' starts a new statement; separate statements with '|' or a new line"),
        ("conv 3x3x1 |\n|| dense", "dense needs the number of units, like dense 128"),
    ],
)
def test_messages_read_as_sentences(text, message):
    assert message_for(text) == message


def test_messages_in_context_of_a_whole_file():
    # the same mistake is named the same way mid-file, after '|' and after blank lines
    assert message_for("conv 5x5x6 | pool 2 relu\n\ndense 10") == message_for("pool 2 relu")


RAW_GRAMMAR_NAMES = re.compile(r"\$END|__ANON|_SEP|\b(WORD|SIZE|STRIDE|FRACTION|STRING|SAME|VALID|CONV|POOL|DENSE)\b")

spec_alphabet = st.sampled_from(
    ["conv", "pool", "avgpool", "dense", "flatten", "dropout", "batchnorm", "name", "input", "5x5x6", "2", "0.5",
     "s2", "s1x2", "same", "valid", "relu", "sigmod", '"x"', "|", "\n", " ", "#c\n", "x", "-1", '"', "@"]
)


@given(st.lists(spec_alphabet, max_size=25).map(" ".join))
def test_no_message_names_a_grammar_terminal(text):
    try:
        analyze(parse(text, "m.cnn"))
    except SpecError as error:
        for diagnostic in error.diagnostics:
            assert not RAW_GRAMMAR_NAMES.search(diagnostic.message), diagnostic.message


@pytest.mark.parametrize("text, message", [
    # issue 12: messages that pointed the wrong way
    ("conv 5x5x6 same relu foo", "1:22: error: unknown activation 'foo'"),  # was 'activation given twice'
    ("conv 5x5x6 s2x", "1:12: error: a stride is sN or sNxM, like s2 or s2x1, got 's2x'"),  # was 'unknown activation'
    ("dropout 0.5.5", "1:9: error: '0.5.5' is not a rate; write one number in [0, 1)"),  # was 'join the numbers with x'
    ("dropout 5e", "1:9: error: '5e' is not a rate"),
    ("avgpool 0", "1:9: error: avgpool window must be positive, got 0"),  # was 'pool window'
])
def test_messages_point_at_the_real_mistake(text, message):
    with pytest.raises(SpecSyntaxError) as error:
        parse(text + " | dense 10")
    assert message in str(error.value)


@pytest.mark.parametrize("rate", ["1e-3", "1E-3", "2e-1", "1.0e-3", ".5", "0"])
def test_a_rate_in_scientific_notation_reads_as_python_reads_it(rate):
    assert parse(f"dropout {rate} | dense 10").layers[0].rate == float(rate)
