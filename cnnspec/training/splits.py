"""Which MNIST training images train and which validate: the report's single fold, or all.

The report split the 60,000 training images with scikit-learn's
`KFold(5, shuffle=True, random_state=seed)` and stopped after the first fold, holding it
out for validation (48,000 / 12,000). That split is reproduced here with NumPy alone,
so training does not need scikit-learn; the tests compare it with scikit-learn itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnspec.training.recipe import SPLITS
REPORT_FOLDS = 5


@dataclass(frozen=True, eq=False)  # eq=False: `==` on arrays is elementwise, not a bool
class Split:
    """Indices into the training images; `validation` is empty for the full split."""

    train: np.ndarray
    validation: np.ndarray


def first_fold(samples: int, folds: int, seed: int) -> Split:
    """`next(KFold(folds, shuffle=True, random_state=seed).split(range(samples)))`.

    KFold shuffles `arange(samples)` with `RandomState(seed)`, makes the first
    `samples % folds` folds one longer, and returns each side's indices in ascending
    order (it selects them with a mask).

    >>> split = first_fold(10, 5, seed=0)
    >>> split.validation, split.train
    (array([2, 8]), array([0, 1, 3, 4, 5, 6, 7, 9]))
    """
    if not 2 <= folds <= samples:
        raise ValueError(f"need 2 <= folds <= samples; got folds={folds}, samples={samples}")
    order = np.random.RandomState(seed).permutation(samples)
    held_out = np.zeros(samples, dtype=bool)
    held_out[order[:fold_size(samples, folds)]] = True
    everything = np.arange(samples)
    return Split(train=everything[~held_out], validation=everything[held_out])


def fold_size(samples: int, folds: int) -> int:
    """Size of KFold's first fold: the remainder is spread over the first folds.

    >>> fold_size(60000, 5), fold_size(11, 5)
    (12000, 3)
    """
    return samples // folds + (1 if samples % folds else 0)


def split_training_images(kind: str, samples: int, seed: int, limit: int | None = None) -> Split:
    """The report's split of MNIST's training images; `limit` keeps the first N training ones.

    >>> split = split_training_images("fold", 60000, seed=6570518, limit=1000)
    >>> len(split.train), len(split.validation)
    (1000, 12000)
    >>> len(split_training_images("full", 60000, seed=6570518).validation)
    0
    """
    if kind == "fold":
        split = first_fold(samples, REPORT_FOLDS, seed)
    elif kind == "full":
        split = Split(train=np.arange(samples), validation=np.arange(0))
    else:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}; got {kind!r}")
    return Split(train=split.train[:limit], validation=split.validation)


def epoch_order(samples: int, seed: int, epoch: int) -> np.ndarray:
    """The order in which epoch `epoch` (0-based) visits the training samples.

    It depends on the seed and the epoch number only, not on the epochs run before, so a
    resumed run sees the same batches as one that was never interrupted.

    >>> order = epoch_order(5, seed=1, epoch=3)
    >>> order.tolist() == epoch_order(5, seed=1, epoch=3).tolist(), sorted(order.tolist())
    (True, [0, 1, 2, 3, 4])
    """
    return np.random.default_rng([seed, epoch]).permutation(samples)
