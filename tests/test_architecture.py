"""The package's architecture as a test: the import contract in pyproject.toml holds.

Dependencies flow one way (layers -> language -> analysis -> render | compiler ->
training -> commands -> cli) and no sub-package has an import cycle; import-linter
checks every import, lazy ones inside functions included.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def test_the_import_contract_holds():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint_imports is None:
        pytest.fail("lint-imports is missing: install the test extra (pip install -e '.[test]')")
    result = subprocess.run([lint_imports], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_every_module_lives_in_a_sub_package_but_the_shared_ones():
    """The top of the package is the public API, the CLI and what every layer shares."""
    top = sorted(path.name for path in (ROOT / "cnnspec").glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "atomic.py", "cli.py", "errors.py", "report.py", "testing.py"]


def test_no_module_imports_another_modules_private_names():
    """A name with a leading underscore is its module's own; one another module needs is public."""
    import ast

    borrowed = []
    for path in sorted((ROOT / "cnnspec").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cnnspec"):
                borrowed += [f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
                             for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert borrowed == []
