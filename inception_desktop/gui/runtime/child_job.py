"""A command of this app run in a child process: how the window does TensorFlow's heavy work.

Training a head, exporting a ``.tflite``: each is the very command a person would type
(``inception-desktop retrain … --events``), started with :class:`QProcess`, so the window never
imports TensorFlow for it and its memory returns to where it was when the child ends. The child
writes progress as JSON lines on stdout (see ``commands.common.EventStream``); its stderr, the
lines a person would read in a terminal, goes to a log file whose last lines explain a failure.

Every job ends in exactly one of ``succeeded(result)`` (the ``done`` event's result, exit 0),
``failed(message)`` (an ``error`` event, a non-zero exit, a crash, a kill from outside, a child
that could not start) or ``cancelled()``; then ``finished()``. :meth:`interrupt` sends SIGINT
(``retrain`` ends training after the current epoch and keeps the best head); :meth:`cancel`
ends the child (SIGTERM, then SIGKILL): its outputs are written atomically, so nothing
half-written is left.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import tempfile
from collections import deque
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

log = logging.getLogger(__name__)

#: Lines of the child's stderr kept to explain a failure.
TAIL_LINES = 20
#: Milliseconds between SIGTERM and SIGKILL when a job is cancelled.
KILL_AFTER_MS = 3000


class ChildJob(QObject):
    """``inception-desktop ARGS…`` in a child process; see the module docstring.

    Args:
        args: the command line after the program name (``["retrain", DIR, "--out", …]``).
        name: what the job is called in messages ("training", "export").
    """

    progressed = Signal(dict)  # every progress event (stage, progress, epoch, stopping)
    succeeded = Signal(object)  # the done event's result
    failed = Signal(str)  # one line for a person
    cancelled = Signal()
    finished = Signal()

    def __init__(self, args: list[str], name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.args = list(args)
        self.name = name
        self.result: Any = None
        self.error: str | None = None
        self._tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._buffer = b""
        self._cancelling = False
        self._done = False
        self.log_path = Path(
            tempfile.mkstemp(prefix=f"inception-desktop-{name}-", suffix=".log")[1]
        )
        self._log = self.log_path.open("ab")
        self.process = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("PYTHONUNBUFFERED", "1")
        env.insert("TF_CPP_MIN_LOG_LEVEL", env.value("TF_CPP_MIN_LOG_LEVEL", "2"))
        self.process.setProcessEnvironment(env)
        self.process.readyReadStandardOutput.connect(self._read_events)
        self.process.readyReadStandardError.connect(self._read_errors)
        self.process.finished.connect(self._ended)
        self.process.errorOccurred.connect(self._error)
        self._kill_timer = QTimer(self, singleShot=True, interval=KILL_AFTER_MS)
        self._kill_timer.timeout.connect(self.process.kill)

    # --- control ---------------------------------------------------------------------------
    def start(self) -> None:
        log.info("starting %s: %s", self.name, " ".join(self.args))
        self.process.start(sys.executable, ["-m", "inception_desktop", *self.args])

    @property
    def running(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    def pid(self) -> int:
        return int(self.process.processId())

    def interrupt(self) -> None:
        """SIGINT, as Ctrl-C in a terminal (``retrain``: stop after this epoch, keep the head)."""
        if self.running and hasattr(signal, "SIGINT") and self.pid():
            os.kill(self.pid(), signal.SIGINT)

    def cancel(self) -> None:
        """End the child now: SIGTERM, then SIGKILL if it has not ended in a few seconds."""
        if not self.running:
            return
        self._cancelling = True
        self.process.terminate()
        self._kill_timer.start()

    def wait(self, ms: int) -> bool:
        """Block up to ``ms`` for the child to end (at shutdown); whether it has."""
        return not self.running or self.process.waitForFinished(ms)

    # --- what the child says ---------------------------------------------------------------
    def _read_events(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            if not raw.strip():
                continue
            try:
                event = json.loads(raw)
            except ValueError:  # not ours (a library printing to stdout): keep it in the log
                self._write_log(raw + b"\n")
                continue
            if not isinstance(event, dict):
                continue
            kind = event.get("event")
            if kind == "done":
                self.result = event.get("result")
            elif kind == "error":
                self.error = str(event.get("message", ""))
            else:
                self.progressed.emit(event)

    def _read_errors(self) -> None:
        data = bytes(self.process.readAllStandardError().data())
        self._write_log(data)
        for line in data.decode("utf-8", "replace").splitlines():
            if line.strip():
                self._tail.append(line.strip())

    def _write_log(self, data: bytes) -> None:
        try:
            self._log.write(data)
            self._log.flush()
        except OSError:  # a full disk: the tail in memory still explains a failure
            pass

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._end(
                failed=f"the {self.name} process could not start ({self.process.errorString()})"
            )

    def _ended(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read_events()
        self._read_errors()
        self._kill_timer.stop()
        if self._cancelling:
            self._end(cancelled=True)
        elif status == QProcess.ExitStatus.NormalExit and code == 0 and self.result is not None:
            self._end(result=self.result)
        else:
            self._end(failed=self._failure(code, status))

    def _failure(self, code: int, status: QProcess.ExitStatus) -> str:
        if self.error:
            return self.error
        if status == QProcess.ExitStatus.CrashExit or code < 0:
            # QProcess does not say which signal: the kernel's out-of-memory killer, a kill
            # from outside and a crash all look the same from here.
            return (
                f"the {self.name} process was killed or crashed (out of memory, or ended "
                f"from outside); nothing was written. Its log: {self.log_path}"
            )
        last = next((line for line in reversed(self._tail) if "error" in line.lower()), None)
        last = last or (self._tail[-1] if self._tail else "no message")
        return f"the {self.name} process failed (exit {code}): {last}. Its log: {self.log_path}"

    def _end(self, result: Any = None, failed: str | None = None, cancelled: bool = False) -> None:
        if self._done:
            return
        self._done = True
        self._log.close()
        if cancelled:
            self.cancelled.emit()
        elif failed is not None:
            log.warning("%s failed: %s", self.name, failed)
            self.failed.emit(failed)
        else:
            self.succeeded.emit(result)
        self.finished.emit()
