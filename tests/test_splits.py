"""The report's split: scikit-learn's first KFold(5, shuffle=True, random_state=seed) fold.

Differential: cnnspec reproduces it with NumPy alone, so each law is checked against
scikit-learn itself; and the per-epoch order depends on the seed and the epoch only.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.model_selection import KFold

from cnnspec.training.splits import epoch_order, first_fold, fold_size, split_training_images

REPORT_SEED = 6570518


def sklearn_first_fold(samples, folds, seed):
    return next(KFold(folds, shuffle=True, random_state=seed).split(np.zeros(samples)))


def test_report_split_is_sklearns_first_fold_of_mnist():
    train, validation = sklearn_first_fold(60000, 5, REPORT_SEED)
    split = split_training_images("fold", 60000, REPORT_SEED)
    assert (len(split.train), len(split.validation)) == (48000, 12000)
    np.testing.assert_array_equal(split.train, train)
    np.testing.assert_array_equal(split.validation, validation)


@given(samples=st.integers(2, 400), folds=st.integers(2, 10), seed=st.integers(0, 2**32 - 1))
def test_first_fold_equals_sklearn_for_any_size_and_seed(samples, folds, seed):
    if folds > samples:
        folds = samples
    train, validation = sklearn_first_fold(samples, folds, seed)
    split = first_fold(samples, folds, seed)
    np.testing.assert_array_equal(split.train, train)
    np.testing.assert_array_equal(split.validation, validation)
    assert len(split.validation) == fold_size(samples, folds)


def test_sides_are_disjoint_and_cover_all_images():
    split = split_training_images("fold", 60000, REPORT_SEED)
    both = np.concatenate([split.train, split.validation])
    assert len(np.unique(both)) == 60000 == len(both)


def test_another_seed_holds_out_other_images():
    a = split_training_images("fold", 60000, REPORT_SEED).validation
    b = split_training_images("fold", 60000, REPORT_SEED + 1).validation
    assert not np.array_equal(a, b)


def test_full_split_trains_on_everything_in_order_and_validates_on_nothing():
    split = split_training_images("full", 60000, REPORT_SEED)
    np.testing.assert_array_equal(split.train, np.arange(60000))
    assert len(split.validation) == 0


@pytest.mark.parametrize("kind", ["fold", "full"])
def test_limit_keeps_the_first_training_images_and_all_validation(kind):
    whole = split_training_images(kind, 60000, REPORT_SEED)
    limited = split_training_images(kind, 60000, REPORT_SEED, limit=2500)
    np.testing.assert_array_equal(limited.train, whole.train[:2500])
    np.testing.assert_array_equal(limited.validation, whole.validation)


def test_unknown_split_is_refused():
    with pytest.raises(ValueError, match="split must be one of fold, full; got 'folds'"):
        split_training_images("folds", 100, 1)


def test_epoch_order_is_a_permutation_fixed_by_seed_and_epoch():
    order = epoch_order(1000, REPORT_SEED, 7)
    assert sorted(order.tolist()) == list(range(1000))
    np.testing.assert_array_equal(order, epoch_order(1000, REPORT_SEED, 7))
    assert not np.array_equal(order, epoch_order(1000, REPORT_SEED, 8))
    assert not np.array_equal(order, epoch_order(1000, REPORT_SEED + 1, 7))
