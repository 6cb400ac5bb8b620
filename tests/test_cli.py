"""The command line: output, exit codes (0 ok, 1 invalid spec, 2 misuse), no TensorFlow."""

import json
import subprocess
import sys

import pytest

from cnnspec.cli import main
from conftest import ROOT, SPECS


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_check_prints_one_line_per_valid_file(capsys):
    assert main(["check", str(SPECS / "model3.cnn"), str(SPECS / "exercise2b.cnn")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{SPECS / 'model3.cnn'}: Model 3: 8 layers, 449,482 params",
        f"{SPECS / 'exercise2b.cnn'}: exercise2b: 9 layers, 11,907 params",
    ]


def test_check_reports_errors_with_caret_and_exits_1(tmp_path, capsys):
    bad = write(tmp_path, "bad.cnn", "conv 5x5x6\ndense 128 sigmod\n")
    good = str(SPECS / "model3.cnn")  # a report spec that draws no warning
    assert main(["check", bad, good]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        f"{bad}:2:11: error: unknown activation 'sigmod'; did you mean 'sigmoid'?\n"
        "    dense 128 sigmod\n"
        "              ^\n"
    )
    assert "Model 3: 8 layers, 449,482 params" in captured.out


def test_check_warns_about_the_output_size_and_can_be_silenced(tmp_path, capsys):
    # pooled to 1x1 first, so that no other lint fires (the dense layer would hold 99.9%)
    spec = write(tmp_path, "twelve.cnn", "conv 3x3x4 | pool 28 | dense 12\n")
    assert main(["check", spec]) == 0
    err = capsys.readouterr().err
    assert f"{spec}:1:24: warning: the network ends in 12 outputs, not the 10 classes" in err
    assert "[output-classes]" in err
    assert main(["check", "--ignore", "output-classes", spec]) == 0
    assert capsys.readouterr().err == ""
    assert main(["check", "--classes", "12", spec]) == 0
    assert capsys.readouterr().err == ""


def test_check_of_a_missing_or_binary_file_is_an_error_not_a_traceback(tmp_path, capsys):
    binary = tmp_path / "blob.cnn"
    binary.write_bytes(b"conv 3x3x1\n\xff\xfe\x00junk")
    assert main(["check", str(tmp_path / "missing.cnn"), str(binary)]) == 1
    err = capsys.readouterr().err
    assert "missing.cnn:1:1: error: cannot read the file" in err
    assert f"{binary}:2:1: error: not UTF-8 text (byte 0xff)" in err


@pytest.mark.parametrize("argv", [[], ["check"], ["summary"], ["nope"], ["summary", "x.cnn", "--format", "pdf"]])
def test_misuse_exits_2(argv):
    assert main(argv) == 2


@pytest.mark.parametrize("fmt", ["keras", "json", "markdown"])
def test_summary_formats(fmt, capsys):
    assert main(["summary", str(SPECS / "exercise1b.cnn"), "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out)["total_params"] == 152102
    else:
        assert "150,656" in out


def test_summary_of_an_invalid_spec_exits_1(tmp_path, capsys):
    assert main(["summary", write(tmp_path, "x.cnn", "pool 29")]) == 1
    assert ":1:1: error: the 29x29 pool window does not fit" in capsys.readouterr().err


def test_check_and_summary_never_import_tensorflow():
    code = (
        "import sys; from cnnspec.cli import main\n"
        f"assert main(['check', {str(SPECS)!r}]) == 0\n"
        f"assert main(['summary', {str(SPECS / 'model3.cnn')!r}]) == 0\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "               ('tensorflow', 'keras', 'starlette', 'uvicorn', 'pygls', 'lsprotocol'))\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)


def test_console_script_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "cnnspec", "check", str(SPECS / "model2.cnn")], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0 and "440,906 params" in result.stdout
