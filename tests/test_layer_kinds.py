"""Kinds added on the registry, each against Keras and against hand arithmetic."""

import re

import pytest

from cnnspec import analyze, parse
from cnnspec.analysis.receptive_field import explain
from cnnspec.layers.spec import ACTIVATIONS
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


# The modern layer set (issue 11): each kind by hand, then against Keras.


def rows(text):
    return analyze(parse(text)).rows


@pytest.mark.parametrize("statement, pads, shape", [
    ("pad 1", ((1, 1), (1, 1)), (9, 9, 3)),
    ("pad 1x2", ((1, 1), (2, 2)), (9, 11, 3)),
    ("pad 0,1", ((0, 1), (0, 1)), (8, 8, 3)),
    ("pad 0,1x2,3", ((0, 1), (2, 3)), (8, 12, 3)),
    ("pad 3x0,1", ((3, 3), (0, 1)), (13, 8, 3)),
])
def test_pad_adds_zeros_per_side(statement, pads, shape):
    """rows + top + bottom, columns + left + right, as Keras's ((top, bottom), (left, right))."""
    (row, *_) = rows(f"input 7x7x3 | {statement} | dense 10")
    assert (row.layer.pads, row.output_shape, row.params, row.type) == (pads, shape, 0, "ZeroPadding2D")
    assert row.layer.statement() == statement


def test_pad_moves_the_receptive_fields_start():
    """conv 3x3 valid is centred on pixel 2; a zero row above and two columns left move the
    first output's centre to row 1 and column 0 (counting from 1), its size unchanged."""
    analysis = analyze(parse("input 8x8x1 | conv 3x3x2 valid | pad 1,0x2,0 | conv 3x3x2 valid | dense 10"))
    fields = explain(analysis)
    rows_field, cols_field = fields[1].fields
    assert (rows_field.size, rows_field.jump, rows_field.start, cols_field.start) == (3, 1, 0, -1)
    assert "Adds 1 zero row above, 0 below, 2 zero columns left and 0 right: 6x6 becomes 7x8." in render_text(analysis, fields)


@pytest.mark.parametrize("text, message", [
    ("pad -1", "each side must be 0 or more, got -1"),
    ("pad 1x2x3", "pad takes zeros per side as rows x columns, each N or before,after"),
    ("pad 1,2,3", "pad takes zeros per side as rows x columns"),
])
def test_pad_misuses_are_located(text, message):
    with pytest.raises(Exception, match=r"1:\d+: error: .*" + re.escape(message)):
        parse(f"input 8x8x1 | {text} | dense 10")


def test_grouped_conv_reads_its_groups_channels():
    """conv 3x3x16 g4 on 8 channels: each filter reads 8 / 4 = 2 channels: 3*3*2*16 + 16."""
    conv, plain = rows("input 9x9x8 | conv 3x3x16 g4 | conv 3x3x16 | gap | dense 10")[:2]
    assert conv.params == 3 * 3 * 2 * 16 + 16 and conv.macs == 9 * 9 * 16 * 3 * 3 * 2
    assert plain.params == 3 * 3 * 16 * 16 + 16  # the same conv ungrouped on conv's 16 channels
    assert conv.layer.statement() == "conv 3x3x16 s1 same g4 relu"


@pytest.mark.parametrize("text, message", [
    ("input 9x9x6 | conv 3x3x8 g4", "the input channels must split evenly into the groups: 6 channels in 4 groups"),
    ("input 9x9x8 | conv 3x3x6 g4", "the output channels must split evenly into the groups: 6 filters in 4 groups"),
    ("input 9x9x8 | conv 3x3x8 g0", "number of groups must be positive, got 0"),
])
def test_groups_that_do_not_divide_are_located(text, message):
    with pytest.raises(Exception, match=re.escape(message)):
        analyze(parse(text + " | dense 10"))


