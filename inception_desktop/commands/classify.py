"""``inception-desktop classify PATH...``: photos with Inception v3, digit images with MNIST.

A bad input never stops the others: it becomes an error entry, and the exit status is 1. Inputs
are framed one by one and classified in batches, so a folder costs what the network costs.

Results are written as they come (``--format``: a table, JSON, CSV or JSON Lines), and inputs are
listed lazily, so a million-photo folder runs in constant memory. ``--shard I/N`` keeps the inputs
whose path hashes to shard I of N (see :mod:`inception_desktop.core.batch.shard`): N tasks of a
cluster job array given the same PATHs classify disjoint parts that together cover every input.

A video (by its suffix: ``.mp4``, ``.avi``, ``.mkv``…) is read frame by frame (the ``camera``
extra: OpenCV); each frame ``--every N`` or ``--fps F`` keeps is framed exactly as a photo and
classified, and its record carries ``frame`` (its index) and ``time`` (seconds into the video).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from inception_desktop.commands.common import (
    ProgressLine,
    UniqueNames,
    add_framing_arguments,
    add_precision_argument,
    add_runtime_argument,
    err,
    safe_stem,
)
from inception_desktop.core.batch.records import Record, display_path
from inception_desktop.core.batch.writers import FORMATS
from inception_desktop.core.video.files import is_video_path

if TYPE_CHECKING:
    import numpy as np

    from inception_desktop.core.models.classifier import Classifier
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.video.sampling import Sampling

#: The first batch is smaller: the network starts once 4 photos are decoded, not a whole batch
#: (``core.models.runtime.batch_size``: 8 on LiteRT, 16 on TensorFlow), and the rest decode
#: beside it.
FIRST_BATCH = 4
#: Threads that decode and frame photos while the network runs.
DECODE_THREADS = 2


@dataclass
class Item:
    path: str
    array: np.ndarray | None = None
    framing: str = ""
    error: str | None = None
    result: dict[str, Any] | None = None
    unknown: tuple[bool, float] | None = None  # --unknown: (unknown?, calibrated confidence)
    frame: np.ndarray | None = None  # a video frame (RGB) to frame instead of reading ``path``
    extra: dict[str, Any] | None = None  # a video frame's {"frame": index, "time": seconds}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="classify images or folders of images", description=__doc__)
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="image files or folders")
    p.add_argument(
        "--model",
        default="inception",
        help="'inception' (default), 'mnist' (the shipped digit model), a .keras MNIST file, "
        "or a model made by 'retrain' (its own class names)",
    )
    add_framing_arguments(p, "classify")
    sampling = p.add_mutually_exclusive_group()
    sampling.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="N",
        help="videos: classify every N-th frame (default: every frame)",
    )
    sampling.add_argument(
        "--fps",
        type=float,
        metavar="F",
        help="videos: classify F frames per second of the video's own time",
    )
    p.add_argument("--top", type=int, default=5, metavar="N", help="how many classes to show")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="table: for people (default); json: one array; csv: a header, one row per input; "
        "jsonl: one JSON object per line, written as each result comes (constant memory)",
    )
    p.add_argument("--json", action="store_true", help="the same as --format json")
    p.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the results to FILE instead of stdout (atomically: FILE is replaced only "
        "when the run ends; an interrupted run leaves the old FILE)",
    )
    p.add_argument(
        "--recursive", "-r", action="store_true", help="also classify images in sub-folders"
    )
    p.add_argument(
        "--shard",
        metavar="I/N",
        help="classify only shard I of N (0 <= I < N): an input belongs to the shard its path "
        "hashes to (SHA-256), so N tasks given the same PATHs split them with no overlap",
    )
    p.add_argument(
        "--weights",
        type=Path,
        metavar="FILE.h5",
        help="Inception v3 weights file to use instead of the installed one",
    )
    p.add_argument(
        "--force", action="store_true", help="use a retrained model on other weights than its own"
    )
    p.add_argument(
        "--unknown",
        metavar="auto|P",
        help="retrained models: answer 'unknown' when the calibrated confidence is below the "
        "model's own threshold (auto) or below P (a probability): for photos of none of its "
        "classes",
    )
    add_runtime_argument(p)
    add_precision_argument(p)
    p.add_argument("--save-input", type=Path, metavar="DIR", help="save each network input as PNG")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.batch.inputs import iter_inputs
    from inception_desktop.core.batch.shard import ShardError, parse_shard
    from inception_desktop.core.classifiers import is_photo_model
    from inception_desktop.core.errors import InceptionDesktopError
    from inception_desktop.core.photo.framing import Box, Framing, FramingError, parse_color
    from inception_desktop.core.store.atomic import WriteError, check_output_file
    from inception_desktop.core.video.sampling import Sampling, SamplingError

    try:
        framing = Framing(
            args.framing,
            Box.parse(args.box) if args.box else None,
            parse_color(args.pad_color),
        )
        shard = parse_shard(args.shard) if args.shard else (0, 1)
        sampling = Sampling(args.every, args.fps)
    except (FramingError, ShardError, SamplingError) as exc:
        return _usage(str(exc))
    if args.top < 1:
        return _usage(f"--top must be at least 1, got {args.top}")
    fmt = args.format or ("json" if args.json else "table")
    if args.json and args.format not in (None, "json"):
        return _usage(f"--json is --format json; it cannot go with --format {args.format}")
    if args.output is not None:
        try:
            check_output_file(args.output)  # before the model loads: a typo costs nothing
        except WriteError as exc:
            err(f"error: {exc}")
            return 1

    def inputs() -> Iterator[Item]:
        for found in iter_inputs(args.paths, args.recursive, shard):
            if found.error is None and is_video_path(found.path):
                yield from _video_items(found.path, sampling)
            else:
                yield Item(found.path, error=found.error)

    is_photo = is_photo_model(args.model)
    total = sum(  # names only, and each video's declared length
        _video_total(found.path, sampling) if is_video_path(found.path) else 1
        for found in iter_inputs(args.paths, args.recursive, shard)
    )
    classifier = _load_model(args)
    if classifier is None:
        return 1
    try:
        unknown = _unknown_rule(classifier, args.unknown)
    except InceptionDesktopError as exc:
        return _usage(str(exc))
    from inception_desktop.core.models.runtime import batch_size

    # weights packed now, not in the first batch
    classifier.prepare(min(max(total, 1), batch_size(classifier.device)))
    bar = ProgressLine("classifying", total=total) if total > 1 else None
    saver = _InputSaver(args.save_input) if args.save_input else None
    try:
        if args.output is None:
            failed = _classify_all(
                inputs(), classifier, framing, is_photo, args, fmt, _SafeOut(), saver, bar, unknown
            )
        else:
            from inception_desktop.core.store.atomic import atomic_open

            with atomic_open(args.output, "w", encoding="utf-8", newline="") as stream:
                failed = _classify_all(
                    inputs(), classifier, framing, is_photo, args, fmt, stream, saver, bar, unknown
                )
    except WriteError as exc:  # --output: a full disk, a folder gone; the old FILE is kept
        err(f"error: {exc}")
        return 1
    saved = saver.ok if saver is not None else True
    return 1 if not saved or failed else 0


def _classify_all(
    items: Iterator[Item],
    classifier: Classifier,
    framing: Framing,
    is_photo: bool,
    args: argparse.Namespace,
    fmt: str,
    sink: Any,
    saver: _InputSaver | None,
    bar: ProgressLine | None,
    unknown: Any = None,
) -> int:
    """Classify ``items`` batch by batch, writing each batch's records as soon as it is done;
    returns how many failed. Decoding and framing the next batch on other threads (Pillow
    releases the GIL) while the network computes this one: a folder goes at the network's
    rate. At most two batches of inputs exist at a time, whatever the folder's size."""
    from inception_desktop.core.batch.writers import make_writer
    from inception_desktop.core.models.runtime import batch_size

    writer = make_writer(fmt, sink, args.top)
    device = getattr(classifier, "device", "")
    box = (framing.box.x, framing.box.y, framing.box.w, framing.box.h) if framing.box else None
    done = failed = 0
    with ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="decode") as pool:

        def submit(chunk: list[Item]) -> list[Future[None]]:
            return [pool.submit(_prepare, i, framing, is_photo) for i in chunk if i.error is None]

        batch = batch_size(classifier.device)
        sizes = itertools.chain([FIRST_BATCH], itertools.repeat(batch))
        chunks = itertools.takewhile(bool, (list(itertools.islice(items, n)) for n in sizes))
        chunk = next(chunks, None)
        pending = submit(chunk) if chunk else []
        while chunk:
            for future in pending:
                future.result()
            following = next(chunks, None)
            pending = submit(following) if following else []
            ready = [i for i in chunk if i.error is None and i.array is not None]
            arrays = [i.array for i in ready if i.array is not None]  # the same, narrowed
            k = len(classifier.labels) if unknown is not None else args.top  # all, to calibrate
            predictions = classifier.classify_batch(arrays, k=k) if arrays else []
            for item, prediction in zip(ready, predictions, strict=True):
                item.result = prediction.as_dict()
                if unknown is not None:
                    item.unknown = unknown.decide_prediction(prediction, len(classifier.labels))
                    item.result["top"] = item.result["top"][: args.top]
            if saver is not None:
                saver.save(chunk)
            if bar is not None and bar.tty and isinstance(sink, _SafeOut):
                sys.stderr.write("\r\033[K")  # results print on a line of their own
                sys.stderr.flush()
            for item in chunk:
                writer.write(_record(item, device, box))
                item.array = None  # written: nothing of it is kept
            done += len(chunk)
            failed += sum(1 for item in chunk if item.error is not None)
            if bar:  # "5/5 done, 4 failed": a run that mostly failed never reads as 100%
                bar.update(done, failed=failed)
            chunk = following
    writer.close()
    return failed


