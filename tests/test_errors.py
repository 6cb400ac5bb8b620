"""Every class of static error: exact line, column and message, never a traceback."""

import pytest

from cnnspec import SpecError, SpecShapeError, SpecSyntaxError, analyze, parse


def first_error(text):
    with pytest.raises(SpecError) as caught:
        analyze(parse(text, "m.cnn"))
    return caught.value


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        # a window larger than its input under valid padding / a size reaching 0
        ("conv 5x5x6 valid | pool 2\nconv 13x13x8 valid", 2, 1,
         "the 13x13 kernel does not fit its 12x12 input with 'valid' padding (the output would be 0x0)"),
        ("input 7x7x1\npool 2 | pool 2 | pool 2", 2, 19,
         "the 2x2 pool window does not fit its 1x1 input with 'valid' padding (the output would be 0x0)"),
        # conv or pool after the spatial dimensions are gone
        ("conv 3x3x4\ndense 32 | conv 3x3x4", 2, 12,
         "conv needs a feature map HxWxC, but the output of dense on line 2 is the vector (32,)"),
        ("flatten | pool 2", 1, 11, "pool needs a feature map HxWxC, but the output of flatten on line 1 is the vector (784,)"),
        ("input 784 | conv 3x3x1", 1, 13, "conv needs a feature map HxWxC, but the input is the vector (784,)"),
    ],
)
def test_shape_errors_point_at_the_layer(text, line, column, message):
    error = first_error(text)
    assert isinstance(error, SpecShapeError)
    assert (error.line, error.column) == (line, column)
    assert error.message.startswith(message)


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        ("conv 0x5x6", 1, 6, "kernel size must be positive, got 0"),
        ("conv 5x5x-6", 1, 6, "number of output channels must be positive, got -6"),
        ("conv 5x5x6 s0", 1, 12, "stride must be positive, got 0"),
        ("pool 2 s1x-1", 1, 8, "stride must be positive, got -1"),
        ("pool 0", 1, 6, "pool window must be positive, got 0"),
        ("conv 3x3x4\ndense 0", 2, 7, "number of units must be positive, got 0"),
        ("input 28x0x1 | dense 10", 1, 7, "input size must be positive, got 0"),
        ("dropout 1", 1, 9, "dropout rate must be in [0, 1), got 1"),
        ("dropout -0.1", 1, 9, "dropout rate must be in [0, 1), got -0.1"),
        ("dense 128 sigmod", 1, 11, "unknown activation 'sigmod'; did you mean 'sigmoid'?"),
        ("conv 5x5x6 sme", 1, 12, "unknown activation 'sme'; did you mean 'same'?"),
        ("convv 5x5x6", 1, 1, "unknown statement 'convv'; did you mean 'conv'?"),
        ("conv 3x3x1\n  desne 10", 2, 3, "unknown statement 'desne'; did you mean 'dense'?"),
        ("conv 5x5", 1, 6, "conv takes kernel height x width x output channels, like 5x5x6, got '5x5'"),
        ("conv 5x5x6 s1 s2", 1, 15, "stride given twice in conv (first 's1')"),
        ("pool 2 relu", 1, 8, "pool takes no activation, got 'relu'; only conv and dense layers have one"),
        ("pool 2 s2 vaild", 1, 11, "unknown padding 'vaild'; did you mean 'valid'?"),
        ("conv 5x5x6 pool 2", 1, 12, "'pool' starts a new statement; separate statements with '|' or a new line"),
        ('name "abc\nconv 3x3x1', 1, 6, 'unterminated string: close it with "'),
        ("conv 5x5xa", 1, 6, "'5x5xa' is not a number or size"),
        ("dense", 1, 6, "dense needs the number of units, like dense 128"),
        ("", 1, 1, "the spec has no layers"),
        ("# only a comment\n", 1, 1, "the spec has no layers"),
        ('name "x"\ninput 28x28x1', 2, 1, "the spec has no layers"),
        ("conv 3x3x1\nname \"late\"", 2, 1, "name must come before the first layer"),
        ("input 28x28x1\ninput 28x28x1\nconv 3x3x1", 2, 1, "input given twice (first on line 1)"),
        # Keras refuses '/' in a model's name (its scope separator), so cnnspec does too.
        ('name "a/b"\ninput 8x8x1\nconv 3x3x1', 1, 6, "a model name cannot contain '/', got 'a/b'"),
    ],
)
def test_syntax_and_value_errors_point_at_the_token(text, line, column, message):
    error = first_error(text)
    assert isinstance(error, SpecSyntaxError)
    assert (error.line, error.column) == (line, column)
    assert error.message.startswith(message)