def test_nobias_drops_one_bias_per_output():
    conv, depthwise, separable, deconv, pointwise, dense = rows(
        "input 8x8x4 | conv 3x3x8 nobias | depthwise 3x3 nobias | separable 3x3x16 nobias | deconv 2x2x4 s2 nobias"
        " | pointwise 6 nobias | flatten | dense 10 nobias"
    )[:5] + rows("input 8 | dense 10 nobias")[:1]
    assert (conv.params, depthwise.params) == (3 * 3 * 4 * 8, 3 * 3 * 8)
    assert (separable.params, deconv.params) == (3 * 3 * 8 + 8 * 16, 2 * 2 * 16 * 4)
    assert (pointwise.params, dense.params) == (4 * 6, 8 * 10)
    assert [r.layer.use_bias for r in (conv, depthwise, separable, deconv, pointwise, dense)] == [False] * 6
    assert dense.layer.statement() == "dense 10 softmax nobias"


def test_every_existing_statement_keeps_its_bias():
    assert all(layer.use_bias for layer in parse("conv 3x3x8 | depthwise 3x3 | dense 10").layers if hasattr(layer, "use_bias"))


def test_separable_is_a_depthwise_then_a_pointwise_convolution():
    """Xception's block: 3x3 on 64 channels, multiplier 2, into 128: 3*3*64*2 + 64*2*128 + 128."""
    (row, *_) = rows("input 10x10x64 | separable 3x3x128 m2 s2 | gap | dense 10")
    assert (row.output_shape, row.params) == ((5, 5, 128), 3 * 3 * 64 * 2 + 64 * 2 * 128 + 128)
    assert row.macs == 5 * 5 * 64 * 2 * (3 * 3 + 128)
    assert row.layer.statement() == "separable 3x3x128 m2 s2 same relu"


@pytest.mark.parametrize("statement, shape", [
    ("deconv 3x3x4 s2", (14, 14, 4)),  # same: size * stride
    ("deconv 3x3x4 s2 valid", (15, 15, 4)),  # valid: size * stride + max(kernel - stride, 0)
    ("deconv 1x1x4 s2 valid", (14, 14, 4)),
    ("deconv 4x2x4 s2x3 valid", (16, 21, 4)),
    ("upsample 2", (14, 14, 3)),
    ("upsample 2x3", (14, 21, 3)),
])
def test_transposed_convolution_and_upsampling_grow_the_map(statement, shape):
    (row, *_) = rows(f"input 7x7x3 | {statement} | dense 10")
    assert row.output_shape == shape
    assert row.layer.statement().startswith(statement.split(" valid")[0].split(" s")[0])


def test_explain_refuses_upsampling_at_its_line():
    with pytest.raises(Exception, match=r"2:1: error: explain cannot follow upsample 2 \(up_sampling2d\) yet"):
        explain(analyze(parse("input 7x7x3\nupsample 2\ndense 10")))


def test_batchnorm_switches_drop_its_learned_scale_and_shift():
    plain, noscale, neither = rows("input 4x4x6 | batchnorm | batchnorm noscale | batchnorm nocenter noscale | dense 2")[:3]
    assert [(r.trainable_params, r.non_trainable_params) for r in (plain, noscale, neither)] == [(12, 12), (6, 12), (0, 12)]
    assert neither.layer.statement() == "batchnorm nocenter noscale"


def test_standalone_activations_are_layers_and_relu_is_still_an_option():
    conv, relu, relu6, swish = rows("input 6x6x2 | conv 3x3x4 relu | relu | relu6 | activation swish | dense 2")[:4]
    assert (conv.layer.activation, relu.type, relu6.type, swish.type) == ("relu", "ReLU", "ReLU", "Activation")
    assert (relu.name, relu6.name, swish.name) == ("re_lu", "re_lu_1", "activation")
    assert (relu6.layer.max_value, swish.layer.function) == (6.0, "swish")