def _record(item: Item, device: str, box: tuple[float, float, float, float] | None) -> Record:
    if item.result is None:
        return Record(item.path, error=item.error or "not classified", extra=item.extra or {})
    record = Record.from_prediction(item.path, item.result, item.framing, device, box)
    if item.extra:
        record = replace(record, extra={**record.extra, **item.extra})
    if item.unknown is not None:
        unknown, confidence = item.unknown
        record = replace(record, extra={"unknown": unknown, "confidence": round(confidence, 6)})
    return record


def _unknown_rule(classifier: Any, spec: str | None) -> Any:
    """The *unknown* rule of ``--unknown`` for a retrained classifier; None without it."""
    if spec is None:
        return None
    from inception_desktop.core.training.retrain.calibration import UnknownRule

    return UnknownRule.for_classifier(classifier, spec)


class _SafeOut:
    """stdout, writing any text its encoding cannot carry with backslash escapes."""

    def write(self, text: str) -> int:
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        return sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding))

    def flush(self) -> None:
        sys.stdout.flush()


def _usage(message: str) -> int:
    err(f"inception-desktop classify: error: {message}")
    return 2


def _load_model(args: argparse.Namespace) -> Classifier | None:
    """The classifier ``--model`` names, or None after one line saying why it cannot be had
    (a project error: missing weights, a bad model file); anything else is a bug and propagates."""
    from inception_desktop.core.classifiers import load_classifier, trained_framing
    from inception_desktop.core.errors import InceptionDesktopError

    try:
        classifier = load_classifier(
            args.model,
            args.weights,
            args.runtime,
            force=args.force,
            stage=lambda text: err(f"{text}…"),
            warn=err,
            precision=args.precision,
        )
    except InceptionDesktopError as exc:
        err(f"error: {exc}")
        return None
    trained = trained_framing(classifier)
    if trained is not None and trained != args.framing:
        err(
            f"note: {display_path(str(args.model))} was trained on '{trained}' framing; "
            f"classifying with '{args.framing}' (--framing {trained} matches its training)"
        )
    return classifier


