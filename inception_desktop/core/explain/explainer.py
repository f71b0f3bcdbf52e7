"""One call from a network input to an explanation, whichever method: what the CLI and the
window's worker use.

An :class:`Explanation` keeps the exact input, the map at the network's grid and at the input's
size, and the framing's geometry, so the heat can be drawn over the input or over the photo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from inception_desktop.core.explain import ExplainError
from inception_desktop.core.explain.mapping import Rect, to_photo, upsample
from inception_desktop.core.explain.occlusion import BATCH, DEFAULT_GRID, FILL, occlusion

GRADCAM, OCCLUSION = "gradcam", "occlusion"
METHODS = (GRADCAM, OCCLUSION)


@dataclass(frozen=True)
class Explanation:
    """Attributes:
    method: ``gradcam`` or ``occlusion``; layer: the explained layer (Grad-CAM only).
    class_index, score: the explained class and its score on this input.
    input: the network input (uint8), exactly what was scored.
    grid: the map at the method's own resolution (8x8 at ``mixed10``; the occlusion grid).
    heat: float32 [0, 1] at the input's size (bilinear from ``grid``).
    source_rect, content_rect, visible: the framing's geometry (see :func:`.mapping.to_photo`).
    scores: every class's score on this input, from the same pass (a caller that needs the
    classification too need not run the network again).
    """

    method: str
    layer: str | None
    class_index: int
    score: float
    input: np.ndarray
    grid: np.ndarray
    heat: np.ndarray
    source_rect: Rect
    content_rect: Rect
    visible: Rect
    scores: np.ndarray | None = None

    def on_photo(self, size: tuple[int, int], scale: float = 1.0) -> np.ndarray:
        """The heat over a photo of ``size`` (width, height); ``scale``: framing pixels per
        photo pixel (``LoadedImage.scale`` for an original-size result)."""
        return to_photo(self.heat, self.source_rect, self.content_rect, size, self.visible, scale)


class Explainer:
    """Explains a classifier's answers with one method.

    Grad-CAM runs on LiteRT for Inception v3, a retrained model and a digit model whose head it
    can follow (:mod:`.litert_gradcam`, no TensorFlow), else needs a TensorFlow-runtime
    classifier (its Keras model); occlusion runs on any runtime. ``fill``
    is the occluding colour: pad grey for photos, black (0) for digits;
    ``batch_size`` trades occlusion's speed for memory (see :data:`.occlusion.BATCH`).
    """

    def __init__(
        self,
        classifier: Any,
        method: str = GRADCAM,
        layer: str | None = None,
        grid: int = DEFAULT_GRID,
        fill: int | None = None,
        batch_size: int = BATCH,
    ) -> None:
        if method not in METHODS:
            raise ExplainError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
        self.classifier = classifier
        self.method = method
        self.grid = grid
        self.batch_size = batch_size
        self.fill = fill if fill is not None else (FILL if len(classifier.input_shape) == 3 else 0)
        self._cam = None
        if method == GRADCAM:  # on LiteRT in closed form where the model allows, else TF
            from inception_desktop.core.explain.gradcam import for_classifier
            from inception_desktop.core.explain.litert_gradcam import for_litert

            self._cam = for_litert(classifier, layer) or for_classifier(classifier, layer)

    @property
    def layer(self) -> str | None:
        return self._cam.layer if self._cam is not None else None

    def explain(
        self,
        array: np.ndarray,
        class_index: int | None = None,
        source_rect: Rect | None = None,
        content_rect: Rect | None = None,
        visible: Rect | None = None,
    ) -> Explanation:
        """Explain ``class_index`` (None: the top class) on this exact input.

        The rectangles default to "the input is the photo" (the whole input, no padding).
        """
        array = np.asarray(array)
        height, width = array.shape[:2]
        whole: Rect = (0.0, 0.0, float(width), float(height))
        scores: np.ndarray | None
        if self._cam is not None:
            result = self._cam(array, class_index)
            grid, index, score, scores = result.cam, result.class_index, result.score, result.scores
        else:
            occluded = occlusion(
                self.classifier.predictor, array, class_index, self.grid, self.fill, self.batch_size
            )
            grid, index, score = occluded.heat, occluded.class_index, occluded.score
            scores = occluded.scores
        content = content_rect or whole
        return Explanation(
            self.method,
            self.layer,
            index,
            score,
            array,
            grid,
            upsample(grid, height, width),
            source_rect or whole,
            content,
            visible or content,
            scores,
        )
