"""The Retrain workspace's Use step: save the trained head, use it, export it.

Save copies the head the child process trained (in this session's scratch folder) to where the
person says, atomically; Use saves it first if need be and hands it to the Photo workspace
(``useModel``); Export runs ``inception-desktop retrain --from MODEL --export-tflite FILE`` in a
child process (converting needs TensorFlow).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from inception_desktop.gui.runtime.background import Job

if TYPE_CHECKING:
    from inception_desktop.gui.retrain.workspace import RetrainWorkspace

MODEL_FILTER = "Retrained models (*.keras)"


class UseStep(QObject):
    """See the module docstring."""

    def __init__(self, workspace: RetrainWorkspace) -> None:
        super().__init__(workspace)
        self.workspace = workspace
        self.page = workspace.use_page

    def choose_save_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.workspace, "Save the retrained model", "", MODEL_FILTER
        )
        if path:
            self.save_model(path if path.endswith(".keras") else path + ".keras")

    def save_model(self, path: str | Path, then_use: bool = False) -> None:
        """Save the head with its model card (atomically); ``then_use``: load it as the photo
        model once it is written."""
        if self.workspace.trained is None:
            self.workspace.message.emit("Retrain: train a model first")
            return
        trained, target = self.workspace.trained, str(path)

        def work(job: Job) -> str:
            from inception_desktop.core.store import atomic

            atomic.check_output_file(Path(target))
            with atomic.atomic_path(Path(target)) as tmp:
                shutil.copyfile(trained.source, tmp)
            return target

        def saved(written: str) -> None:
            trained.saved = written
            self.page.show_card(trained.card, written)
            self.page.use_label.setText(f"Saved {written}")
            self.workspace.model.update(name=f"retrained head ({Path(written).name})")
            self.workspace.modelSaved.emit(written)
            if then_use:
                self.workspace.useModel.emit(written)

        self.workspace.run_job("save", work, saved)

    def use_in_photo(self) -> None:
        """Classify photos with this model in the Photo workspace (saving it first if needed)."""
        if self.workspace.trained is None:
            self.workspace.message.emit("Retrain: train a model first")
            return
        if self.workspace.trained.saved:
            self.workspace.useModel.emit(self.workspace.trained.saved)
            return
        path, _ = QFileDialog.getSaveFileName(
            self.workspace, "Save the retrained model to use it", "", MODEL_FILTER
        )
        if path:
            self.save_model(path if path.endswith(".keras") else path + ".keras", then_use=True)

    def choose_export_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.workspace, "Export a self-contained LiteRT model", "", "LiteRT models (*.tflite)"
        )
        if path:
            self.export_tflite(path if path.endswith(".tflite") else path + ".tflite")

    def export_tflite(self, path: str | Path) -> None:
        """Inception v3 + this head as one ``.tflite`` and its labels JSON (a minute or so), by
        ``inception-desktop retrain --from MODEL --export-tflite FILE`` in a child process."""
        if self.workspace.trained is None:
            self.workspace.message.emit("Retrain: train a model first")
            return
        args = [
            "retrain",
            "--from",
            str(self.workspace.trained.source),
            "--export-tflite",
            str(path),
        ]
        label = self.page.use_label

        def exported(result: dict[str, Any]) -> None:
            label.setText(f"Exported {result['tflite']} (labels: {result['labels']})")
            self.workspace.notice.emit(f"Exported {result['tflite']}")

        def stage(event: dict[str, Any]) -> None:
            if event.get("event") == "stage":
                label.setText(f"{event.get('text', '')}…")

        if self.workspace.child(
            "export", [*args, "--events", *self.workspace.common_options()], exported, stage
        ):
            self.page.export_progress.show()
