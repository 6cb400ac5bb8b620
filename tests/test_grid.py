"""Grid expansion: counts, order and ids, each variant equal to the spec built by hand, exact error places."""

import itertools
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cnnspec import Conv, Dense, Flatten, Pool, Spec, SpecSyntaxError, analyze, parse
from cnnspec.errors import SpecError
from cnnspec.language.grid import expand, load_grid, parse_grid
from conftest import SPECS

ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "gelu")
MAX_TESTED_VARIANTS = 200


# A generated grid is a list of layers; each layer knows its grid text and, as an
# independent oracle, the list of hand-built IR layers it can stand for (None when absent).

def _written(values, spaced):
    """A choice as written: a bare value when there is one alternative and it is not braced."""
    texts = [str(v) for v in values]
    if len(texts) == 1 and not spaced:
        return texts[0]
    return "{" + (", " if spaced else ",").join(texts) + "}"


@st.composite
def conv_layers(draw):
    heights = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3, unique=True))
    widths = draw(st.lists(st.integers(1, 5), min_size=1, max_size=2, unique=True))
    filters = draw(st.lists(st.integers(1, 8), min_size=1, max_size=2, unique=True))
    paddings = draw(st.one_of(st.none(), st.lists(st.sampled_from(("same", "valid")), min_size=1, max_size=2, unique=True)))
    activations = draw(st.one_of(st.none(), st.lists(st.sampled_from(ACTIVATIONS), min_size=1, max_size=2, unique=True)))
    spaced = draw(st.booleans())
    text = f"conv {_written(heights, spaced)}x{_written(widths, spaced)}x{_written(filters, spaced)}"
    text += f" {_written(paddings, spaced)}" if paddings else ""
    text += f" {_written(activations, spaced)}" if activations else ""
    forms = [
        [Conv(filters=c, kernel=(h, w), padding=p, activation=a)]
        for h, w, c, p, a in itertools.product(heights, widths, filters, paddings or ["same"], activations or ["relu"])
    ]
    return text, forms


@st.composite
def pool_layers(draw):
    windows = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3, unique=True))
    return f"pool {_written(windows, draw(st.booleans()))}", [[Pool(window=(w, w), strides=(w, w))] for w in windows]


@st.composite
def dense_layers(draw, last):
    units = draw(st.lists(st.integers(1, 300), min_size=1, max_size=3, unique=True))
    activations = draw(st.one_of(st.none(), st.lists(st.sampled_from(ACTIVATIONS), min_size=1, max_size=2, unique=True)))
    text = f"dense {_written(units, False)}" + (f" {_written(activations, False)}" if activations else "")
    default = "softmax" if last else "sigmoid"
    return text, [[Dense(units=u, activation=a)] for u, a in itertools.product(units, activations or [default])]


def optional(layer):
    text, forms = layer
    return f"[{text}]?", forms + [None]


@st.composite
def grids(draw):
    """(grid text, per-layer forms); layers joined by '|' or new lines, some optional."""
    spatial = draw(st.lists(st.one_of(conv_layers(), pool_layers()), min_size=0, max_size=3))
    hidden = draw(st.lists(dense_layers(last=False), min_size=0, max_size=2))
    layers = spatial + hidden
    layers = [optional(layer) if draw(st.booleans()) else layer for layer in layers]
    layers.append(draw(dense_layers(last=True)))
    # Every variant is parsed in the tests below: keep a grid to a few dozen on average.
    assume(math.prod(len(forms) for _, forms in layers) <= MAX_TESTED_VARIANTS)
    separators = [draw(st.sampled_from((" | ", "\n"))) for _ in layers[1:]]
    text = layers[0][0] + "".join(sep + layer[0] for sep, layer in zip(separators, layers[1:])) + "\n"
    return text, [forms for _, forms in layers]


def hand_built(picks) -> Spec:
    """The spec the builder should make: a Flatten before the first dense after a feature map."""
    layers = []
    spatial = True
    for form in picks:
        for layer in form or []:
            if isinstance(layer, Dense) and spatial:
                layers.append(Flatten())
                spatial = False
            layers.append(layer)
    return Spec("model", layers=tuple(layers))


@given(grids())
def test_variant_count_is_the_product_of_the_slots(grid):
    """size = product of each choice's alternatives, times (inner product + 1) per optional layer,
    which is 2 for an optional layer without choices inside."""
    text, layer_forms = grid
    expected = math.prod(len(forms) for forms in layer_forms)
    variants = expand(text)
    assert len(variants) == parse_grid(text).size == expected


@given(grids())
def test_every_variant_parses_to_the_hand_expanded_spec_in_documented_order(grid):
    """Variant i is the i-th combination of itertools.product over the layers' forms in source
    order, each layer's forms being its choices' product in source order, then absent."""
    text, layer_forms = grid
    variants = expand(text)
    for variant, picks in zip(variants, itertools.product(*layer_forms), strict=True):
        assert parse(variant.text) == hand_built(picks)


