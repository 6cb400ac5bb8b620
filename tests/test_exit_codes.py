"""Exit codes, for every command: 0 success, 1 an invalid spec or failed run, 2 misuse."""

import contextlib
import io

import pytest

from cnnspec.cli import COMMANDS, main
from conftest import SPECS

# Commands whose first argument is a spec file, with the rest of a valid command line.
SPEC_COMMANDS = {
    "check": [], "summary": [], "explain": [], "diff": ["{good}"], "draw": ["-o", "{tmp}/a.svg"],
    "fmt": ["--check"], "compile": ["-o", "{tmp}/a.keras"], "emit": ["-o", "{tmp}/a.py"], "verify": [],
    "train": ["--out", "{tmp}/run", "--data", "{tmp}/none.npz"], "compare": ["--out", "{tmp}/cmp"],
}
# Commands whose first argument is a finished run directory.
RUN_COMMANDS = {"evaluate": [], "predict": ["{tmp}/x.png"], "show": ["--index", "0"]}
# Cheap enough to run to success here; the others succeed in their own test files.
CHEAP = ("check", "summary", "explain", "diff", "draw", "fmt", "emit")


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def test_every_command_is_covered():
    assert set(COMMANDS) <= set(SPEC_COMMANDS) | set(RUN_COMMANDS) | {"data", "sweep", "serve", "lsp"}


def test_serve_of_a_missing_folder_or_a_bad_port_is_misuse(tmp_path):
    status, _, err = run(["serve", str(tmp_path / "none")])
    assert status == 2 and err.strip() == f"cnnspec serve: error: not a folder: {tmp_path / 'none'}"
    status, _, err = run(["serve", str(tmp_path), "--port", "70000"])
    assert status == 2 and "a port is a whole number from 0 to 65535" in err


@pytest.mark.parametrize("command", sorted(RUN_COMMANDS))
def test_a_directory_that_is_not_a_finished_run_exits_1_in_one_line(command, tmp_path):
    extra = [arg.format(tmp=tmp_path) for arg in RUN_COMMANDS[command]]
    status, _, err = run([command, str(tmp_path), *extra])
    assert status == 1
    assert err.strip() == f"{tmp_path}: error: not a finished run: no results.json"


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_option_is_misuse(command):
    status, _, err = run([command, "--no-such-option"])
    assert status == 2 and "usage:" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_success(command):
    assert run([command, "--help"])[0] == 0


@pytest.mark.parametrize("command", sorted(SPEC_COMMANDS))
def test_an_invalid_spec_exits_1_with_a_located_error(command, tmp_path):
    bad = tmp_path / "bad.cnn"
    bad.write_text("conv 5x5x6\ndense 10 sigmod\n")
    extra = [arg.format(tmp=tmp_path, good=SPECS / "model3.cnn") for arg in SPEC_COMMANDS[command]]
    status, _, err = run([command, str(bad), *extra])
    assert status == 1
    assert f"{bad}:2:10: error: unknown activation 'sigmod'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", CHEAP)
def test_success_exits_0(command, tmp_path):
    extra = [arg.format(tmp=tmp_path, good=SPECS / "model1.cnn") for arg in SPEC_COMMANDS[command]]
    assert run([command, str(SPECS / "model3.cnn"), *extra])[0] == 0


def test_no_command_is_misuse():
    assert run([])[0] == 2


# Misuse that argparse cannot see, found by the command itself: one form for every command.
COMMAND_MISUSE = {
    "check": (["{good}", "--ignore", "no-such-lint"], "--ignore no-such-lint: no such warning"),
    "fmt": (["{tmp}"], ": this folder holds no .cnn files"),
    "compare": (["--out", "{tmp}/cmp"], "give at least one SPEC or --runs RUN_DIR"),
    "data": (["--dataset", "cifar10", "--data", "{tmp}/x.npz"], "--data verifies MNIST"),
    "diff": (["{good}"], "give at least two .cnn files to compare"),
    "draw": (["{good}", "-o", "{tmp}/a.txt"], "the name must end in .svg or .png"),
    "explain": (["{good}", "--layer", "99"], "--layer 99: "),
    "sweep": (["{good}", "--top", "1"], "--top, --out and --ray go with --train"),
    "train": (["{good}", "--resume"], "--resume needs --out DIR, the run to continue"),
}


@pytest.mark.parametrize("command", sorted(COMMAND_MISUSE))
def test_a_commands_own_misuse_is_its_usage_then_one_error_line(command, tmp_path):
    argv, message = COMMAND_MISUSE[command]
    status, out, err = run([command, *(arg.format(tmp=tmp_path, good=SPECS / "model3.cnn") for arg in argv)])
    lines = err.strip().splitlines()
    assert status == 2 and out == ""
    assert lines[0].startswith(f"usage: cnnspec {command} ")
    assert lines[-1].startswith(f"cnnspec {command}: error: ") and message in lines[-1], err
