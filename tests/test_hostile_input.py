"""A hostile first use (issue 12, the input side): whatever is typed or pointed at, the
answer is a clear message and an exit code, never a traceback, a hang or a wrong success."""

import io
import os
import sys

import pytest

from cnnspec import SpecError, analyze, parse
from cnnspec.cli import main
from cnnspec.errors import Diagnostic
from conftest import SPECS


def error_of(text: str) -> SpecError:
    with pytest.raises(SpecError) as caught:
        parse(text, "x.cnn")
    return caught.value


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- numbers on the command line: one rule, positive integers -------------------------------

@pytest.mark.parametrize("argv", [
    ["check", "--classes", "0"], ["check", "--classes", "-3"],
    ["sweep", "--max-macs", "0"], ["sweep", "--max-params", "0"],
])
def test_counts_on_the_command_line_are_positive_integers(argv, capsys):
    assert main([*argv, str(SPECS / "model3.cnn")]) == 2
    assert "expected a whole number >= 1" in capsys.readouterr().err


# -- characters that cannot be seen are named -------------------------------------------------

@pytest.mark.parametrize("text, named", [
    ("conv\u00a05x5x6", "U+00A0 (no-break space)"),
    ("conv 5x5\u200bx6", "U+200B (zero width space)"),
    ("conv 5x5x6 \x1b", "U+001B (escape)"),
    ("conv 5x5x6 | \u2028dense 10", "U+2028 (line separator)"),
    ("\u200bconv 5x5x6", "U+200B (zero width space)"),
    ("conv 5x5x6 \x07", "U+0007 (a control character)"),
    ("conv\u200b 5x5x6", "U+200B (zero width space) in conv statement"),
])
def test_an_invisible_character_is_named_not_quoted(text, named):
    message = error_of(text).message
    assert named in message and "'\\'" not in message, message


# -- numbers are ASCII digits -------------------------------------------------------------------

@pytest.mark.parametrize("text, digit", [
    ("input \uff12\uff18x\uff12\uff18x\uff11 | dense 10", "'\uff12' (U+FF12 FULLWIDTH DIGIT TWO)"),
    ("conv \u0665x\u0665x\u0666 | dense 10", "'\u0665' (U+0665 ARABIC-INDIC DIGIT FIVE)"),
    ("conv 5x5x6 s\u0662", "'\u0662' (U+0662 ARABIC-INDIC DIGIT TWO)"),
    ("dropout 0.\u0665", "'\u0665' (U+0665 ARABIC-INDIC DIGIT FIVE)"),
    ("conv 5x5x\u00b2", "'\u00b2' (U+00B2 SUPERSCRIPT TWO)"),
])
def test_numbers_are_ascii_digits(text, digit):
    message = error_of(text).message
    assert message.startswith(f"{digit} is not an ASCII digit; write numbers with 0-9"), message


# -- names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ['""', '"   "'])
def test_an_empty_name_is_refused_at_its_token(name):
    error = error_of(f"name {name}\nconv 5x5x6 | dense 10")
    assert (error.line, error.column) == (1, 6) and "name cannot be empty" in error.message


# -- carets under wide characters -----------------------------------------------------------------

def test_the_caret_counts_display_columns():
    rendered = Diagnostic("unknown activation", 1, 22, "x.cnn", 'name "\u6f22\u5b57" | dense 10 sigmod').render()
    source_line, caret_line = rendered.splitlines()[1:]
    assert caret_line == "    " + " " * (21 + 2) + "^"
    combining = Diagnostic("bad", 1, 9, "x.cnn", 'name "e\u0301" x').render().splitlines()[2]
    assert combining == "    " + " " * 7 + "^"
    emoji = Diagnostic("bad", 1, 10, "x.cnn", 'name "\u2764\ufe0f\U0001f600" x').render().splitlines()[2]
    assert emoji == "    " + " " * (6 + 1 + 2 + 0) + "^"


# -- sizes beyond the largest unit ----------------------------------------------------------------

def test_absurd_sizes_use_scientific_notation():
    from cnnspec.analysis.costs import readable_size

    assert readable_size(1023 * 1024**5) == "1023.00 PB"
    assert readable_size(2**100) == "1.13e+15 PB"


# -- plurals and wording --------------------------------------------------------------------------

def _warnings(text):
    from cnnspec.analysis.lints import lint

    return [d.message for d in lint(analyze(parse(text, "x.cnn")))]


def test_lint_wording_counts_right():
    # a dense layer fed by one input holds nearly every parameter
    dominant = " ".join(_warnings("input 1 | dense 1 | dense 1000"))
    assert "its 1 input times" in dominant and "1 inputs" not in dominant
    collapsed = " ".join(_warnings("input 1x1x1 | conv 1x1x4 | flatten | dense 10"))
    assert "this and 0 more" not in collapsed and "this conv/pool layer sees one pixel" in collapsed, collapsed
    padded = " ".join(_warnings("input 2x2x1 | conv 3x3x1 s2 | dense 10"))
    assert "adds 0 zero" not in padded and "adds no zero row/column before" in padded, padded


