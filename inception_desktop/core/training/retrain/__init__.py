"""Retraining: teach Inception v3 a person's own classes from a folder of class folders.

The pipeline, one small module per stage:

* :mod:`.dataset` — the class folders: names, files, content hashes, a stratified split;
* :mod:`.features` — Inception v3's 2048 pooled features per photo, on LiteRT, cached on disk by
  content hash + framing + the weights' md5;
* :mod:`.head` — the classifier head (Keras for training, numpy for serving);
* :mod:`.model_file` — the head saved as ``.keras`` with its model card inside;
* :mod:`.classifier` — backbone + head as one classifier, for ``classify --model``;
* :mod:`.report` — accuracy, per-class accuracy, the confusion matrix and the gallery;
* :mod:`.export` — backbone + head as one self-contained ``.tflite`` with its labels.
"""

from __future__ import annotations

from inception_desktop.core.errors import InceptionDesktopError

#: Inception v3's pooled features (``avg_pool``).
FEATURE_SIZE = 2048
#: Augmentations by name, in the order their features are computed, with what progress calls
#: their photos (light: the command line's parser reads it before anything heavy loads).
AUGMENTATIONS = {"flip": "mirrored", "crop": "cropped"}
#: Retraining's default framing: the whole photo, nothing lost (a class may sit at the edge).
DEFAULT_FRAMING = "pad"


class RetrainError(InceptionDesktopError):
    """Retraining data or a retrained model that cannot be used; the message says why."""


class CancelledError(RetrainError):
    """The person stopped the work; what was computed until then is kept (features cached)."""
