"""How fast does cnnspec train Model 3 compared with the same model written by hand in Keras?
(issue: training; target >= 1.0x, aim 1.3x)

Runs, alternating, in child processes of this one (so each starts from a fresh TensorFlow):
- `cnnspec`: `cnnspec.training.trainer.train(model3.cnn)` exactly as `cnnspec train` runs it, with
  its per-epoch checkpoint, metrics and TensorBoard writes counted in each epoch's time;
- `keras-f32`: the report's model built by hand, `x_train.astype("float32") / 255` and
  one-hot labels as NumPy arrays into `model.fit(batch_size=100)`, Keras defaults otherwise;
- `keras-f64`: the same with `x_train / 255` (float64), as the report's own script wrote it.
All train on the same first N images (the full split, so no validation pass) with SGD at
0.05. The first epoch of each run traces the model and is not counted; the figure is
samples per second over the later epochs, and the ratio is cnnspec's over each baseline's
(medians over the alternations; the best runs too, since other work on the machine only
ever slows a run down). Each is given per wall-clock second and per CPU-second used by the
run's own process, which other work on a shared machine disturbs much less.

Run: `.venv/bin/python benchmarks/train_throughput.py [--limit 6000 --epochs 3 --rounds 3]`
with MNIST from `--data PATH`, `$CNNSPEC_MNIST` or the cache (`cnnspec data`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "model3.cnn"
VARIANTS = ("cnnspec", "keras-f32", "keras-f64")
BATCH_SIZE, LR, SEED = 100, 0.05, 6570518


# --- children: one run each, printing the seconds of each epoch as JSON ------------------


def cnnspec_epoch_seconds(limit: int, epochs: int, data: str | None) -> list[tuple[float, float]]:
    """(wall, CPU) seconds between the ends of consecutive epochs, as the trainer logs them."""
    sys.path.insert(0, str(ROOT))
    from cnnspec import load
    from cnnspec.training.trainer import TrainConfig, train

    stamps: list[tuple[float, float]] = []

    def log(message: str) -> None:
        # Training starts right after the "params; training on" line; each epoch ends with one.
        if message.startswith("epoch ") or "params; training on" in message:
            stamps.append(clock())

    with tempfile.TemporaryDirectory() as out:
        train(load(SPEC), TrainConfig(epochs=epochs, limit=limit, split="full", data=data,
                                      out=str(Path(out) / "run")), log=log)
    return intervals(stamps)


def keras_epoch_seconds(limit: int, epochs: int, data: str | None,
                        dtype: str) -> list[tuple[float, float]]:
    sys.path.insert(0, str(ROOT))
    import keras

    from cnnspec.training.data import load_mnist

    mnist = load_mnist(data)
    x = mnist.x_train[:limit].reshape(-1, 28, 28, 1)
    x = x.astype("float32") / 255 if dtype == "float32" else x / 255
    y = keras.utils.to_categorical(mnist.y_train[:limit], 10)
    keras.utils.set_random_seed(SEED)

    def seeded():
        return {"kernel_initializer": keras.initializers.TruncatedNormal(seed=SEED),
                "bias_initializer": keras.initializers.TruncatedNormal(seed=SEED)}

    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, (7, 7), padding="same", activation="relu", **seeded()),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(32, (5, 5), padding="same", activation="relu", **seeded()),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="sigmoid", **seeded()),
        keras.layers.Dense(128, activation="sigmoid", **seeded()),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(LR),
                  metrics=["accuracy"])

    class EpochTimes(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.stamps = [clock()]

        def on_epoch_end(self, epoch, logs=None):
            self.stamps.append(clock())

    times = EpochTimes()
    model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs, verbose=0, callbacks=[times])
    return intervals(times.stamps)


def clock() -> tuple[float, float]:
    """Wall time, and the CPU time of all this process's threads: on a shared machine other
    work stretches the first, while the second still counts what this run itself used."""
    return time.perf_counter(), time.process_time()


def intervals(stamps: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(b[0] - a[0], b[1] - a[1]) for a, b in zip(stamps, stamps[1:])]


def child(variant: str, limit: int, epochs: int, data: str | None) -> None:
    if variant == "cnnspec":
        seconds = cnnspec_epoch_seconds(limit, epochs, data)
    else:
        seconds = keras_epoch_seconds(limit, epochs, data, "float32" if variant == "keras-f32" else "float64")
    print(json.dumps({"variant": variant, "epoch_seconds": seconds}))


# --- parent: alternate children, report -------------------------------------------------


def run_child(variant: str, args) -> list[list[float]]:
    command = [sys.executable, __file__, "--child", variant, "--limit", str(args.limit),
               "--epochs", str(args.epochs)] + (["--data", args.data] if args.data else [])
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode:
        sys.exit(f"{variant} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["epoch_seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=6000, help="training images per epoch")
    parser.add_argument("--epochs", type=int, default=3, help="per run; the first is not counted")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of all variants")
    parser.add_argument("--data", help="MNIST .npz (default: $CNNSPEC_MNIST or the cache)")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.limit, args.epochs, args.data)
        return
    if args.epochs < 2:
        parser.error("--epochs must be >= 2: the first epoch traces the model and is not counted")

    print(f"Model 3 ({SPEC.name}), {args.limit:,} images x {args.epochs} epochs per run "
          f"(first not counted), batch {BATCH_SIZE}, {args.rounds} rounds; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    rates: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    cpu_rates: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    for round_ in range(1, args.rounds + 1):
        for variant in VARIANTS:
            steady = run_child(variant, args)[1:]
            wall = sum(epoch[0] for epoch in steady)
            cpu = sum(epoch[1] for epoch in steady)
            rates[variant].append(args.limit * len(steady) / wall)
            cpu_rates[variant].append(args.limit * len(steady) / cpu)
            print(f"  round {round_}  {variant:9s}  {rates[variant][-1]:8,.0f} samples/s   "
                  f"{cpu_rates[variant][-1]:8,.0f} samples per CPU-second   epochs: "
                  + ", ".join(f"{w:.2f} s ({c:.2f} CPU-s)" for w, c in steady), flush=True)

    print(f"load average {os.getloadavg()[0]:.2f} at end")
    for name, table in (("samples/s (wall)", rates), ("samples per CPU-second", cpu_rates)):
        median = {variant: statistics.median(values) for variant, values in table.items()}
        best = {variant: max(values) for variant, values in table.items()}
        print(f"{name}:")
        for variant in VARIANTS:
            print(f"  {variant:9s}  median {median[variant]:8,.0f}   best {best[variant]:8,.0f}")
        for baseline in VARIANTS[1:]:
            print(f"  ratio cnnspec / {baseline}:  median {median['cnnspec'] / median[baseline]:.2f}x"
                  f"   best {best['cnnspec'] / best[baseline]:.2f}x   (target >= 1.0, aim 1.3)")


if __name__ == "__main__":
    main()
