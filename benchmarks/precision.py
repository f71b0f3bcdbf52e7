"""float32 against int8 against TensorFlow, every ratio with both of its sides, from one run.

* per photo: Inception v3 on LiteRT in float32, its int8 twin, and TensorFlow's compiled call,
  batches of 8 on the cores this process may use (ms per photo, median of batches);
* a 100-photo folder (640x480 JPEGs) at each precision through the app's batched pipeline with
  decoding overlapped (``core.training.retrain.features.extract``, what ``retrain`` and the
  Retrain workspace run; nothing cached), beside its decode bound: the same photos decoded and
  framed on the same decode threads with no network;
* Grad-CAM of one photo on LiteRT (closed form) against TensorFlow's autodiff and against
  occlusion (8x8 grid): time, and each map's largest difference from TensorFlow's.

Run: ``nice .venv/bin/python benchmarks/precision.py [--no-tensorflow]`` (random test weights
unless official ones are installed: the same network, the same cost).
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import inception_weights

BATCH = 8
FOLDER = 100


def per_photo_ms(run, batch: np.ndarray, repeats: int = 7) -> float:
    run(batch)  # allocation, weight packing, tracing
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run(batch)
        samples.append((time.perf_counter() - started) * 1000 / len(batch))
    return statistics.median(samples)


def make_folder(folder: Path) -> list[Path]:
    from PIL import Image

    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(FOLDER):
        small = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
        image = Image.fromarray(small).resize((640, 480), Image.Resampling.BICUBIC)
        path = folder / f"{i:03d}.jpg"
        image.save(path, quality=90)
        paths.append(path)
    return paths


def main() -> None:
    os.environ.setdefault("INCEPTION_DESKTOP_CACHE", tempfile.mkdtemp(prefix="bench-cache-"))
    from inception_desktop.core.models import inception
    from inception_desktop.core.models.litert import LiteRTModel
    from inception_desktop.core.models.runtime import cpu_threads
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.photo.prepare import photo_input
    from inception_desktop.core.store.download import file_digest
    from inception_desktop.core.training.retrain.cache import FeatureCache
    from inception_desktop.core.training.retrain.dataset import Sample
    from inception_desktop.core.training.retrain.features import (
        DECODE_THREADS,
        extract,
        feature_model_for,
    )

    path, what = inception_weights()
    md5 = file_digest(path, "md5")
    started = time.perf_counter()
    files = {p: inception.ensure_tflite(path, md5, precision=p) for p in ("fp32", "int8")}
    print(f"Inception v3 with {what}; converted both in {time.perf_counter() - started:.0f} s")
    batch = np.random.default_rng(1).integers(0, 256, (BATCH, 299, 299, 3), dtype=np.uint8)
    ms = {}
    for precision, file in files.items():
        model = LiteRTModel(file)
        ms[precision] = per_photo_ms(model.run, batch)
        print(
            f"  LiteRT {precision}: {ms[precision]:6.1f} ms a photo "
            f"({file.stat().st_size / 1e6:.0f} MB, {model.runtime})"
        )
    compiled = None
    if "--no-tensorflow" not in sys.argv:
        from inception_desktop.core.models.compiled import CompiledModel

        compiled = CompiledModel(
            inception.build_model(path), inception.INPUT_SHAPE, np.uint8, inception.preprocess
        )
        ms["tensorflow"] = per_photo_ms(lambda b: compiled.predict_batch(b, BATCH), batch)
        print(f"  TensorFlow:  {ms['tensorflow']:6.1f} ms a photo ({compiled.runtime})")
        print(
            f"  float32 LiteRT / TensorFlow: {ms['fp32']:.1f} / {ms['tensorflow']:.1f} = "
            f"{ms['fp32'] / ms['tensorflow']:.2f}x (target <= 1.0x)"
        )
    print(
        f"  int8 / float32: {ms['int8']:.1f} / {ms['fp32']:.1f} = {ms['int8'] / ms['fp32']:.2f}x "
        "(target <= 0.4x)"
    )

    folder = Path(tempfile.mkdtemp(prefix="bench-folder-"))
    paths = make_folder(folder)
    samples = [
        Sample(p, 0, hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths
    ]
    framing = Framing("pad")
    started = time.perf_counter()
    with ThreadPoolExecutor(DECODE_THREADS) as pool:
        list(pool.map(lambda p: photo_input(p, framing, inception.INPUT_SIZE), paths))
    decode_rate = FOLDER / (time.perf_counter() - started)
    print(f"{FOLDER}-photo folder (640x480 JPEGs), pad framing, {DECODE_THREADS} decode threads:")
    print(f"  decode bound: {decode_rate:6.1f} photos/s (decode + framing, no network)")
    rates, network = {}, {}
    for precision in files:
        features = feature_model_for(path, md5, "litert", precision=precision)
        cache = FeatureCache(f"bench-{time.time_ns()}", framing, folder / "cache")
        result = extract(samples, features, framing, cache=cache)
        rates[precision] = FOLDER / result.seconds
        network[precision] = FOLDER / result.network_seconds
        print(
            f"  {precision}: {rates[precision]:6.1f} photos/s "
            f"(network {FOLDER / result.network_seconds:.1f} photos/s alone; "
            f"{rates[precision] / decode_rate:.2f} of the decode bound)"
        )
    print(
        f"  int8 folder / float32 folder: {rates['int8']:.1f} / {rates['fp32']:.1f} = "
        f"{rates['int8'] / rates['fp32']:.2f}x (target >= 3x)"
    )
    # Every core is busy in both runs: a photo costs its network time on the threads the network
    # uses plus its decode on the decode threads, so the folder ratio cannot pass this ceiling.
    threads = cpu_threads()
    decode_core_ms = DECODE_THREADS * 1000 / decode_rate
    core_ms = {p: threads * ms[p] + decode_core_ms for p in files}
    print(
        f"  the networks alone: {ms['fp32'] / ms['int8']:.2f}x; with {decode_core_ms:.1f} "
        f"core-ms of decoding a photo, at most ({core_ms['fp32']:.1f} / {core_ms['int8']:.1f}) = "
        f"{core_ms['fp32'] / core_ms['int8']:.2f}x on {threads} cores"
    )

    if compiled is not None:
        gradcam(path, files["fp32"], compiled, batch[0])


def gradcam(path: Path, tflite: Path, compiled, image: np.ndarray) -> None:
    from inception_desktop.core.explain.explainer import Explainer
    from inception_desktop.core.explain.gradcam import GradCam
    from inception_desktop.core.explain.litert_gradcam import LiteRTGradCam
    from inception_desktop.core.models import inception
    from inception_desktop.core.models.classifier import Classifier
    from inception_desktop.core.models.labels import imagenet_labels
    from inception_desktop.core.models.litert import LiteRTModel

    lite = LiteRTModel(tflite)
    lite_cam = LiteRTGradCam(lite)
    tf_cam = GradCam(compiled.model, inception.INPUT_SHAPE, inception.preprocess, "mixed10")
    occluder = Explainer(Classifier("Inception v3", lite, imagenet_labels(), ""), "occlusion")
    reference = tf_cam(image).cam
    print("Grad-CAM of one photo (mixed10, top class):")
    for name, run in (
        ("LiteRT, closed form", lambda: lite_cam(image).cam),
        ("TensorFlow autodiff", lambda: tf_cam(image).cam),
        ("occlusion 8x8 (LiteRT)", lambda: occluder.explain(image).grid),
    ):
        run()
        started = time.perf_counter()
        cam = run()
        seconds = time.perf_counter() - started
        print(f"  {name:24s} {seconds * 1000:8.1f} ms; max |map - TF map| "
              f"{float(np.abs(cam - reference).max()):.2e}")


if __name__ == "__main__":
    main()
