"""Sweep variants as Ray Tune trials: one trial per variant, each reporting every epoch.

Ray is optional (`pip install 'cnnspec[ray]'`) and imported only here, inside functions.
With no address, a local Ray instance is started for the sweep and stopped after it; with
one (`ray://host:10001`, `host:6379` or `auto`), the trials run on that cluster, whose
nodes need cnnspec installed, MNIST reachable (`--data` or $CNNSPEC_MNIST) and `out` on a
filesystem they share with this machine: each trial writes its run into `out/<id>` as
`cnnspec train` would, and the comparison is read back from there.

Each trial reports one Tune result per finished epoch (epoch, loss, accuracy, val_loss,
val_accuracy, seconds), read from the run's metrics.csv, which the trainer commits at the
end of every epoch before it logs the next line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cnnspec.errors import RunError, CnnspecError
from cnnspec.training.runs import has_started
from cnnspec.training.jobs import Log, TrainJob

RAY_MISSING = "the Ray executor needs Ray: pip install 'cnnspec[ray]' (or pip install 'ray[tune]')"


def import_ray():
    """`ray` and `ray.tune`, or a RunError saying how to install them."""
    try:
        import ray
        from ray import tune
    except ImportError:
        raise RunError(RAY_MISSING) from None
    return ray, tune


def _report_function(tune):
    """Tune's per-result report: `ray.tune.report` since Ray 2.41, `ray.train.report` before."""
    if hasattr(tune, "report"):
        return tune.report
    from ray import train

    return train.report


def _run_config_class(tune):
    if hasattr(tune, "RunConfig"):
        return tune.RunConfig
    from ray.train import RunConfig

    return RunConfig


class EpochReporter:
    """Reports each epoch of a run to Tune once, as soon as metrics.csv holds it."""

    def __init__(self, metrics_path: Path, report):
        self.metrics_path = metrics_path
        self.report = report
        self.reported = 0

    def __call__(self, message: str = "") -> None:
        from cnnspec.training.runs import read_metrics

        if not self.metrics_path.is_file():
            return
        rows = read_metrics(self.metrics_path)
        for row in rows[self.reported:]:
            self.report(dataclasses.asdict(row))
        self.reported = max(self.reported, len(rows))


def run_trial(params: dict, jobs: dict[str, TrainJob], config, out: str) -> None:
    """One Tune trial: train the variant `params["variant"]` into `out/<id>`, reporting epochs."""
    from ray import tune

    from cnnspec.training.runs import RunPaths
    from cnnspec.training.trainer import TrainConfig, train

    job = jobs[params["variant"]]
    run_dir = job.run_dir(out)
    reporter = EpochReporter(RunPaths(run_dir).metrics, _report_function(tune))

    def log(message: str) -> None:
        # stderr: Ray forwards it to the driver's stderr, which holds the progress of a sweep.
        print(f"{job.id}: {message}", file=sys.stderr, flush=True)
        reporter()

    job_config = TrainConfig(config.recipe, config.run, out=str(run_dir), resume=has_started(run_dir))
    train(job.spec, job_config, log=log)
    reporter()  # the last epoch, if no line was logged after it


def train_on_ray(jobs: Sequence[TrainJob], config, out: str | Path, *, address: str | None = None,
                 num_cpus: int | None = None, trial_cpus: float = 1, trial_gpus: float = 0,
                 log: Log = None) -> list:
    """Train each job as one Ray Tune trial and return the finished runs, in the jobs' order.

    `num_cpus` sizes a local Ray instance (ignored with an `address`); `trial_cpus` and
    `trial_gpus` are the resources Tune reserves for each trial.
    """
    ray, tune = import_ray()
    from cnnspec.training.runs import load_run

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started_here = not ray.is_initialized()
    if started_here:
        _start_ray(ray, address, num_cpus, log)
    try:
        trainable = tune.with_resources(
            tune.with_parameters(run_trial, jobs={job.id: job for job in jobs}, config=config, out=str(out)),
            {"cpu": trial_cpus, "gpu": trial_gpus},
        )
        tuner = tune.Tuner(
            trainable,
            param_space={"variant": tune.grid_search([job.id for job in jobs])},
            run_config=_run_config_class(tune)(name="ray-tune", storage_path=str(out), verbose=0),
        )
        # Tune prints its own progress to stdout; the sweep keeps stdout for its tables.
        with contextlib.redirect_stdout(sys.stderr):
            results = tuner.fit()
        failures = [result.error for result in results if result.error is not None]
    finally:
        if started_here:
            ray.shutdown()
    if failures:
        raise _trial_error(failures[0], len(failures), len(jobs))
    return [_finished_run(load_run, job, out) for job in jobs]


def _start_ray(ray, address: str | None, num_cpus: int | None, log: Log) -> None:
    if address:
        if log:
            log(f"connecting to the Ray cluster at {address}")
        ray.init(address=address, include_dashboard=False, configure_logging=False)
        return
    # Local workers import the very cnnspec this process runs (a source checkout included).
    package_parent = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
    if log:
        log(f"starting a local Ray instance ({num_cpus or os.cpu_count()} CPUs)")
    ray.init(num_cpus=num_cpus, include_dashboard=False, configure_logging=False,
             runtime_env={"env_vars": {"PYTHONPATH": path}})


def _finished_run(load_run, job: TrainJob, out: Path):
    try:
        return load_run(job.run_dir(out))
    except CnnspecError:
        raise RunError((
            f"trial {job.id} finished, but its run is not in {job.run_dir(out)}: on a cluster, "
            "--out must be on a filesystem that every node shares with this machine"),
            str(out)) from None


def _trial_error(error: BaseException, failed: int, total: int) -> CnnspecError:
    """The first failed trial's own error (a CnnspecError raised in the trial, when it was one)."""
    cause = error
    while cause is not None and not isinstance(cause, CnnspecError):
        cause = getattr(cause, "cause", None) or cause.__cause__
    if isinstance(cause, CnnspecError):
        if failed == 1:
            return cause
        return cause.headed(f"{failed} of {total} Ray trials failed; the first error follows")
    last_line = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    return RunError(f"{failed} of {total} Ray trials failed; the first: {last_line}")