def test_an_unknown_activation_name_is_located_with_a_suggestion():
    with pytest.raises(Exception, match=r"1:26: error: unknown activation 'swsh'; did you mean 'swish'\?"):
        parse("input 6x6x2 | activation swsh | dense 2")


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_activation_name_is_one_keras_resolves(name):
    """The language's names are Keras's: each resolves, and as a layer computes what the function does."""
    keras = pytest.importorskip("keras")
    import numpy as np

    function = keras.activations.get(name)
    values = np.random.default_rng(0).normal(0, 4, size=(3, 5)).astype("float32")
    np.testing.assert_allclose(keras.layers.Activation(name)(values), function(values), rtol=1e-6)


def test_hard_swish_is_keras_hard_silu():
    keras = pytest.importorskip("keras")
    assert keras.activations.get("hard_swish") is keras.activations.get("hard_silu")


def test_hard_sigmoid_is_mobilenet_v3s_gate():
    """Keras's MobileNetV3 gates with `ReLU(6.0)(x + 3.0) * (1.0 / 6.0)`, two tensor ops and a
    ReLU; `activation hard_sigmoid` is one layer computing the same on any input."""
    keras = pytest.importorskip("keras")
    import numpy as np

    values = np.random.default_rng(11).normal(0, 4, size=(4, 3, 3, 8)).astype("float32")
    values[0, 0, 0, :3] = (-3.0, 3.0, 0.0)  # the corners of the ramp
    mobilenet_v3 = keras.ops.convert_to_numpy(keras.layers.ReLU(6.0)(values + 3.0) * (1.0 / 6.0))
    ours = keras.ops.convert_to_numpy(keras.layers.Activation("hard_sigmoid")(values))
    np.testing.assert_allclose(ours, mobilenet_v3, rtol=1e-6, atol=1e-7)
    assert ours.min() == 0 and ours.max() == 1 and 0 < np.mean((ours > 0) & (ours < 1))  # every piece reached


def test_persample_dropout_is_stochastic_depth():
    """`dropout P persample` is EfficientNet's `Dropout(P, noise_shape=(None, 1, 1, 1))`: one draw per sample."""
    keras = pytest.importorskip("keras")
    import numpy as np
    from cnnspec import to_keras

    analysis = analyze(parse("input 6x6x3 | conv 3x3x4 | dropout 0.5 persample | dropout 0.5 | dense 2"))
    assert [row.layer.statement() for row in analysis.rows[1:3]] == ["dropout 0.5 persample", "dropout 0.5"]
    per_sample, plain = [layer for layer in to_keras(analysis.spec).layers if isinstance(layer, keras.layers.Dropout)]
    assert (per_sample.noise_shape, plain.noise_shape) == ((None, 1, 1, 1), None)
    kept = keras.ops.convert_to_numpy(per_sample(np.ones((200, 6, 6, 4), "float32"), training=True)).reshape(200, -1)
    assert all(len(set(sample)) == 1 for sample in kept)  # each sample wholly kept (x2) or wholly zeroed
    assert 0 < (kept[:, 0] == 0).sum() < 200


@pytest.mark.parametrize("text, message", [
    ("input 784 | dense 10 | dropout 0.2 persample | dense 2",
     r"1:24: error: dropout persample drops each sample's whole HxWxC map, but gets a vector of 10; write dropout 0.2"),
    ("input 8x8x1 | dropout persample", r"1:23: error: dropout needs a rate in \[0, 1\), like dropout 0.5, got 'persample'"),
    ("input 8x8x1 | conv 3x3x2 persample", r"1:26: error: .*'persample'"),
])
def test_persample_misuses_are_located(text, message):
    with pytest.raises(Exception, match=message):
        analyze(parse(text))


def test_global_max_pooling_and_keepdims():
    gmp, gap, dense = rows("input 6x5x3 | gmp keepdims | gap | dense 2")[:3]
    assert (gmp.output_shape, gap.output_shape, dense.input_shape) == ((1, 1, 3), (3,), (3,))
    kept = rows("input 6x5x3 | gap keepdims | dense 2")
    assert [r.type for r in kept] == ["GlobalAveragePooling2D", "Flatten", "Dense"]  # a map again: flattened


