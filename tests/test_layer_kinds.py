"""Kinds added on the registry, each against Keras and against hand arithmetic."""

import pytest

from cnnspec import analyze, parse
from cnnspec.receptive_field import explain
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
    from cnnspec.verification import verify

    assert verify(analyze(parse("input 9x7x3 | conv 3x3x5 valid | gap | dense 4"))).agrees
