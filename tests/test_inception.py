"""core.inception with the real architecture and test weights loaded through the real path."""

from __future__ import annotations

import numpy as np
import pytest


def test_preprocessing_matches_keras():
    import keras

    from inception_desktop.core.models.inception import preprocess

    x = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1).repeat(3, axis=3)
    ours = np.asarray(preprocess(x))
    theirs = keras.applications.inception_v3.preprocess_input(x.astype(np.float32))
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_compiled_call_matches_model_predict(inception_classifier):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (3, 299, 299, 3), dtype=np.uint8)
    model = inception_classifier.predictor.model
    reference = model.predict(images.astype(np.float32) / 127.5 - 1.0, verbose=0)
    single = np.stack([inception_classifier.scores(image) for image in images])
    batch = inception_classifier.predictor.predict_batch(images)
    np.testing.assert_allclose(single, reference, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(batch, reference, rtol=1e-4, atol=1e-6)


def test_classify_gives_ten_labelled_scores_best_first(inception_classifier):
    image = np.full((299, 299, 3), 200, np.uint8)
    prediction = inception_classifier.classify(image, k=10)
    assert prediction.model == "Inception v3" and prediction.device
    assert len(prediction.top) == 10
    scores = [s.score for s in prediction.top]
    assert scores == sorted(scores, reverse=True)
    full = inception_classifier.scores(image)
    assert full.sum() == pytest.approx(1.0, abs=1e-4)
    assert prediction.best.index == int(full.argmax())
    assert prediction.best.label == inception_classifier.labels[prediction.best.index]
    assert prediction.ms > 0


def test_wrong_input_shape_is_refused(inception_classifier):
    with pytest.raises(ValueError, match=r"expected \(299, 299, 3\)"):
        inception_classifier.scores(np.zeros((224, 224, 3), np.uint8))


def test_labels_are_keras_order():
    from inception_desktop.core.models.labels import imagenet_classes

    classes = imagenet_classes()
    assert classes[0].name == "tench" and classes[88].name == "macaw"
    assert classes[95].name == "jacamar" and len(classes) == 1000


@pytest.mark.slow
def test_answers_name_the_weights_file_they_came_from(inception_classifier, inception_weights):
    """Weights given by path are named by their md5 in every answer (the history keeps it)."""
    from inception_desktop.core.store.download import file_digest

    md5 = file_digest(inception_weights, "md5")
    assert inception_classifier.weights == md5
    pixels = np.zeros((299, 299, 3), np.uint8)
    assert inception_classifier.classify(pixels).weights == md5
