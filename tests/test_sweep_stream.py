"""The streaming sweep writes, in every format, the very bytes the sweep before it wrote.

The reference is `tests/sweep_reference.py`, the pre-streaming implementation pinned as it
was; the corpus holds grids with invalid variants of every kind (syntax, shapes, header
order, no layers), optional pieces spanning statements, comments, quoted names and budgets.
"""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sweep_reference
from cnnspec.cli import main
from cnnspec.language.grid import parse_grid
from cnnspec.render.sweep_stream import STREAM_FORMATS
from cnnspec.analysis.sweep import Budget
from cnnspec.analysis.sweep_stream import StreamedSweep, progress_reporter
from conftest import SPECS

CORPUS = [
    *(path.read_text() for path in sorted((SPECS / "grids").glob("*.cnn"))),
    (SPECS / "model3.cnn").read_text(),
    "conv {3,9}x{3,9}x4 {same,valid} | pool 2\nconv {5,11}x5x8 valid {relu,sigmod}\n[dense 32]?\ndense 10\n",
    "conv 3x3x4 | pool {2,29} | dense 10\n",
    'name "a|b" # a comment {x}\ninput {28x28x1,10,0x3x1}\n[conv 3x3x{4,5} s{1,2}]? | [flatten]?\n[input 5]?\n dense {10, 20}  {relu,softmax}\n',
    "conv {3,5}x3x4 | [pool 2 | dense 5]?\n",
    "# only a comment {1,2}\n",
    "{conv 3x3x4,dense 5}\n[name \"x\"]?\n",
    'name "x/y" | dense {5,6}\n',
    "input {8x8x3,5}\r\nconv 3x3x{2,4} {same,valid}\r\n\r\n[avgpool {2,3} s{1,2}]?\r\n[batchnorm]?\r\n[dropout {0.5,1.5}]?\r\ndense {3,-3} relu\r\n",
    "[conv 3x3x4]?\n[dense 5]?\n",
    "conv 3x3x{4, 8}\tvalid | flatten | [flatten]? | dense 2 | [conv 1x1x1]?\n",
    "input 4x4x1 | conv {5x5x1,3x3x1} valid | pool {1,2} | dense {1,2}\n",
    "conv 3x3x4 {s0,s1,s1x2} | {pool,avgpool} {2,2x3} | [dense 7 {tanh,sigmod}]? | dense 10\n",
    "conv 3x3x{4,8} | depthwise {3,27}x3x{1,2} {same,valid} | [gap]? | dense 10\n",
    "input 1\ndense {10,1000000000000000000000000}\ndense {5,7}\n",  # costs beyond 64 bits
]
BUDGETS = [Budget(), Budget(max_params=20_000), Budget(max_macs=300_000), Budget(max_params=10**9, max_macs=0)]


def streamed(grid, budget, format_):
    out = io.StringIO()
    STREAM_FORMATS[format_](StreamedSweep(grid, budget), out.write)
    return out.getvalue()


@pytest.mark.parametrize("format_", sorted(STREAM_FORMATS))
@pytest.mark.parametrize("budget", BUDGETS, ids=str)
@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_streamed_output_is_byte_identical_to_the_pinned_sweep(text, budget, format_):
    grid = parse_grid(text, "grids/g.cnn")
    expected = sweep_reference.SWEEP_FORMATS[format_](sweep_reference.sweep(grid, budget))
    assert streamed(grid, budget, format_) == expected


STATEMENTS = [
    "conv {3,5}x3x{2,4}", "conv 3x3x4 {same,valid}", "conv {9,3}x9x2 valid", "pool {2,3}", "pool 2 {s1,s3} valid",
    "avgpool {2,5} valid", "dense {4,8}", "dense 3 {relu,sigmod}", "flatten", "batchnorm", "dropout {0.5,2}",
    "depthwise {3,9}x3x{1,2} {same,valid}", "[gap]?", "[conv 3x3x2]?", "[dense {2,3}]?", "[pool 2 | dense 4]?", 'name "m"', "input {6x6x1,9}", "[input 5]?", "conv",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(STATEMENTS), min_size=1, max_size=6),
       st.lists(st.sampled_from(["\n", " | ", "\n\n", " # note\n"]), min_size=6, max_size=6),
       st.sampled_from(BUDGETS), st.sampled_from(sorted(STREAM_FORMATS)))
