"""A wheel carries every subpackage: pyproject lists packages by hand, so a new folder
under cnnspec/ must be listed too (a plain `pip install .` would otherwise lack it)."""

import tomllib

from conftest import ROOT


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "cnnspec").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed
