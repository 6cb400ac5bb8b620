"""Fuzzing parse + analyze and the CLI: the only exception ever raised is `SpecError`, always
at a line and column inside the input, and the CLI always answers with an exit code.

`HYPOTHESIS_PROFILE=fuzz` runs each property on 100,000 inputs (see README).
"""

import contextlib
import gc
import io
import re
import time

from hypothesis import example, given
from hypothesis import strategies as st

from cnnspec import SpecError, analyze, parse
from cnnspec.cli import main
from conftest import SPECS

SEEDS = [path.read_text() for path in sorted(SPECS.glob("*.cnn"))] + [
    'name "x" | input 9x9x2 | conv 3x2x4 s2x1 valid elu | batchnorm | avgpool 2 same | dropout 0.2 | flatten | dense 7 tanh | dense 10',
    # graphs: named tensors, merges, blocks with parameters and repetition
    "input 8x8x3\nconv 3x3x4 -> a\nconv 3x3x4 | conv 3x3x4 linear\nadd @a\nconv 1x1x2 -> b\nconcat @b -> c\n"
    "multiply @c @c\npool 2 @a -> p\nadd @p @p\ngap\ndense 10",
    "input 16x16x1\nblock res f s=1\n  conv 3x3x$f s$s -> a\n  conv 1x1x$f s$s @in\n  add @a\nend\n"
    "block two f\n  res $f\n  res $f s=2\nend\nres 4 x2\ntwo 8 -> out\ngap | dense 10",
]


def assert_well_placed(error: SpecError, text: str) -> None:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # \r\n and a lone \r end lines too
    for diagnostic in error.diagnostics:
        assert 1 <= diagnostic.line <= len(lines), diagnostic
        assert 1 <= diagnostic.column <= len(lines[diagnostic.line - 1]) + 1, diagnostic
        assert diagnostic.message and "\n" not in diagnostic.message


def parse_and_analyze(text: str) -> None:
    try:
        analyze(parse(text, "fuzz.cnn"))
    except SpecError as error:
        assert_well_placed(error, text)


@given(st.text())
@example("")
@example("\r\n\r\n")
@example("conv 5x5x6\r\ndense 10\r\n")
def test_random_text(text):
    parse_and_analyze(text)


SPEC_WORDS = st.sampled_from(
    ["conv", "pool", "avgpool", "dense", "flatten", "dropout", "batchnorm", "name", "input", "5x5x6", "3x3x1",
     "28x28x1", "2", "2x3", "0.5", "1.5", "-3", "0", "s2", "s1x2", "s0", "same", "valid", "relu", "softmax",
     "sigmod", '"m"', "|", "\n", "#note", "x", "99999999999999999999999999999999",
     "add", "concat", "multiply", "@a", "@input", "@in", "-> a", "->a", "->", "@", "block b f", "block", "end", "b 4",
     "b", "x3", "f=2", "$f", "3x3x$f", "s$f"]
)


@given(st.lists(SPEC_WORDS, max_size=40).map(" ".join))
def test_random_statements(text):
    parse_and_analyze(text)


def mutate(text: str, data) -> str:
    """Delete, duplicate, swap or corrupt tokens and characters of a valid spec."""
    tokens = re.split(r"(\s+|\|)", text)
    for _ in range(data.draw(st.integers(1, 4))):
        if not tokens:
            break
        i = data.draw(st.integers(0, len(tokens) - 1))
        j = data.draw(st.integers(0, len(tokens) - 1))
        operation = data.draw(st.sampled_from(["delete", "duplicate", "swap", "corrupt-char", "insert-char", "truncate"]))
        if operation == "delete":
            del tokens[i]
        elif operation == "duplicate":
            tokens.insert(i, tokens[i])
        elif operation == "swap":
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif operation == "corrupt-char" and tokens[i]:
            k = data.draw(st.integers(0, len(tokens[i]) - 1))
            tokens[i] = tokens[i][:k] + data.draw(st.characters()) + tokens[i][k + 1 :]
        elif operation == "insert-char":
            k = data.draw(st.integers(0, len(tokens[i])))
            tokens[i] = tokens[i][:k] + data.draw(st.sampled_from("x|\n#\"s-0.9 \t\x00é")) + tokens[i][k:]
        else:
            return "".join(tokens)[: data.draw(st.integers(0, len(text)))]
    return "".join(tokens)


