"""Inception v3's pooled features for many photos: batched, decoding overlapped, cached.

Photos go through the app's one photo path (``core.photo.prepare.photo_input``), so a retrained
model sees the pixels that ``classify`` and the window will give it. Decoding and framing run on a
small thread pool (Pillow releases the GIL) while the network computes the previous batch, as
``classify`` does, so a folder goes at the network's rate. Features already in the
:class:`.FeatureCache` are not computed again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.models.inception import INPUT_SIZE
from inception_desktop.core.models.precision import FP32
from inception_desktop.core.models.runtime import TENSORFLOW_BATCH, batch_size
from inception_desktop.core.photo.framing import Framing, FramingError
from inception_desktop.core.photo.images import ImageLoadError
from inception_desktop.core.photo.prepare import load_photo, network_input, photo_input
from inception_desktop.core.training.retrain import FEATURE_SIZE, CancelledError
from inception_desktop.core.training.retrain.cache import FeatureCache
from inception_desktop.core.training.retrain.dataset import CROP, FLIP, Sample, crop_box

DECODE_THREADS = 2
#: Receives (photos done, photos in all) after each batch.
Progress = Callable[[int, int], None]


class FeatureModel:
    """Inception v3 up to ``avg_pool`` on a runtime: uint8 (N, 299, 299, 3) → (N, 2048).

    Attributes:
        weights_md5: the md5 of the weights it computes with (the cache and model files key).
        runtime: where it computes, for people.
        precision: ``fp32`` or ``int8`` (the backbone's int8 twin): int8 features differ a
            little, so they are cached apart (:attr:`cache_key`).
        path: the ``.tflite`` computing them on LiteRT (None on TensorFlow).
        calls: how many photos went through the network (cache hits do not).
        keras: the Keras model computing them on the TensorFlow runtime (None on LiteRT):
            Grad-CAM of a retrained model goes through it there.
        litert: the LiteRT model computing them (None on TensorFlow): its conversion also
            outputs ``mixed10``, which Grad-CAM on LiteRT reads
            (``core.explain.litert_gradcam.RetrainedGradCam``).
    """

    def __init__(
        self,
        compute: Callable[[np.ndarray], np.ndarray],
        weights_md5: str,
        runtime: str,
        keras: Any = None,
        prepare: Callable[[int], None] | None = None,
        precision: str = FP32,
        path: Path | None = None,
        litert: Any = None,
    ) -> None:
        self._compute = compute
        self._prepare = prepare
        self.weights_md5 = weights_md5
        self.runtime = runtime
        self.keras = keras
        self.precision = precision
        self.path = path
        self.litert = litert
        self.calls = 0

    @property
    def cache_key(self) -> str:
        """What keys these features in the :class:`.FeatureCache`: the weights' md5, with
        ``-int8`` for the int8 backbone's (float32's key is the one caches always had)."""
        return self.weights_md5 + ("" if self.precision == FP32 else f"-{self.precision}")

    def prepare(self, batch: int) -> None:
        """Ready the runtime for batches of ``batch`` photos (see ``Classifier.prepare``)."""
        if self._prepare is not None:
            self._prepare(batch)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self.calls += len(batch)
        return np.asarray(self._compute(batch), np.float32).reshape(len(batch), FEATURE_SIZE)


def resolve_weights(weights: str | Path | None) -> tuple[Path, str]:
    """The weights file (``None``: the installed one) and its md5."""
    from inception_desktop.core.store import weights as weights_module

    if weights is None:
        path = weights_module.require()
        return path, weights_module.status().md5 or weights_module.weights_digest(path)
    return Path(weights), weights_module.weights_digest(weights)


def load_feature_model(
    weights: str | Path | None = None,
    runtime: str | None = None,
    stage: Any = None,
    precision: str | None = None,
) -> FeatureModel:
    """Inception v3's feature extractor on ``runtime`` (LiteRT unless a GPU or asked), in
    ``precision`` (None: ``$INCEPTION_DESKTOP_PRECISION``, else fp32)."""
    return feature_model_for(*resolve_weights(weights), runtime, stage, precision)


def feature_model_for(
    path: Path, md5: str, runtime: str | None, stage: Any = None, precision: str | None = None
) -> FeatureModel:
    """:func:`load_feature_model` for weights already resolved (path and md5)."""
    from inception_desktop.core.models import inception
    from inception_desktop.core.models import precision as precisions
    from inception_desktop.core.models import runtime as runtimes

    if precisions.runtime_for(runtime, precision) == runtimes.LITERT:
        from inception_desktop.core.models.litert import FEATURES, LiteRTModel

        # The classifier's own loading: converted once per weights, a damaged conversion redone.
        chosen = precisions.resolve(precision)
        model = inception.litert_model(path, md5, stage, LiteRTModel, chosen)
        return FeatureModel(
            lambda b: model.run(b, (FEATURES,))[FEATURES],
            md5,
            model.runtime,
            prepare=model.prepare,
            precision=chosen,
            path=model.path,
            litert=model,
        )
    from inception_desktop.core.models.compiled import CompiledModel

    full = inception.build_model(path)  # imports TensorFlow quietly, then Keras
    import keras

    pooled = keras.Model(full.inputs, full.get_layer(inception.FEATURES_LAYER).output)
    compiled = CompiledModel(pooled, inception.INPUT_SHAPE, np.uint8, inception.preprocess)
    return FeatureModel(
        lambda b: compiled.predict_batch(b, TENSORFLOW_BATCH),
        md5,
        compiled.runtime,
        keras=pooled,
        prepare=compiled.prepare,
    )


@dataclass
class Extraction:
    """Features of the photos that could be read, in the order given.

    ``rows[i]`` is the index (in the samples given) of ``features[i]``; ``skipped`` lists
    ``{"path", "error"}`` for photos that could not be decoded.
    """

    features: np.ndarray
    rows: list[int]
    skipped: list[dict[str, str]] = field(default_factory=list)
    cache_hits: int = 0
    computed: int = 0
    network_seconds: float = 0.0
    seconds: float = 0.0


def extract(
    samples: Sequence[Sample],
    model: FeatureModel,
    framing: Framing,
    progress: Progress | None = None,
    cache: FeatureCache | None = None,
    stop: Callable[[], bool] | None = None,
) -> Extraction:
    """Features for ``samples``: from ``cache`` where present, else computed and stored.

    ``stop`` is asked between batches: when it says True, :class:`CancelledError` is raised; every
    batch computed until then is already in the cache, so running again resumes there."""
    started = time.perf_counter()
    cache = cache if cache is not None else FeatureCache(model.cache_key, framing)
    found: dict[int, np.ndarray] = {}
    for i, sample in enumerate(samples):
        cached = cache.get(sample.key)
        if cached is not None:
            found[i] = cached
    result = Extraction(np.zeros((0, FEATURE_SIZE), np.float32), [], cache_hits=len(found))
    todo = [i for i in range(len(samples)) if i not in found]
    done = len(found)
    if progress:
        progress(done, len(samples))
    batch = batch_size(model.runtime)  # photos a network call (8 on LiteRT, 16 on TensorFlow)
    chunks = [todo[s : s + batch] for s in range(0, len(todo), batch)]
    with ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="retrain-decode") as pool:

        def submit(chunk: list[int]) -> list[Future[Any]]:
            return [pool.submit(_prepare, samples[i], framing) for i in chunk]

        pending = submit(chunks[0]) if chunks else []
        for n, chunk in enumerate(chunks):
            if stop is not None and stop():
                for future in pending:
                    future.cancel()
                raise CancelledError(
                    f"stopped after {done} of {len(samples)} photos (kept in the cache)"
                )
            prepared = [future.result() for future in pending]
            pending = submit(chunks[n + 1]) if n + 1 < len(chunks) else []
            ready = []
            for i, (array, error) in zip(chunk, prepared, strict=True):
                if error is not None:
                    result.skipped.append({"path": str(samples[i].path), "error": error})
                else:
                    ready.append((i, array))
            if ready:
                net_started = time.perf_counter()
                values = model(np.stack([a for _, a in ready]))
                result.network_seconds += time.perf_counter() - net_started
                for (i, _), row in zip(ready, values, strict=True):
                    found[i] = row
                    cache.put(samples[i].key, row)
                result.computed += len(ready)
            done += len(chunk)
            if progress:
                progress(done, len(samples))
    result.rows = sorted(found)
    if result.rows:
        result.features = np.stack([found[i] for i in result.rows])
    result.seconds = time.perf_counter() - started
    return result


def _prepare(sample: Sample, framing: Framing) -> tuple[np.ndarray | None, str | None]:
    """The network input of one photo (mirrored for :data:`.dataset.FLIP`, cropped for
    :data:`.dataset.CROP` and then framed as the others), or the reason it could not be made."""
    try:
        if sample.variant == CROP:
            loaded = load_photo(sample.path)
            box = crop_box(sample.sha256, *loaded.original_size)
            return network_input(loaded, replace(framing, box=box), INPUT_SIZE).array, None
        array = photo_input(sample.path, framing, INPUT_SIZE).array
        return (np.ascontiguousarray(array[:, ::-1]) if sample.variant == FLIP else array), None
    except ImageLoadError as exc:
        return None, exc.reason
    except FramingError as exc:
        return None, str(exc)
