"""`cnnspec emit` of a spec with blocks: one Python function per block, called per call.

Laws: the emitted `build_model()` builds the model `to_keras` builds, row for row (names,
types, shapes, parameters) and as the analysis says (`compare(...).agrees`); the source
defines each block used exactly once and calls it once per expanded call (`xN` is N
calls); what cannot be written faithfully as a function (a call whose inner tensor is
read from outside it) is written flat, as before blocks existed; the script compiles and
keeps its lines within 88 characters.
"""

import importlib.util
import py_compile
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnspec import analyze, load, parse
from cnnspec.training.block_script import RESERVED
from cnnspec.training.graph_script import variable
from cnnspec.training.keras_script import LINE_LENGTH, generate

ROOT = Path(__file__).resolve().parent.parent

NESTED = """\
input 28x28x1
conv 3x3x8
block pair f
  conv 3x3x$f | conv 3x3x$f linear
end
block twice f
  pair $f -> t
  add @in | relu
  pair $f
end
twice 8
twice 8 x2
gap | dense 10
"""

DEFAULTED = """\
input 28x28x1
conv 3x3x8
block down f s=2
  conv 3x3x$f s$s
  batchnorm
end
down 8
down 16 s=1
down 16
gap | dense 10
"""

REPEATED = """\
input 28x28x1
conv 3x3x4
block res f
  conv 3x3x$f | conv 3x3x$f linear
  add @in | relu
end
res 4 x3
gap | dense 10
"""

OUTER_NAME = """\
input 28x28x1
conv 3x3x8 -> skip
block up f
  conv 3x3x$f
  concat @skip
end
up 4
up 8
gap | dense 10
"""

VARYING = """\
input 28x28x1
block stage f s act pad
  conv 3x3x$f s$s $act $pad -> wide
  conv 3x3x$f s$s linear $pad @in
  add @wide
end
stage 8 1 relu same
stage 16 2 tanh valid
stage 8 1 relu same
gap | dense 10
"""

UNEXPRESSIBLE_ARGUMENT = """\
input 28x28x1
block drop r
  conv 3x3x4 | dropout 0.$r
end
drop 25
drop 5
gap | dense 10
"""

HOSTILE_NAMES = """\
input 28x28x1
conv 3x3x4 -> down1
conv 3x3x4 -> down2
block layers names x print=relu
  conv 3x3x$names $print -> inputs
  concat @$x -> f
  conv 1x1x4 @f
end
block main f
  layers $f down1 -> print
  add @print @in
end
layers 4 down2 -> layers
layers 4 down1 print=tanh
main 4 x2
gap | dense 10
"""

CASES = {
    "residual": (ROOT / "specs" / "residual.cnn").read_text(),
    "nested": NESTED,
    "defaulted": DEFAULTED,
    "repeated": REPEATED,
    "outer-name": OUTER_NAME,
    "varying": VARYING,
    "unexpressible-argument": UNEXPRESSIBLE_ARGUMENT,
    "hostile-names": HOSTILE_NAMES,
}


def emitted(text: str, directory: Path):
    """(analysis, source, module) of the script `emit` writes for `text`."""
    analysis = analyze(parse(text))
    source = generate(analysis)
    script = directory / "model.py"
    script.write_text(source)
    py_compile.compile(str(script), doraise=True)
    module_spec = importlib.util.spec_from_file_location(f"emitted_{abs(hash(text))}", script)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return analysis, source, module


def calls_per_block(spec) -> dict[str, int]:
    """How many times each block is called, each copy of `xN` counted, nested calls included."""
    numbers = {(call.block, call.number) for calls in spec.calls for call in calls}
    counted: dict[str, int] = {}
    for block, _ in numbers:
        counted[block] = counted.get(block, 0) + 1
    return counted


def builds_what_to_keras_builds(analysis, module) -> None:
    from cnnspec import to_keras
    from cnnspec.compiler.verify import compare, keras_rows

    model = module.build_model()
    assert keras_rows(model) == keras_rows(to_keras(analysis.spec))
    assert compare(analysis, model).agrees


