"""How fast is a static sweep of 10,000 variants, and how does it compare with Keras? (issue: sweeps)

Prints, measured in one run on this machine:
- grid expansion alone, in-process (variants/s);
- expansion + parse + analyze + budget + Pareto frontier, in-process (variants/s);
- whole-process `cnnspec sweep GRID --format json` on the 10,000-variant grid below
  (target: under 3 s);
- Keras 3 building a sample of the same variants and counting their parameters, per
  variant, and the ratio of the two rates.
Run: `.venv/bin/python benchmarks/sweep.py` (from a source checkout that is not installed:
`PYTHONPATH=. python benchmarks/sweep.py`).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# 5 x 5 x 4 x 2 x 5 x 5 x 2 = 10,000 variants; 'valid' padding makes some kernels not fit
# after pooling, so the invalid path (errors mapped back to the grid) is measured too.
GRID = """\
conv {3,5,7,9,11}x{3,5,7,9,11}x{8,16,32,64} {same,valid} | pool 2
conv {3x3,5x5,7x7,9x9,11x11}x{32,64,128,256,512} valid | pool 2
[dense 256 sigmoid]?
dense 10
"""
KERAS_SAMPLE = 20


def expansion_rate(grid) -> float:
    start = time.perf_counter()
    count = sum(1 for _ in grid.variants())
    return count / (time.perf_counter() - start)


def sweep_rate(grid):
    from cnnspec.sweep import sweep

    start = time.perf_counter()
    result = sweep(grid)
    return result, result.total / (time.perf_counter() - start)


def whole_process_seconds(path: Path, repeats: int) -> tuple[float, float]:
    """Median wall-clock and CPU (user + system) seconds of `cnnspec sweep` in a fresh process.

    The CPU time is reported too because this machine's 2 cores are shared: when others
    load it, wall-clock time grows while the CPU time a sweep needs does not.
    """
    argv = [sys.executable, "-m", "cnnspec", "sweep", str(path), "--format", "json"]
    walls, cpus = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def keras_seconds_per_variant(result, sample: int) -> float:
    """Median time for Keras to build one valid variant and count its parameters."""
    import keras

    from cnnspec import to_keras

    valid = [r for r in result.results if r.valid]
    picked = valid[:: max(1, len(valid) // sample)][:sample]
    to_keras(picked[0].analysis.spec).count_params()  # import and first-build costs, once
    times = []
    for entry in picked:
        keras.backend.clear_session()
        start = time.perf_counter()
        params = to_keras(entry.analysis.spec).count_params()
        times.append(time.perf_counter() - start)
        assert params == entry.params, (entry.variant.id, params, entry.params)
    return statistics.median(times)


def main() -> None:
    from cnnspec.grid import parse_grid

    grid = parse_grid(GRID, "grid.cnn")
    sweep_rate(parse_grid("conv {3,5}x3x4 | dense 10"))  # build the parser once, as every run does
    expand = expansion_rate(grid)
    result, rate = sweep_rate(grid)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "grid.cnn"
        path.write_text(GRID)
        process_s, process_cpu_s = whole_process_seconds(path, repeats=3)
    keras_s = keras_seconds_per_variant(result, KERAS_SAMPLE)
    print(f"grid: {result.total:,} variants ({len(result.invalid):,} invalid, {len(result.survivors):,} valid)")
    print(f"expansion alone:               {expand:12,.0f} variants/s")
    print(f"expand+parse+analyze+frontier: {rate:12,.0f} variants/s ({1e6 / rate:.0f} us each)")
    print(f"cnnspec sweep, whole process:  {process_s:12.2f} s wall, {process_cpu_s:.2f} s CPU, for {result.total:,} variants   (target < 3 s)")
    print(f"Keras build + count_params:    {keras_s * 1e3:12.1f} ms per variant (median of {KERAS_SAMPLE} sampled)")
    print(f"Keras for the whole grid:      {keras_s * result.total:12.0f} s (estimated from the sample)")
    print(f"ratio (in-process):            {rate * keras_s:12,.0f}x")
    print(f"ratio (whole process):         {keras_s * result.total / process_s:12,.0f}x")


if __name__ == "__main__":
    main()
