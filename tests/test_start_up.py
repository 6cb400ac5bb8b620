"""A command does only its own work: no Lark, no package metadata, no other command.

`cnnspec check` on one spec is mostly Python starting and the package importing; these
tests keep out what used to come on top (benchmarks/analyzer.py --start-up times it).
"""

import os
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


def test_check_imports_no_module_a_valid_spec_does_not_use():
    """typing (3 ms), shutil (argparse asks it the terminal width; it brings zlib, bz2 and
    lzma: 2-3 ms), difflib (for suggestions), decimal (for rates) and the grid language
    (only an error asks whether the text was a grid) only when needed."""
    loaded = _modules_after(CHECK)
    assert not loaded & {"typing", "shutil", "difflib", "decimal", "cnnspec.language.grid"}


def test_check_imports_only_the_kinds_its_spec_names():
    """Model 3 is conv, pool and dense (flatten comes with dense): no other kind's module
    loads, not even those `import cnnspec` offers by name."""
    loaded = _modules_after(CHECK)
    kinds = {m.rsplit(".", 1)[1] for m in loaded if m.startswith("cnnspec.layers.")} & set(_kind_modules())
    assert kinds == {"conv", "pool", "dense", "flatten"}


def _kind_modules() -> set[str]:
    from cnnspec.layers import REGISTRY

    return {module for module, _ in REGISTRY.values()}


def _help_width(columns: int) -> int:
    out = subprocess.run([sys.executable, "-m", "cnnspec", "--help"], check=True, capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "COLUMNS": str(columns)}).stdout
    return max(map(len, out.splitlines()))


def test_help_is_as_wide_as_the_terminal_says_without_shutil():
    assert _help_width(50) <= 50 < _help_width(120)


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