def functions_and_calls(source: str, module, block: str) -> tuple[int, int]:
    """How many times the source defines `block`'s function, and how many times building
    the model calls it (each function looked up by name when called, so a wrapper counts)."""
    block = variable(block) + "_" * (variable(block) in RESERVED)  # `layers` is the module's
    defined = len(re.findall(rf"^def {block}\(", source, re.MULTILINE))
    counted = []
    function = getattr(module, block, None)
    if function is None:
        return defined, 0

    def counting(*args, **kwargs):
        counted.append(1)
        return function(*args, **kwargs)

    setattr(module, block, counting)
    try:
        module.build_model()
    finally:
        setattr(module, block, function)
    return defined, len(counted)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_block_is_one_function_called_once_per_call(name, tmp_path):
    pytest.importorskip("keras")
    analysis, source, module = emitted(CASES[name], tmp_path)
    for block, count in calls_per_block(analysis.spec).items():
        assert functions_and_calls(source, module, block) == (1, count), block
    assert all(len(line) <= LINE_LENGTH for line in source.splitlines())
    builds_what_to_keras_builds(analysis, module)


def test_the_residual_function_reads_its_parameter_and_names_its_layers(tmp_path):
    source = generate(analyze(load(ROOT / "specs" / "residual.cnn")))
    function = source[source.index("def res("):source.index("def build_model(")]
    assert "def res(inputs, f, *, names):" in function
    assert "layers.Conv2D(\n        f, (3, 3)" in function and "name=names[0]" in function
    assert "layers.Add(name=names[2])([inputs, x])" in function
    assert 'x = res(x, 32, names=("conv2d_6", "conv2d_7", "add_2", "re_lu_2"))' in source
    assert not re.search(r"\bin__[0-9]", source)  # the machine's names for a call's input never show


def test_arguments_that_differ_become_expressions_of_the_block_parameters():
    source = generate(analyze(parse(VARYING)))
    function = source[source.index("def stage("):source.index("def build_model(")]
    assert "def stage(inputs, f, s, act, pad, *, names):" in function
    for expression in ("strides=(s, s)", 'activation=act', "padding=pad", "f, (3, 3)"):
        assert expression in function
    assert "wide = layers.Conv2D" in function and "([wide, x])" in function
    assert 'stage(x, 16, 2, "tanh", "valid", names=' in source


def test_a_value_no_parameter_gives_is_a_keyword_argument_of_the_call():
    source = generate(analyze(parse(UNEXPRESSIBLE_ARGUMENT)))
    # a chain: the function returns its layers for keras.Sequential's list
    assert "def drop(*, rate, names):" in source and "    return [\n" in source
    assert "layers.Dropout(rate, seed=SEED, name=names[1])," in source
    assert "*drop(rate=0.25, names=" in source and "*drop(rate=0.5, names=" in source


def test_names_that_would_clash_in_python_are_escaped():
    source = generate(analyze(parse(HOSTILE_NAMES)))
    assert "def layers_(inputs, x_, names_, print_=\"relu\", *, names):" in source  # @$x reads x_
    assert "inputs_ = layers.Conv2D(" in source and "def main_(inputs, down1, f, *, names):" in source
    assert "layers__ = layers_(down2, down2, 4, names=" in source


def test_a_nested_block_is_a_function_calling_a_function():
    source = generate(analyze(parse(NESTED)))
    twice = source[source.index("def twice("):source.index("def build_model(")]
    assert "t = pair(inputs, f, names=names[0:2])" in twice
    assert "pair(x, f, names=names[4:6])" in twice
    assert source.index("def pair(") < source.index("def twice(")


def test_a_block_read_from_outside_its_call_is_written_flat(tmp_path):
    pytest.importorskip("keras")
    # `@a__1` reads a tensor inside the first call: no function could return it faithfully.
    text = "input 28x28x1\nblock b\n  conv 3x3x4 -> a\n  conv 3x3x4\nend\nb\nb\nadd @a__1\ngap | dense 10\n"
    assert "a__1" in parse(text).labels
    analysis, source, module = emitted(text, tmp_path)
    assert "def b(" not in source and "a__1 = layers.Conv2D" in source
    builds_what_to_keras_builds(analysis, module)


