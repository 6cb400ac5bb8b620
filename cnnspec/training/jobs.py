"""What a sweep hands an executor (in process or on Ray): one job per variant to train."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cnnspec.layers.spec import Spec

Log = Callable[[str], None] | None


@dataclass(frozen=True)
class TrainJob:
    """One variant to train: its id (the name of its run directory) and its spec."""

    id: str
    spec: Spec

    def run_dir(self, out: str | Path) -> Path:
        return Path(out) / self.id
