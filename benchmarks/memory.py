"""How close is cnnspec's training-memory estimate to what TensorFlow really uses? (issue 5)

For each report spec and optimizer, a fresh Python process builds the Keras model with
cnnspec, trains it for a few steps on a batch of 100 (the report's batch size) and reads
TensorFlow's own allocator statistics: the peak bytes in use during those steps, counted
from before the model was built (so parameters, gradients, optimizer state, the batch and
every temporary are in it, and nothing from an earlier model is). On CPU the statistics
come from TensorFlow's BFC allocator (`TF_CPU_ALLOCATOR_USE_BFC=true`); on a GPU from the
GPU's allocator, through the same `tf.config.experimental.get_memory_info`.

Prints, per spec and optimizer, the estimate, the measured peak and the relative error,
then the mean and largest absolute error. Run:
`.venv/bin/python benchmarks/memory.py [--optimizer sgd momentum adam] [--steps 3]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").glob("*.cnn"))
BATCH = 100

# Runs in a fresh interpreter: TensorFlow's allocator statistics cover one model only.
MEASURE = r"""
import dataclasses, json, re, sys
import tensorflow as tf
import keras
from cnnspec import analyze, load, to_keras
from cnnspec.analysis.costs import training_memory

path, optimizer_name, batch, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
device = "GPU:0" if tf.config.list_physical_devices("GPU") else "CPU:0"
info = lambda: tf.config.experimental.get_memory_info(device)
spec = load(path)
# Keras uses the model's name as a TensorFlow name scope while training, and scopes
# cannot hold spaces ("Model 3"); the name changes nothing else.
spec = dataclasses.replace(spec, name=re.sub(r"[^A-Za-z0-9_.-]", "_", spec.name))
start = info()["current"]
model = to_keras(spec)
optimizers = {
    "sgd": lambda: keras.optimizers.SGD(0.05),
    "momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.001),
    "adam": lambda: keras.optimizers.Adam(0.001),
}
model.compile(optimizer=optimizers[optimizer_name](), loss="categorical_crossentropy")
x = tf.random.uniform((batch, *spec.input_shape), seed=1)
y = tf.one_hot(tf.random.uniform((batch,), maxval=model.output_shape[-1], dtype=tf.int32, seed=2), model.output_shape[-1])
model.train_on_batch(x, y)  # builds the optimizer's slots and traces the step
tf.config.experimental.reset_memory_stats(device)
for _ in range(steps):
    model.train_on_batch(x, y)
measured = info()["peak"] - start
estimate = training_memory(analyze(spec), batch, optimizer_name).total_bytes
print(json.dumps({"device": device, "measured": measured, "estimate": estimate}))
"""


def measure(path: Path, optimizer: str, steps: int) -> dict:
    env = dict(os.environ, TF_CPU_ALLOCATOR_USE_BFC="true", TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), optimizer, str(BATCH), str(steps)],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    if result.returncode:
        raise SystemExit(f"{path.name} with {optimizer} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--optimizer", nargs="+", default=["sgd", "momentum", "adam"],
                        choices=["sgd", "momentum", "rmsprop", "adam"])
    parser.add_argument("--steps", type=int, default=3, help="training steps measured after one warm-up step")
    args = parser.parse_args(argv)

    print(f"batch {BATCH}; estimate = cnnspec.analysis.costs.training_memory; measured = TensorFlow's allocator peak")
    print(f"{'spec':<12} {'optimizer':<9} {'estimate MB':>12} {'measured MB':>12} {'error':>8}")
    errors = []
    for optimizer in args.optimizer:
        for path in SPECS:
            result = measure(path, optimizer, args.steps)
            error = result["estimate"] / result["measured"] - 1
            errors.append(error)
            print(f"{path.stem:<12} {optimizer:<9} {result['estimate'] / 1e6:12.2f} {result['measured'] / 1e6:12.2f} "
                  f"{error:+8.1%}   ({result['device']})")
    absolute = [abs(e) for e in errors]
    print(f"mean |error| {sum(absolute) / len(absolute):.1%}, largest |error| {max(absolute):.1%}, "
          f"over {len(errors)} runs (estimate / measured - 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
