"""Resource bounds: an absurd model is refused with its figures before anything is allocated."""


import pytest

from cnnspec import SpecFitError, analyze, parse
from cnnspec.analysis.budget import need, require_fits
from cnnspec.cli import main


def analysis(text):
    return analyze(parse(text, "m.cnn"))


def test_a_model_over_max_params_is_refused_at_its_largest_layer():
    model = analysis("conv 3x3x8\ndense 64 | dense 10")
    with pytest.raises(SpecFitError) as caught:
        require_fits(model, batch=100, training=True, max_params=10_000, available=10**12)
    error = caught.value
    assert (error.line, error.column) == (2, 1)
    assert f"has {model.total_params:,} parameters, over the limit of 10,000" in error.message


def test_a_model_over_free_memory_is_refused_with_both_figures():
    model = analysis("conv 3x3x8 | dense 10")
    required = need(model, batch=100, training=True).total_bytes
    require_fits(model, batch=100, training=True, available=required)  # exactly fits
    with pytest.raises(SpecFitError, match=r"needs about .* to train with batch 100 .* but only .* is free"):
        require_fits(model, batch=100, training=True, available=required - 1)


def test_training_needs_more_than_building():
    model = analysis("conv 3x3x8 | dense 10")
    assert need(model, 100, training=True).total_bytes > need(model, 1, training=False).total_bytes


HUGE = "input 28x28x1\nconv 3x3x100000000\ndense 10\n"


@pytest.mark.parametrize("command", [["compile", "-o", "{tmp}/m.keras"], ["draw", "-o", "{tmp}/m.svg"],
                                     ["train", "--out", "{tmp}/run", "--data", "{tmp}/no-such.npz"]])
def test_commands_refuse_before_allocating(command, tmp_path, capsys):
    spec = tmp_path / "huge.cnn"
    spec.write_text(HUGE)
    argv = [command[0], str(spec), *(arg.format(tmp=tmp_path) for arg in command[1:])]
    assert main(argv) == 1
    err = capsys.readouterr().err
    # at the layer most to blame: the dense weights to build it, the conv's outputs to train it
    line = 2 if command[0] == "train" else 3
    assert f"{spec}:{line}:1: error: huge needs about" in err and "of memory is free" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.cnn"]  # nothing written


def test_max_params_on_the_command_line(tmp_path, capsys):
    from conftest import SPECS

    assert main(["compile", str(SPECS / "model3.cnn"), "-o", str(tmp_path / "m.keras"), "--max-params", "1000"]) == 1
    assert "Model 3 has 449,482 parameters, over the limit of 1,000 (--max-params)" in capsys.readouterr().err
    assert not (tmp_path / "m.keras").exists()
