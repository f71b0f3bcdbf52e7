"""Grad-CAM on LiteRT (closed form through pooling + dense) equals TensorFlow's autodiff maps."""

from __future__ import annotations

import numpy as np
import pytest

#: Largest difference allowed between the two normalised maps (values in [0, 1]), and between
#: the scores: the float32 conversion computes mixed10 within ~1e-5 of Keras.
MAP_TOLERANCE = 1e-4


@pytest.mark.slow
def test_litert_gradcam_equals_tensorflows(inception_classifier, litert_classifier):
    from inception_desktop.core.explain.gradcam import for_classifier
    from inception_desktop.core.explain.litert_gradcam import LiteRTGradCam, for_litert

    tf_cam = for_classifier(inception_classifier)
    lite_cam = for_litert(litert_classifier)
    assert isinstance(lite_cam, LiteRTGradCam) and lite_cam.layer == "mixed10"
    images = np.random.default_rng(4).integers(0, 256, (3, 299, 299, 3), dtype=np.uint8)
    for image in images:
        for class_index in (None, 7):
            a, b = tf_cam(image, class_index), lite_cam(image, class_index)
            assert a.class_index == b.class_index
            assert a.cam.shape == b.cam.shape == (8, 8)
            assert a.cam.max() == pytest.approx(1.0) and b.cam.max() == pytest.approx(1.0)
            assert np.abs(a.cam - b.cam).max() <= MAP_TOLERANCE
            assert b.logit == pytest.approx(a.logit, abs=1e-3)
            assert np.abs(a.scores - b.scores).max() <= 1e-5


@pytest.mark.slow
def test_the_explainer_uses_litert_for_gradcam(litert_classifier):
    """An Explainer on a LiteRT Inception classifier makes Grad-CAM maps without TensorFlow's
    Grad-CAM (a LiteRT classifier has no Keras model to differentiate)."""
    from inception_desktop.core.explain.explainer import Explainer

    explainer = Explainer(litert_classifier, "gradcam")
    image = np.random.default_rng(5).integers(0, 256, (299, 299, 3), dtype=np.uint8)
    result = explainer.explain(image)
    assert result.method == "gradcam" and result.layer == "mixed10"
    assert result.heat.shape == (299, 299) and result.grid.shape == (8, 8)
    assert int(np.argmax(result.scores)) == result.class_index


def test_a_retrained_heads_logit_gradient_is_the_numeric_one():
    """``HeadWeights.logit_gradient`` (what Grad-CAM of a retrained model on LiteRT uses) against
    central differences of the head's own logits, for a head with a hidden ReLU layer."""
    from inception_desktop.core.training.retrain.head import HeadWeights

    rng = np.random.default_rng(8)
    head = HeadWeights(
        rng.normal(0, 0.1, 12).astype(np.float32),
        rng.uniform(0.05, 0.5, 12).astype(np.float32),
        (
            rng.normal(0, 0.5, (12, 7)).astype(np.float32),
            rng.normal(0, 0.5, (7, 3)).astype(np.float32),
        ),
        (rng.normal(0, 0.1, 7).astype(np.float32), rng.normal(0, 0.1, 3).astype(np.float32)),
    )
    features = rng.normal(0, 1, 12).astype(np.float32)
    for c in range(3):
        gradient = head.logit_gradient(features, c)
        step = 1e-3
        numeric = np.array([
            (head.logits((features + step * e)[None].astype(np.float64))[0, c]
             - head.logits((features - step * e)[None].astype(np.float64))[0, c]) / (2 * step)
            for e in np.eye(12)
        ])  # fmt: skip
        np.testing.assert_allclose(gradient, numeric, rtol=1e-3, atol=1e-4)
