"""One training of the head, run as ``inception-desktop retrain … --events`` in a child process.

It builds the command from the workspace's data and settings (so the window and the command line
train the same model from the same choices), shows the child's progress on the Train page, and
turns Stop into SIGINT once the child has said it is training (earlier, SIGINT would end the
child while it starts; the stop is kept until then).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from inception_desktop.gui.retrain.train_page import TrainPage
from inception_desktop.gui.runtime.child_job import ChildJob


def retrain_args(
    dirs: list[str],
    out: Path,
    settings: Any,
    head_options: list[str],
    test_root: str | None,
) -> list[str]:
    """``retrain``'s command line for ``settings`` (core pipeline.Settings: framing, split,
    augmentations) and the Train page's ``head_options``."""
    args = ["retrain", *dirs, "--out", str(out), "--events"]
    args += ["--framing", settings.framing.mode, "--seed", str(settings.seed)]
    args += ["--validation", f"{settings.validation:g}", *head_options]
    if settings.augment:
        args += ["--augment", ",".join(settings.augment)]
    if test_root is not None:
        args += ["--validation-dir", test_root]
    return args


class TrainingRun(QObject):
    """Routes a training child's events to ``page``; :meth:`stop` ends it after an epoch."""

    def __init__(self, job: ChildJob, page: TrainPage) -> None:
        super().__init__(job)
        self.job, self.page = job, page
        self.training = False  # the child has said so: SIGINT now stops after an epoch
        self.stop_asked = False
        job.progressed.connect(self._event)
        page.curve.clear()
        page.epoch_label.setText("Starting the training process…")

    def stop(self) -> None:
        self.stop_asked = True
        if self.training:
            self.job.interrupt()

    def _event(self, event: dict[str, Any]) -> None:
        kind, label = event.get("event"), self.page.epoch_label
        if kind == "epoch":
            self.page.show_epoch(int(event["epoch"]), dict(event.get("logs") or {}))
        elif kind == "training":
            self.training = True
            label.setText("Training the head…")
            if self.stop_asked:
                self.job.interrupt()
        elif kind == "stage":
            label.setText(f"{event.get('text', '')}…")
        elif kind == "progress":
            label.setText(f"Reading the features: {event['done']} of {event['total']}")
        elif kind == "stopping":
            label.setText("Stopping after this epoch…")
