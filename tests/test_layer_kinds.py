"""Kinds added on the registry, each against Keras and against hand arithmetic."""

import pytest

from cnnspec import analyze, parse
from cnnspec.analysis.receptive_field import explain
from cnnspec.render.explain import render_text


def test_gap_averages_each_channel_and_needs_no_flatten():
    analysis = analyze(parse("input 32x32x3 | conv 3x3x16 | pool 2 | gap | dense 10"))
    assert [row.type for row in analysis.rows] == [
        "Conv2D", "MaxPooling2D", "GlobalAveragePooling2D", "Dense",  # no Flatten inserted
    ]
    gap = analysis.rows[2]
    assert (gap.input_shape, gap.output_shape, gap.params, gap.macs) == ((16, 16, 16), (16,), 0, 0)
    assert analysis.rows[3].trainable_params == 16 * 10 + 10


def test_gap_sees_the_union_of_its_map():
    """After pool 2 on conv 3x3 the fields are 4 wide, 2 apart; 16 positions make 4 + 15 * 2 = 34."""
    analysis = analyze(parse("input 32x32x3 | conv 3x3x16 | pool 2 | gap | dense 10"))
    fields = explain(analysis)
    assert (fields[2].fields[0].size, fields[2].fields[0].jump) == (34, 0)
    assert "one channel's mean over the whole 16x16 map, so it sees a 34x34 field" in render_text(analysis, fields)


def test_gap_on_a_vector_is_located():
    with pytest.raises(Exception, match="gap needs a feature map HxWxC, but the output of dense on line 1"):
        analyze(parse("dense 10 | gap"))


def test_gap_agrees_with_keras():
    pytest.importorskip("keras")
    from cnnspec.compiler.verify import verify

    assert verify(analyze(parse("input 9x7x3 | conv 3x3x5 valid | gap | dense 4"))).agrees


def test_depthwise_counts_a_kernel_per_channel_and_multiplier():
    """MobileNet's 3x3 depthwise on 32 channels: 3*3*32 weights + 32 biases; x2 doubles both."""
    analysis = analyze(parse("input 28x28x32 | depthwise 3x3 | depthwise 3x3x2 s2 valid linear | gap | dense 10"))
    one, two = analysis.rows[:2]
    assert (one.output_shape, one.trainable_params) == ((28, 28, 32), 3 * 3 * 32 + 32)
    assert (two.output_shape, two.trainable_params) == ((13, 13, 64), 3 * 3 * 32 * 2 + 64)
    assert two.macs == 13 * 13 * 64 * 3 * 3
    assert two.layer.statement() == "depthwise 3x3x2 s2 valid linear"


@pytest.mark.parametrize("text, message", [
    ("depthwise 3", "depthwise takes kernel height x width [x depth multiplier], like 3x3 or 3x3x2, got '3'"),
    ("depthwise 3x3x0", "depth multiplier must be positive, got 0"),
    ("depthwise 3x3 relu tanh", "activation given twice"),
])
def test_depthwise_misuses_are_located(text, message):
    with pytest.raises(Exception, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        parse(text + " | dense 10")


def test_depthwise_agrees_with_keras():
    pytest.importorskip("keras")
    from cnnspec.compiler.verify import verify

    assert verify(analyze(parse("input 11x9x3 | depthwise 3x2x3 s2x1 valid | depthwise 5x5 | gap | dense 4"))).agrees
