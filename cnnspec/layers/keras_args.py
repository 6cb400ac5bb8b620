"""Stand-ins in a kind's Keras call for what only the backend knows: the run's seed.

`to_keras` turns them into values and `cnnspec emit` into source, so the model built in
memory and the one an emitted script builds are the same by construction.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Seed:
    """Stands for the run's seed: an int in `to_keras`, the constant `SEED` in a script."""


SEED = Seed()


@dataclass(frozen=True)
class Seeded:
    """A fresh `keras.initializers.<initializer>(seed=SEED)` for each use.

    Keras 3 initialisers given an int seed draw the same values on every call, so two
    layers of one shape start equal; that is how the report's code behaved, and kept.
    """

    initializer: str


TRUNCATED_NORMAL = Seeded("TruncatedNormal")
# The report's conventions (its exercise scripts): convolutions and hidden dense layers
# draw kernels and biases from TruncatedNormal seeded with the run's seed; the output
# dense layer keeps Keras's defaults, which the report's code left untouched.
SEEDED_WEIGHTS = (("kernel_initializer", TRUNCATED_NORMAL), ("bias_initializer", TRUNCATED_NORMAL))
