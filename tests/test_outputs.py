"""Where results go, checked before any slow work (issue 12, items 8, 10 and 14).

Laws: an output that cannot be written (a file where a folder must be, a missing folder, a
name too long) is a one-line `PATH: error: ...` and exit 1 before data is loaded or a
model built, and leaves nothing behind; default run directories have short names and are
never shared by two runs; `-o -` writes text to stdout.
"""

from __future__ import annotations

import datetime
import sys

import pytest

from cnnspec.cli import main
from cnnspec.training.trainer import default_run_dir
from conftest import SPECS

EXERCISE2B = str(SPECS / "exercise2b.cnn")


def no_slow_work(monkeypatch):
    """Loading MNIST or building a Keras model now fails loudly: the check must come first."""
    monkeypatch.setitem(sys.modules, "cnnspec.training.data", None)

    def refuse(*args, **kwargs):
        raise AssertionError("a model was built before the output was checked")

    monkeypatch.setattr("cnnspec.compiler.build.to_keras", refuse)


def one_line_error(err: str, path) -> str:
    """The error's message, after checking it is the project's one-line form for `path`."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{path}: error: "), err
    return lines[0]


# --- item 8: default run directories --------------------------------------------------


def test_default_run_names_are_short_whatever_the_spec_name():
    now = datetime.datetime(2024, 5, 1, 12, 30, 5)
    long_name = "a very long model name " * 30
    path = default_run_dir(long_name, now)
    assert len(path.name) <= 100 and path.parent.name == "runs"
    assert path.name.startswith("a-very-long-model-name-") and path.name.endswith("-20240501-123005")
    # two long names that differ only at the end still get different directories
    assert default_run_dir(long_name + "x", now) != path
    assert default_run_dir("Model 3", now).name == "Model-3-20240501-123005"


def test_two_runs_started_in_the_same_second_get_their_own_directories(tmp_path, monkeypatch):
    from cnnspec.training.trainer import make_run_dir

    monkeypatch.chdir(tmp_path)
    now = datetime.datetime(2024, 5, 1, 12, 30, 5)
    first, second, third = (make_run_dir("Model 3", now) for _ in range(3))
    assert first.name == "Model-3-20240501-123005"
    assert second.name == "Model-3-20240501-123005-2" and third.name.endswith("-3")
    assert all(path.is_dir() for path in (first, second, third))


def test_a_run_that_fails_before_starting_leaves_no_runs_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / f"{'m' * 250}.cnn"
    spec.write_text((SPECS / "exercise2b.cnn").read_text()
                    .replace('name "exercise2b"', f'name "{"long name " * 40}"'))
    assert main(["train", str(spec), "--data", str(tmp_path / "none.npz")]) == 1
    assert "none.npz: error: no such file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [spec]


# --- item 10: outputs checked before slow work ----------------------------------------


@pytest.mark.parametrize("command", ["train", "compare"])
def test_out_naming_a_file_is_refused_before_loading_data(tmp_path, monkeypatch, capsys, command):
    no_slow_work(monkeypatch)
    out = tmp_path / "notes.txt"
    out.write_text("mine")
    assert main([command, EXERCISE2B, "--out", str(out)]) == 1
    assert "is a file, not a folder" in one_line_error(capsys.readouterr().err, out)
    assert out.read_text() == "mine"


@pytest.mark.parametrize("where", ["file/run", "x" * 300])
def test_train_out_that_cannot_be_created_is_refused_before_loading_data(
        tmp_path, monkeypatch, capsys, where):
    no_slow_work(monkeypatch)
    (tmp_path / "file").write_text("mine")
    out = tmp_path / where
    assert main(["train", EXERCISE2B, "--out", str(out)]) == 1
    assert "cannot create the run directory" in one_line_error(capsys.readouterr().err, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.parametrize("command, name", [("compile", "m.keras"), ("emit", "m.py"),
                                           ("draw", "m.svg"), ("draw", "m.png")])
def test_an_output_in_a_missing_folder_is_refused_before_building(
        tmp_path, monkeypatch, capsys, command, name):
    no_slow_work(monkeypatch)
    monkeypatch.setattr("cnnspec.render.diagram.layout", lambda *a: pytest.fail("laid out first"))
    output = tmp_path / "missing" / name
    assert main([command, EXERCISE2B, "-o", str(output)]) == 1
    message = one_line_error(capsys.readouterr().err, output)
    assert "No such file or directory" in message and not output.parent.exists()


@pytest.mark.parametrize("command, name", [("compile", "m.keras"), ("emit", "m.py"), ("draw", "m.svg")])
def test_an_output_that_is_a_folder_is_refused_before_building(
        tmp_path, monkeypatch, capsys, command, name):
    no_slow_work(monkeypatch)
    output = tmp_path / name
    output.mkdir()
    assert main([command, EXERCISE2B, "-o", str(output)]) == 1
    assert "is a folder" in one_line_error(capsys.readouterr().err, output)


# --- item 14: `-o -` is stdout ----------------------------------------------------------


def test_emit_dash_writes_the_script_to_stdout(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["emit", EXERCISE2B, "-o", "-"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("#") or "def build_model" in printed
    assert main(["emit", EXERCISE2B]) == 0
    assert capsys.readouterr().out == printed
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_draw_dash_writes_svg_to_stdout(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["draw", str(SPECS / "model3.cnn"), "-o", "-"]) == 0
    assert capsys.readouterr().out == (SPECS / "model3.svg").read_text("utf-8")
    assert list(tmp_path.iterdir()) == []