def test_reshape_keeps_the_count_and_says_so_when_it_differs():
    reshape, dense = rows("input 4x4x2 | reshape 8x2x2 | reshape 32 | dense 2")[:3:2]
    assert reshape.output_shape == (8, 2, 2)
    assert [r.type for r in rows("input 4x4x2 | reshape 32 | dense 2")] == ["Reshape", "Dense"]  # a vector: no flatten
    with pytest.raises(Exception, match=r"1:15: error: reshape keeps every value, so the sizes must hold as many: "
                                        r"8x2x3 holds 48 but its 4x4x2 input holds 32"):
        analyze(parse("input 4x4x2 | reshape 8x2x3 | dense 2"))


def test_rescale_normalize_and_layernorm_count_their_weights():
    rescale, normalize, layernorm = rows("input 8x8x3 | rescale 0.00392156862745098 offset -1.0 | normalize | layernorm | dense 2")[:3]
    assert (rescale.params, rescale.layer.scale, rescale.layer.offset) == (0, 1 / 255, -1.0)
    assert (normalize.trainable_params, normalize.non_trainable_params) == (0, 2 * 3 + 1)  # mean, variance, count
    assert (layernorm.trainable_params, layernorm.non_trainable_params) == (2 * 3, 0)
    assert rescale.layer.statement() == "rescale 0.00392156862745098 offset -1.0"
    with pytest.raises(Exception, match="rescale takes one number"):
        parse("rescale 2x2 | dense 2")


def test_pointwise_is_dense_on_each_pixel_without_a_flatten():
    pointwise, flatten, dense = rows("input 5x4x3 | pointwise 8 relu | dense 2")
    assert (pointwise.type, pointwise.output_shape, pointwise.params) == ("Dense", (5, 4, 8), 3 * 8 + 8)
    assert pointwise.macs == 5 * 4 * 3 * 8
    assert flatten.type == "Flatten" and flatten.layer.implicit  # `dense` after a map keeps its flatten
    assert rows("input 5x4x3 | dense 2")[0].type == "Flatten"


def test_same_pooling_pads_as_keras():
    """pool 3 s2 same on 7: ceil(7 / 2) = 4 positions."""
    assert rows("input 7x7x2 | pool 3 s2 same | dense 2")[0].output_shape == (4, 4, 2)


# Each statement once, as the Keras applications write them, against Keras itself.
KERAS_CASES = [
    "input 9x9x3 | pad 0,1 | conv 3x3x8 s2 valid linear nobias | batchnorm | relu6 | gap | dense 4",
    "input 9x7x4 | pad 1x2 | pad 0,1x2,0 | conv 3x3x8 g4 nobias | conv 1x1x8 g2 | gmp | dense 4",
    "input 8x8x4 | depthwise 3x3 nobias | separable 3x3x8 m2 s2 | separable 1x1x4 nobias linear | gap keepdims | flatten | dense 4",
    "input 5x5x3 | deconv 3x3x4 s2 valid | deconv 2x3x2 s2x1 nobias | upsample 2x3 | gmp keepdims | relu | dense 4 nobias",
    "input 6x6x3 | rescale 0.00784313725490196 offset -1.0 | normalize | batchnorm nocenter noscale | layernorm | activation hard_silu | reshape 12x3x3 | pointwise 5 | dense 4",
    "input 7x7x2 | pool 3 s2 same | avgpool 3 s2 same | reshape 8 | dense 4",
]


@pytest.mark.parametrize("text", KERAS_CASES)
def test_modern_kinds_agree_with_keras(text):
    pytest.importorskip("keras")
    from cnnspec.compiler.verify import report, verify

    verification = verify(analyze(parse(text)))
    assert verification.agrees, report(verification, "<case>")


