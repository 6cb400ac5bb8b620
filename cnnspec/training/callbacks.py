"""Keras callbacks the trainer adds to each `fit()` call (imports Keras: trainer use only)."""

from __future__ import annotations

import math
import time

import keras


class EpochClock(keras.callbacks.Callback):
    """Seconds of training in one epoch, without the validation pass that follows it."""

    def __init__(self):
        super().__init__()
        self.start = self.train_end = None
        self.train_seconds = math.nan

    def on_epoch_begin(self, epoch, logs=None):
        self.start, self.train_end = time.perf_counter(), None

    def on_test_begin(self, logs=None):
        if self.train_end is None:
            self.train_end = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        end = self.train_end if self.train_end is not None else time.perf_counter()
        self.train_seconds = end - self.start


class StopWhenAsked(keras.callbacks.Callback):
    """Raises KeyboardInterrupt at the first step after `asked()` turns True: the trainer's
    Ctrl-C path, which keeps the finished epochs' checkpoint and leaves the run resumable
    (the epoch cut short is trained again on resume, from that checkpoint)."""

    def __init__(self, asked):
        super().__init__()
        self.asked = asked

    def on_train_batch_end(self, batch, logs=None):
        if self.asked():
            raise KeyboardInterrupt

    on_test_batch_end = on_train_batch_end


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Ends the epoch at the first step whose loss is NaN or infinite, wasting no more steps;
    unlike Keras's TerminateOnNaN it prints nothing, since the trainer explains the stop."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.model.stop_training = True


class WholeRunProgressBar(keras.callbacks.ProgbarLogger):
    """Keras's progress bar, titled "Epoch 3/50" although each fit() call runs one epoch."""

    def __init__(self, epochs: int):
        super().__init__()
        self.run_epochs = epochs

    def set_params(self, params):
        super().set_params({**params, "epochs": self.run_epochs})

    def on_train_batch_end(self, batch, logs=None):
        # With steps_per_execution, Keras reports the last step a call into TensorFlow could
        # run (9 for an epoch of 5 steps run 10 at a time), which the bar showed as "10/5".
        if self.target is not None:
            batch = min(batch, self.target - 1)
        super().on_train_batch_end(batch, logs)
