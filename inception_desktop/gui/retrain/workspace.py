"""The Retrain workspace: teach Inception v3 a person's own classes, in five steps.

1. **Data** — a folder with one subfolder per class (chosen, or dropped), or class folders added
   one by one; each class with its count and a few thumbnails; warnings (few photos, imbalance),
   skipped files; a stratified split with a fixed seed, or a separate test folder tree.
2. **Features** — Inception v3's pooled features of every photo, with the framing chosen, with
   progress, the time left and Cancel; cached on disk by the core, so a second run is instant and
   a cancelled one resumes where it stopped.
3. **Train** — the head (optional hidden layer, dropout, class weights, epochs, early stopping)
   with a live loss/accuracy curve.
4. **Evaluate** — validation accuracy, per class, the confusion matrix, the misclassified photos;
   a click opens one in the Photo workspace (``openPhoto``).
5. **Use** — save the model (``.keras`` with its model card), use it in the Photo workspace
   (``useModel``), export backbone + head as one ``.tflite``.

All of the work is the core's (:mod:`inception_desktop.core.training.retrain`), run by
:class:`~inception_desktop.gui.runtime.background.Job` on a pool thread: this module imports no
TensorFlow, and the GUI thread only shows results. Every failure is one ``message``; what was
computed before it (data, features, a trained head) is kept.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.photo.framing_modes import DEFAULT_MODE, MODES
from inception_desktop.gui.retrain.curve import CurveView
from inception_desktop.gui.retrain.views import (
    GALLERY_THUMB,
    MAX_GALLERY,
    THUMB,
    THUMBS_PER_CLASS,
    ClassTable,
    ConfusionTable,
    MistakeGallery,
    PerClassTable,
)
from inception_desktop.gui.runtime.background import Job
from inception_desktop.gui.runtime.channel import ModelWatch
from inception_desktop.gui.runtime.worker import InferenceWorker

#: The model kind of this workspace's status (no worker model: the work runs in Jobs).
KIND = "retrain"
STEPS = ("1  Data", "2  Features", "3  Train", "4  Evaluate", "5  Use")
DATA, FEATURES, TRAIN, EVALUATE, USE = range(5)
MODEL_FILTER = "Retrained models (*.keras)"


@dataclass
class DataChoice:
    """What the Data step read: the classes, and the separate test tree if any."""

    data: Any  # core Dataset
    held: Any | None
    thumbs: dict[str, np.ndarray]


@dataclass
class Features:
    """The Features step's output, kept until the data or the framing changes."""

    framing: Any  # core Framing
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    val_paths: list[str]
    skipped: list[dict[str, str]]
    weights_path: Path
    weights_md5: str
    cache_hits: int = 0
    computed: int = 0
    seconds: float = 0.0
    train_photos: int = 0  # photos; ``x_train`` also holds their ``augmented`` variants
    augmented: tuple[str, ...] = ()  # of dataset.AUGMENTATIONS: "flip", "crop"


def augmented_text(variants: tuple[str, ...]) -> str:
    """" (and their mirror images and crops)" for the features' summary; "" without any."""
    names = {"flip": "mirror images", "crop": "crops"}
    said = [names[v] for v in variants if v in names]
    return f" (and their {' and '.join(said)})" if said else ""


