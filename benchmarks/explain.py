"""Explanations against plain inference, measured in the same run (issue 13's targets).

* Grad-CAM of one photo at ``mixed10`` against one plain TensorFlow call on the same input
  (target: at most 3x);
* occlusion at 8x8 positions (64 occluded inputs + the original, batched) on LiteRT
  (target: at most 2 s);
* Grad-CAM of a digit with the shipped MNIST model, including the upsampling to 28x28 and the
  mapping onto a 280x280 canvas — what the window pays per stroke (target: at most 30 ms);
* the Digit workspace's live heat map on LiteRT (7x7 occlusion with black patches, mapped onto the
  canvas at 160x160, as gui.digit.explain does) against plain LiteRT inference, and the layer
  view's feature maps of every convolution.

Occlusion is timed before and after sending its inputs in equal batches (the old split, 32 + 32 +
1, made LiteRT re-allocate its tensors twice per map), interleaved, wall and CPU time.

Inception v3 runs with fixed random weights (same network, same cost), installed and converted in
the benchmarks' own cache (see ``benchmarks/runtimes.py``).

Run: ``.venv/bin/python benchmarks/explain.py [--repeats N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def paired(calls: list, repeats: int) -> list[tuple[float, float]]:
    """(median wall ms, median CPU ms) of each call, the calls interleaved in every round, so a
    shared machine's load falls on all of them alike; CPU time counts every thread."""
    walls: list[list[float]] = [[] for _ in calls]
    cpus: list[list[float]] = [[] for _ in calls]
    for call in calls:
        call()
    for _ in range(repeats):
        for n, call in enumerate(calls):
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            walls[n].append((time.perf_counter() - wall) * 1000)
            cpus[n].append((time.process_time() - cpu) * 1000)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    from _common import median_ms
    from runtimes import CACHE, install_weights, photo_file

    from inception_desktop.core.explain import occlusion as occlusion_module
    from inception_desktop.core.explain.explainer import Explainer
    from inception_desktop.core.explain.mapping import digit_rects
    from inception_desktop.core.models import inception
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.photo.prepare import load_photo, network_input

    print(f"cores: {len(os.sched_getaffinity(0))}; cache: {CACHE}")
    weights = install_weights()
    photo = photo_file(CACHE / "explain-photo.jpg")
    loaded = load_photo(photo)
    framed = network_input(loaded, Framing("crop"), inception.INPUT_SIZE)
    x = framed.array

    started = time.perf_counter()
    tf_classifier = inception.load_classifier(weights, "tensorflow")
    gradcam = Explainer(tf_classifier, "gradcam")
    print(f"TensorFlow Inception v3 + Grad-CAM ready in {time.perf_counter() - started:.1f} s")
    first = time.perf_counter()
    gradcam.explain(x)
    print(f"first Grad-CAM (traces the gradient function): {(time.perf_counter() - first):.2f} s")

    def cam_on_photo() -> None:
        explanation = gradcam.explain(x, None, framed.source_rect, framed.content_rect)
        explanation.on_photo(loaded.original_size, loaded.scale)

    (plain, plain_cpu), (cam, cam_cpu), (mapped, _) = paired(
        [lambda: tf_classifier.scores(x), lambda: gradcam.explain(x), cam_on_photo], args.repeats
    )
    print(f"photo, TensorFlow runtime: plain inference {plain:.0f} ms (CPU {plain_cpu:.0f} ms)")
    print(
        f"  Grad-CAM at mixed10 {cam:.0f} ms = {cam / plain:.2f}x inference, CPU time "
        f"{cam_cpu / plain_cpu:.2f}x (target <= 3x); with the map onto the "
        f"{loaded.original_size[0]}x{loaded.original_size[1]} photo {mapped:.0f} ms"
    )

    litert = inception.load_classifier(weights, "litert")
    litert_threads = litert.predictor.threads
    litert.scores(x)  # the first call packs the weights
    one = median_ms(lambda: litert.scores(x), args.repeats)
    print(f"photo, LiteRT: plain inference {one:.0f} ms")
    import numpy as np

    def before() -> None:  # the old way: two stacked copies, batches of 32, 32 and 1
        stack = np.concatenate([x[None], occlusion_module.occluded_inputs(x)])
        litert.predictor.predict_batch(stack, batch_size=occlusion_module.BATCH)

    occlusion = Explainer(litert, "occlusion")
    whole = Explainer(litert, "occlusion", batch_size=65)
    rows = paired(
        [lambda: litert.scores(x), before, lambda: occlusion.explain(x), lambda: whole.explain(x)],
        max(2, args.repeats // 4),
    )
    names = (
        "plain inference (between maps, as in the window)",
        "occlusion 8x8 before: batches of 32 + 32 + 1",
        f"occlusion 8x8 now: equal batches ({occlusion_module.equal_batches(65, 32)} x 3)",
        "occlusion 8x8, one batch of 65 (+~600 MB)",
    )
    for n, (name, (wall, cpu)) in enumerate(zip(names, rows, strict=True)):
        target = " (target <= 2 s)" if n else ""
        print(
            f"  {name}: {wall / 1000:.2f} s{target}; CPU {cpu / 1000:.1f} s, so about "
            f"{cpu / 1000 / litert_threads:.1f} s on {litert_threads} idle cores"
        )

    from PIL import Image, ImageDraw

    from inception_desktop.core.digit.normalize import normalize_digit
    from inception_desktop.core.models.mnist import load_classifier

    canvas = Image.new("L", (280, 280), 0)
    ImageDraw.Draw(canvas).line([(60, 50), (210, 50), (120, 240)], fill=255, width=22)
    steps = normalize_digit(canvas)
    assert steps is not None
    digit = Explainer(load_classifier(None, "tensorflow"), "gradcam")
    source, content, field = digit_rects(steps)

    def update() -> None:
        explanation = digit.explain(steps.input, None, source, content, field)
        explanation.on_photo(canvas.size)

    update()
    ms = median_ms(update, args.repeats * 3)
    print(
        f"digit, shipped MNIST model ({digit.layer}): Grad-CAM per update {ms:.1f} ms "
        "(target <= 30 ms)"
    )

    from inception_desktop.core.explain.features import FeatureMaps, load_digit_model

    lite_digit = load_classifier(None, "litert")
    occluding = Explainer(lite_digit, "occlusion", grid=7)

    def lite_update() -> None:  # what gui.digit.explain does per throttled update on LiteRT
        explanation = occluding.explain(steps.input, None, source, content, field)
        explanation.on_photo((160, 160), 2.0)

    maps = FeatureMaps(load_digit_model(None))
    (plain_ms, _), (heat_ms, _), (maps_ms, _) = paired(
        [lambda: lite_digit.scores(steps.input), lite_update, lambda: maps(steps.input)],
        args.repeats * 3,
    )
    print(
        f"digit, LiteRT: plain inference {plain_ms:.1f} ms; live heat map (7x7 occlusion, 50 "
        f"inputs, mapped onto the canvas) {heat_ms:.1f} ms per update (target <= 30 ms); "
        f"feature maps of every convolution {maps_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