@given(st.sampled_from(SEEDS), st.data())
def test_mutated_valid_specs(seed, data):
    parse_and_analyze(mutate(seed, data))


@given(st.binary(max_size=300) | st.sampled_from(SEEDS).map(str.encode).flatmap(
    lambda b: st.binary(max_size=8).map(lambda junk: b[: len(b) // 2] + junk + b[len(b) // 2 :])))
def test_random_bytes_through_the_cli(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "bytes.cnn"
    path.write_bytes(data)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["check", str(path)])
    assert status in (0, 1)
    assert "Traceback" not in err.getvalue()
    if status == 1:
        assert re.match(rf"{re.escape(str(path))}:\d+:\d+: error: ", err.getvalue())


def best_of_three(function) -> float:
    """CPU seconds of the fastest of three runs, without the collector's pauses: the machine
    is shared, and only the algorithm's growth is under test."""
    times = []
    gc.disable()
    try:
        for _ in range(3):
            start = time.process_time()
            function()
            times.append(time.process_time() - start)
    finally:
        gc.enable()
    return min(times)


def test_ten_thousand_layers_and_one_long_line_parse_in_linear_time():
    # Generous bounds: doubling the input may at most triple the time (linear, with noise).
    def spec(layers: int, separator: str) -> str:
        return separator.join(["conv 3x3x4 same"] * layers) + separator + "dense 10"

    for separator in ("\n", " | "):
        small = best_of_three(lambda: analyze(parse(spec(5_000, separator))))
        large = best_of_three(lambda: analyze(parse(spec(10_000, separator))))
        assert large < 3 * small + 0.05, (separator, small, large)
        assert len(analyze(parse(spec(10_000, separator))).rows) == 10_002


def test_recovery_from_errors_is_linear_too():
    def broken(layers: int) -> str:
        return " | ".join(["conv 3x3x4 sigmod"] * layers)

    small = best_of_three(lambda: parse_and_analyze(broken(2_000)))
    large = best_of_three(lambda: parse_and_analyze(broken(4_000)))
    assert large < 3 * small + 0.05, (small, large)


# Hostile inputs (issue 12): characters a user cannot see or tell apart, and files that
# are not files. Each gets a located error naming what is wrong, fast.
INVISIBLE = st.sampled_from(["\u00a0", "\u200b", "\x1b", "\u2028", "\u2029", "\ufeff", "\x07", "\u3000", "\x85"])
NON_ASCII_DIGITS = st.characters(categories=["Nd", "No"]).filter(lambda c: not c.isascii())


@given(st.sampled_from(SEEDS), INVISIBLE | NON_ASCII_DIGITS, st.data())
def test_invisible_characters_and_foreign_digits_are_named(seed, character, data):
    at = data.draw(st.integers(0, len(seed)))
    text = seed[:at] + character + seed[at:]
    try:
        analyze(parse(text, "fuzz.cnn"))
    except SpecError as error:
        assert_well_placed(error, text)
        assert "'\\" not in str(error), str(error)


@given(st.sampled_from(SEEDS), st.sampled_from(["\r\n", "\r"]))
def test_any_line_ending_reads_alike(seed, ending):
    assert parse(seed.replace("\n", ending)) == parse(seed)


def _cli_check(path: str) -> tuple[int, str, float]:
    err = io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["check", path])
    return status, err.getvalue(), time.monotonic() - start


def test_devices_pipes_and_huge_files_are_refused_fast(tmp_path):
    import os

    fifo = tmp_path / "never-ends.cnn"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.cnn"
    with open(huge, "wb") as file:  # sparse: 1 GiB of NULs that takes no disk
        file.truncate(2**30)
    for path, why in [("/dev/zero", "a device"), ("/dev/urandom", "a device"), (str(fifo), "a FIFO"),
                      (str(huge), "over the limit")]:
        status, err, seconds = _cli_check(path)
        assert status == 1 and seconds < 5, (path, seconds)
        assert err.startswith(f"{path}:1:1: error: ") and why in err, err
