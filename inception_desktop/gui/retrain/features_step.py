"""The Retrain workspace's Features step: Inception's features of every photo, then the split.

The core's pipeline (:func:`~inception_desktop.core.training.retrain.pipeline.compute_features`,
what ``retrain`` runs) on the workspace's pool thread, with the runtime and precision the window
runs at (View › Runtime, View › Precision); the page shows its stages and progress, and the
workspace moves on to Train when the features are ready.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from inception_desktop.gui.retrain.features_page import augmented_text
from inception_desktop.gui.runtime.background import Job

if TYPE_CHECKING:
    from inception_desktop.gui.retrain.workspace import RetrainWorkspace


class FeaturesStep(QObject):
    """See the module docstring."""

    def __init__(self, workspace: RetrainWorkspace) -> None:
        super().__init__(workspace)
        self.workspace = workspace
        self.page = workspace.features_page

    def compute(self) -> None:
        """Features of every photo (and of the test folder's), then the split."""
        ws = self.workspace
        if ws.choice is None:
            ws.message.emit("Retrain: choose the data first")
            return
        choice, weights, runtime = ws.choice, ws.weights, ws.worker_runtime()
        precision = ws.worker_precision()
        settings = ws.pipeline_settings()
        self.page.started(len(choice.data.samples))

        def work(job: Job) -> tuple[Any, str]:
            from inception_desktop.core.training.retrain import pipeline
            from inception_desktop.core.training.retrain.features import (
                feature_model_for,
                resolve_weights,
            )

            # Made for this run and let go after it: its arena for batches of photos is a few
            # hundred MB that the window should not keep (measured: 706 MB kept, 351 MB not).
            path, md5 = resolve_weights(weights)
            model = feature_model_for(
                path, md5, runtime, lambda text: job.report(("stage", text)), precision
            )
            features = pipeline.compute_features(
                choice.data,
                choice.held,
                model,
                settings,
                lambda stage, done, total: job.report(("progress", stage, done, total)),
                stop=lambda: job.cancelled,
            )
            return features, model.runtime

        ws.run_job("features", work, self._ready, self._progress)

    def _progress(self, report: tuple) -> None:
        if report[0] == "stage":
            self.page.show_stage(report[1])
            self.workspace.notice.emit(f"{report[1]}…")
        else:
            self.page.show_progress(*report[1:])

    def _ready(self, result: tuple[Any, str]) -> None:
        from inception_desktop.gui.retrain.workspace import TRAIN

        ws = self.workspace
        features, device = result
        ws.features = features
        ws.model.update(name="retrained head: none yet", device=device)
        text = (
            f"{features.train_photos} photos to train"
            + augmented_text(features.augmented)
            + f", {len(features.y_val)} to validate: "
            f"{features.cache_hits} from the cache, {features.computed} computed in "
            f"{features.seconds:.1f} s."
        )
        if features.skipped:
            text += f" {len(features.skipped)} could not be read and were skipped (see Data)."
            ws.data_page.add_problems(
                [f"skipped {entry['path']}: {entry['error']}" for entry in features.skipped]
            )
        self.page.features_label.setText(text)
        self.page.time_left.setText("Done")
        ws.notice.emit("Features ready: train the head")
        ws.go_to(TRAIN)
