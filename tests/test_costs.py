"""MACs, FLOPs and memory of the report's networks against formulas written out by hand
from the report's layer lists (not from the analyzer's rows)."""

import math

import pytest

from cnnspec import analyze, load, parse
from cnnspec.analysis.costs import FLOAT32_BYTES, OPTIMIZER_STATE_COPIES, flops, layer_costs, totals, training_memory
from conftest import SPECS

# Per layer with MACs: conv = out_h * out_w * out_c * kh * kw * in_c; dense = in * out.
HAND_MACS = {
    "exercise1b": [28 * 28 * 6 * 5 * 5 * 1, 14 * 14 * 6 * 128, 128 * 10],
    "exercise1d": [24 * 24 * 6 * 5 * 5 * 1, 12 * 12 * 6 * 128, 128 * 10],
    "exercise1e": [14 * 14 * 6 * 5 * 5 * 1, 7 * 7 * 6 * 128, 128 * 10],
    "exercise2b": [14 * 14 * 32 * 4 * 4 * 1, 7 * 7 * 16 * 4 * 4 * 32, 3 * 3 * 9 * 2 * 2 * 16, 9 * 128, 128 * 10],
    "model1": [28 * 28 * 16 * 5 * 5 * 1, 14 * 14 * 32 * 3 * 3 * 16, 7 * 7 * 32 * 128, 128 * 10],
    "model2": [28 * 28 * 16 * 5 * 5 * 1, 14 * 14 * 32 * 3 * 3 * 16, 7 * 7 * 32 * 256, 256 * 128, 128 * 10],
    "model3": [28 * 28 * 16 * 7 * 7 * 1, 14 * 14 * 32 * 5 * 5 * 16, 7 * 7 * 32 * 256, 256 * 128, 128 * 10],
}

# Every layer's output values for one sample, in order (flatten included).
HAND_ACTIVATIONS = {
    "exercise1b": [28 * 28 * 6, 14 * 14 * 6, 1176, 128, 10],
    "exercise1d": [24 * 24 * 6, 12 * 12 * 6, 864, 128, 10],
    "exercise1e": [14 * 14 * 6, 7 * 7 * 6, 294, 128, 10],
    "exercise2b": [14 * 14 * 32, 7 * 7 * 32, 7 * 7 * 16, 3 * 3 * 16, 3 * 3 * 9, 1 * 1 * 9, 9, 128, 10],
    "model1": [28 * 28 * 16, 14 * 14 * 16, 14 * 14 * 32, 7 * 7 * 32, 1568, 128, 10],
    "model2": [28 * 28 * 16, 14 * 14 * 16, 14 * 14 * 32, 7 * 7 * 32, 1568, 256, 128, 10],
    "model3": [28 * 28 * 16, 14 * 14 * 16, 14 * 14 * 32, 7 * 7 * 32, 1568, 256, 128, 10],
}
FLATTEN_INDEX = {"exercise1b": 2, "exercise1d": 2, "exercise1e": 2, "exercise2b": 6, "model1": 4, "model2": 4, "model3": 4}


@pytest.mark.parametrize("stem", sorted(HAND_MACS))
def test_macs_per_layer_and_total_equal_the_hand_formulas(stem):
    analysis = analyze(load(SPECS / f"{stem}.cnn"))
    nonzero = [cost.macs for cost in layer_costs(analysis) if cost.macs]
    assert nonzero == HAND_MACS[stem]
    assert analysis.total_macs == totals(analysis).macs == sum(HAND_MACS[stem])


def test_model3_has_the_macs_the_issue_states():
    assert analyze(load(SPECS / "model3.cnn")).total_macs == 3_558_912


@pytest.mark.parametrize("stem", sorted(HAND_MACS))
def test_flops_are_twice_the_macs_in_every_layer(stem):
    analysis = analyze(load(SPECS / f"{stem}.cnn"))
    assert all(cost.flops == 2 * cost.macs for cost in layer_costs(analysis))
    assert totals(analysis).flops == 2 * sum(HAND_MACS[stem]) == flops(analysis.total_macs)


@pytest.mark.parametrize("stem", sorted(HAND_ACTIVATIONS))
def test_activation_counts_and_bytes_are_float32_outputs(stem):
    analysis = analyze(load(SPECS / f"{stem}.cnn"))
    costs = layer_costs(analysis)
    assert [c.activations for c in costs] == HAND_ACTIVATIONS[stem]
    assert [c.activation_bytes for c in costs] == [4 * n for n in HAND_ACTIVATIONS[stem]]
    assert [c.param_bytes for c in costs] == [4 * row.params for row in analysis.rows]


@pytest.mark.parametrize("stem", sorted(HAND_ACTIVATIONS))
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZER_STATE_COPIES))
def test_training_memory_is_the_sum_of_its_stated_parts(stem, optimizer):
    analysis = analyze(load(SPECS / f"{stem}.cnn"))
    memory = training_memory(analysis, batch=100, optimizer=optimizer)
    params = analysis.total_params * 4
    kept = [n for i, n in enumerate(HAND_ACTIVATIONS[stem]) if i != FLATTEN_INDEX[stem]]  # flatten is a view
    expected = {
        "parameters": params,
        "gradients": params,  # the report's networks have no non-trainable parameters
        "optimizer_state": {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}[optimizer] * params,
        "input_batch": 100 * 28 * 28 * 1 * 4,
        "activations": 100 * sum(kept) * 4,
        "backward_working_set": 100 * 2 * max(HAND_ACTIVATIONS[stem]) * 4,
    }
    assert {key: size for key, _, size in memory.parts} == expected
    assert memory.total_bytes == sum(expected.values())


def test_the_report_optimizer_keeps_no_state_and_momentum_one_copy():
    analysis = analyze(load(SPECS / "model3.cnn"))
    plain, momentum = training_memory(analysis), training_memory(analysis, optimizer="momentum")
    assert plain.optimizer_bytes == 0
    assert momentum.total_bytes - plain.total_bytes == analysis.trainable_params * FLOAT32_BYTES


def test_memory_grows_linearly_with_the_batch_except_the_parameters():
    analysis = analyze(load(SPECS / "exercise2b.cnn"))
    one, hundred = training_memory(analysis, batch=1), training_memory(analysis, batch=100)
    fixed = one.parameter_bytes + one.gradient_bytes + one.optimizer_bytes
    assert hundred.total_bytes - fixed == 100 * (one.total_bytes - fixed)


def test_batchnorm_moving_statistics_have_no_gradient():
    analysis = analyze(parse("conv 3x3x4 | batchnorm | dense 10"))
    memory = training_memory(analysis)
    assert memory.parameter_bytes - memory.gradient_bytes == 2 * 4 * FLOAT32_BYTES


@pytest.mark.parametrize("bad", [{"batch": 0}, {"optimizer": "lbfgs"}])
def test_training_memory_rejects_what_it_cannot_size(bad):
    with pytest.raises(ValueError):
        training_memory(analyze(parse("dense 10")), **bad)


def test_vector_inputs_are_sized_too():
    memory = training_memory(analyze(parse("input 784 | dense 10")), batch=10)
    assert memory.input_bytes == 10 * 784 * 4 and memory.activation_bytes == 10 * 10 * 4
    assert math.isclose(memory.backward_bytes, 10 * 2 * 10 * 4)


def test_gradients_flow_back_only_to_the_first_layer_with_parameters():
    # pool and flatten before the only dense layer: no gradient is computed for their outputs
    memory = training_memory(analyze(parse("pool 2 | dense 10")), batch=10)
    assert memory.backward_bytes == 10 * 2 * 10 * 4
