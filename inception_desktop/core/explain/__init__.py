"""Why did the network say that: heat maps over the exact network input, and back onto the photo.

* :mod:`.gradcam` — Grad-CAM (gradients of the chosen class's logit at the last convolutional
  feature map), TensorFlow only;
* :mod:`.occlusion` — gradient-free: grey patches slid over the input, batched through any
  runtime's ``predict_batch`` (LiteRT's fast path);
* :mod:`.mapping` — a map at the network input's size, and mapped through the framing's geometry
  onto the original photo (pure numpy);
* :mod:`.sweep` — the top class across many framings of one photo (crops, pads, shifts);
* :mod:`.colormap` — 8-bit grey maps and colour overlays for files and views.

Nothing here imports Qt; TensorFlow is imported only by :mod:`.gradcam`, when a map is built.
"""

from __future__ import annotations

from inception_desktop.core.errors import InceptionDesktopError


class ExplainError(InceptionDesktopError, ValueError):
    """An explanation that cannot be made for this model or input (no feature map, bad class)."""