def _prepare(item: Item, framing: Framing, is_photo: bool) -> None:
    from inception_desktop.core.digit.image import read_digit_file
    from inception_desktop.core.models.inception import INPUT_SIZE
    from inception_desktop.core.photo.framing import FramingError
    from inception_desktop.core.photo.images import ImageLoadError
    from inception_desktop.core.photo.prepare import photo_input

    try:
        if item.frame is not None:
            _prepare_frame(item, item.frame, framing, is_photo)
        elif is_photo:
            item.array = photo_input(item.path, framing, INPUT_SIZE).array
            item.framing = framing.mode
        else:
            steps = read_digit_file(item.path).steps
            if steps is None:
                item.error = "no ink found: the image looks blank"
                return
            item.array = steps.input
            item.framing = "digit"
    except (ImageLoadError, FramingError) as exc:
        item.error = exc.reason if isinstance(exc, ImageLoadError) else str(exc)


def _prepare_frame(item: Item, frame: np.ndarray, framing: Framing, is_photo: bool) -> None:
    """A video frame, framed as a photo is (or read as a digit on paper)."""
    from inception_desktop.core.digit.image import read_digit
    from inception_desktop.core.models.inception import INPUT_SIZE
    from inception_desktop.core.video.as_photo import frame_input

    item.frame = None  # framed: the frame itself is not kept
    if is_photo:
        item.array = frame_input(frame, item.path, framing, INPUT_SIZE).array
        item.framing = framing.mode
        return
    steps = read_digit(frame).steps
    if steps is None:
        item.error = "no ink found: the frame looks blank"
        return
    item.array = steps.input
    item.framing = "digit"


