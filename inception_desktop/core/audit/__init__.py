"""Know your data: what a training folder's photos say about themselves before a model learns them.

An audit reads class folders as ``retrain`` does (the same scan, the same cached Inception v3
features, so a second audit of the same photos computes nothing) and reports:

* :mod:`.mislabels` — each photo's out-of-fold probability for the class its folder says (a
  classifier trained on the other folds), ranked, with the class it would give instead;
* :mod:`.similar` — duplicates and near-duplicates (re-encoded, resized, slightly cropped
  copies), each pair marked *same class*, *different classes* (contradictory labels) or
  *training and validation* (leakage, which inflates every accuracy a report prints);
* :mod:`.outliers` — photos unlike any other (blank frames, a wrong subject);
* :mod:`.projection` — the features on a seeded 2-D map; :mod:`.report` draws it with the
  findings as a PNG and an HTML page;
* :mod:`.moves` — fixing: a photo moved to another class folder or set aside, logged, undoable.

:func:`.run.audit` is the one pipeline the command line (``inception-desktop audit``) and the
window's Audit step call.
"""

from __future__ import annotations

from inception_desktop.core.errors import InceptionDesktopError


class AuditError(InceptionDesktopError):
    """An audit that cannot be made, or a fix that cannot be applied; the message says why."""
