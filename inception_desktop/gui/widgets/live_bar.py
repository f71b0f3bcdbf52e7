"""The controls of a live source, shared by the Photo and Digit workspaces.

A camera to pick (listed by name and index, the last one chosen first), Camera to start it,
Video… to play a file, and, while one runs: Stop, Pause and Step (a file), Mirror, Freeze, and
Snapshot where the workspace keeps pictures. Without OpenCV it says what to install, with the
command and a button that copies it, instead of offering what cannot work. The bar only asks
(signals); the workspace's live part decides.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from inception_desktop.core.video.cameras import CameraInfo, list_cameras
from inception_desktop.core.video.errors import EXTRA_COMMAND, venv_command
from inception_desktop.core.video.files import VIDEO_SUFFIXES


def choose_video(parent: QWidget, folder: str) -> str | None:
    """A video file chosen in a dialog (None: cancelled)."""
    patterns = " ".join(f"*{s}" for s in VIDEO_SUFFIXES)
    path, _ = QFileDialog.getOpenFileName(
        parent, "Play a video", folder, f"Videos ({patterns});;All files (*)"
    )
    return path or None


class LiveBar(QWidget):
    """See the module docstring. ``snapshot``: whether to offer Snapshot."""

    cameraStartRequested = Signal(int)  # the camera index chosen
    videoRequested = Signal()  # choose a video file
    stopRequested = Signal()
    pauseToggled = Signal(bool)
    stepRequested = Signal()
    mirrorToggled = Signal(bool)
    freezeToggled = Signal(bool)
    snapshotRequested = Signal()
    closeRequested = Signal()

    def __init__(self, snapshot: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cameras = QComboBox()
        self.cameras.setToolTip("The camera to start (listed by the system: name and index)")
        self.camera_button = QPushButton("Camera")
        self.camera_button.setToolTip("Start the chosen camera: the scores follow the picture")
        self.camera_button.clicked.connect(self._start_camera)
        self.video_button = QPushButton("Video…")
        self.video_button.setToolTip("Play a video file through the same path as a camera")
        self.video_button.clicked.connect(self.videoRequested)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop and release the camera or file")
        self.stop_button.clicked.connect(self.stopRequested)
        self.pause_button = self._checkable(
            "Pause", "Hold the video at this frame", self.pauseToggled
        )
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("While paused: the next frame")
        self.step_button.clicked.connect(self.stepRequested)
        self.mirror_button = self._checkable("Mirror", "Swap left and right, as a mirror does",
                                             self.mirrorToggled)  # fmt: skip
        self.freeze_button = self._checkable(
            "Freeze", "Hold the picture and its scores (the camera stays on)", self.freezeToggled
        )
        self.snapshot_button = QPushButton("Snapshot")
        self.snapshot_button.setToolTip("Put the picture shown in the photo strip")
        self.snapshot_button.clicked.connect(self.snapshotRequested)
        self.snapshot_button.setVisible(snapshot)
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Stop and hide these controls")
        self.close_button.clicked.connect(self.closeRequested)
        self.missing = QLabel("")
        self.missing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.missing.setWordWrap(True)
        self.copy_button = QPushButton("Copy command")
        self.copy_button.setToolTip("Copy the command that installs OpenCV into this Python")
        self.copy_button.clicked.connect(self.copy_command)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.cameras, self.camera_button, self.video_button, self.stop_button,
            self.pause_button, self.step_button, self.mirror_button, self.freeze_button,
            self.snapshot_button, self.missing, self.copy_button,
        ):  # fmt: skip
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.close_button)
        self.missing.hide()
        self.copy_button.hide()
        self.show_running(None)

    def _checkable(self, text: str, tip: str, signal) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(True)
        button.setToolTip(tip)
        button.toggled.connect(signal)
        return button

    def list_cameras(self, chosen: int) -> None:
        """List the cameras now (they come and go), ``chosen`` selected when it is there."""
        found = list_cameras()
        if chosen not in [c.index for c in found]:
            found.append(CameraInfo(chosen, f"Camera {chosen}"))
            found.sort(key=lambda c: c.index)
        self.cameras.clear()
        for camera in found:
            self.cameras.addItem(camera.label(), camera.index)
        self.cameras.setCurrentIndex(self.cameras.findData(chosen))

    def chosen_camera(self) -> int:
        data = self.cameras.currentData()
        return int(data) if data is not None else 0

    def _start_camera(self) -> None:
        self.cameraStartRequested.emit(self.chosen_camera())

    def show_running(self, kind: str | None) -> None:
        """None: nothing runs; "camera" or "video": which controls apply."""
        running = kind is not None
        for widget in (self.cameras, self.camera_button, self.video_button):
            widget.setEnabled(not running)
        for widget in (self.stop_button, self.mirror_button, self.freeze_button,
                       self.snapshot_button):  # fmt: skip
            widget.setEnabled(running)
        self.pause_button.setEnabled(kind == "video")
        self.step_button.setEnabled(kind == "video")
        if not running:
            for button in (self.pause_button, self.freeze_button):
                button.setChecked(False)

    def show_missing(self) -> None:
        """OpenCV is not installed: say what installs it, and offer to copy the command."""
        self.missing.setText(
            f"Live video needs OpenCV: {EXTRA_COMMAND}, or for this installation: {venv_command()}"
        )
        self.missing.show()
        self.copy_button.show()

    def copy_command(self) -> None:
        QGuiApplication.clipboard().setText(venv_command())
