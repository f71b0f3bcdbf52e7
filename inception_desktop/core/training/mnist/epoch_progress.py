"""Progress of an MNIST training run, epoch by epoch: lines with the time left, the best
weights moved into place atomically, and the state a resume needs, written after every epoch.

The hooks of a Keras callback, without Keras: :func:`progress_callback` mixes :class:`EpochProgress`
with ``keras.callbacks.Callback`` when a run starts, so importing this module (and checking a
command's arguments) does not import Keras.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inception_desktop.core.store import atomic

#: Receives one line of human-readable progress (the CLI prints it to stderr).
Reporter = Callable[[str], None]
#: Receives (batches done, batches in the epoch, text) during an epoch, for a live progress line.
BatchProgress = Callable[[int, int, str], None]
#: What ModelCheckpoint watches and keeps the best of: accuracy on the validation split.
MONITOR = "val_accuracy"


class EpochProgress:
    """Epoch lines with ETA, best-weights tracking and resumable state after every epoch."""

    #: Set by Keras (``Callback.set_model``) on the callback made by :func:`progress_callback`.
    model: Any

    def __init__(
        self,
        epochs: int,
        state: dict[str, Any],
        resume_model: Path,
        resume_state: Path,
        best_weights: Path,
        report: Reporter,
    ) -> None:
        super().__init__()
        self.epochs = epochs
        self.state = state
        self.resume_model = resume_model
        self.resume_state = resume_state
        self.best_weights = best_weights
        self.report = report
        self.batch_progress: BatchProgress | None = None
        self.steps = 0
        #: Keras' ModelCheckpoint, which runs just before this callback and writes a new best
        #: to ``candidate``; this callback moves it over ``best_weights`` atomically.
        self.best: Any = None
        self.candidate: Path | None = None
        self._started = 0.0
        self._epoch = 0

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._started = time.perf_counter()
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.batch_progress is None or not self.steps:
            return
        done = batch + 1
        if done < 3:
            return  # the first batches include tracing: their pace says nothing about the rest
        elapsed = time.perf_counter() - self._started
        epoch_eta = elapsed / done * (self.steps - done)
        per_epoch = elapsed / done * self.steps
        total_eta = epoch_eta + per_epoch * (self.epochs - self._epoch - 1)
        text = (
            f"epoch {self._epoch + 1}/{self.epochs}, loss {(logs or {}).get('loss', 0):.4f}, "
            f"epoch ETA {duration(epoch_eta)}, run ETA {duration(total_eta)}"
        )
        self.batch_progress(done, self.steps, text)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        elapsed = time.perf_counter() - self._started
        self.state["seconds"] = self.state.get("seconds", 0.0) + elapsed
        self.state["epoch"] = epoch + 1
        for key, value in logs.items():
            self.state["history"].setdefault(key, []).append(float(value))
        val_acc = float(logs.get(MONITOR, 0.0))
        marker = ""
        if self.candidate is not None and self.candidate.is_file():  # ModelCheckpoint saved one
            atomic.commit(self.candidate, self.best_weights)
            self.state["best_val_accuracy"] = float(self.best.best)
            self.state["best_epoch"] = epoch + 1
            marker = " (best)"
        done = epoch + 1
        per_epoch = self.state["seconds"] / max(1, len(self.state["history"].get("loss", [1])))
        eta = per_epoch * (self.epochs - done)
        self.report(
            f"epoch {done}/{self.epochs}: loss {logs.get('loss', 0):.4f}, "
            f"accuracy {logs.get('accuracy', 0):.4f}, val_loss {logs.get('val_loss', 0):.4f}, "
            f"val_accuracy {val_acc:.4f}{marker} — {elapsed:.0f} s, ETA {duration(eta)}"
        )
        self.save_resume_state(self.model)

    def save_resume_state(self, model: Any) -> None:
        """Model first, then the state that names its epoch: a kill between the two leaves a
        state one epoch behind its model, so a resume repeats an epoch rather than skips one."""
        with atomic.atomic_path(self.resume_model) as tmp:
            model.save(tmp)
        atomic.write_json(self.resume_state, self.state)


def progress_callback(
    epochs: int,
    state: dict[str, Any],
    resume_model: Path,
    resume_state: Path,
    best_weights: Path,
    report: Reporter,
) -> EpochProgress:
    """An :class:`EpochProgress` that is also a ``keras.callbacks.Callback``."""
    import keras

    bases = (EpochProgress, keras.callbacks.Callback)
    callback: type[EpochProgress] = type("_ProgressCallback", bases, {})
    return callback(epochs, state, resume_model, resume_state, best_weights, report)


def duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
