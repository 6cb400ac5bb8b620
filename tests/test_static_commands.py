"""The static commands answer without TensorFlow or Keras (and draw's SVG without matplotlib)."""

import subprocess
import sys

from conftest import ROOT, SPECS


def test_static_commands_never_import_tensorflow_keras_or_matplotlib(tmp_path):
    model3, e1b, e1d = (str(SPECS / f"{stem}.cnn") for stem in ("model3", "exercise1b", "exercise1d"))
    calls = [
        ["check", str(SPECS)],
        *(["summary", model3, "--format", fmt] for fmt in ("keras", "text", "markdown", "latex", "csv", "json")),
        ["explain", model3], ["explain", model3, "--format", "json"],
        ["diff", e1b, e1d], ["diff", e1b, e1d, "--format", "latex"],
        ["fmt", "--check", str(SPECS)],
        ["draw", model3, "-o", str(tmp_path / "m.svg")],
    ]
    code = (
        "import contextlib, io, sys\nfrom cnnspec.cli import main\n"
        f"for argv in {calls!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        assert main(argv) == 0, argv\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'matplotlib'))\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