def test_verify_report_counts_right():
    from cnnspec.compiler.verify import Verification, report

    analysis = analyze(parse("input 4 | dense 10", "x.cnn"))
    agrees = Verification(analysis, analysis.spec.name, (), (), analysis.trainable_params, 0)
    assert "x.cnn: x: its 1 row agrees with Keras" in report(agrees, "x.cnn")
    totals_differ = Verification(analysis, analysis.spec.name, (), (), analysis.trainable_params + 1, 0)
    assert "all 1 row" not in report(totals_differ, "x.cnn")


# -- files that are not text files, and standard input -------------------------------------------

def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch, capsys):
    import cnnspec.language.source

    monkeypatch.setattr(cnnspec.language.source, "MAX_SOURCE_BYTES", 100)
    path = write(tmp_path, "big.cnn", "conv 5x5x6\n" * 20)
    assert main(["check", path]) == 1
    assert "over the limit of 100 bytes" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "summary", "explain"])
def test_a_dash_reads_standard_input(command, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"conv 5x5x6 | pool 2 | dense 10\n")))
    assert main([command, "-"]) == 0
    out = capsys.readouterr().out
    assert "<stdin>: model: 4 layers" in out if command == "check" else out


def test_standard_input_errors_name_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"conv 5x5x6 | dense 10 sigmod\n")))
    assert main(["check", "-"]) == 1
    assert capsys.readouterr().err.startswith("<stdin>:1:23: error: unknown activation")


# -- line endings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_crlf_and_cr_files_read_like_lf_ones(ending, tmp_path, capsys):
    path = tmp_path / "x.cnn"
    path.write_bytes(f"conv 5x5x6{ending}pool 2{ending}dense 10 sigmod{ending}".encode())
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"{path}:3:10: error: unknown activation 'sigmod'; did you mean 'sigmoid'?\n"
        "    dense 10 sigmod\n"
        "             ^\n"
    )
    path.write_bytes(f"conv 5x5x6{ending}pool 2{ending}dense 10{ending}".encode())
    assert main(["check", str(path)]) == 0


@pytest.mark.parametrize("ending", ["\r\n", "\r", "\n"])
def test_fmt_keeps_the_files_line_ending(ending, tmp_path):
    path = tmp_path / "x.cnn"
    path.write_bytes(f"conv 5x5x6   relu{ending}pool 2x2  # halve{ending}dense 10{ending}".encode())
    assert main(["fmt", str(path)]) == 0
    assert path.read_bytes() == f"conv 5x5x6 relu{ending}pool 2  # halve{ending}dense 10{ending}".encode()


# -- fmt through a symbolic link ------------------------------------------------------------------

def test_fmt_writes_through_a_symlink_and_keeps_it(tmp_path):
    target = tmp_path / "real" / "model.cnn"
    target.parent.mkdir()
    target.write_text("conv 5x5x6   relu|dense 10\n")
    link = tmp_path / "link.cnn"
    link.symlink_to(target)
    assert main(["fmt", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text() == "conv 5x5x6 relu | dense 10\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["model.cnn"]  # no temporary left



# -- usage errors name the command --------------------------------------------------------------

@pytest.mark.parametrize("argv", [["summary", "a.cnn", "b.cnn"], ["summary", "a.cnn", "--max-params", "1"],
                                  *[[command, "--no-such-option"] for command in
                                    ("check", "summary", "explain", "diff", "draw", "fmt", "compile", "emit",
                                     "verify", "data", "train", "compare", "sweep")]])
def test_a_usage_error_prints_the_commands_usage(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: cnnspec {argv[0]} ") and f"cnnspec {argv[0]}: error: " in err, err


# -- grids given to the commands that take one spec ------------------------------------------------

GRID = SPECS / "grids" / "family.cnn"


@pytest.mark.parametrize("command", ["check", "summary", "explain"])
def test_a_grid_given_for_a_spec_says_to_use_sweep(command, capsys):
    assert main([command, str(GRID)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{GRID}:7:6: error: this is a grid") and "cnnspec sweep" in err, err
    assert err.count("error:") == 1


def test_an_optional_layer_first_is_located_too():
    error = error_of("input 28x28x1\n[conv 3x3x4]?\ndense 10")
    assert (error.line, error.column) == (2, 1) and "this is a grid" in error.message


def test_fmt_formats_a_grid_and_keeps_its_choices(tmp_path):
    messy = ('name  "G"\ninput 28x28x1\nconv { 5x5 , 7x7 }x16   s1|pool 2  # halve\n'
             '[ dense 256   sigmoid ]?   # maybe\n\n\n\ndense  10\n')
    path = tmp_path / "g.cnn"
    path.write_text(messy)
    assert main(["fmt", str(path)]) == 0
    assert path.read_text() == ('name "G"\ninput 28x28x1\nconv {5x5,7x7}x16 s1 | pool 2  # halve\n'
                                "[dense 256 sigmoid]?           # maybe\n\ndense 10\n")
    assert main(["fmt", "--check", str(path), str(GRID)]) == 0


def test_fmt_of_standard_input_writes_standard_output(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"conv 5x5x6   relu|dense 10\n")))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == "conv 5x5x6 relu | dense 10\n"
    assert not (tmp_path / "-").exists()


def test_a_control_character_in_a_name_is_refused_not_printed():
    # it would reach the terminal with every check line (an ESC starts an escape sequence)
    error = error_of('name "red\x1b[31m"\ndense 10')
    assert (error.line, error.column) == (1, 6) and "U+001B (escape)" in error.message
