"""A command does only its own work: no Lark, no package metadata, no other command.

`cnnspec check` on one spec is mostly Python starting and the package importing; these
tests keep out what used to come on top (benchmarks/analyzer.py --start-up times it).
"""

import subprocess
import sys

from cnnspec.cli import main
from conftest import ROOT

CHECK = """
import sys
from cnnspec.cli import main
assert main(["check", "specs/model3.cnn"]) == 0
loaded = sorted(sys.modules)
"""


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "print('\\n'.join(loaded))"],
                         check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return set(out.split())


def test_check_imports_neither_lark_nor_package_metadata_nor_other_commands():
    loaded = _modules_after(CHECK)
    assert not {m for m in loaded if m.split(".")[0] == "lark"}
    assert "importlib.metadata" not in loaded
    assert {m for m in loaded if m.startswith("cnnspec.commands.")} <= {"cnnspec.commands.check", "cnnspec.commands.types"}


def test_a_syntax_error_still_gets_its_sentence_through_lark(tmp_path, capsys):
    path = tmp_path / "bad.cnn"
    path.write_text("conv 5x5x6 | dense relu 10\n")
    assert main(["check", str(path)]) == 1
    assert "'relu' comes too early: write the units first, like dense 128 relu" in capsys.readouterr().err


def test_version_is_read_when_asked(capsys):
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"cnnspec {version('cnnspec')}\n"


def test_help_still_lists_every_command(capsys):
    from cnnspec.cli import COMMANDS

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"    {name} " in out or f"    {name}\n" in out for name in COMMANDS)
