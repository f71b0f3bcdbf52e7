"""The Retrain workspace: teach Inception v3 a person's own classes, in five steps.

1. **Data** (:mod:`.data_page`) — class folders, their counts and thumbnails, the split.
2. **Audit** (:mod:`.audit_page`, :mod:`.audit_step`) — suspected mislabels, duplicates and
   leakage, outliers, the map; photos moved to another class or set aside, with undo.
3. **Features** (:mod:`.features_page`, :mod:`.features_step`) — Inception's pooled features,
   cached, on LiteRT.
4. **Train** (:mod:`.train_page`) — the head, trained by ``inception-desktop retrain`` in a child
   process (:class:`~..runtime.child_job.ChildJob`): TensorFlow never loads into the window, and
   a crash or an out-of-memory there is a problem in the list, not the end of the window.
5. **Evaluate** (:mod:`.evaluate_page`) — accuracy, per class, confusion matrix, mistakes.
6. **Use** (:mod:`.use_page`) — save, use in the Photo workspace, export a ``.tflite`` (a child
   process again).

This class holds what the steps produced and runs their work one job at a time (each step needs
the previous one's result); the pages show it. Reading folders and features use the core's
retraining pipeline (:mod:`inception_desktop.core.training.retrain.pipeline`) on a pool thread;
every failure is one ``message``, and what was computed before it is kept.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QListWidget, QStackedWidget, QWidget

from inception_desktop.gui.retrain.audit_page import AuditPage
from inception_desktop.gui.retrain.audit_step import AuditStep
from inception_desktop.gui.retrain.data_page import DataPage
from inception_desktop.gui.retrain.data_source import DataChoice, DataSource, split_text
from inception_desktop.gui.retrain.evaluate_page import EvaluatePage
from inception_desktop.gui.retrain.features_page import FeaturesPage
from inception_desktop.gui.retrain.features_step import FeaturesStep
from inception_desktop.gui.retrain.train_page import TrainPage
from inception_desktop.gui.retrain.training_run import TrainingRun, retrain_args
from inception_desktop.gui.retrain.use_page import UsePage
from inception_desktop.gui.retrain.use_step import UseStep
from inception_desktop.gui.runtime.background import Job
from inception_desktop.gui.runtime.channel import ModelWatch
from inception_desktop.gui.runtime.child_job import ChildJob
from inception_desktop.gui.runtime.mime import Inputs
from inception_desktop.gui.runtime.worker import InferenceWorker

#: The model kind of this workspace's status (no worker model: the work runs in jobs).
KIND = "retrain"
STEPS = ("1  Data", "2  Audit", "3  Features", "4  Train", "5  Evaluate", "6  Use")
DATA, AUDIT, FEATURES, TRAIN, EVALUATE, USE = range(6)


@dataclass
class Trained:
    """A head trained by the child process: its card, validation summary and curve, the file it
    wrote in this session's scratch folder, and where the person saved it (if they did)."""

    card: dict[str, Any]
    summary: dict[str, Any]
    model_path: Path
    history: dict[str, list[float]] = field(default_factory=dict)
    saved: str | None = None

    @property
    def source(self) -> Path:
        return Path(self.saved) if self.saved else self.model_path