# The stems of the Keras applications the zoo will hold, written in the language: every
# layer until the first merge has Keras's class, output shape, parameter counts and the
# configuration that matters (built offline: weights=None).
APPLICATION_STEMS = {
    "MobileNetV2": ((96, 96, 3), """
        conv 3x3x32 s2 linear nobias | batchnorm | relu6
        depthwise 3x3 linear nobias | batchnorm | relu6 | conv 1x1x16 linear nobias | batchnorm
        conv 1x1x96 linear nobias | batchnorm | relu6 | pad 0,1 | depthwise 3x3 s2 valid linear nobias | batchnorm | relu6
        conv 1x1x24 linear nobias | batchnorm
    """),
    "MobileNetV3Small": ((64, 64, 3), """
        rescale 0.00784313725490196 offset -1.0 | conv 3x3x16 s2 linear nobias | batchnorm | activation hard_swish
        pad 0,1 | depthwise 3x3 s2 valid linear nobias | batchnorm | relu
        gap keepdims | conv 1x1x8 linear | relu | conv 1x1x16 linear | relu6
    """),
    "EfficientNetB0": ((64, 64, 3), """
        rescale 0.00392156862745098 | normalize | pad 0,1 | conv 3x3x32 s2 valid linear nobias | batchnorm | activation silu
        depthwise 3x3 linear nobias | batchnorm | activation silu
        gap | reshape 1x1x32 | conv 1x1x8 silu | conv 1x1x32 sigmoid
    """),
    "ResNet50": ((64, 64, 3), "pad 3 | conv 7x7x64 s2 valid linear | batchnorm | activation relu | pad 1 | pool 3 s2"),
    "Xception": ((71, 71, 3), """
        conv 3x3x32 s2 valid linear nobias | batchnorm | activation relu | conv 3x3x64 valid linear nobias | batchnorm
        activation relu | separable 3x3x128 linear nobias | batchnorm | activation relu | separable 3x3x128 linear nobias
        batchnorm
    """),
    "InceptionV3": ((75, 75, 3), """
        conv 3x3x32 s2 valid linear nobias | batchnorm noscale | activation relu
        conv 3x3x32 valid linear nobias | batchnorm noscale | activation relu
        conv 3x3x64 linear nobias | batchnorm noscale | activation relu | pool 3 s2
        conv 1x1x80 valid linear nobias | batchnorm noscale | activation relu
        conv 3x3x192 valid linear nobias | batchnorm noscale | activation relu | pool 3 s2
    """),
    "DenseNet121": ((64, 64, 3), """
        pad 3 | conv 7x7x64 s2 valid linear nobias | batchnorm | activation relu | pad 1 | pool 3 s2
        batchnorm | activation relu | conv 1x1x128 valid linear nobias
    """),
}
CONFIG_KEYS = ("filters", "kernel_size", "strides", "padding", "use_bias", "activation", "max_value", "groups",
               "keepdims", "target_shape", "scale", "offset", "center", "depth_multiplier", "pool_size")


@pytest.mark.parametrize("application", APPLICATION_STEMS)
def test_application_stems_match_keras_applications(application):
    keras = pytest.importorskip("keras")
    from cnnspec import to_keras
    from cnnspec.compiler.verify import keras_rows

    shape, body = APPLICATION_STEMS[application]
    text = f"input {'x'.join(map(str, shape))}\n" + "\n".join(line.strip() for line in body.strip().splitlines())
    analysis = analyze(parse(text))
    reference = getattr(keras.applications, application)(weights=None, input_shape=shape)
    count = len(analysis.rows)
    expected = [(r.type, r.output_shape, r.trainable_params, r.non_trainable_params) for r in keras_rows(reference)[1:count + 1]]
    assert [(r.type, r.output_shape, r.trainable_params, r.non_trainable_params) for r in analysis.rows] == expected
    ours = to_keras(analysis.spec).layers
    for mine, theirs in zip(ours, reference.layers[1:count + 1]):
        a, b = mine.get_config(), theirs.get_config()
        assert {k: a[k] for k in CONFIG_KEYS if k in b} == {k: b[k] for k in CONFIG_KEYS if k in b}, theirs.name
