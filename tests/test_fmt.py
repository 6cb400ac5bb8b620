"""fmt: canonical layout, comments kept, idempotent, meaning-preserving; --check and
--explicit; files are rewritten atomically and never when the spec is invalid."""

import os
import re

from hypothesis import given
from hypothesis import strategies as st

from cnnspec import parse
from cnnspec.cli import main
from cnnspec.language.formatter import format_text, split_lines
from conftest import SPECS

ACTIVATION = st.sampled_from(["relu", "sigmoid", "tanh", "softmax", "linear"])
SPACE = st.sampled_from([" ", "  ", "\t", " \t "])
COMMENT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).map(lambda t: "#" + t)


def _pair(draw, low, high, prefix=""):
    a = draw(st.integers(low, high))
    b = draw(st.sampled_from([a, draw(st.integers(low, high))]))
    forms = [f"{prefix}{a}x{b}"] + ([f"{prefix}{a}"] if a == b else [])
    return draw(st.sampled_from(forms))


@st.composite
def statements(draw):
    """One layer statement, its options in any order, each sometimes left out."""
    kind = draw(st.sampled_from(["conv", "pool", "avgpool", "dense", "dropout", "flatten", "batchnorm"]))
    if kind == "conv":
        head = f"conv {draw(st.integers(1, 5))}x{draw(st.integers(1, 5))}x{draw(st.integers(1, 9))}"
        options = [_pair(draw, 1, 3, "s"), draw(st.sampled_from(["same", "valid"])), draw(ACTIVATION)]
    elif kind in ("pool", "avgpool"):
        head = f"{kind} {_pair(draw, 1, 3)}"
        options = [_pair(draw, 1, 3, "s"), draw(st.sampled_from(["same", "valid"]))]
    elif kind == "dense":
        head, options = f"dense {draw(st.integers(1, 300))}", [draw(ACTIVATION)]
    elif kind == "dropout":
        head, options = f"dropout {draw(st.sampled_from(['0.5', '.25', '0.10', '0', '0.0', '0.333', '1.5e-1']))}", []
    else:
        head, options = kind, []
    kept = [o for o in options if draw(st.booleans())]
    kept = draw(st.permutations(kept))
    space = draw(SPACE)
    return space.join([head, *kept])


@st.composite
def spec_texts(draw):
    """A spec with random spacing, separators, blank lines, comments and an optional header."""
    lines = []
    if draw(st.booleans()):
        lines.append(draw(COMMENT))
    header = []
    if draw(st.booleans()):
        header.append('name "' + draw(st.text(st.sampled_from('ab #|x'), max_size=6).filter(str.strip)) + '"')  # a name is never blank
    if draw(st.booleans()):
        header.append(f"input {draw(st.integers(1, 40))}x{draw(st.integers(1, 40))}x{draw(st.integers(1, 3))}")
    body = header + draw(st.lists(statements(), min_size=1, max_size=7))
    line: list[str] = []
    for statement in body:
        line.append(statement)
        if draw(st.booleans()):
            lines.append(_line(draw, line))
            line = []
            if draw(st.integers(0, 4)) == 0:
                lines.append(draw(st.sampled_from(["", "  ", draw(COMMENT)])))
    if line:
        lines.append(_line(draw, line))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline, newline * 3]))


def _line(draw, statements):
    separator = draw(st.sampled_from(["|", " | ", "  |\t"]))
    text = draw(SPACE.map(lambda s: s if len(s) < 3 else "")) + separator.join(statements)
    if draw(st.booleans()):
        text += draw(SPACE) + draw(COMMENT)
    return text


def comments(text):
    return [line.comment for line in split_lines(text) if line.comment]


@given(spec_texts())
def test_fmt_never_changes_the_parsed_spec(text):
    assert parse(format_text(text)) == parse(text)
    assert parse(format_text(text, explicit=True)) == parse(text)


@given(spec_texts())
def test_fmt_is_idempotent(text):
    once = format_text(text)
    assert format_text(once) == once
    explicit = format_text(text, explicit=True)
    assert format_text(explicit, explicit=True) == explicit
    assert format_text(explicit) == explicit  # an explicit file stays explicit


@given(spec_texts())
def test_fmt_keeps_every_comment_in_order(text):
    assert comments(format_text(text)) == [c.rstrip() for c in comments(text)]


@given(spec_texts())
def test_explicit_writes_every_option_and_the_header(text):
    formatted = format_text(text, explicit=True)
    codes = [re.sub(r'"[^"]*"', '""', line.code) for line in split_lines(formatted) if line.code]  # names may hold '|'
    statements = [s.strip() for code in codes for s in code.split("|")]
    assert statements[0].startswith("name ") and statements[1].startswith("input ")
    for statement in statements:
        words = statement.split()
        if words[0] == "conv":
            assert re.fullmatch(r"s\d+(x\d+)?", words[2]) and words[3] in ("same", "valid") and len(words) == 5
        elif words[0] in ("pool", "avgpool"):
            assert len(words) == 4
        elif words[0] == "dense":
            assert len(words) == 3


def test_the_canonical_layout():
    text = '  name  "m"|input 28x28x1  # header\nconv 5x5x6   relu s1x1 |pool 2x2 s2x2 #halve\n\n\n\ndense   10\n\n'
    assert format_text(text) == (
        'name "m"\n'
        "input 28x28x1                   # header\n"
        "conv 5x5x6 s1 relu | pool 2 s2  #halve\n"
        "\n"
        "dense 10\n"
    )


def test_the_report_specs_are_in_canonical_layout(capsys):
    assert main(["fmt", "--check", str(SPECS)]) == 0
    assert capsys.readouterr().err == ""


def test_check_reports_a_file_that_would_change_and_leaves_it(tmp_path, capsys):
    path = tmp_path / "m.cnn"
    path.write_text("conv 5x5x6|dense 10")
    assert main(["fmt", "--check", str(path)]) == 1
    assert f"{path}: would reformat" in capsys.readouterr().err
    assert path.read_text() == "conv 5x5x6|dense 10"


def test_fmt_rewrites_in_place_and_keeps_the_permissions(tmp_path, capsys):
    path = tmp_path / "m.cnn"
    path.write_text("conv 5x5x6|dense 10")
    os.chmod(path, 0o640)
    assert main(["fmt", "--explicit", str(path)]) == 0
    assert path.read_text() == 'name "m"\ninput 28x28x1\nconv 5x5x6 s1 same relu | flatten | dense 10 softmax\n'
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert main(["fmt", "--check", "--explicit", str(path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["m.cnn"]  # no temporary file left


def test_an_invalid_spec_is_reported_and_never_touched(tmp_path, capsys):
    path = tmp_path / "bad.cnn"
    path.write_text("conv 5x5x6 |  dense 128 sigmod\n")
    assert main(["fmt", str(path)]) == 1
    assert f"{path}:1:25: error: unknown activation 'sigmod'" in capsys.readouterr().err
    assert path.read_text() == "conv 5x5x6 |  dense 128 sigmod\n"


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch, capsys):
    path = tmp_path / "m.cnn"
    path.write_text("conv 5x5x6|dense 10")

    def refuse(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    assert main(["fmt", str(path)]) == 1
    assert "cannot write the file: No space left on device" in capsys.readouterr().err
    assert path.read_text() == "conv 5x5x6|dense 10"
    assert [p.name for p in tmp_path.iterdir()] == ["m.cnn"]