class RetrainWorkspace(QWidget):
    """See the module docstring. ``weights``: the Inception v3 weights file (None: installed)."""

    TITLE = "Retrain"
    message = Signal(str)  # one per problem
    notice = Signal(str)  # transient status
    openPhoto = Signal(str)  # a photo to show in the Photo workspace
    useModel = Signal(str)  # a saved retrained model to classify photos with
    modelSaved = Signal(str)
    stepChanged = Signal(int)
    busyChanged = Signal(bool)

    def __init__(
        self, worker: InferenceWorker, weights: str | Path | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self.weights = weights
        self.model = ModelWatch(worker, KIND, self)
        self.choice: DataChoice | None = None
        self.features: Any = None  # core pipeline.Features
        self.trained: Trained | None = None
        self.source = DataSource()
        self._job: Job | ChildJob | None = None
        self._run_of_training: TrainingRun | None = None
        self._scratch: Path | None = None  # this session's trained models, until saved
        self._trainings = 0
        # One thread for the steps that run here: one at a time, LiteRT's state on one thread.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)
        self.setAcceptDrops(True)
        self._build()
        self._update_steps()

    # --- construction ------------------------------------------------------------------------
    def _build(self) -> None:
        self.step_list = QListWidget()
        self.step_list.addItems(list(STEPS))
        self.step_list.setMaximumWidth(130)
        self.step_list.setAccessibleName("Steps")
        self.step_list.currentRowChanged.connect(self._step_chosen)
        self.data_page, self.features_page = DataPage(), FeaturesPage()
        self.audit_page = AuditPage()
        self.audit_step = AuditStep(self, self.audit_page)
        self.train_page, self.evaluate_page, self.use_page = TrainPage(), EvaluatePage(), UsePage()
        self.use_step = UseStep(self)
        self.features_step = FeaturesStep(self)
        self.pages = QStackedWidget()
        for page in (
            self.data_page, self.audit_page, self.features_page, self.train_page,
            self.evaluate_page, self.use_page,
        ):  # fmt: skip
            self.pages.addWidget(page)
        layout = QHBoxLayout(self)
        layout.addWidget(self.step_list)
        layout.addWidget(self.pages, 1)
        self.step_list.setCurrentRow(DATA)
        d, f, t, e, u = self.data_page, self.features_page, self.train_page, self.evaluate_page, (
            self.use_page
        )  # fmt: skip
        d.choose_button.clicked.connect(self.choose_data_folder)
        d.add_button.clicked.connect(self.choose_class_folder)
        d.test_button.clicked.connect(self.choose_test_folder)
        d.no_test_button.clicked.connect(lambda: self.set_test_folder(None))
        d.validation_spin.valueChanged.connect(self._split_changed)
        d.seed_spin.valueChanged.connect(self._split_changed)
        d.to_features_button.clicked.connect(lambda: self.go_to(AUDIT))
        self.audit_page.photoChosen.connect(self.openPhoto)
        self.audit_page.to_features_button.clicked.connect(lambda: self.go_to(FEATURES))
        f.settingsChanged.connect(self._features_settings_changed)
        f.compute_button.clicked.connect(self.compute_features)
        f.cancel_button.clicked.connect(self.cancel)
        f.to_train_button.clicked.connect(lambda: self.go_to(TRAIN))
        t.train_button.clicked.connect(self.train)
        t.stop_button.clicked.connect(self.stop_training)
        t.to_evaluate_button.clicked.connect(lambda: self.go_to(EVALUATE))
        e.photoChosen.connect(self.openPhoto)
        e.audit_button.clicked.connect(self._audit_from_evaluation)
        e.to_use_button.clicked.connect(lambda: self.go_to(USE))
        u.save_button.clicked.connect(self.choose_save_path)
        u.use_button.clicked.connect(self.use_in_photo)
        u.export_button.clicked.connect(self.choose_export_path)

    # --- the workspace protocol -------------------------------------------------------------
    def start_model(self) -> None:
        """Nothing to load before the person asks: Inception loads when features are computed."""
        self.model.update(name="retrained head: none yet", device="")

    def open_paths(self, paths: list[str]) -> None:
        """A drop: one folder is the data folder; several folders are classes."""
        folders = [p for p in paths if Path(p).is_dir()]
        if not folders:
            self.message.emit(
                "Retrain: drop a folder with one subfolder per class (or class folders)"
            )
            return
        if len(folders) == 1:
            self.set_data_folder(folders[0])
        else:
            self.source.clear()
            for folder in folders:
                self.add_class_folder(folder)

    def take(self, inputs: Inputs) -> bool:
        """Folders dropped or pasted here are the data (see :meth:`open_paths`)."""
        if not any(Path(p).is_dir() for p in inputs.paths):
            return False
        self.open_paths(inputs.paths)
        return True

    def set_drop_highlight(self, on: bool) -> None:
        self.pages.setStyleSheet("QStackedWidget { border: 2px solid palette(highlight); }"
                                 if on else "")  # fmt: skip

    def shutdown(self, ms: int = 5000) -> bool:
        """Stop what runs (features cancelled, a child process ended) and wait for it, up to
        ``ms``; the scratch folder of unsaved models goes."""
        self.cancel()
        done = self._pool.waitForDone(ms)
        if isinstance(self._job, ChildJob):
            done = self._job.wait(ms) and done
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
        return done

    def go_to(self, step: int) -> None:
        self.step_list.setCurrentRow(step)

    @property
    def step(self) -> int:
        return self.pages.currentIndex()

    @property
    def busy(self) -> bool:
        return self._job is not None

    def _step_chosen(self, row: int) -> None:
        if row >= 0:
            self.pages.setCurrentIndex(row)
            self.stepChanged.emit(row)

    def _update_steps(self) -> None:
        """Steps open as their inputs exist; buttons are enabled when they can do something."""
        has_data, has_features = self.choice is not None, self.features is not None
        has_model, busy = self.trained is not None, self.busy
        job = self._job.name if self._job is not None else ""
        for row, ok in enumerate([True, has_data, has_data, has_features, has_model, has_model]):
            item = self.step_list.item(row)
            enabled = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            item.setFlags(item.flags() | enabled if ok else item.flags() & ~enabled)
        self.data_page.update_enabled(busy, has_data, self.source.test_root is not None)
        self.audit_page.update_enabled(
            busy, has_data, job == "audit", self.audit_step.undoable,
            self.source.data_root is not None,
        )  # fmt: skip
        self.features_page.update_enabled(busy, has_data, has_features, job == "features")
        self.train_page.update_enabled(busy, has_features, job == "training", has_model)
        self.evaluate_page.to_use_button.setEnabled(has_model)
        self.use_page.update_enabled(busy, has_model)

    # --- jobs ----------------------------------------------------------------------------------
    def _start(self, job: Job | ChildJob) -> bool:
        """Run ``job`` unless another runs (one at a time: each step needs the previous one)."""
        if self._job is not None:
            self.notice.emit("Wait for the current step to finish (or cancel it)")
            return False
        job.finished.connect(self._job_finished)
        self._job = job
        self.busyChanged.emit(True)
        self._update_steps()
        if isinstance(job, ChildJob):
            job.start()
        else:
            job.start(self._pool)
        return True

    def _audit_from_evaluation(self) -> None:
        self.go_to(AUDIT)
        self.audit_step.run()

    def worker_runtime(self) -> str | None:
        """The runtime the window's models run on (View › Runtime): the steps use it too."""
        return self._worker.chosen_runtime

    def worker_precision(self) -> str | None:
        """The precision the window's models run at (View › Precision): the steps use it too."""
        return self._worker.chosen_precision

    def rescan(self) -> None:
        """Read the data again (photos were moved): what was computed from it is stale."""
        if self.source.ready:
            self._scan()

    def run_job(self, name: str, work, on_result, on_report=None) -> None:
        """``work(job)`` on this workspace's pool thread, one job at a time, its errors one
        message."""
        job = Job(work, name=name)
        job.returned.connect(on_result)
        job.errored.connect(lambda exc, n=name: self._failed(n, exc))
        if on_report is not None:
            job.yielded.connect(on_report)
        self._start(job)

    def child(self, name: str, args: list[str], on_result, on_event=None) -> ChildJob | None:
        """``inception-desktop ARGS`` in a child process (TensorFlow's work stays out of here)."""
        job = ChildJob(args, name, self)
        job.succeeded.connect(on_result)
        job.failed.connect(lambda text, n=name: self.message.emit(f"Retrain ({n}): {text}"))
        job.cancelled.connect(lambda n=name: self.notice.emit(f"Cancelled the {n}"))
        if on_event is not None:
            job.progressed.connect(on_event)
        return job if self._start(job) else None

    def _job_finished(self) -> None:
        job, self._job = self._job, None
        if isinstance(job, ChildJob):
            job.deleteLater()
        self.use_page.export_progress.hide()
        self.busyChanged.emit(False)
        self._update_steps()

    def _failed(self, step: str, exc: BaseException) -> None:
        from inception_desktop.core.errors import first_line
        from inception_desktop.core.training.retrain import CancelledError

        if step == "data":
            self.data_page.data_label.setText(f"Cannot use these folders: {first_line(exc, 300)}")
        if isinstance(exc, CancelledError):
            label = self.audit_page.status if step == "audit" else self.features_page.time_left
            label.setText(f"Cancelled: {exc}")
            self.notice.emit(f"Cancelled: {exc}")
            return
        self.message.emit(f"Retrain ({step}): {first_line(exc, 300)}")

    def cancel(self) -> None:
        """Cancel what runs: features stop after this batch (those done stay in the cache); a
        child process is ended, writing nothing."""
        if self._job is not None:
            self._job.cancel()

    def stop_training(self) -> None:
        """End training after the current epoch; the head so far is kept and evaluated."""
        if self._run_of_training is not None and self._job is self._run_of_training.job:
            self._run_of_training.stop()

    # --- 1. data -------------------------------------------------------------------------------
    def choose_data_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder of class folders")
        if folder:
            self.set_data_folder(folder)

    def choose_class_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of photos as a class")
        if folder:
            self.add_class_folder(folder)

    def choose_test_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a test tree of class folders")
        if folder:
            self.set_test_folder(folder)

    def set_data_folder(self, folder: str | Path) -> None:
        """Read ``folder`` as one subfolder per class (replaces classes added one by one)."""
        self.source.set_root(folder)
        self._scan()

    def add_class_folder(self, folder: str | Path) -> None:
        """Add ``folder`` as one class (its name). Until there are two, nothing is scanned."""
        self.source.add_class(folder)
        if not self.source.ready:
            self.data_page.data_label.setText(
                f"Class '{Path(folder).name}' added; add at least one more class folder."
            )
            return
        self._scan()

    def set_test_folder(self, folder: str | Path | None) -> None:
        self.source.test_root = str(folder) if folder else None
        if self.source.ready:
            self._scan()
        else:
            self._update_steps()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(
            url.isLocalFile() and Path(url.toLocalFile()).is_dir()
            for url in event.mimeData().urls()
        ):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        event.acceptProposedAction()
        self.open_paths(paths)

    def _scan(self) -> None:
        source = self.source.copy()
        self.data_page.data_label.setText("Reading the class folders…")
        self.run_job("data", lambda job: source.read(), self._data_read)

    def _data_read(self, choice: DataChoice) -> None:
        from inception_desktop.core.training.retrain.dataset import FEW_IMAGES

        # A head trained before stays (to save, use or export) until another one replaces it.
        self.choice, self.features = choice, None
        data = choice.data
        self.data_page.class_table.show_classes(data.counts(), choice.thumbs, FEW_IMAGES)
        skipped = data.skipped + (choice.held.skipped if choice.held else [])
        self.data_page.set_problems(
            [f"warning: {line}" for line in data.warnings()]
            + [f"skipped {entry['path']}: {entry['error']}" for entry in skipped]
        )
        self._split_changed()
        if self.trained is None:
            self.train_page.curve.clear()
            self.model.update(name="retrained head: none yet")

    def _split_changed(self) -> None:
        """Say how the photos will be split (it is made when features are ready)."""
        if self.choice is None:
            return
        data, page = self.choice.data, self.data_page
        split = split_text(self.choice, page.validation_spin.value(), page.seed_spin.value())
        page.data_label.setText(
            f"{self.source.where(len(data.classes))}: {len(data.classes)} classes, "
            f"{len(data.samples)} photos; {split}."
        )
        if self.features is not None and self.choice.held is None:
            self.features = None  # another split: the features are regrouped from the cache
        self._update_steps()

    # --- 2. features ------------------------------------------------------------------------
    def _features_settings_changed(self) -> None:
        if self.features is not None:
            self.features = None
            self.features_page.features_label.setText(
                "Framing or augmentation changed: compute the features again."
            )
        self._update_steps()

    def pipeline_settings(self) -> Any:
        """The pipeline's settings from the pages (what ``retrain`` gets as options)."""
        from inception_desktop.core.photo.framing import Framing
        from inception_desktop.core.training.retrain.pipeline import Settings

        f, d = self.features_page, self.data_page
        return Settings(
            framing=Framing(f.framing()),
            validation=d.validation_spin.value(),
            seed=d.seed_spin.value(),
            augment=f.augment(),
        )

    def compute_features(self) -> None:
        """Features of every photo (and of the test folder's), then the split."""
        self.features_step.compute()

    # --- 3. train -----------------------------------------------------------------------------
    def _scratch_dir(self) -> Path:
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="inception-desktop-retrain-"))
        return self._scratch

    def common_options(self) -> list[str]:
        out = []
        if self.weights is not None:
            out += ["--weights", str(self.weights)]
        if self._worker.chosen_runtime is not None:
            out += ["--runtime", str(self._worker.chosen_runtime)]
        if self._worker.chosen_precision is not None:  # View › Precision: int8 features, export
            out += ["--precision", str(self._worker.chosen_precision)]
        return out

    def train(self) -> None:
        """Train the head in a child process: ``inception-desktop retrain`` with this
        workspace's data and settings (the features come from the cache the Features step
        filled)."""
        if self.features is None or self.choice is None:
            self.message.emit("Retrain: compute the features first")
            return
        self._trainings += 1
        out = self._scratch_dir() / f"head-{self._trainings}.keras"
        args = retrain_args(
            self.source.dirs(),
            out,
            self.pipeline_settings(),
            self.train_page.options(),
            self.source.test_root,
        )
        job = self.child(
            "training", args + self.common_options(), lambda result: self._trained(result, out)
        )
        self._run_of_training = TrainingRun(job, self.train_page) if job is not None else None

    def _trained(self, result: dict[str, Any], path: Path) -> None:
        card, summary = result["card"], result["summary"]
        self.trained = Trained(card, summary, path, dict(result.get("history") or {}))
        self.train_page.show_trained(card, summary["accuracy"])
        self.evaluate_page.show_evaluation(summary, card["classes"])
        self.use_page.show_card(card, None)
        self.model.update(name=f"retrained head ({len(card['classes'])} classes, not saved)")
        # The Train page stays in front, so the finished curve is seen; Evaluate is one click.
        self.notice.emit(
            f"Trained: validation accuracy {summary['accuracy']:.1%} (Next: Evaluate shows "
            "the mistakes)"
        )

    # --- 6. use: the UseStep does the work ---------------------------------------------------
    def choose_save_path(self) -> None:
        self.use_step.choose_save_path()

    def save_model(self, path: str | Path, then_use: bool = False) -> None:
        self.use_step.save_model(path, then_use)

    def use_in_photo(self) -> None:
        self.use_step.use_in_photo()

    def choose_export_path(self) -> None:
        self.use_step.choose_export_path()

    def export_tflite(self, path: str | Path) -> None:
        self.use_step.export_tflite(path)
