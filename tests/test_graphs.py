"""Graphs: named tensors, merges and blocks, through every pass.

Laws: a chain means what it meant (no wiring recorded); a graph analyzes to the rows and
the printed functional summary Keras gives the model built from it (random residuals,
concatenations and named skips, with an independent shape oracle); every misuse is an
error at its line and column with a caret; fmt keeps the spec.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnspec import SpecError, analyze, parse
from cnnspec.analysis.lints import lint
from cnnspec.analysis.receptive_field import explain
from cnnspec.language.formatter import format_text
from cnnspec.render import render_summary
from cnnspec.render.explain import render_text

RESIDUAL = """\
input 8x8x3
conv 3x3x4 -> a
conv 3x3x4 | conv 3x3x4 linear
add @a
conv 1x1x2 -> b
conv 3x3x2
concat @b -> c
multiply @c @c
gap
dense 10
"""

BLOCKS = """\
input 28x28x1
conv 3x3x8
block res f s=1
  conv 3x3x$f s$s
  conv 3x3x$f linear -> r
  conv 1x1x$f s$s linear @in
  add @r
end
res 8 x2
res 16 s=2 -> out
gap
dense 10
"""


def error_of(text: str) -> SpecError:
    with pytest.raises(SpecError) as caught:
        analyze(parse(text, "g.cnn"))
    return caught.value


def test_a_chain_records_no_wiring():
    spec = parse("conv 5x5x6 | pool 2 | dense 10")
    assert spec.inputs == () and spec.labels == ()
    analysis = analyze(spec)
    assert [analysis.inputs_of(i) for i in range(4)] == [("input_layer",), ("conv2d",), ("max_pooling2d",), ("flatten",)]


def test_names_and_merges_wire_the_graph():
    spec = parse(RESIDUAL)
    assert spec.inputs == ((-1,), (0,), (1,), (0, 2), (3,), (4,), (4, 5), (6, 6), (7,), (8,))
    assert spec.labels[0] == "a" and spec.labels[6] == "c"
    rows = analyze(spec).rows
    assert rows[3].inputs == ("conv2d", "conv2d_2") and rows[3].output_shape == (8, 8, 4)
    assert rows[6].output_shape == (8, 8, 4) and rows[6].type == "Concatenate"


@pytest.mark.parametrize("text, where, words", [
    ("conv 3x3x4\nadd @nope\ndense 10", (2, 5), "'nope' is used before it is defined"),
    ("conv 3x3x4 -> a\nconv 3x3x4 s2\nadd @a\ndense 10", (3, 1), "add needs inputs of one shape, got 28x28x4 and 14x14x4"),
    ("conv 3x3x4 -> a\nconv 3x3x4 -> a\ndense 10", (2, 12), "'a' is already defined (line 1)"),
    ("conv 3x3x4 -> a\nconv 3x3x2\nconcat @a\npool 2 -> p\nconcat @a\ndense 10", (5, 1), "concat needs inputs"),
    ("conv 3x3x4 @input @input\ndense 10", (1, 19), "conv reads one tensor"),
    ("add\ndense 10", (1, 1), "add merges tensors"),
    ("conv 3x3x4 -> a -> b\ndense 10", (1, 17), "names its output once"),
    ("block r f\n  conv 3x3x$f\nend\nr 4 5\ndense 10", (4, 1), "block 'r' takes 1 argument (f), got more"),
    ("block r f\n  conv 3x3x$f\nend\nr\ndense 10", (4, 1), "block 'r' needs f"),
    ("block r f\n  conv 3x3x$f\nend\nr g=2\ndense 10", (4, 1), "block 'r' has no parameter 'g'"),
    ("block r f\n  conv 3x3x$g\nend\nr 4\ndense 10", (2, 12), "'$g' is no parameter of this block"),
    ("block a\n  b\nend\nblock b\n  a\nend\na\ndense 10", (5, 3), "block 'a' calls itself (a -> b -> a)"),
    ("block r f\n  conv 3x3x$f s-1\nend\nr 4\ndense 10", (2, 15), "(in block 'r' called on line 4)"),
    ("block r\n  conv 3x3x4\n", (1, 1), "block 'r' has no 'end'"),
    ("block conv\n  conv 3x3x4\nend\ndense 10", (1, 7), "'conv' is a keyword"),
    ("block r\n  conv 3x3x4\nend\nconv 3x3x4\n  r x100001\ndense 10", (5, 3), "expand to more than 100,000 lines"),
])
def test_graph_errors_are_located_with_a_caret(text, where, words):
    error = error_of(text)
    diagnostic = error.diagnostics[0]
    assert (diagnostic.line, diagnostic.column) == where, diagnostic
    assert words in diagnostic.message
    rendered = diagnostic.render().splitlines()
    assert rendered[0].startswith(f"g.cnn:{where[0]}:{where[1]}: error: ")
    assert rendered[2].strip() == "^" and rendered[1] == "    " + text.split("\n")[where[0] - 1]


def test_a_mismatched_merge_names_where_each_shape_came_from():
    message = error_of("conv 3x3x4 -> a\nconv 3x3x4 s2\nadd @a\ndense 10").diagnostics[0].message
    assert message.endswith("(from 'a' on line 1 and from line 2)")


def codes(text):
    return [(d.code, d.line) for d in lint(analyze(parse(text))) if d.code in ("unused-name", "unused-output", "merge-rounding")]


def test_graph_lints():
    assert codes("conv 3x3x4 -> a\nconv 3x3x4\ndense 10") == [("unused-name", 1)]
    assert codes("conv 3x3x4 -> a\nconv 3x3x4\nconv 1x1x4 @a\ndense 10") == [("unused-output", 2)]
    rounding = "input 29x29x1\nconv 3x3x8 -> a\nconv 3x3x8 s2 valid -> b\npool 2 @a\nadd @b\ndense 10"
    assert ("merge-rounding", 5) in codes(rounding)
    assert codes(RESIDUAL) == []
    gate = "input 29x29x8\nconv 3x3x8 s2 -> x\ngap keepdims\nconv 1x1x8 sigmoid\nmultiply @x\ndense 10"
    assert codes(gate) == []  # a 1x1 gate is broadcast, not rounded (MobileNetV3's squeeze-and-excite)


def test_explain_unions_a_merges_paths_and_checks_alignment():
    analysis = analyze(parse(RESIDUAL))
    fields = explain(analysis)
    assert fields[3].aligned and fields[3].fields[0].size == 7  # the longer path: three 3x3 convolutions
    assert "the paths are aligned" in render_text(analysis, fields)
    shifted = analyze(parse("input 8x8x1\nconv 2x2x4 -> a\nconv 1x1x4 @input\nadd @a\ndense 10"))
    assert not explain(shifted)[2].aligned
    assert "NOT aligned" in render_text(shifted, explain(shifted))


@pytest.mark.parametrize("text", [RESIDUAL, BLOCKS])
def test_fmt_keeps_a_graph(text):
    formatted = format_text(text)
    assert parse(formatted) == parse(text)
    assert format_text(formatted) == formatted
    if "block" not in text:
        assert parse(format_text(text, explicit=True)) == parse(text)


def test_blocks_expand_with_their_own_names_per_call():
    spec = parse(BLOCKS)
    assert [label for label in spec.labels if label] == ["in__2", "r__1", "in__4", "r__3", "in__6", "r__5", "out"]
    assert analyze(spec).output_shape == (10,)
    assert analyze(spec).rows[-3].output_shape == (14, 14, 16)


def test_each_layer_remembers_the_block_calls_that_wrote_it():
    spec = parse(BLOCKS)
    assert len(spec.calls) == len(spec.layers)
    made = [tuple(call.text() for call in calls) for calls in spec.calls]
    assert made[0] == () and made[-2:] == [(), ()]  # the stem and the head: no block
    assert made.count(("res f=8 s=1",)) == 8 and made.count(("res f=16 s=2",)) == 4
    numbers = sorted({calls[-1].number for calls in spec.calls if calls})
    assert len(numbers) == 3  # x2 makes two calls, each its own number
    assert {(call.line, call.column) for calls in spec.calls for call in calls} == {(9, 1), (10, 1)}
    nested = parse("block a f\n  conv 1x1x$f\nend\nblock b\n  a 4\n  a 6\nend\nb x2\ngap | dense 10")
    chains = [tuple(call.text() for call in calls) for calls in nested.calls[:4]]
    assert chains == [("b", "a f=4"), ("b", "a f=6"), ("b", "a f=4"), ("b", "a f=6")]
    assert parse("conv 3x3x4 | gap | dense 10").calls == ()


def test_a_call_named_inside_a_body_gets_its_name_per_call():
    # `pair -> t` inside `twice`: `t` is twice's own name, made unique per call of twice.
    spec = parse("block pair\n  conv 1x1x4\nend\nblock twice\n  pair -> t\n  add @t @t\nend\n"
                 "twice x2\ngap | dense 10")
    assert [label for label in spec.labels if label] == ["t__1", "t__3"]


def test_training_memory_keeps_a_branch_until_its_last_reader():
    from cnnspec.analysis.costs import gradient_peak

    analysis = analyze(parse("input 8x8x1\nconv 3x3x4 -> a\nconv 3x3x4\nconv 3x3x4\nadd @a\ndense 10"))
    assert gradient_peak(analysis) == 3 * 8 * 8 * 4  # at the middle conv: its output, its input's, and a's


# Random graphs, with the shapes worked out here (not by cnnspec), against Keras.
@st.composite
def graph_texts(draw):
    size = draw(st.integers(4, 12))
    channels = draw(st.integers(1, 4))
    lines, count = [f"input {size}x{size}x{channels}"], 0
    for _ in range(draw(st.integers(1, 4))):
        count += 1
        name = f"t{count}"
        lines.append(f"conv {draw(st.sampled_from([1, 3]))}x{draw(st.sampled_from([1, 3]))}x{channels} -> {name}")
        shape_kind = draw(st.sampled_from(["residual", "projection", "concat", "gate", "skip"]))
        if shape_kind == "residual":
            lines += [f"conv 3x3x{channels}"] * draw(st.integers(1, 2)) + [f"add @{name}"]
        elif shape_kind == "projection":
            wider = draw(st.integers(1, 6))
            lines += [f"conv 3x3x{wider}", f"conv 1x1x{wider} linear @{name} -> p{count}", f"add @p{count} @{name}"[:0] or f"add @p{count}"]
            lines[-1] = f"add @p{count}"
            lines.insert(-2, f"conv 1x1x{wider} -> m{count}")
            lines[-1] = f"add @m{count} @p{count}"
            channels = wider
        elif shape_kind == "concat":
            extra = draw(st.integers(1, 5))
            lines += [f"conv 1x1x{extra}", f"concat @{name}"]
            channels += extra
        elif shape_kind == "gate":
            lines += [f"gap", f"dense {channels} sigmoid" if False else f"conv 1x1x{channels} sigmoid", f"multiply @{name}"]
            lines[-3] = f"conv 1x1x{channels} @{name}"
        else:
            lines += [f"pool 2 same @{name}", f"upsample 2", f"concat @{name}"] if size % 2 == 0 else [f"add @{name} @{name}"]
            if size % 2 == 0:
                channels *= 2
    lines.append("gap | dense 10")
    return "\n".join(lines), (10,), channels


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_texts())
def test_random_graphs_build_to_the_analyzed_rows(drawn):
    keras = pytest.importorskip("keras")
    from cnnspec.compiler.build import build_in_fresh_session
    from keras_views import analysis_rows, keras_summary, layer_rows

    text, output, channels = drawn
    analysis = analyze(parse(text))
    assert analysis.output_shape == output
    assert analysis.rows[-3].output_shape[-1] == channels  # the oracle's channel count before gap
    model = build_in_fresh_session(analysis.spec)
    by_name = {row[0]: row for row in layer_rows(model)}
    assert [by_name[row[0]] for row in analysis_rows(analysis)] == analysis_rows(analysis)
    assert len(by_name) == len(analysis.rows) + 1  # and the input layer
    assert model.count_params() == analysis.total_params
    assert keras_summary(model) == render_summary(analysis, "keras")
    del keras


@pytest.mark.parametrize("path", ["specs/residual.cnn"])
def test_the_residual_mnist_spec_is_what_keras_builds(path):
    pytest.importorskip("keras")
    from cnnspec import load
    from cnnspec.compiler.verify import verify

    from conftest import ROOT

    analysis = analyze(load(ROOT / path))
    assert verify(analysis).agrees


def test_emit_writes_a_functional_model_that_builds_the_same_rows(tmp_path):
    pytest.importorskip("keras")
    import importlib.util

    from cnnspec import to_keras
    from cnnspec.compiler.verify import compare, keras_rows
    from cnnspec.training.keras_script import generate

    analysis = analyze(parse(RESIDUAL.replace("input 8x8x3", "input 28x28x1")))
    script = tmp_path / "model.py"
    script.write_text(generate(analysis))
    assert "keras.Model(inputs, x" in script.read_text() and "a = layers.Conv2D" in script.read_text()
    spec = importlib.util.spec_from_file_location("emitted", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert keras_rows(module.build_model()) == keras_rows(to_keras(analysis.spec))
    assert compare(analysis, module.build_model()).agrees


def test_draw_shows_each_skip_connection():
    from cnnspec.render import svg
    from cnnspec.render.diagram import Link, layout

    drawing = layout(analyze(parse(RESIDUAL)))
    links = [shape for shape in drawing.shapes if isinstance(shape, Link)]
    assert len(links) == 2  # add @a and concat @b (multiply @c @c reads the line above, twice)
    assert svg.render(drawing).count("<polyline") == 2


def test_checking_the_resnet50_spec_imports_no_tensorflow():
    import subprocess
    import sys

    from conftest import ROOT

    code = ("import sys; from cnnspec.cli import main; status = main(['check', 'specs/zoo/resnet50.cnn']); "
            "assert not {'tensorflow', 'keras'} & set(sys.modules), 'imported'; sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "resnet50: 176 layers, 25,636,712 params" in done.stdout


def test_a_sweep_takes_choices_inside_a_block_and_in_its_arguments():
    from cnnspec.language.grid import expand

    variants = expand(BLOCKS.replace("conv 3x3x$f linear -> r", "conv {3x3,5x5}x$f linear -> r")
                      .replace("res 8 x2", "res {8,16} x2"))
    params = sorted(analyze(parse(variant.text)).total_params for variant in variants)
    assert len(params) == 4 and len(set(params)) == 4


# --- names a block made, as the user wrote them (issue 11) ---------------------------------


def test_a_block_made_name_reads_as_written_with_the_call_that_made_it():
    from cnnspec.layers.provenance import Written

    spec = parse(BLOCKS)
    written = Written(spec)
    shown = [written.name(label) for label in spec.labels if label]
    assert shown == ["in (res #1, line 9)", "r (res #1, line 9)", "in (res #2, line 9)", "r (res #2, line 9)",
                     "in (res #3, line 10)", "r (res #3, line 10)", "out"]  # x2: two calls, each its number
    assert [written.statement(layer) for layer in spec.layers if layer.merges][1] == "add @r (res #2, line 9)"
    once = parse("conv 3x3x4\nblock res f\n  conv 3x3x$f -> r\n  add @r @in\nend\nres 4\ngap | dense 10")
    assert [Written(once).name(label) for label in once.labels if label] == ["in (res, line 6)", "r (res, line 6)"]
    nested = parse("block a f\n  conv 1x1x$f\n  add @in\nend\nblock b\n  a 4\n  a 4\nend\nconv 3x3x4\nb x2\ngap | dense 10")
    shown = [Written(nested).statement(layer) for layer in nested.layers if layer.merges]
    assert shown == ["add @in (a #1, line 6)", "add @in (a #2, line 7)", "add @in (a #3, line 6)", "add @in (a #4, line 7)"]
    own = parse("conv 3x3x4 -> my__1\nconv 3x3x4\nadd @my__1\ngap | dense 10")  # no block: a name as it is
    assert Written(own).name("my__1") == "my__1" and Written(own).statement(own.layers[2]) == "add @my__1"


def test_every_view_shows_block_made_names_as_written():
    from cnnspec.analysis.diff import diff
    from cnnspec.render.diagram import layout
    from cnnspec.render.diff import diff_dict, render_diff

    text = BLOCKS.replace("conv 1x1x$f s$s linear @in", "conv 1x1x$f s$s linear @in -> spare\n  conv 1x1x$f s$s linear @in")
    analysis = analyze(parse(text))
    messages = [d.message for d in lint(analysis) if d.code == "unused-name"]
    assert messages[0].startswith("'spare (res #1, line 10)' is never used; read it with @spare on a later line")
    views = {
        "lint": "\n".join(messages),
        "explain": render_text(analysis, explain(analysis)),
        "diff": render_diff(diff([analysis, analyze(parse(text.replace("res 16", "res 32")))]), "text"),
        "draw": "\n".join(layout(analysis, blocks="expanded").labels),
    }
    for view, shown in views.items():
        assert "__" not in shown, view
        assert "@r (res #2, line 10)" in shown or view == "lint", view
    rows = [line["layers"][0] for line in diff_dict(diff([analysis, analysis]))["rows"]]
    assert {"statement": "add @r__1", "written": "add @r (res #1, line 10)"}.items() <= rows[5].items()  # JSON keeps both


def test_a_merge_error_inside_a_call_names_the_tensor_as_written():
    text = "input 28x28x1\nconv 3x3x8\nblock res f\n  conv 3x3x$f -> r\n  conv 3x3x$f s2\n  add @r\nend\nres 8 x2\ngap | dense 10"
    message = error_of(text).diagnostics[0].message
    assert "(from 'r (res #1, line 8)' on line 4 and from line 5) (in block 'res' called on line 8)" in message
