"""The wheel carries the grammar: built from the repo, installed into a clean venv, it runs."""

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile

import pytest

from conftest import ROOT, SPECS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (path,) = out.glob("cnnspec-*.whl")
    return path


def test_the_wheel_ships_the_grammar_inside_the_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "cnnspec/grammars/cnnspec.lark" in names
    assert {"cnnspec/servers/static/index.html", "cnnspec/servers/static/app.js"} <= set(names)  # the playground
    assert "cnnspec/language/parse_tables.json" in names  # the parser's tables, read without Lark
    assert not any(name.startswith("grammars/") for name in names)


def test_the_installed_wheel_checks_a_spec_outside_the_repo(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, capture_output=True)
    # lark and rich come from this test environment; cnnspec itself only from the wheel
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    result = subprocess.run(
        [env_dir / "bin" / "cnnspec", "check", str(SPECS / "model3.cnn")],
        capture_output=True, text=True, cwd=tmp_path, env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Model 3: 8 layers, 449,482 params" in result.stdout
    where = subprocess.run(
        [python, "-c", "import cnnspec, sys; print(cnnspec.__file__)"], capture_output=True, text=True, cwd=tmp_path, env=env
    ).stdout
    assert str(env_dir) in where


def test_every_subpackage_is_listed_in_pyproject():
    """pyproject lists packages by hand: a new folder under cnnspec/ must be listed too."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "cnnspec").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed
