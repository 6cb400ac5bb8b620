"""How fast and how lean is `cnnspec sweep`, against the sweep before streaming and against Keras?

Prints, measured in one run on this machine:
- whole-process `cnnspec sweep GRID --format json` on the issue's 50,000-variant grid
  (target: under 1 s), and the pre-streaming sweep (tests/sweep_reference.py, pinned) on
  the same grid in the same run, with both outputs checked byte for byte;
- the same on a 1,000,000-variant grid (target: under 10 s and 300 MB peak memory); the
  old sweep there only with `--old-1m` (about 6 minutes and 7 GB);
- the in-process rate of each, and Keras 3 building a sample of the variants.
Wall-clock and CPU (user + system) seconds are both shown: on this 2-core machine shared
with others, wall-clock time grows with the load while the CPU time a sweep needs does not.
Run: `.venv/bin/python benchmarks/sweep.py [--old-1m] [--no-keras]`.
"""

from __future__ import annotations

import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # sweep_reference: the pre-streaming sweep, pinned
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# 5*5*4 * 5*5*5 * 4 = 50,000 variants, all valid (the grid).
GRID_50K = """\
conv {3,5,7,9,11}x{3,5,7,9,11}x{8,16,32,64} s1 same | pool 2
conv {3,5,7,9,11}x{3,5,7,9,11}x{8,16,32,64,128} s1 same | pool 2
dense {64,128,256,512} sigmoid
dense 10 softmax
"""
# 50,000 * 2 strides * 5 activations * 2 (dropout or not) = 1,000,000 variants.
GRID_1M = """\
conv {3,5,7,9,11}x{3,5,7,9,11}x{8,16,32,64} s{1,2} same | pool 2
conv {3,5,7,9,11}x{3,5,7,9,11}x{8,16,32,64,128} s1 same | pool 2
dense {64,128,256,512} {sigmoid,relu,tanh,elu,gelu}
[dropout 0.5]?
dense 10 softmax
"""
# 'valid' padding makes some kernels not fit after pooling: invalid variants take the text
# path with their located errors (10,000 variants, the earlier benchmark's grid).
GRID_MIXED = """\
conv {3,5,7,9,11}x{3,5,7,9,11}x{8,16,32,64} {same,valid} | pool 2
conv {3x3,5x5,7x7,9x9,11x11}x{32,64,128,256,512} valid | pool 2
[dense 256 sigmoid]?
dense 10
"""
NEW = "from cnnspec.cli import main; code = main(['sweep', PATH, '--format', 'json'])"
OLD = ("import sweep_reference as old; from cnnspec.language.grid import load_grid; "
       "result = old.sweep(load_grid(PATH)); sys.stdout.write(old.SWEEP_FORMATS['json'](result)); code = 0")
# Peak memory from /proc (VmHWM, kB): ru_maxrss would include what the forking parent held.
PROCESS = """\
import re, sys
sys.path.insert(0, {tests!r})
PATH = {path!r}
{body}
sys.stdout.flush()
print(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read()).group(1), file=sys.stderr)
"""
KERAS_SAMPLE = 20


def whole_process(path: Path, body: str, repeats: int) -> tuple[float, float, float, str]:
    """Median wall-clock and CPU seconds, peak memory (MB) and the output's digest of one sweep process."""
    code = PROCESS.format(tests=str(ROOT / "tests"), path=str(path), body=body)
    walls, cpus, peaks, digests = [], [], [], set()
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        peaks.append(int(done.stderr.split()[-1]) / 1024)
        digests.add(hashlib.sha256(done.stdout).hexdigest())
    assert len(digests) == 1
    return statistics.median(walls), statistics.median(cpus), max(peaks), digests.pop()


def in_process_rate(text: str, old: bool) -> tuple[float, object]:
    """Variants per second of the sweep and its JSON report, in this process."""
    from cnnspec.language.grid import parse_grid

    grid = parse_grid(text, "grid.cnn")
    start = time.perf_counter()
    if old:
        import sweep_reference

        result = sweep_reference.sweep(grid)
        sweep_reference.SWEEP_FORMATS["json"](result)
    else:
        from cnnspec.render.sweep_stream import write_json
        from cnnspec.analysis.sweep_stream import StreamedSweep

        result = StreamedSweep(grid)
        write_json(result, lambda text: None)
    return grid.size / (time.perf_counter() - start), result


def compare(name: str, text: str, folder: Path, run_old: bool, repeats: int) -> None:
    path = folder / f"{name}.cnn"
    path.write_text(text)
    wall, cpu, peak, digest = whole_process(path, NEW, repeats)
    print(f"{name}: cnnspec sweep --format json, whole process: {wall:6.2f} s wall, {cpu:6.2f} s CPU, {peak:6.0f} MB peak")
    if run_old:
        old_wall, old_cpu, old_peak, old_digest = whole_process(path, OLD, 1)
        same = "identical" if old_digest == digest else "DIFFERENT"
        print(f"{name}: pre-streaming sweep,      whole process: {old_wall:6.2f} s wall, {old_cpu:6.2f} s CPU, "
              f"{old_peak:6.0f} MB peak; JSON {same}; {old_cpu / cpu:.1f}x CPU, {old_wall / wall:.1f}x wall")


def keras_seconds_per_variant(grid, sample: int) -> float:
    """Median time for Keras to build one variant and count its parameters."""
    import keras

    from cnnspec import analyze, parse, to_keras

    picked = [grid.variant(i) for i in range(0, grid.size, grid.size // sample)][:sample]
    to_keras(parse(picked[0].text)).count_params()  # import and first-build costs, once
    times = []
    for variant in picked:
        spec = parse(variant.text)
        keras.backend.clear_session()
        start = time.perf_counter()
        params = to_keras(spec).count_params()
        times.append(time.perf_counter() - start)
        assert params == analyze(spec).total_params, variant.id
    return statistics.median(times)


def main() -> None:
    from cnnspec.language.grid import parse_grid

    with tempfile.TemporaryDirectory() as folder:
        compare("50k", GRID_50K, Path(folder), run_old=True, repeats=3)
        compare("mixed-10k", GRID_MIXED, Path(folder), run_old=True, repeats=3)
        compare("1M", GRID_1M, Path(folder), run_old="--old-1m" in sys.argv, repeats=1)
    rate, result = in_process_rate(GRID_50K, old=False)
    old_rate, _ = in_process_rate(GRID_50K, old=True)
    print(f"50k in process, sweep + JSON: {rate:10,.0f} variants/s; pre-streaming {old_rate:,.0f}/s ({rate / old_rate:.1f}x)")
    if "--no-keras" in sys.argv:
        return
    keras_s = keras_seconds_per_variant(parse_grid(GRID_50K, "grid.cnn"), KERAS_SAMPLE)
    print(f"Keras build + count_params:   {keras_s * 1e3:10.1f} ms per variant (median of {KERAS_SAMPLE} sampled)")
    print(f"ratio (in-process):           {rate * keras_s:10,.0f}x")


if __name__ == "__main__":
    main()
