"""Train a sweep's survivors with one recipe and compare them as `cnnspec compare` does.

Which variants: every survivor, or with `top` the K cheapest on the Pareto frontier. Each
variant trains into `out/<id>` (a finished run there is reused, an unfinished one resumed,
so running the same sweep again picks up where it stopped), and `out` gets the comparison
table (table.md, table.csv) and loss plot (loss.png) from `cnnspec.training.compare`'s writers.

Executors: `sequential` trains in this process, one variant after another; `ray` runs one
Ray Tune trial per variant (`cnnspec.training.ray_sweep`, needs `pip install 'cnnspec[ray]'`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from cnnspec.training.compare import write_comparison
from cnnspec.training.runs import has_started
from cnnspec.analysis.sweep import SweepResult, VariantResult
from cnnspec.training.jobs import Log, TrainJob

def chosen(result: SweepResult, top: int | None = None) -> tuple[VariantResult, ...]:
    """The survivors, cheapest first; with `top`, the `top` cheapest on the Pareto frontier."""
    return result.survivors if top is None else result.frontier[:top]


def training_jobs(result: SweepResult, top: int | None = None) -> tuple[TrainJob, ...]:
    """A job per chosen variant; in a grid, each spec's name gets the variant's id, so that
    every run and every row of the comparison names the variant it comes from."""
    jobs = []
    for entry in chosen(result, top):
        spec = entry.analysis.spec
        if result.grid.slots:
            spec = dataclasses.replace(spec, name=f"{spec.name} {entry.variant.id}")
        jobs.append(TrainJob(entry.variant.id, spec))
    return tuple(jobs)


def train_sequentially(jobs: Sequence[TrainJob], config, out: str | Path, *, log: Log = None,
                       progress_bar: bool = False) -> list:
    """Each job trained in this process, in order; `config` is a `TrainConfig`."""
    from cnnspec.training.trainer import TrainConfig, train

    runs = []
    for job in jobs:
        run_dir = job.run_dir(out)
        job_config = TrainConfig(config.recipe, config.run, out=str(run_dir), resume=has_started(run_dir))
        runs.append(train(job.spec, job_config, log=log, progress_bar=progress_bar))
    return runs


def train_sweep(result: SweepResult, config, out: str | Path, *, top: int | None = None,
                ray_address: str | None = None, use_ray: bool = False, log: Log = None,
                progress_bar: bool = False, **ray_options):
    """Train the chosen variants (in process, or on Ray) and write the comparison into `out`.

    Returns the comparison rows, one per trained variant, cheapest first.
    """
    jobs = training_jobs(result, top)
    if use_ray:
        from cnnspec.training.ray_sweep import train_on_ray

        runs = train_on_ray(jobs, config, out, address=ray_address, log=log, **ray_options)
    else:
        runs = train_sequentially(jobs, config, out, log=log, progress_bar=progress_bar)
    return write_comparison(runs, out)