def test_specs_without_blocks_emit_as_before():
    from cnnspec.training import graph_script

    chain = generate(analyze(parse("input 28x28x1\nconv 3x3x4 | gap | dense 10")))
    assert "keras.Sequential(" in chain and "\ndef " + "build_model" in chain
    graph = generate(analyze(parse("input 28x28x1\nconv 3x3x4 -> a\nconv 3x3x4\nadd @a\ngap | dense 10")))
    assert graph.count("\ndef ") == 4 and "a = layers.Conv2D" in graph  # build_model, load, prepare, main
    assert graph_script.functional_model  # the flat writer, unchanged, still writes them


# Random block specs: parameters by position and by name, defaults, repeats, a nested
# call, a block reading an outer name. The oracle is Keras: to_keras builds the same spec.
@st.composite
def block_texts(draw):
    lines = ["input 28x28x1", "conv 3x3x4 -> stem"]
    lines += ["block side f", "  conv 1x1x$f", "  concat @stem", "end"]
    lines += ["block inner f k=3", "  conv 1x1x$f linear | pool $k s1 same", "end"]
    first = f"  conv 3x3x$f s$s{draw(st.sampled_from(['', ' $act', ' linear']))}"
    nested = draw(st.booleans())
    lines += ["block unit f s=1 act=relu", first + ("" if nested else " -> y")]
    if nested:
        lines.append(f"  inner $f{draw(st.sampled_from(['', ' k=1', ' 5']))} -> y")
    lines += ["  conv 1x1x$f s$s linear @in", f"  {draw(st.sampled_from(['add', 'concat']))} @y", "end"]
    for _ in range(draw(st.integers(0, 2))):
        lines.append(f"side {draw(st.sampled_from([2, 4]))}")
    for _ in range(draw(st.integers(1, 3))):
        f, s, act = draw(st.sampled_from([4, 8])), draw(st.sampled_from([1, 2])), draw(st.sampled_from(["relu", "tanh"]))
        words = [str(f)] + [f"s={s}"] * (s != 1 or draw(st.booleans())) + [f"act={act}"] * (act != "relu")
        lines.append(" ".join(["unit", *words, *[f"x{draw(st.integers(2, 3))}"] * draw(st.booleans())]))
    lines.append("gap | dense 10")
    return "\n".join(lines)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=block_texts())
def test_random_block_specs_emit_the_model_to_keras_builds(text, tmp_path_factory):
    pytest.importorskip("keras")
    analysis, source, module = emitted(text, tmp_path_factory.mktemp("emit"))
    for block, count in calls_per_block(analysis.spec).items():
        assert functions_and_calls(source, module, block) == (1, count), (block, text)
    builds_what_to_keras_builds(analysis, module)


ZOO_WITH_BLOCKS = ["densenet121", "efficientnetb0", "inceptionv3", "mobilenet", "mobilenetv2", "mobilenetv3large",
                   "mobilenetv3small", "resnet50", "resnet50v2", "xception"]


@pytest.mark.slow
@pytest.mark.parametrize("stem", ZOO_WITH_BLOCKS)
def test_the_zoo_emits_functions_that_build_what_to_keras_builds(stem, tmp_path, monkeypatch):
    # The zoo's inputs are ImageNet's, not MNIST's: only the script's training part needs MNIST.
    pytest.importorskip("keras")
    from cnnspec.training import keras_script

    monkeypatch.setattr(keras_script, "check_trainable_on_mnist", lambda analysis: None)
    analysis, source, module = emitted((ROOT / "specs" / "zoo" / f"{stem}.cnn").read_text(), tmp_path)
    assert source.count("\ndef ") == len(definitions_used(analysis.spec)) + 4  # build_model, load, prepare, main
    builds_what_to_keras_builds(analysis, module)


def definitions_used(spec) -> set[str]:
    return {call.block for calls in spec.calls for call in calls}


def test_the_readme_shows_what_emit_writes_for_the_residual_spec():
    readme = (ROOT / "README.md").read_text()
    source = generate(analyze(load(ROOT / "specs" / "residual.cnn")))
    start = readme.index("`specs/residual.cnn` emits:")
    shown = re.findall(r"```python\n(.*?)\n```", readme[start:], re.DOTALL)[:2]
    assert len(shown) == 2 and "def res(" in shown[0]
    for excerpt in shown:
        assert excerpt in source