@given(grids())
def test_ids_are_zero_padded_indices_and_random_access_agrees(grid):
    text, _ = grid
    parsed = parse_grid(text)
    variants = list(parsed.variants())
    width = len(str(len(variants) - 1))
    assert [v.id for v in variants] == [f"v{i:0{width}d}" for i in range(len(variants))]
    assert sorted(v.id for v in variants) == [v.id for v in variants]
    for index in {0, len(variants) // 2, len(variants) - 1}:
        assert parsed.variant(index) == variants[index]


@given(grids())
def test_variant_lines_stay_where_they_were_in_the_grid(grid):
    """Expansion never adds or removes a line, so a variant's line N is the grid's line N."""
    text, _ = grid
    for variant in expand(text):
        assert variant.text.count("\n") == text.count("\n")


def test_a_text_without_grid_syntax_is_a_grid_of_one():
    text = (SPECS / "model3.cnn").read_text()
    (variant,) = expand(text)
    assert variant.text == text and variant.id == "v0" and variant.choices == ()


def test_comments_and_names_are_literal():
    text = 'name "net {a,b} [x]?" # {not, a, choice} [nor]? this?\nconv {3,5}x3x4 | dense 10'
    variants = expand(text)
    assert [v.choices for v in variants] == [("3",), ("5",)]
    assert parse(variants[1].text).name == "net {a,b} [x]?"


def test_the_report_family_holds_models_1_to_3():
    grid = load_grid(SPECS / "grids" / "family.cnn")
    texts = {v.id: v.text for v in grid.variants()}
    layers = {v: parse(t).layers for v, t in texts.items()}
    assert grid.size == 8
    assert layers["v1"] == parse((SPECS / "model1.cnn").read_text()).layers
    assert layers["v0"] == parse((SPECS / "model2.cnn").read_text()).layers
    assert layers["v6"] == parse((SPECS / "model3.cnn").read_text()).layers


@pytest.mark.parametrize("text, line, column, message", [
    ("conv {5,7x5x6", 1, 6, "'{' is not closed on its line"),
    ("conv {5,7\n}x5x6", 1, 6, "'{' is not closed on its line"),
    ("conv {5,{7,9}}x5x6", 1, 9, "choices cannot be nested"),
    ("conv 3x3x6\ndense {}", 2, 7, "an empty choice {}"),
    ("conv {5,}x5x6", 1, 9, "an empty alternative"),
    ("conv {5,,7}x5x6", 1, 9, "an empty alternative"),
    ("conv { ,7}x5x6", 1, 7, "an empty alternative"),
    ("conv {5,5}x5x6", 1, 9, "'5' is already an alternative"),
    ("conv 5x5x6 {s1|s2}", 1, 15, "'|' cannot stand inside a choice"),
    ("conv 5x5x6\ndense 128?", 2, 10, "'?' marks an optional layer"),
    ("conv 5x5x6\n[dense 128]", 2, 12, "expected '?' after ']'"),
    ("conv 5x5x6\n  [dense 128\n]?", 2, 3, "'[' is not closed on its line"),
    ("conv 5x5x6 | dense 128]?", 1, 23, "']' closes nothing"),
    ("conv 5x5x6 | pool 2}", 1, 20, "'}' closes nothing"),
    ("[[dense 128]?]?", 1, 2, "an optional layer cannot hold another"),
    ("conv 5x5x6 | [ ]?", 1, 14, "an empty optional layer"),
])
def test_malformed_grid_syntax_is_an_error_at_the_exact_place(text, line, column, message):
    with pytest.raises(SpecSyntaxError) as caught:
        parse_grid(text, "g.cnn")
    error = caught.value
    assert (error.source, error.line, error.column) == ("g.cnn", line, column)
    assert message in error.message
    assert str(error).startswith(f"g.cnn:{line}:{column}: error: ")


def test_a_grid_too_large_to_sweep_is_refused_where_it_grows_past_the_limit():
    ten = "{" + ",".join(map(str, range(1, 11))) + "}"
    text = f"conv 3x3x{ten} | dense {ten} | dense {ten} | dense {ten} | dense {ten} | dense {ten} | dense {ten} | dense {ten}"
    with pytest.raises(SpecSyntaxError, match="grows past 10,000,000 variants") as caught:
        parse_grid(text)
    assert caught.value.column == text.rindex("{") + 1


def _first_error(grid, variant):
    try:
        analyze(parse(variant.text, grid.source))
    except SpecError as error:
        return grid.relocate(variant, error)
    return None


@pytest.mark.parametrize("text, bad_word", [
    ("conv {3,5}x{3,5}x4 {relu,sigmod} | dense 10", "sigmod"),
    ("conv {3,5}x3x4 | [dense {64,128} {relu,tanhh}]? | dense 10", "tanhh"),
    ("conv 3x3x4 | [dense   {64,128}  {sigmoid,sigmod}]? | dense {10,20}", "sigmod"),
])
def test_a_variant_error_points_at_the_alternative_in_the_grid_file(text, bad_word):
    """Mapped back through the expansion, the caret lands on the word in the grid text."""
    grid = parse_grid(text, "g.cnn")
    errors = [e for e in (_first_error(grid, v) for v in grid.variants()) if e is not None]
    assert errors
    for error in errors:
        assert (error.source, error.line) == ("g.cnn", 1)
        assert text[error.column - 1:].startswith(bad_word)
        assert error.message.startswith("variant v")
        assert error.diagnostics[0].line_text == text


def test_a_shape_error_in_a_later_line_keeps_its_line():
    text = "conv {3,29}x{3,29}x4 valid\n[dense 8]?\npool {2,40}\ndense 10"
    grid = parse_grid(text, "g.cnn")
    for variant in grid.variants():
        error = _first_error(grid, variant)
        if error is not None:
            assert error.line in (1, 3)
            assert error.diagnostics[0].line_text == text.split("\n")[error.line - 1]
