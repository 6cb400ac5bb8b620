"""One training at a time, in a thread, with stop and resume; epochs go out as events.

It runs `cnnspec.training.trainer.train` itself, so a run started from the page is the run
`cnnspec train` makes (same directory layout, same checkpoints). Stopping goes through the
trainer's `stop` hook: a Keras callback asks it after every step and, told to, raises the
`KeyboardInterrupt` Ctrl-C would, which the trainer turns into a resumable run (the finished
epochs kept). Framework-free: the web layer only reads `events`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


class Busy(Exception):
    """A training is already running on this server."""


@dataclass
class Job:
    spec_text: str
    source: str
    run_dir: Path
    epochs: int
    limit: int | None
    state: str = "starting"  # starting | running | stopping | stopped | finished | failed
    events: list[dict] = field(default_factory=list)


class Trainings:
    """At most one training job; every event it emitted, numbered, for any number of readers."""

    def __init__(self, folder: Path, train=None):
        self.folder = folder
        self._train = train  # injectable for tests; default: cnnspec.training.trainer.train
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self.job: Job | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        # The job's state, not its thread: the thread sets the final state and emits its last
        # event in one step under the lock, then only returns, so a page that saw 'stopped'
        # may resume at once (asking the thread raced it, and refused as busy).
        with self._lock:
            return self.job is not None and self.job.state in ("starting", "running", "stopping")

    def start(self, spec, epochs: int, limit: int | None) -> Job:
        from cnnspec.training.trainer import default_run_dir

        run_dir = self.folder / default_run_dir(spec.name)
        return self._launch(Job(spec.text, spec.source, run_dir, epochs, limit), resume=False)

    def resume(self, epochs: int | None = None) -> Job:
        with self._lock:
            last = self.job
        if last is None or last.state not in ("stopped", "finished", "failed"):
            raise LookupError("there is no stopped run to resume on this server")
        job = Job(last.spec_text, last.source, last.run_dir, epochs or last.epochs, last.limit)
        return self._launch(job, resume=True)

    def stop(self) -> bool:
        with self._lock:
            if not self.running or self.job is None:
                return False
            self.job.state = "stopping"
        self._stop.set()
        self._emit({"type": "state", "state": "stopping"})
        return True

    def _launch(self, job: Job, resume: bool) -> Job:
        with self._lock:
            if self.running:
                raise Busy("a training is already running on this server; stop it or wait for it to finish")
            self._stop.clear()
            self.job = job
            self._thread = threading.Thread(target=self._run, args=(job, resume), daemon=True,
                                            name="cnnspec-training")
            self._thread.start()
        return job

    def shown(self, path: Path) -> str:
        """A path as the page shows it: relative to the served folder, never absolute."""
        try:
            return path.resolve().relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            return path.name

    def _emit(self, event: dict, job: Job | None = None) -> None:
        with self._lock:
            job = job or self.job
            if job is None:
                return
            job.events.append({"id": len(job.events), "time": time.time(), **event})
            self._lock.notify_all()

    def _finish(self, job: Job, state: str, **event) -> None:
        """The job's final state and its last event, at once: a reader never sees one alone."""
        with self._lock:
            job.state = state
            self._emit({"type": "state", "state": state, **event}, job)

    def wait_events(self, job: Job, after: int, timeout: float) -> list[dict]:
        """Events of `job` numbered above `after`, waiting up to `timeout` s for one."""
        with self._lock:
            self._lock.wait_for(lambda: len(job.events) > after + 1, timeout)
            return job.events[after + 1:]

    def _run(self, job: Job, resume: bool) -> None:
        from cnnspec.errors import SpecError
        from cnnspec.language.loading import parse
        from cnnspec.training.runs import read_metrics, RunPaths
        from cnnspec.training.trainer import TrainConfig, resume_config, train

        def log(line: str) -> None:
            self._emit({"type": "log", "line": line})
            if line.startswith("epoch "):
                metrics = read_metrics(RunPaths(job.run_dir).metrics)
                if metrics:
                    last = metrics[-1]
                    self._emit({"type": "epoch", "epoch": last.epoch, "epochs": job.epochs, "loss": last.loss,
                                "accuracy": last.accuracy, "val_loss": last.val_loss,
                                "val_accuracy": last.val_accuracy, "seconds": last.seconds})

        with self._lock:  # a stop asked meanwhile stays asked
            job.state = "running" if job.state == "starting" else job.state
            self._emit({"type": "state", "state": "running", "run_dir": self.shown(job.run_dir), "resume": resume}, job)
        try:
            spec = parse(job.spec_text, job.source)
            if resume:
                config = resume_config(job.run_dir, epochs=job.epochs)
            else:
                config = TrainConfig(epochs=job.epochs, limit=job.limit, out=str(job.run_dir))
            if self._stop.is_set():  # asked before the training thread got this far
                raise KeyboardInterrupt
            result = (self._train or train)(spec, config, log=log, stop=self._stop.is_set)
            self._finish(job, "finished", run_dir=self.shown(job.run_dir),
                         test_accuracy=result.results.get("test_accuracy"))
        except KeyboardInterrupt:
            self._finish(job, "stopped", run_dir=self.shown(job.run_dir), resumable=job.run_dir.is_dir())
        except SpecError as error:
            self._finish(job, "failed", message=str(error))
        except Exception as error:  # the server outlives any failure of one training
            self._finish(job, "failed", message=f"{type(error).__name__}: {error}")