@dataclass
class Trained:
    """A trained head with its validation summary and model card (saved or not)."""

    keras_model: Any
    summary: dict[str, Any]
    card: dict[str, Any]
    weights_path: Path  # the Inception weights whose features it learnt (export builds on them)
    history: dict[str, list[float]] = field(default_factory=dict)
    saved: str | None = None


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
        self.features: Features | None = None
        self.trained: Trained | None = None
        self.class_folders: list[str] = []  # folders added one by one
        self.data_root: str | None = None
        self.test_root: str | None = None
        self._feature_model: Any = None  # reused between runs (a LiteRT interpreter)...
        self._feature_runtime: str | None = None  # ...while the runtime asked for is the same
        self._job: Job | None = None
        # One thread for every step: they run one at a time, and TensorFlow's state stays on
        # one thread of the process (see gui.runtime.worker on thread-local state).
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)
        self._stop_training = threading.Event()
        self._progress_start: tuple[float, int] | None = None
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
        self.pages = QStackedWidget()
        for build in (
            self._data_page,
            self._features_page,
            self._train_page,
            self._evaluate_page,
            self._use_page,
        ):
            self.pages.addWidget(build())
        layout = QHBoxLayout(self)
        layout.addWidget(self.step_list)
        layout.addWidget(self.pages, 1)
        self.step_list.setCurrentRow(DATA)

    def _data_page(self) -> QWidget:
        page = QWidget()
        self.choose_button = QPushButton("Choose Data Folder…")
        self.choose_button.setToolTip("A folder with one subfolder per class (or drop one here)")
        self.choose_button.clicked.connect(self.choose_data_folder)
        self.add_button = QPushButton("Add Class Folder…")
        self.add_button.setToolTip("Add one folder of photos as a class (its name is the class)")
        self.add_button.clicked.connect(self.choose_class_folder)
        self.test_button = QPushButton("Test Folder…")
        self.test_button.setToolTip(
            "Optional: a separate tree of the same class folders to validate on, instead of a split"
        )
        self.test_button.clicked.connect(self.choose_test_folder)
        self.no_test_button = QPushButton("No Test Folder")
        self.no_test_button.clicked.connect(lambda: self.set_test_folder(None))
        buttons = QHBoxLayout()
        for button in (self.choose_button, self.add_button, self.test_button, self.no_test_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.validation_spin = QDoubleSpinBox()
        self.validation_spin.setRange(0.05, 0.5)
        self.validation_spin.setSingleStep(0.05)
        self.validation_spin.setValue(0.2)
        self.validation_spin.setToolTip("The share of each class held out to validate on")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("The same seed gives the same split and the same training")
        self.validation_spin.valueChanged.connect(self._split_changed)
        self.seed_spin.valueChanged.connect(self._split_changed)
        form = QHBoxLayout()
        form.addWidget(QLabel("Validation share:"))
        form.addWidget(self.validation_spin)
        form.addWidget(QLabel("Seed:"))
        form.addWidget(self.seed_spin)
        form.addStretch(1)
        self.data_label = QLabel("Choose or drop a folder with one subfolder per class.")
        self.data_label.setWordWrap(True)
        self.class_table = ClassTable()
        self.data_problems = QListWidget()
        self.data_problems.setAccessibleName("Warnings and skipped files")
        self.data_problems.setMaximumHeight(110)
        self.to_features_button = QPushButton("Next: Features")
        self.to_features_button.clicked.connect(lambda: self.go_to(FEATURES))
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.data_label)
        layout.addWidget(self.class_table, 1)
        layout.addWidget(QLabel("Warnings and skipped files:"))
        layout.addWidget(self.data_problems)
        layout.addWidget(self.to_features_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _features_page(self) -> QWidget:
        page = QWidget()
        self.framing_combo = QComboBox()
        for mode in MODES:
            self.framing_combo.addItem(mode.capitalize(), mode)
        self.framing_combo.setCurrentIndex(MODES.index(DEFAULT_MODE))
        self.framing_combo.setToolTip(
            "How each photo becomes Inception's square input; the model remembers it"
        )
        self.framing_combo.currentIndexChanged.connect(self._framing_changed)
        self.compute_button = QPushButton("Compute Features")
        self.compute_button.clicked.connect(self.compute_features)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m photos")
        self.time_left = QLabel("")
        self.features_label = QLabel(
            "Inception v3 computes 2048 numbers per photo, once: they are cached on disk, so a "
            "second run on the same photos is instant."
        )
        self.features_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Framing:"))
        row.addWidget(self.framing_combo)
        row.addWidget(self.compute_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        # On a row of their own: beside the buttons they made the window ~970 px wide at least.
        augment_row = QHBoxLayout()
        augment_row.addWidget(QLabel("Also learn from:"))
        self.augment_check = self._variant_check(
            augment_row,
            "mirrored copies",
            "The training photos mirrored left-right are trained on too: their features are "
            "computed as well (about twice the time, once: they are cached).",
        )
        self.crop_check = self._variant_check(
            augment_row,
            "cropped copies",
            "A crop of each training photo (70-90% of each side, drawn per photo, the same every "
            "time) is trained on too, framed as the photos are: more computing, once (cached).",
        )
        augment_row.addWidget(QLabel("(slower: their features are computed too)"))
        augment_row.addStretch(1)
        self.to_train_button = QPushButton("Next: Train")
        self.to_train_button.clicked.connect(lambda: self.go_to(TRAIN))
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addLayout(augment_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.time_left)
        layout.addWidget(self.features_label)
        layout.addStretch(1)
        layout.addWidget(self.to_train_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _train_page(self) -> QWidget:
        page = QWidget()
        self.hidden_spin = QSpinBox()
        self.hidden_spin.setRange(0, 2048)
        self.hidden_spin.setSingleStep(64)
        self.hidden_spin.setSpecialValueText("none")
        self.hidden_spin.setToolTip("Units of a hidden layer between the features and the answer")
        self.dropout_spin = QDoubleSpinBox()
        self.dropout_spin.setRange(0.0, 0.9)
        self.dropout_spin.setSingleStep(0.1)
        self.dropout_spin.setValue(0.3)
        self.dropout_spin.setToolTip("Dropout after the hidden layer (used only with one)")
        self.balance_check = QCheckBox("Class weights (each class counts the same)")
        self.balance_check.setChecked(True)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 1000)
        self.epochs_spin.setValue(100)
        self.early_check = QCheckBox("Stop early when validation loss stops improving")
        self.early_check.setChecked(True)
        self.patience_spin = QSpinBox()
        self.patience_spin.setRange(1, 100)
        self.patience_spin.setValue(5)
        self.patience_spin.setSuffix(" epochs")
        self.early_check.toggled.connect(self.patience_spin.setEnabled)
        form = QFormLayout()
        form.addRow("Hidden layer:", self.hidden_spin)
        form.addRow("Dropout:", self.dropout_spin)
        form.addRow("", self.balance_check)
        form.addRow("Epochs at most:", self.epochs_spin)
        form.addRow(self.early_check, self.patience_spin)
        self.train_button = QPushButton("Train")
        self.train_button.clicked.connect(self.train)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("End training after this epoch, keeping the head as it is")
        self.stop_button.clicked.connect(self.stop_training)
        row = QHBoxLayout()
        row.addWidget(self.train_button)
        row.addWidget(self.stop_button)
        row.addStretch(1)
        self.epoch_label = QLabel("")
        self.curve = CurveView()
        self.to_evaluate_button = QPushButton("Next: Evaluate")
        self.to_evaluate_button.clicked.connect(lambda: self.go_to(EVALUATE))
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.epoch_label)
        layout.addWidget(self.curve, 1)
        layout.addWidget(self.to_evaluate_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _evaluate_page(self) -> QWidget:
        page = QWidget()
        self.accuracy_label = QLabel("Train a model first.")
        self.accuracy_label.setWordWrap(True)
        self.per_class = PerClassTable()
        self.confusion = ConfusionTable()
        self.gallery = MistakeGallery()
        self.gallery.photoChosen.connect(self.openPhoto)
        tables = QSplitter(Qt.Orientation.Horizontal)
        tables.addWidget(_boxed("Per class", self.per_class))
        tables.addWidget(_boxed("Confusion matrix (rows: true class)", self.confusion))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(tables)
        split.addWidget(_boxed("Misclassified (click one to open it as a photo)", self.gallery))
        self.to_use_button = QPushButton("Next: Use")
        self.to_use_button.clicked.connect(lambda: self.go_to(USE))
        layout = QVBoxLayout(page)
        layout.addWidget(self.accuracy_label)
        layout.addWidget(split, 1)
        layout.addWidget(self.to_use_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _use_page(self) -> QWidget:
        page = QWidget()
        self.card_label = QLabel("Train a model first.")
        self.card_label.setWordWrap(True)
        self.card_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton("Save Model…")
        self.save_button.setToolTip("The head as .keras, with its classes, framing and weights")
        self.save_button.clicked.connect(self.choose_save_path)
        self.use_button = QPushButton("Use in Photo Workspace")
        self.use_button.setToolTip("Classify photos with these classes (saved first)")
        self.use_button.clicked.connect(self.use_in_photo)
        self.export_button = QPushButton("Export .tflite…")
        self.export_button.setToolTip(
            "Inception v3 and this head as one self-contained LiteRT file, with its labels "
            "beside it (converting takes about a minute)"
        )
        self.export_button.clicked.connect(self.choose_export_path)
        self.export_progress = QProgressBar()
        self.export_progress.setRange(0, 0)
        self.export_progress.hide()
        self.use_label = QLabel("")
        self.use_label.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self.save_button, 0, 0)
        grid.addWidget(self.use_button, 0, 1)
        grid.addWidget(self.export_button, 0, 2)
        layout = QVBoxLayout(page)
        layout.addWidget(self.card_label)
        layout.addLayout(grid)
        layout.addWidget(self.export_progress)
        layout.addWidget(self.use_label)
        layout.addStretch(1)
        return page

    # --- the workspace protocol -------------------------------------------------------------
    def start_model(self) -> None:
        """Nothing to load before the person asks: Inception loads when features are computed."""
        self.model.update(name="retrained head: none yet", device="")

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
        has_data = self.choice is not None
        has_features = self.features is not None
        has_model = self.trained is not None
        busy = self.busy
        reachable = [True, has_data, has_features, has_model, has_model]
        for row, ok in enumerate(reachable):
            item = self.step_list.item(row)
            flags = item.flags()
            enabled = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            item.setFlags(flags | enabled if ok else flags & ~enabled)
        for button in (self.choose_button, self.add_button, self.test_button):
            button.setEnabled(not busy)
        self.no_test_button.setEnabled(not busy and self.test_root is not None)
        self.to_features_button.setEnabled(has_data)
        self.compute_button.setEnabled(has_data and not busy)
        self.framing_combo.setEnabled(not busy)
        self.augment_check.setEnabled(not busy)
        self.crop_check.setEnabled(not busy)
        self.cancel_button.setEnabled(
            busy and self._job is not None and self._job.name == "features"
        )
        self.to_train_button.setEnabled(has_features)
        self.train_button.setEnabled(has_features and not busy)
        self.stop_button.setEnabled(busy and self._job is not None and self._job.name == "train")
        self.to_evaluate_button.setEnabled(has_model)
        self.to_use_button.setEnabled(has_model)
        for button in (self.save_button, self.use_button, self.export_button):
            button.setEnabled(has_model and not busy)

    # --- jobs ----------------------------------------------------------------------------------
    def _run(self, name: str, work, on_result, on_report=None) -> Job | None:
        """Start ``work(job)`` on a pool thread unless another job runs (one at a time: each
        step needs the previous one's result)."""
        if self._job is not None:
            self.notice.emit("Wait for the current step to finish (or cancel it)")
            return None
        job = Job(work, name=name)
        job.returned.connect(on_result)
        job.errored.connect(lambda exc, n=name: self._failed(n, exc))
        if on_report is not None:
            job.yielded.connect(on_report)
        job.finished.connect(self._job_finished)
        self._job = job
        self.busyChanged.emit(True)
        self._update_steps()
        job.start(self._pool)
        return job

    def _job_finished(self) -> None:
        self._job = None
        self.export_progress.hide()
        self.busyChanged.emit(False)
        self._update_steps()

    def _failed(self, step: str, exc: BaseException) -> None:
        from inception_desktop.core.errors import first_line
        from inception_desktop.core.training.retrain import CancelledError

        if step == "data":
            self.data_label.setText(f"Cannot use these folders: {first_line(exc, 300)}")
        if isinstance(exc, CancelledError):
            self.time_left.setText(f"Cancelled: {exc}")
            self.notice.emit(f"Cancelled: {exc}")
            return
        self.message.emit(f"Retrain ({step}): {first_line(exc, 300)}")

    def cancel(self) -> None:
        """Cancel the features being computed (those done stay in the cache)."""
        if self._job is not None:
            self._job.cancel()
            self._stop_training.set()

    def shutdown(self, ms: int = 5000) -> bool:
        """Stop what runs (features cancelled, training stopped) and wait for it, up to ``ms``
        (an export in conversion cannot be stopped: the window waits that long, then closes)."""
        self.cancel()
        self._stop_training.set()
        return self._pool.waitForDone(ms)

    def stop_training(self) -> None:
        """End training after the current epoch; the head so far is kept and evaluated."""
        self._stop_training.set()

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
        self.data_root, self.class_folders = str(folder), []
        self._scan()

    def add_class_folder(self, folder: str | Path) -> None:
        """Add ``folder`` as one class (its name). Until there are two, nothing is scanned."""
        if self.data_root is not None:
            self.data_root = None
        if str(folder) not in self.class_folders:
            self.class_folders.append(str(folder))
        if len(self.class_folders) < 2:
            self.data_label.setText(
                f"Class '{Path(folder).name}' added; add at least one more class folder."
            )
            return
        self._scan()

    def set_test_folder(self, folder: str | Path | None) -> None:
        self.test_root = str(folder) if folder else None
        if self.data_root is not None or len(self.class_folders) >= 2:
            self._scan()
        else:
            self._update_steps()

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
            self.data_root, self.class_folders = None, []
            for folder in folders:
                self.add_class_folder(folder)

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
        root, folders, test = self.data_root, list(self.class_folders), self.test_root
        self.data_label.setText("Reading the class folders…")

        def work(job: Job) -> DataChoice:
            from inception_desktop.core.training.retrain import dataset

            data = dataset.scan(root) if root is not None else dataset.scan_folders(folders)
            held = dataset.scan(test, data.classes) if test is not None else None
            thumbs = {}
            for label, name in enumerate(data.classes):
                paths = [s.path for s in data.samples if s.label == label][:THUMBS_PER_CLASS]
                thumbs[name] = _thumb_strip(paths, THUMB)
            return DataChoice(data, held, thumbs)

        self._run("data", work, self._data_read)

    def _data_read(self, choice: DataChoice) -> None:
        # A head trained before stays (to save, use or export) until another one replaces it.
        self.choice, self.features = choice, None
        self._feature_model_reset_if_needed()
        data = choice.data
        from inception_desktop.core.training.retrain.dataset import FEW_IMAGES

        self.class_table.show_classes(data.counts(), choice.thumbs, FEW_IMAGES)
        self.data_problems.clear()
        for line in data.warnings():
            self.data_problems.addItem(f"warning: {line}")
        skipped = data.skipped + (choice.held.skipped if choice.held else [])
        for entry in skipped:
            self.data_problems.addItem(f"skipped {entry['path']}: {entry['error']}")
        self._split_changed()
        if self.trained is None:
            self.curve.clear()
            self.model.update(name="retrained head: none yet")

    def _split_changed(self) -> None:
        """Say how the photos will be split (it is made when features are ready)."""
        if self.choice is None:
            return
        data, held = self.choice.data, self.choice.held
        where = (
            f"{data.root}" if self.data_root is not None else f"{len(data.classes)} class folders"
        )
        if held is not None:
            split = (
                f"all {len(data.samples)} to train, "
                f"{len(held.samples)} in the test folder to validate"
            )
        else:
            from inception_desktop.core.training.retrain.dataset import split as make_split

            labels = data.labels()
            try:
                train, val = make_split(
                    labels, self.validation_spin.value(), self.seed_spin.value()
                )
                split = (
                    f"{len(train)} to train, {len(val)} to validate (seed {self.seed_spin.value()})"
                )
            except Exception as exc:  # a fraction out of range: the spin box prevents it
                split = str(exc)
        self.data_label.setText(
            f"{where}: {len(data.classes)} classes, {len(data.samples)} photos; {split}."
        )
        if self.features is not None and held is None:
            self.features = None  # another split: the features are regrouped from the cache
        self._update_steps()

    # --- 2. features ------------------------------------------------------------------------
    def _variant_check(self, row: QHBoxLayout, text: str, tip: str) -> QCheckBox:
        """An augmentation's check box in ``row``: changing it makes the features stale."""
        check = QCheckBox(text)
        check.setToolTip(f"{tip} Validation always sees the photos as they are.")
        check.toggled.connect(self._framing_changed)
        row.addWidget(check)
        return check

    def _framing_changed(self) -> None:
        if self.features is not None:
            self.features = None
            self.features_label.setText(
                "Framing or augmentation changed: compute the features again."
            )
        self._update_steps()

    def _feature_model_reset_if_needed(self) -> None:
        if self._feature_runtime != self._worker.runtime:
            self._feature_model = None

    def compute_features(self) -> None:
        """Features of every photo (and of the test folder's), then the split."""
        if self.choice is None:
            self.message.emit("Retrain: choose the data first")
            return
        from inception_desktop.core.photo.framing import Framing

        choice, weights, runtime = self.choice, self.weights, self._worker.runtime
        framing = Framing(self.framing_combo.currentData())
        augment = tuple(
            variant
            for variant, check in (("flip", self.augment_check), ("crop", self.crop_check))
            if check.isChecked()
        )
        fraction, seed = self.validation_spin.value(), self.seed_spin.value()
        self._feature_model_reset_if_needed()
        reuse = self._feature_model
        self.progress.setRange(
            0, len(choice.data.samples) + (len(choice.held.samples) if choice.held else 0)
        )
        self.progress.setValue(0)
        self.time_left.setText("Loading Inception v3…")
        self._progress_start = None

        def work(job: Job) -> tuple[Features, Any]:
            from inception_desktop.core.training.retrain import dataset
            from inception_desktop.core.training.retrain.card import check_trainable
            from inception_desktop.core.training.retrain.features import (
                extract,
                feature_model_for,
                resolve_weights,
            )

            path, md5 = resolve_weights(weights)
            model = reuse
            if model is None or model.weights_md5 != md5:
                model = feature_model_for(
                    path, md5, runtime, stage=lambda text: job.report(("stage", text))
                )
            total = len(choice.data.samples) + (len(choice.held.samples) if choice.held else 0)
            first = extract(
                choice.data.samples,
                model,
                framing,
                lambda done, _n: job.report(("progress", done, total)),
                stop=lambda: job.cancelled,
            )
            x, y = first.features, choice.data.labels()[first.rows]
            paths = [str(choice.data.samples[i].path) for i in first.rows]
            skipped = list(first.skipped)
            hits, computed, seconds = first.cache_hits, first.computed, first.seconds
            if choice.held is None:
                check_trainable(choice.data.classes, y, minimum=2)
                train, val = dataset.split(y, fraction, seed)
                x_train, y_train, x_val, y_val = x[train], y[train], x[val], y[val]
                val_paths = [paths[i] for i in val]
            else:
                offset = len(choice.data.samples)
                second = extract(
                    choice.held.samples,
                    model,
                    framing,
                    lambda done, _n: job.report(("progress", offset + done, total)),
                    stop=lambda: job.cancelled,
                )
                check_trainable(choice.data.classes, y, minimum=1)
                x_train, y_train = x, y
                train = np.arange(len(y))
                x_val, y_val = second.features, choice.held.labels()[second.rows]
                val_paths = [str(choice.held.samples[i].path) for i in second.rows]
                skipped += second.skipped
                hits, computed = hits + second.cache_hits, computed + second.computed
                seconds += second.seconds
            photos = len(y_train)
            if augment:
                more = dataset.augmented(choice.data, [paths[i] for i in train], augment)
                done, grown = total, total + len(more.samples)
                third = extract(
                    more.samples,
                    model,
                    framing,
                    lambda n, _n: job.report(("progress", done + n, grown)),
                    stop=lambda: job.cancelled,
                )
                x_train = np.concatenate([x_train, third.features])
                y_train = np.concatenate([y_train, more.labels()[third.rows]])
                hits, computed = hits + third.cache_hits, computed + third.computed
                seconds += third.seconds
            features = Features(
                framing, x_train, y_train, x_val, y_val, val_paths, skipped, path, md5,
                hits, computed, seconds, photos, augment,
            )  # fmt: skip
            return features, model

        self._run("features", work, self._features_ready, self._features_progress)

    def _features_progress(self, report: tuple) -> None:
        if report[0] == "stage":
            self.time_left.setText(f"{report[1]}…")
            self.notice.emit(f"{report[1]}…")
            return
        _, done, total = report
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        now = time.monotonic()
        if self._progress_start is None:
            self._progress_start = (now, done)  # photos from the cache: not part of the rate
            self.time_left.setText(f"{done} of {total} photos")
            return
        started, first = self._progress_start
        rate = (done - first) / max(1e-6, now - started)
        if done >= total:
            self.time_left.setText("Done")
        elif rate > 0:
            self.time_left.setText(
                f"{done} of {total} photos, about {(total - done) / rate:.0f} s left"
            )

    def _features_ready(self, result: tuple[Features, Any]) -> None:
        features, self._feature_model = result
        self._feature_runtime = self._worker.runtime
        self.features = features
        self.model.update(name="retrained head: none yet", device=self._feature_model.runtime)
        text = (
            f"{features.train_photos} photos to train"
            + augmented_text(features.augmented)
            + f", {len(features.y_val)} to validate: "
            f"{features.cache_hits} from the cache, {features.computed} computed in "
            f"{features.seconds:.1f} s."
        )
        if features.skipped:
            text += f" {len(features.skipped)} could not be read and were skipped (see Data)."
            for entry in features.skipped:
                self.data_problems.addItem(f"skipped {entry['path']}: {entry['error']}")
        self.features_label.setText(text)
        self.time_left.setText("Done")
        self.notice.emit("Features ready: train the head")
        self.go_to(TRAIN)

    # --- 3. train -----------------------------------------------------------------------------
    def train(self) -> None:
        if self.features is None or self.choice is None:
            self.message.emit("Retrain: compute the features first")
            return
        features, data = self.features, self.choice.data
        hidden, dropout = self.hidden_spin.value(), self.dropout_spin.value()
        epochs, seed = self.epochs_spin.value(), self.seed_spin.value()
        patience = self.patience_spin.value() if self.early_check.isChecked() else 0
        balance = self.balance_check.isChecked()
        stop = self._stop_training
        stop.clear()
        self.curve.clear()
        self.epoch_label.setText("Starting TensorFlow…")

        def work(job: Job) -> Trained:
            from inception_desktop.core.training.retrain import report
            from inception_desktop.core.training.retrain.card import model_card
            from inception_desktop.core.training.retrain.head import HeadWeights
            from inception_desktop.core.training.retrain.head import train as train_head

            result = train_head(
                features.x_train,
                features.y_train,
                features.x_val,
                features.y_val,
                len(data.classes),
                epochs=epochs,
                seed=seed,
                hidden=hidden,
                dropout=dropout,
                patience=patience,
                balance=balance,
                on_logs=lambda epoch, logs: job.report((epoch, logs)),
                stop=stop.is_set,
            )
            scores = HeadWeights.from_model(result.model).scores(features.x_val)
            summary = report.summarise(scores, features.y_val, data.classes, features.val_paths)
            card = model_card(
                data,
                features.framing,
                features.weights_md5,
                summary,
                train=features.train_photos,
                augmented=list(features.augmented),
                hidden=hidden,
                epochs=result.epochs_run,
                best_epoch=result.best_epoch,
                seed=seed,
                dropout=dropout if hidden else None,
                class_weights=balance,
                stopped_by_hand=stop.is_set(),
            )
            return Trained(result.model, summary, card, features.weights_path, result.history)

        self._run("train", work, self._trained, self._epoch)

    def _epoch(self, report: tuple[int, dict[str, float]]) -> None:
        epoch, logs = report
        self.curve.add_epoch(logs)
        self.epoch_label.setText(
            f"epoch {epoch}/{self.epochs_spin.value()}: loss {logs.get('loss', 0):.4f}, "
            f"accuracy {logs.get('accuracy', 0):.1%} · validation loss "
            f"{logs.get('val_loss', 0):.4f}, accuracy {logs.get('val_accuracy', 0):.1%}"
        )

    def _trained(self, trained: Trained) -> None:
        self.trained = trained
        card, summary = trained.card, trained.summary
        self.curve.set_best_epoch(card["best_epoch"])
        self.epoch_label.setText(
            f"{card['epochs']} epochs (best: {card['best_epoch']}, its weights kept); "
            f"validation accuracy {summary['accuracy']:.1%}"
        )
        self._show_evaluation(summary, card["classes"])
        self._show_card()
        self.model.update(name=f"retrained head ({len(card['classes'])} classes, not saved)")
        self.notice.emit(f"Trained: validation accuracy {summary['accuracy']:.1%}")
        self.go_to(EVALUATE)

    # --- 4. evaluate --------------------------------------------------------------------------
    def _show_evaluation(self, summary: dict[str, Any], classes: list[str]) -> None:
        wrong = summary["misclassified"]
        self.accuracy_label.setText(
            f"Validation accuracy: {summary['accuracy']:.1%} "
            f"({summary['size'] - len(wrong)} of {summary['size']} photos right)."
        )
        self.per_class.show_summary(summary["per_class"])
        self.confusion.show_matrix(summary["confusion_matrix"], classes)
        self.gallery.show_mistakes(wrong)
        paths = [entry["path"] for entry in wrong[:MAX_GALLERY]]
        if not paths:
            return

        def work(job: Job):
            for row, path in enumerate(paths):
                yield row, _thumb_strip([Path(path)], GALLERY_THUMB)

        thumbs = Job(work, name="retrain-gallery")  # not exclusive: it only reads photos
        thumbs.yielded.connect(lambda pair: self.gallery.set_thumbnail(*pair))
        thumbs.start()

    # --- 5. use -------------------------------------------------------------------------------
    def _show_card(self) -> None:
        assert self.trained is not None
        card = self.trained.card
        saved = self.trained.saved
        self.card_label.setText(
            f"Classes: {', '.join(card['classes'])}\n"
            f"Framing: {card['framing']['mode']} · trained on {card['train']} photos, "
            f"validated on {card['validation']}: {card['val_accuracy']:.1%}\n"
            f"Inception v3 weights md5: {card['weights_md5']}\n"
            + (f"Saved as {saved}" if saved else "Not saved yet.")
        )

    def choose_save_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the retrained model", "", MODEL_FILTER)
        if path:
            self.save_model(path if path.endswith(".keras") else path + ".keras")

    def save_model(self, path: str | Path, then_use: bool = False) -> None:
        """Save the head with its model card (atomically); ``then_use``: load it as the photo
        model once it is written."""
        if self.trained is None:
            self.message.emit("Retrain: train a model first")
            return
        trained, target = self.trained, str(path)

        def work(job: Job) -> str:
            from inception_desktop.core.store import atomic
            from inception_desktop.core.training.retrain.model_file import save

            atomic.check_output_file(Path(target))
            save(trained.keras_model, target, trained.card)
            return target

        def saved(written: str) -> None:
            trained.saved = written
            self._show_card()
            self.use_label.setText(f"Saved {written}")
            self.model.update(name=f"retrained head ({Path(written).name})")
            self.modelSaved.emit(written)
            if then_use:
                self.useModel.emit(written)

        self._run("save", work, saved)

    def use_in_photo(self) -> None:
        """Classify photos with this model in the Photo workspace (saving it first if needed)."""
        if self.trained is None:
            self.message.emit("Retrain: train a model first")
            return
        if self.trained.saved:
            self.useModel.emit(self.trained.saved)
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the retrained model to use it", "", MODEL_FILTER
        )
        if path:
            self.save_model(path if path.endswith(".keras") else path + ".keras", then_use=True)

    def choose_export_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export a self-contained LiteRT model", "", "LiteRT models (*.tflite)"
        )
        if path:
            self.export_tflite(path if path.endswith(".tflite") else path + ".tflite")

    def export_tflite(self, path: str | Path) -> None:
        """Inception v3 + this head as one ``.tflite`` and its labels JSON (a minute or so)."""
        if self.trained is None:
            self.message.emit("Retrain: train a model first")
            return
        trained, weights, target = self.trained, self.trained.weights_path, str(path)

        def work(job: Job) -> tuple[Path, Path]:
            from inception_desktop.core.training.retrain.export import export

            return export(
                trained.keras_model,
                weights,
                target,
                trained.card,
                lambda text: job.report(text),
            )

        def exported(paths: tuple[Path, Path]) -> None:
            self.use_label.setText(f"Exported {paths[0]} (labels: {paths[1]})")
            self.notice.emit(f"Exported {paths[0]}")

        self.export_progress.show()
        self._run("export", work, exported, lambda text: self.use_label.setText(f"{text}…"))


def _boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box


def _thumb_strip(paths: list[Path], side: int) -> np.ndarray:
    """Thumbnails of ``paths`` side by side as one RGB array (a grey square for a photo that
    cannot be read: the Data step lists it). Runs on a pool thread."""
    from PIL import Image

    from inception_desktop.core.photo.images import ImageLoadError
    from inception_desktop.core.photo.prepare import load_photo

    strip = Image.new("RGB", (max(1, len(paths)) * (side + 4), side), (255, 255, 255))
    for n, path in enumerate(paths):
        try:
            image = load_photo(path).image.convert("RGB")
            image.thumbnail((side, side))
        except (ImageLoadError, OSError):
            image = Image.new("RGB", (side, side), (200, 200, 200))
        strip.paste(image, (n * (side + 4) + (side - image.width) // 2, (side - image.height) // 2))
    return np.asarray(strip)
