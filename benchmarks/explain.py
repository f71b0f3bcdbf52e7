"""Explanations against plain inference, measured in the same run (issue 13's targets).

* Grad-CAM of one photo at ``mixed10`` against one plain TensorFlow call on the same input
  (target: at most 3x);
* occlusion at 8x8 positions (64 occluded inputs + the original, batched) on LiteRT
  (target: at most 2 s);
* Grad-CAM of a digit with the shipped MNIST model, including the upsampling to 28x28 and the
  mapping onto a 280x280 canvas — what the window pays per stroke (target: at most 30 ms).

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
    for batch in (occlusion_module.BATCH, 65):
        occlusion = Explainer(litert, "occlusion", batch_size=batch)
        cpu = time.process_time()
        occ = median_ms(lambda e=occlusion: e.explain(x), 3, warmup=1)
        cpu_s = (time.process_time() - cpu) / 4
        print(
            f"  occlusion 8x8 (65 inputs, batches of {batch}) {occ / 1000:.2f} s "
            f"(target <= 2 s); CPU time {cpu_s:.1f} s, so about {cpu_s / litert_threads:.1f} s "
            f"on {litert_threads} idle cores"
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


if __name__ == "__main__":
    main()
