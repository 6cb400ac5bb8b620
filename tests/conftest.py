import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"

# CI runs the "ci" profile; `HYPOTHESIS_PROFILE=thorough` is the long run README documents.
settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The fuzz suite's long run (issue: robustness): >= 100,000 inputs per property.
settings.register_profile("fuzz", max_examples=100_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Tests that train on real MNIST read it as users do, through $CNNSPEC_MNIST; else skipped.
REAL_MNIST = os.environ.get("CNNSPEC_MNIST")
needs_mnist = pytest.mark.skipif(
    not REAL_MNIST, reason="real MNIST not available: set CNNSPEC_MNIST to a Keras-layout mnist.npz")
# Keras 3.15 saving TensorFlow variables under NumPy 2.4; harmless, and not cnnspec's.
KERAS_SAVE_WARNING = ("ignore:__array__ implementation doesn't accept a copy keyword"
                      ":DeprecationWarning")
