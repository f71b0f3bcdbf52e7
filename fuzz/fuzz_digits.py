"""Coverage-guided fuzzing of digit normalisation: arbitrary small drawings → ``normalize_digit``.

Run: ``python fuzz/fuzz_digits.py WORK_DIR fuzz/corpus/digits -max_total_time=180``.
The input's first three bytes choose height (1-64), width (1-64) and layout (greyscale, RGB,
RGBA, or a PIL image in mode L / RGBA / P); the rest are the pixels, repeated to fill the array.
Every such drawing is valid, so there is no expected error: ``normalize_digit`` must return None
(an empty canvas) or a 28x28 uint8 input with the digit inside the field, and any exception is a
finding.
"""

from __future__ import annotations

import sys

import atheris
from atheris.import_hook import HookManager

# Coverage only, no comparison tracing: atheris 3.0 keeps ~0.5 kB for every traced comparison
# that involves a numpy array (``ink >= threshold``), so the default instrumentation grew this
# harness past a 2 GB RSS limit in ten minutes. Array comparisons carry no magic values to learn.
with HookManager({"inception_desktop"}, set(), True, trace_dataflow=False):
    import numpy as np
    from PIL import Image

    from inception_desktop.core.digit.normalize import FIELD, normalize_digit

LAYOUTS = ("L", "RGB", "RGBA", "image-L", "image-RGBA", "image-P")


def drawing(data: bytes) -> np.ndarray | Image.Image | None:
    """The drawing an input describes, or None when it is too short to describe one."""
    if len(data) < 4:
        return None
    h, w = data[0] % 64 + 1, data[1] % 64 + 1
    layout = LAYOUTS[data[2] % len(LAYOUTS)]
    channels = {"RGB": 3, "RGBA": 4, "image-RGBA": 4}.get(layout, 1)
    pixels = np.resize(np.frombuffer(data[3:], np.uint8), h * w * channels)
    array = pixels.reshape((h, w, channels) if channels > 1 else (h, w))
    if layout == "image-L":
        return Image.fromarray(array, "L")
    if layout == "image-RGBA":
        return Image.fromarray(array, "RGBA")
    if layout == "image-P":
        image = Image.fromarray(array, "L").convert("P")
        image.info["transparency"] = int(array.flat[0])
        return image
    return array


def fuzz_one_input(data: bytes) -> None:
    image = drawing(data)
    if image is None:
        return
    steps = normalize_digit(image)
    if steps is None:
        return
    assert steps.input.shape == (FIELD, FIELD) and steps.input.dtype == np.uint8
    x, y = steps.offset
    fit_h, fit_w = steps.fitted.shape
    assert x >= 0 and y >= 0 and x + fit_w <= FIELD and y + fit_h <= FIELD, steps.offset
    assert np.isfinite(steps.fitted).all()
    assert steps.input.max() > 0, "ink was found, yet the input is empty"


def main() -> None:
    atheris.Setup(sys.argv, fuzz_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