def test_several_errors_in_one_file_are_all_reported():
    error = first_error("conv 5x5x6 sigmod\npool 2 relu | dense 0\nconvv 3x3x1\ndense 10")
    assert [(d.line, d.column) for d in error.diagnostics] == [(1, 12), (2, 8), (2, 21), (3, 1)]


def test_the_error_draws_the_line_and_a_caret():
    error = first_error("conv 5x5x6\ndense 128 sigmod")
    assert str(error) == (
        "m.cnn:2:11: error: unknown activation 'sigmod'; did you mean 'sigmoid'?\n"
        "    dense 128 sigmod\n"
        "              ^"
    )


def test_spec_error_is_a_value_error_with_position():
    error = first_error("dense 0")
    assert isinstance(error, ValueError)
    assert error.source == "m.cnn"


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02", "conv 5x5x6 | \x7f", "\ufeffconv", "conv " + "9" * 5000 + "x3x3",
        "input 99999999999999999999x99999999999999999999x3 | conv 3x3x99999999999999 | dense 7",
        "|" * 1000, "conv 3x3x1 " * 200, '"' * 50, "pool 2 s" + "x" * 100, "é ü ∑ 🙂",
        "conv 5x5x6 s1x2x3", "dense 10 relu softmax", "dropout 0.5x2", "dropout .", "input -1",
    ],
)
def test_hostile_input_gives_spec_errors_or_a_spec_never_anything_else(text):
    try:
        analyze(parse(text, "m.cnn"))
    except SpecError as error:
        assert 1 <= error.line <= text.count("\n") + 1
        assert error.column >= 1


def test_huge_numbers_are_exact():
    analysis = analyze(parse("input 100000x100000x3 | conv 3x3x1000000 | dense 10", "m.cnn"))
    assert analysis.rows[0].params == 3 * 3 * 3 * 1000000 + 1000000
    assert analysis.rows[-1].params == 100000 * 100000 * 1000000 * 10 + 10


# --- one root: spec errors have positions, data and run errors claim none ----------------


def test_every_error_has_one_root_and_only_spec_errors_have_positions():
    from cnnspec.errors import CnnspecError, DataError, RunError, SpecFitError, UsageError

    for kind in (SpecError, DataError, RunError, UsageError, SpecFitError):
        assert issubclass(kind, CnnspecError)
    assert not issubclass(DataError, SpecError) and not issubclass(RunError, SpecError)
    assert issubclass(SpecFitError, SpecError)
    assert str(DataError("missing y_test", "m.npz")) == "m.npz: error: missing y_test"
    assert str(RunError("ray is not installed")) == "cnnspec: error: ray is not installed"
    assert str(RunError(["epochs must be >= 1", "lr must be > 0"])).splitlines() == [
        "cnnspec: error: epochs must be >= 1", "cnnspec: error: lr must be > 0"]


def test_cannot_write_is_one_form_for_every_output(tmp_path):
    from cnnspec.errors import DataError, RunError, cannot_write

    error = cannot_write("the model", tmp_path / "m.keras", PermissionError(13, "Permission denied"))
    assert isinstance(error, RunError)
    assert str(error) == f"{tmp_path / 'm.keras'}: error: cannot write the model: Permission denied"
    assert isinstance(cannot_write("the MNIST cache", "c.npz", "full", DataError), DataError)


def test_a_headed_error_says_its_context_first():
    from cnnspec.errors import RunError

    error = RunError("out of memory", "runs/a").headed("2 of 3 Ray trials failed; the first error follows")
    assert str(error).splitlines() == ["cnnspec: error: 2 of 3 Ray trials failed; the first error follows",
                                       "runs/a: error: out of memory"]


def test_errors_survive_pickling_whole():  # a Ray trial's error crosses processes so
    import pickle

    from cnnspec.errors import RunError

    spec_error = first_error("conv 5x5x6\ndense 10 sigmod\n")
    again = pickle.loads(pickle.dumps(spec_error))
    assert type(again) is type(spec_error) and str(again) == str(spec_error)
    headed = RunError("out of memory", "runs/a").headed("1 of 2 failed")
    assert str(pickle.loads(pickle.dumps(headed))) == str(headed)
