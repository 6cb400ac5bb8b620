"""The zoo (specs/zoo/): each spec against the Keras application it writes down.

Built offline (`weights=None`): equal total, trainable and non-trainable parameters, equal
output shape, equal multisets of weight-tensor shapes and the same dropouts (rates and noise
shapes, in order); and `cnnspec verify` agrees on every row of each spec's own model.
Where a spec writes Keras's tensor operations as layers (MobileNetV3), the two models, given
the same weights, compute the same logits.
"""

from collections import Counter
from pathlib import Path

import pytest

from cnnspec import analyze, load

ZOO = Path(__file__).resolve().parents[1] / "specs" / "zoo"
APPLICATIONS = {path.stem: path for path in sorted(ZOO.glob("*.cnn"))}
KERAS_NAMES = {
    "vgg16": "VGG16", "vgg19": "VGG19", "resnet50": "ResNet50", "resnet101": "ResNet101", "resnet152": "ResNet152",
    "resnet50v2": "ResNet50V2", "mobilenet": "MobileNet", "mobilenetv2": "MobileNetV2",
    "mobilenetv3small": "MobileNetV3Small", "mobilenetv3large": "MobileNetV3Large", "densenet121": "DenseNet121",
    "efficientnetb0": "EfficientNetB0", "xception": "Xception", "inceptionv3": "InceptionV3",
}


def weight_shapes(weights) -> Counter:
    return Counter(tuple(weight.shape) for weight in weights)


def dropouts(model) -> tuple[list, list]:
    """The Dropout layers' rates and noise shapes, in the model's order."""
    layers = [layer for layer in model.layers if type(layer).__name__ == "Dropout"]
    return [layer.rate for layer in layers], [layer.noise_shape for layer in layers]


def built(stem: str):
    """The spec's analysis, its Keras model and Keras's application, built offline."""
    keras = pytest.importorskip("keras")
    from cnnspec import to_keras

    analysis = analyze(load(APPLICATIONS[stem]))
    keras.backend.clear_session(free_memory=False)
    reference = getattr(keras.applications, KERAS_NAMES[stem])(weights=None)
    return analysis, to_keras(analysis.spec, analysis=analysis), reference


def test_every_zoo_spec_names_its_application():
    assert APPLICATIONS and set(APPLICATIONS) <= set(KERAS_NAMES)


@pytest.mark.parametrize("stem", sorted(APPLICATIONS))
def test_zoo_spec_checks_without_keras(stem):
    analysis = analyze(load(APPLICATIONS[stem]))
    assert analysis.output_shape == (1000,)


@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(APPLICATIONS))
def test_zoo_spec_is_the_keras_application(stem):
    from cnnspec.compiler.verify import compare

    analysis, model, reference = built(stem)
    assert (analysis.total_params, analysis.trainable_params, analysis.non_trainable_params) == (
        reference.count_params(), sum(w.numpy().size for w in reference.trainable_weights),
        sum(w.numpy().size for w in reference.non_trainable_weights),
    )
    assert tuple(model.layers[-1].output.shape) == tuple(reference.layers[-1].output.shape)
    assert weight_shapes(model.weights) == weight_shapes(reference.weights)
    (rates, noise), (keras_rates, keras_noise) = dropouts(model), dropouts(reference)
    assert noise == keras_noise  # EfficientNet's residual branches drop whole samples
    assert rates == pytest.approx(keras_rates, rel=1e-12)  # its rates are 0.2 * b / 16, computed
    assert compare(analysis, model).agrees
    from cnnspec.render import render_summary
    from keras_views import keras_summary

    assert keras_summary(model) == render_summary(analysis, "keras")  # "Connected to" and all


# Specs that write some of Keras's tensor operations as layers: MobileNetV3's gate
# `ReLU(6.0)(x + 3.0) * (1.0 / 6.0)` as `activation hard_sigmoid`, its `ReLU()` as `activation relu`.
SAME_FUNCTION = ("mobilenetv3small", "mobilenetv3large")


@pytest.mark.slow
@pytest.mark.parametrize("stem", SAME_FUNCTION)
def test_zoo_spec_computes_what_keras_computes(stem):
    """Keras's weights, perturbed, copied into the spec's model in order: the same logits on the same images."""
    keras = pytest.importorskip("keras")
    import numpy as np

    _, model, reference = built(stem)
    rng = np.random.default_rng(3)
    weights = [w.numpy() + (0 if "variance" in w.path else rng.normal(0, 0.05, w.shape).astype("float32"))
               for w in reference.weights]  # moving means and learned shifts away from 0, so every term counts
    reference.set_weights(weights)
    model.set_weights(weights)  # raises unless the shapes agree one by one, in order
    images = rng.uniform(0, 255, (2, 224, 224, 3)).astype("float32")
    logits = [keras.ops.convert_to_numpy(keras.Model(m.input, m.layers[-2].output)(images)) for m in (model, reference)]
    assert logits[1].std() > 0.01  # not a constant the two could agree on by accident
    np.testing.assert_allclose(logits[0], logits[1], rtol=0, atol=1e-5)