def _video_items(path: str, sampling: Sampling) -> Iterator[Item]:
    """One item per sampled frame of the video ``path`` (decoded here, framed on the decode
    threads); a video that cannot be opened or stops decoding ends with an error item."""
    from inception_desktop.core.video.errors import VideoError
    from inception_desktop.core.video.sampling import sampled_frames
    from inception_desktop.core.video.source import open_video

    try:
        with open_video(path) as video:
            for frame in sampled_frames(video, sampling):
                extra = {"frame": frame.index, "time": round(frame.time, 6)}
                yield Item(path, frame=frame.image, extra=extra)
    except VideoError as exc:
        yield Item(path, error=exc.reason)


def _video_total(path: str, sampling: Sampling) -> int:
    """The progress bar's count for a video: the frames it will give, as declared (else 1)."""
    from inception_desktop.core.video.errors import VideoError
    from inception_desktop.core.video.sampling import estimated_samples
    from inception_desktop.core.video.source import open_video

    try:
        with open_video(path) as video:
            return estimated_samples(video, sampling) or 1
    except VideoError:
        return 1


class _InputSaver:
    """Saves each network input as ``DIR/<stem>.<framing>.png``, atomically, batch by batch.

    A folder that cannot be written, a full disk or any other write error stops the saving with
    one line on stderr (how many were saved) and sets :attr:`ok` to False; the results are still
    written by the caller. Names are made safe for any file system: control characters and bytes
    that are not UTF-8 become ``_``, and a stem is shortened to fit the file system's name limit.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ok = True
        self.saved = 0
        self._limit: int | None = None
        self._names = UniqueNames()

    def save(self, items: list[Item]) -> None:
        from PIL import Image

        from inception_desktop.core.store.atomic import (
            WriteError,
            atomic_path,
            check_output_dir,
            name_max,
        )

        wanted = [item for item in items if item.array is not None]
        if not self.ok or not wanted:
            return
        if self._limit is None:
            try:
                check_output_dir(self.directory)
            except WriteError as exc:
                err(f"error: no network inputs saved: {exc}")
                self.ok = False
                return
            self._limit = name_max(self.directory)
        for item in wanted:
            stem = safe_stem(Path(item.path).stem, self._limit - len(item.framing) - 16)
            name = self._names.new(f"{stem}.{item.framing}")
            try:
                with atomic_path(self.directory / f"{name}.png") as tmp:
                    Image.fromarray(cast("np.ndarray", item.array)).save(tmp)  # not None
            except WriteError as exc:
                err(f"error: {exc} ({self.saved} network inputs saved)")
                self.ok = False
                return
            self.saved += 1
