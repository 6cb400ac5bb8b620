"""How fast is static analysis compared with building the model in Keras? (issue: analyzer)

Prints, measured in one run on this machine:
- parse+analyze of model3.cnn in-process, over distinct spec texts (no result caching);
- Keras 3 building the same model and counting its parameters, per model;
- whole-process `cnnspec check specs/*.cnn` against a Python process that imports Keras
  and builds the seven report models;
- whole-process `cnnspec check specs/model3.cnn` against `python -c pass`, alternating
  (target: within 3x), as this environment runs them and with Python's bytecode cache on
  (an installed package has its .pyc files; PYTHONDONTWRITEBYTECODE=1 here compiles
  every module of cnnspec in every process from source), in wall and in CPU time;
and the ratios. Run: `.venv/bin/python benchmarks/analyzer.py`.

`--start-up` measures only the start-up pairs. `--against REV` also times parse+analyze of the same texts with the cnnspec of git
revision REV (say, the commit before a refactor), old and new alternating in fresh
processes, and prints the ratio: a slowdown shows in one run, whatever the machine's load;
then the CPU time of `check model3.cnn` with each tree against `python -c pass`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").glob("*.cnn"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def distinct_model3_texts(count: int) -> list[str]:
    """model3.cnn with its channel counts varied, so no two texts are equal."""
    base = (ROOT / "specs" / "model3.cnn").read_text()
    return [base.replace("7x7x16", f"7x7x{16 + i % 97}").replace("5x5x32", f"5x5x{32 + i // 97}") for i in range(count)]


def specs_per_second(texts: list[str]) -> float:
    from cnnspec import analyze, parse

    analyze(parse(texts[0]))  # build the parser once, as every real run does
    start = time.perf_counter()
    for text in texts:
        analyze(parse(text, "model3.cnn"))
    return len(texts) / (time.perf_counter() - start)


def keras_seconds_per_model(repeats: int) -> float:
    import keras

    from cnnspec import load, to_keras

    spec = load(ROOT / "specs" / "model3.cnn")
    to_keras(spec).count_params()
    times = []
    for _ in range(repeats):
        keras.backend.clear_session()
        start = time.perf_counter()
        to_keras(spec).count_params()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def resnet50_seconds(repeats: int) -> tuple[float, float, float]:
    """(first parse+analyze of specs/zoo/resnet50.cnn in this process, then the median of
    `repeats` more, keras.applications.ResNet50(weights=None) build + count_params, median)."""
    import keras

    from cnnspec import analyze, parse

    text = (ROOT / "specs" / "zoo" / "resnet50.cnn").read_text()
    start = time.perf_counter()
    analyze(parse(text, "resnet50.cnn"))
    first = time.perf_counter() - start
    ours = []
    for _ in range(repeats):
        start = time.perf_counter()
        analyze(parse(text, "resnet50.cnn"))
        ours.append(time.perf_counter() - start)
    keras.applications.ResNet50(weights=None).count_params()  # imports and first-call costs, once
    theirs = []
    for _ in range(3):
        keras.backend.clear_session()
        start = time.perf_counter()
        keras.applications.ResNet50(weights=None).count_params()
        theirs.append(time.perf_counter() - start)
    return first, statistics.median(ours), statistics.median(theirs)


KERAS_PROCESS = """
import keras
from cnnspec import load, to_keras
for path in {paths!r}:
    to_keras(load(path)).count_params()
"""


def process_seconds(argv: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


RATE_PROCESS = """
import sys
sys.path.insert(0, {tree!r})
sys.path.insert(0, {bench!r})
import analyzer
print(analyzer.specs_per_second(analyzer.distinct_model3_texts(10_000)))
"""


def against(revision: str, rounds: int = 5) -> None:
    """Median specs/s of this tree and of `revision`'s, alternating, each in a fresh process."""
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory() as old_tree:
        archive = subprocess.run(["git", "archive", revision, "cnnspec", "grammars"], check=True, capture_output=True, cwd=ROOT)
        with tarfile.open(fileobj=__import__("io").BytesIO(archive.stdout)) as tar:
            tar.extractall(old_tree, filter="data")
        rates: dict[str, list[float]] = {revision: [], "this tree": []}
        for _ in range(rounds):
            for label, tree in ((revision, old_tree), ("this tree", str(ROOT))):
                code = RATE_PROCESS.format(tree=tree, bench=str(ROOT / "benchmarks"))
                out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=tree)
                rates[label].append(float(out.stdout))
        old, new = (statistics.median(rates[label]) for label in (revision, "this tree"))
        print(f"parse+analyze at {revision}: {old:10,.0f} specs/s (median of {rounds}, alternating)")
        print(f"parse+analyze, this tree:    {new:10,.0f} specs/s")
        print(f"new / old:                   {new / old:10.2f}x")
        start_up_against(revision, old_tree)