def test_generated_grids_stream_the_same_bytes(statements, separators, budget, format_):
    text = "".join(statement + separator for statement, separator in zip(statements, separators))
    grid = parse_grid(text, "g.cnn")
    expected = sweep_reference.SWEEP_FORMATS[format_](sweep_reference.sweep(grid, budget))
    assert streamed(grid, budget, format_) == expected


def test_the_command_streams_the_same_bytes_and_exit_code(tmp_path, capsys):
    path = tmp_path / "mixed.cnn"
    path.write_text(CORPUS[-1])
    for format_ in STREAM_FORMATS:
        for budget, options in [(Budget(), []), (Budget(max_params=1), ["--max-params", "1"])]:
            reference = sweep_reference.sweep(parse_grid(CORPUS[-1], str(path)), budget)
            code = main(["sweep", str(path), "-f", format_, *options])
            captured = capsys.readouterr()
            assert captured.out == sweep_reference.SWEEP_FORMATS[format_](reference)
            assert code == (0 if reference.survivors else 1) and captured.err == ""


class _Stream(io.StringIO):
    def __init__(self, terminal):
        super().__init__()
        self.terminal = terminal

    def isatty(self):
        return self.terminal


def test_progress_only_for_a_terminal_or_a_large_grid():
    assert progress_reporter(9_999, _Stream(True)) is None
    assert progress_reporter(199_999, _Stream(False)) is None
    stream = _Stream(True)
    progress_reporter(10_000, stream)(0, 10_000)
    assert stream.getvalue() == "sweep: 0 of 10,000 variants analysed\r"
    stream = _Stream(False)
    progress_reporter(200_000, stream)(65_536, 200_000)
    assert stream.getvalue() == "sweep: 65,536 of 200,000 variants analysed\n"


@pytest.mark.parametrize("format_", sorted(STREAM_FORMATS))
def test_batches_end_cleanly_at_their_boundary(monkeypatch, format_):
    """A grid of exactly BATCH (or twice BATCH) variants writes the same bytes as any other."""
    from cnnspec.render import sweep_stream

    monkeypatch.setattr(sweep_stream, "BATCH", 4)
    grid = parse_grid("conv {3,5}x3x{2,4} | dense {2,3}\n", "g.cnn")
    assert streamed(grid, Budget(max_params=30_000), format_) == sweep_reference.SWEEP_FORMATS[format_](
        sweep_reference.sweep(grid, Budget(max_params=30_000)))


def test_a_grid_too_deep_to_walk_takes_the_text_path_with_the_same_bytes(monkeypatch):
    from cnnspec.analysis import sweep_stream
    monkeypatch.setattr(sweep_stream, "MAX_DEPTH", 1)
    grid = parse_grid(CORPUS[-3], "g.cnn")
    for format_ in STREAM_FORMATS:
        assert streamed(grid, Budget(), format_) == sweep_reference.SWEEP_FORMATS[format_](sweep_reference.sweep(grid, Budget()))


def test_errors_not_kept_from_pass_one_are_found_again_the_same(monkeypatch):
    from cnnspec.analysis import sweep_stream
    monkeypatch.setattr(sweep_stream, "KEPT_ERRORS", 1)
    grid = parse_grid(CORPUS[len(CORPUS) - 4], "g.cnn")
    for format_ in ("csv", "json"):
        assert streamed(grid, Budget(), format_) == sweep_reference.SWEEP_FORMATS[format_](sweep_reference.sweep(grid, Budget()))


def test_a_reader_that_stops_early_gets_no_error_message(tmp_path):
    """`cnnspec sweep big.cnn -f json | head`: the report streams, so the pipe breaks mid-way."""
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "g.cnn"
    path.write_text("conv {3,5,7}x{3,5,7}x{1,2,3,4,5,6,7,8} | dense {1,2,3,4,5,6,7,8,9,10,11,12}\n")
    process = subprocess.Popen([sys.executable, "-m", "cnnspec", "sweep", str(path), "-f", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    process.stdout.read(10)
    process.stdout.close()
    error = process.stderr.read()
    assert process.wait() == 1 and error == b""
