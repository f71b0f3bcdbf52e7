"""The Audit step's work for the Retrain workspace: running the audit, moving photos, undoing.

The audit runs as one of the workspace's jobs (one at a time with its other steps, on its pool
thread; LiteRT and scikit-learn, no TensorFlow), on the folders the Data step chose and with the
framing of the Features step, so the features it computes are the ones training will read from
the cache. Moves are renames (instant), made here on the GUI thread; after each the data is
read again, and the audit shown says how many photos moved since it was made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from inception_desktop.gui.retrain.audit_page import AuditPage
from inception_desktop.gui.runtime.background import Job

if TYPE_CHECKING:
    from inception_desktop.gui.retrain.workspace import RetrainWorkspace


class AuditStep(QObject):
    """See the module docstring."""

    def __init__(self, workspace: RetrainWorkspace, page: AuditPage) -> None:
        super().__init__(workspace)
        self.workspace, self.page = workspace, page
        self.result: Any = None  # core Audit
        self.fixes: Any = None  # core Fixes, for the data root of this session
        self.moved_since = 0
        page.audit_button.clicked.connect(self.run)
        page.cancel_button.clicked.connect(workspace.cancel)
        page.moveAsked.connect(self.move)
        page.undoAsked.connect(self.undo)

    @property
    def undoable(self) -> int:
        return len(self.fixes.batches) if self.fixes is not None else 0

    def run(self) -> None:
        """Audit the data chosen (and the test tree, for leakage)."""
        ws = self.workspace
        if ws.choice is None:
            ws.message.emit("Retrain: choose the data first")
            return
        from inception_desktop.core.photo.framing import Framing

        source, weights, runtime = ws.source.copy(), ws.weights, ws.worker_runtime()
        precision = ws.worker_precision()
        framing = Framing(ws.features_page.framing())
        seed = ws.data_page.seed_spin.value()
        self.page.progress.setValue(0)
        self.page.status.setText("Auditing…")

        def work(job: Job) -> Any:
            from inception_desktop.core.audit.run import audit, scan
            from inception_desktop.core.training.retrain.features import (
                feature_model_for,
                resolve_weights,
            )

            data, held = scan(source.dirs(), source.test_root)
            path, md5 = resolve_weights(weights)
            model = feature_model_for(
                path, md5, runtime, lambda t: job.report(("stage", t, 0)), precision
            )
            return audit(
                data, held, model, framing, seed,
                lambda stage, done, total: job.report((stage, done, total)),
                stop=lambda: job.cancelled,
            )  # fmt: skip

        ws.run_job("audit", work, self._audited, self._progress)

    def _progress(self, report: tuple[str, Any, int]) -> None:
        stage, done, total = report
        if total:
            self.page.progress.setRange(0, total)
            self.page.progress.setValue(done)
            self.page.status.setText(f"Auditing: {stage}, {done} of {total}")
        else:
            self.page.status.setText(f"{done}…")

    def _audited(self, result: Any) -> None:
        self.result, self.moved_since = result, 0
        self.page.show_audit(result)
        self.workspace.notice.emit(
            f"Audit: {len(result.suspects)} suspects, {len(result.duplicates)} duplicates, "
            f"{len(result.outliers)} outliers"
        )

    def move(self, paths: list[str], to_class: str) -> None:
        """Move ``paths`` into the class folder ``to_class`` ("": set them aside)."""
        from inception_desktop.core.audit import AuditError
        from inception_desktop.core.audit.moves import Fixes

        ws = self.workspace
        root = ws.source.data_root
        if root is None:
            ws.message.emit("Retrain: moves need the data as one folder of class folders")
            return
        if self.fixes is None or str(self.fixes.root) != str(Fixes(root).root):
            self.fixes = Fixes(root)
        try:
            moves = self.fixes.move(paths, to_class or None)
        except AuditError as exc:
            ws.message.emit(f"Retrain (audit): {exc}")
            return
        where = f"to '{to_class}'" if to_class else f"aside, to {self.fixes.aside}"
        self._changed(len(moves), f"Moved {len(moves)} photo{'s' * (len(moves) != 1)} {where}")

    def undo(self, everything: bool) -> None:
        """Take back the last move (``everything``: every move of this session)."""
        from inception_desktop.core.audit import AuditError

        if self.fixes is None:
            return
        try:
            count = self.fixes.undo_all() if everything else len(self.fixes.undo())
        except AuditError as exc:
            self.workspace.message.emit(f"Retrain (audit): {exc}")
            return
        self._changed(-count, f"Put {count} photo{'s' * (count != 1)} back")

    def _changed(self, moved: int, text: str) -> None:
        self.moved_since = max(0, self.moved_since + moved)
        stale = (
            f" {self.moved_since} photos moved since this audit: audit again to refresh it."
            if self.moved_since
            else ""
        )
        self.page.status.setText(f"{text}.{stale} The data is read again; train again after.")
        self.workspace.notice.emit(text)
        self.workspace.rescan()