def timed_run(argv: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process."""
    import resource

    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=cwd, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - start, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def start_up_against(revision: str, old_tree: str, repeats: int = 21) -> None:
    """`cnnspec check specs/model3.cnn` of `revision`'s tree and of this one, with .pyc,
    alternating with `python -c pass`: median CPU milliseconds and the ratios."""
    import tempfile

    spec = str(ROOT / "specs" / "model3.cnn")
    runs = {"python -c pass": ([sys.executable, "-c", "pass"], str(ROOT)),
            f"check at {revision}": ([sys.executable, "-m", "cnnspec", "check", spec], old_tree),
            "check, this tree": ([sys.executable, "-m", "cnnspec", "check", spec], str(ROOT))}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cpu: dict[str, list[float]] = {label: [] for label in runs}
        for round_ in range(repeats + 1):
            for label, (argv, tree) in runs.items():
                _, seconds = timed_run(argv, tree, env)  # -m imports the cnnspec of its working folder
                if round_:  # the first round writes the .pyc files
                    cpu[label].append(seconds)
    bare = statistics.median(cpu["python -c pass"])
    for label, times in cpu.items():
        print(f"{label + ' (CPU, .pyc):':32} {statistics.median(times) * 1e3:6.1f} ms: {statistics.median(times) / bare:.2f}x")


def start_up_ratio(repeats: int, bytecode_cache: bool) -> tuple[float, float, float, float]:
    """Median wall seconds of `python -c pass` and of `cnnspec check specs/model3.cnn`,
    alternating, then the same in CPU seconds (steadier than wall time on a shared machine).

    The .pyc files go to a temporary PYTHONPYCACHEPREFIX, never into the tree, so that
    the run without them compiles cnnspec from source as every process here does."""
    import tempfile

    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as cache:
        if bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        check = [sys.executable, "-m", "cnnspec", "check", str(ROOT / "specs" / "model3.cnn")]
        subprocess.run(check, check=True, capture_output=True, cwd=ROOT, env=env)  # writes the .pyc files, if on
        times: dict[str, list[float]] = {"bare": [], "full": [], "bare cpu": [], "full cpu": []}
        for _ in range(repeats):
            for argv, label in (([sys.executable, "-c", "pass"], "bare"), (check, "full")):
                wall, cpu = timed_run(argv, str(ROOT), env)
                times[label].append(wall)
                times[label + " cpu"].append(cpu)
    return tuple(statistics.median(times[label]) for label in ("bare", "full", "bare cpu", "full cpu"))


def print_start_up(repeats: int = 21) -> None:
    for cached in (False, True):
        bare, full, bare_cpu, full_cpu = start_up_ratio(repeats, cached)
        label = "with .pyc" if cached else "as run here"
        print(f"check model3.cnn ({label}): {full * 1e3:6.0f} ms whole process; python -c pass {bare * 1e3:.0f} ms; "
              f"ratio {full / bare:.2f}x   (target <= 3x); CPU {full_cpu * 1e3:.0f} against {bare_cpu * 1e3:.0f} ms: "
              f"{full_cpu / bare_cpu:.2f}x")


def main() -> None:
    if "--start-up" in sys.argv:
        print_start_up()
        return
    if "--resnet50" in sys.argv:
        first, ours, theirs = resnet50_seconds(repeats=20)
        print(f"parse+analyze resnet50.cnn: {ours * 1e3:.1f} ms ({first * 1e3:.1f} ms first); "
              f"keras.applications.ResNet50: {theirs * 1e3:.1f} ms; ratio {theirs / ours:,.0f}x (first {theirs / first:,.0f}x)")
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--against":
        against(sys.argv[2])
        return
    rate = specs_per_second(distinct_model3_texts(10_000))
    keras_s = keras_seconds_per_model(repeats=20)
    print(f"parse+analyze model3.cnn:    {rate:10,.0f} specs/s ({1e6 / rate:.0f} us each, distinct texts)")
    print(f"Keras build + count_params:  {keras_s * 1e3:10.1f} ms per model")
    print(f"ratio (in-process):          {rate * keras_s:10,.0f}x   (target >= 200x, >= 5,000 specs/s)")
    first, ours, theirs = resnet50_seconds(repeats=20)
    print(f"parse+analyze resnet50.cnn:  {ours * 1e3:10.1f} ms ({first * 1e3:.1f} ms the first time in a process)")
    print(f"keras.applications.ResNet50: {theirs * 1e3:10.1f} ms build + count_params (weights=None)")
    print(f"ratio (ResNet50):            {theirs / ours:10,.0f}x   (first time: {theirs / first:,.0f}x; target >= 100x)")

    paths = [str(p) for p in SPECS]
    check_s = process_seconds([sys.executable, "-m", "cnnspec", "check", *paths], repeats=5)
    keras_process_s = process_seconds([sys.executable, "-c", KERAS_PROCESS.format(paths=paths)], repeats=3)
    print(f"cnnspec check specs/*.cnn:   {check_s * 1e3:10.0f} ms whole process")
    print(f"Keras process, same models:  {keras_process_s * 1e3:10.0f} ms whole process")
    print(f"ratio (whole process):       {keras_process_s / check_s:10.1f}x   (target >= 10x)")
    print_start_up()


if __name__ == "__main__":
    main()
