"""Files someone was sent: each case of the reliability review (issue 8), built here from scratch.

Every loader of untrusted files must answer with the project's own error, naming the file and
saying why, and must do so cheaply: without blocking on a pipe, reading a device or a sparse
giant, decompressing a bomb, or allocating what a crafted header asks for. Where "cheaply" is
the point, the load runs in a child process under an address-space limit far below what the
old code allocated, so the test fails (instead of taking the machine down) if the guard goes.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import subprocess
import sys
import textwrap
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inception_desktop.core.models.mnist_file import (
    ModelFileError,
    check_archive,
    load_model,
    read_metadata,
)
from inception_desktop.core.photo import images
from inception_desktop.core.photo.images import ImageLoadError, load_image, load_image_bytes
from inception_desktop.core.training.mnist.data import MnistDataError, read_idx

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux facilities")


# --- Building the inputs ---------------------------------------------------------------------


def crafted_emf(size: int = 57) -> bytes:
    """An enhanced-metafile header whose frame is empty: Pillow's WMF plugin divides by zero."""
    header = struct.pack("<I", 1) + struct.pack("<I", 108) + struct.pack("<4i", 0, 0, 100, 100)
    header += struct.pack("<4i", 0, 0, 0, 0)  # frame: zero width and height
    header += b" EMF"
    return header.ljust(size, b"\x00")


def crafted_tiff() -> bytes:
    """A 4x4 TIFF whose StripOffsets entry claims the ASCII type: Pillow fails with TypeError."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(buffer, "TIFF")
    data = bytearray(buffer.getvalue())
    (ifd,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, ifd)
    for i in range(count):
        entry = ifd + 2 + 12 * i
        tag, _type = struct.unpack_from("<HH", data, entry)
        if tag == 0x0111:  # StripOffsets
            struct.pack_into("<H", data, entry + 2, 2)  # ASCII
            return bytes(data)
    raise AssertionError("no StripOffsets entry")


def gif(
    screen: tuple[int, int],
    frames: list[tuple[int, int]],
    *,
    disposal: int = 0,
    comment: bytes = b"",
) -> bytes:
    """A GIF of solid frames (extents as given) built by hand, so the header can lie freely."""
    out = b"GIF89a" + struct.pack("<HHBBB", *screen, 0, 0, 0)
    if comment:
        out += b"\x21\xfe" + bytes([len(comment)]) + comment + b"\x00"
    for w, h in frames:
        out += b"\x21\xf9\x04" + bytes([disposal << 2]) + b"\x00\x00\x00\x00"
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0)
        out += b"\x02\x02\x4c\x01\x00"  # LZW code size 2, one tiny sub-block, terminator
    return out + b"\x3b"


def idx_bytes(shape: tuple[int, ...], body: bytes | None = None) -> bytes:
    header = struct.pack(">I", 0x0800 | len(shape)) + b"".join(struct.pack(">I", n) for n in shape)
    if body is None:
        body = bytes(int(np.prod(shape)))
    return header + body


def zip_bomb(path: Path, member_bytes: int) -> Path:
    """A .keras-shaped archive whose weights member is ``member_bytes`` of zeros, deflated."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", '{"keras_version": "3.0.0"}')
        archive.writestr("config.json", "{}")
        with archive.open("model.weights.h5", "w") as member:
            chunk = bytes(1 << 20)
            for _ in range(member_bytes // len(chunk)):
                member.write(chunk)
    return path


def run_with_memory_limit(code: str, headroom_mb: int) -> str:
    """Run ``code`` in a child whose address space may grow only ``headroom_mb`` past its start."""
    prologue = textwrap.dedent(
        f"""
        import resource
        import inception_desktop.core.photo.images, inception_desktop.core.training.mnist.data
        with open("/proc/self/status") as status:
            vm = next(int(l.split()[1]) for l in status if l.startswith("VmSize")) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (vm + {headroom_mb} * 2**20, resource.RLIM_INFINITY))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", prologue + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def finishes_without_blocking(call: Callable[[], object], fifo: Path) -> BaseException | None:
    """Run ``call`` in a thread; if it blocks on the FIFO, unblock it (so the test always ends)
    and fail. Returns the exception the call raised."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(30)
    if thread.is_alive():
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # a writer arrives: open() returns
        os.close(fd)  # and reads see end of file
        thread.join(30)
        pytest.fail(f"blocked on the named pipe {fifo}")
    return outcome[0]


# --- Pictures -------------------------------------------------------------------------------


def test_a_crafted_metafile_named_jpg_is_refused_by_name(tmp_path: Path):
    path = tmp_path / "holiday.jpg"
    path.write_bytes(crafted_emf())
    assert path.stat().st_size == 57
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert info.value.source == str(path)
    assert info.value.reason.startswith("format not supported (WMF)")


def test_a_crafted_tiff_named_jpg_is_an_image_error(tmp_path: Path):
    path = tmp_path / "scan.jpg"
    path.write_bytes(crafted_tiff())
    assert len(path.read_bytes()) < 200
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert info.value.source == str(path)
    assert info.value.reason.startswith("damaged image")


def test_pillows_bomb_check_is_on():
    assert Image.MAX_IMAGE_PIXELS is not None


@linux_only
def test_a_54_byte_gif_with_a_huge_frame_is_refused_from_its_header():
    data = gif((1, 1), [(65535, 65535)], disposal=2, comment=b"x" * 13)
    assert len(data) == 54
    # The old loader allocated 4.1 GB for this (the disposal canvas); 200 MB must do now.
    out = run_with_memory_limit(
        f"""
        from inception_desktop.core.photo.images import ImageLoadError, load_image_bytes
        try:
            load_image_bytes({data!r}, "tiny.gif")
        except ImageLoadError as exc:
            print(exc.reason)
        """,
        headroom_mb=200,
    )
    assert out == "too large: 65535x65535 pixels"


def test_a_gif_with_too_many_frames_is_refused_before_decoding():
    data = gif((1, 1), [(1, 1)] * (images.MAX_FRAMES + 1))
    with pytest.raises(ImageLoadError) as info:
        load_image_bytes(data, "long.gif")
    assert info.value.reason == f"too many frames: more than {images.MAX_FRAMES} in one file"


def test_frames_times_pixels_is_bounded():
    # 12 frames of 100x100 against a 10,000-pixel limit: each frame fits, the animation does not.
    data = gif((100, 100), [(100, 100)] * 12)
    with pytest.raises(ImageLoadError, match=r"too large: 12 frames of 100x100 pixels"):
        load_image_bytes(data, "anim.gif", max_pixels=10_000)
    colours = [Image.new("RGB", (100, 100), (c, 0, 255 - c)) for c in (0, 100, 200)]
    buffer = io.BytesIO()
    colours[0].save(buffer, "GIF", save_all=True, append_images=colours[1:])
    assert load_image_bytes(buffer.getvalue(), max_pixels=10_000).size == (100, 100)


def test_a_multi_page_tiff_is_bounded_by_its_page_count():
    page = Image.new("L", (100, 100))
    buffer = io.BytesIO()
    page.save(buffer, "TIFF", save_all=True, append_images=[page] * 11)
    with pytest.raises(ImageLoadError, match=r"too large: 12 frames of 100x100 pixels"):
        load_image_bytes(buffer.getvalue(), "pages.tif", max_pixels=10_000)


def test_a_webp_declaring_a_huge_canvas_is_refused_from_its_header():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "WEBP", lossless=True)
    data = bytearray(buffer.getvalue())
    # Rewrite as VP8X with a 16384 x 16384 canvas (Pillow would allocate it while opening).
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00" + (16383).to_bytes(3, "little")
    vp8x += (16383).to_bytes(3, "little")
    data = data[:12] + vp8x + data[12:]
    struct.pack_into("<I", data, 4, len(data) - 8)
    with pytest.raises(ImageLoadError, match=r"too large: 16384x16384 pixels"):
        load_image_bytes(bytes(data), "canvas.webp")


def test_beyond_pillows_own_limit_the_message_stays_clear():
    # A BMP header of 20000 x 20000 (400 megapixels): Pillow's bomb check answers first.
    header = b"BM" + struct.pack("<IHHI", 54, 0, 0, 54)
    header += struct.pack("<IiiHHIIiiII", 40, 20000, 20000, 1, 24, 0, 0, 0, 0, 0, 0)
    with pytest.raises(ImageLoadError) as info:
        load_image_bytes(header, "huge.bmp")
    assert info.value.reason.startswith("too large: 400,000,000 pixels")


@linux_only
def test_running_out_of_memory_is_a_clear_error():
    buffer = io.BytesIO()
    Image.new("L", (9000, 9000)).save(buffer, "PNG")  # 81 megapixels: allowed, 243 MB as RGB
    out = run_with_memory_limit(
        f"""
        from inception_desktop.core.photo.images import ImageLoadError, load_image_bytes
        try:
            load_image_bytes({buffer.getvalue()!r}, "big.png")
        except ImageLoadError as exc:
            print(exc.reason)
        """,
        headroom_mb=150,
    )
    assert out == "not enough memory to decode it"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "photo.jpg"
    os.mkfifo(fifo)
    error = finishes_without_blocking(lambda: load_image(fifo), fifo)
    assert isinstance(error, ImageLoadError)
    assert error.source == str(fifo)
    assert error.reason == "a named pipe, not a regular file; not read"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused():
    with pytest.raises(ImageLoadError) as info:
        load_image("/dev/zero")
    assert info.value.reason == "a character device, not a regular file; not read"


def test_a_sparse_8_gb_file_is_refused_from_its_size(tmp_path: Path):
    path = tmp_path / "huge.png"
    with path.open("wb") as out:
        out.truncate(8 * 10**9)
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert info.value.reason == "too large: the file is 8.0 GB, the limit is 256.0 MB"


def test_the_size_limit_is_an_argument(tmp_path: Path):
    path = tmp_path / "small.png"
    Image.new("RGB", (64, 64), (1, 2, 3)).save(path)
    size = path.stat().st_size
    assert load_image(path, max_bytes=size).size == (64, 64)
    with pytest.raises(ImageLoadError, match=r"too large: the file is .*, the limit is 10 bytes"):
        load_image(path, max_bytes=10)
    with pytest.raises(ImageLoadError, match=r"the limit is 10 bytes"):
        load_image_bytes(path.read_bytes(), "paste", max_bytes=10)


def test_a_damaged_supported_file_says_which_format(tmp_path: Path):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = b"\x00" * 8  # IHDR says 0x0
    with pytest.raises(ImageLoadError, match=r"image has no pixels \(0x0\)"):
        load_image_bytes(bytes(data), "zero.png")


#: Inputs found by fuzz/fuzz_images.py, each once a failure of its own kind (see the comment).
FUZZ_FINDINGS = [
    # BigTIFF whose first-page offset is past any index: our page walker raised OverflowError.
    pytest.param(
        "49492b00080000000a000001ffd8ffe000104a460400010000000d0000000000000001001c010300010000"
        "0001000000530103000100000003000000003f003f0000003f0000003f0000003f0000003f",
        "damaged image header",
        id="bigtiff-huge-first-page-offset",
    ),
    # BigTIFF whose first page claims an entry count past any index: the same OverflowError.
    pytest.param(
        "49492b0007fffff80a0000000000000000004000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000dffc00000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000002400000000ffffff010300013f",
        "damaged TIFF header",
        id="bigtiff-huge-entry-count",
    ),
    # StripOffsets typed SRATIONAL: Pillow seeks to an IFDRational and raises TypeError.
    pytest.param(
        "49492a00080000000a0000010400010000000400000001010400010000000400000002010300010000002000"
        "000003010300010000000100000006010300010000000100000011010a000100000086000000160104000100"
        "0000040000001701040001000000400000001c0103000100000001000000530103000100000003000000000000"
        "000000" + "003f0000" * 15 + "003f",
        "damaged image; the decoder failed (TypeError",
        id="tiff-strip-offsets-rational",
    ),
]


@pytest.mark.parametrize(("hex_data", "reason"), FUZZ_FINDINGS)
def test_fuzz_findings_are_image_errors(hex_data: str, reason: str):
    with pytest.raises(ImageLoadError) as info:
        load_image_bytes(bytes.fromhex(hex_data), "found.jpg")
    assert info.value.source == "found.jpg"
    assert info.value.reason.startswith(reason)


# --- IDX data --------------------------------------------------------------------------------


def test_idx_header_overflow_is_refused_before_reading(tmp_path: Path):
    path = tmp_path / "overflow.idx"
    path.write_bytes(idx_bytes((0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), b"\x00" * 16))
    with pytest.raises(MnistDataError) as info:
        read_idx(path)
    text = str(info.value)
    assert text.startswith(f"{path}: header says 4294967295x4294967295x4294967295 = ")
    assert text.endswith("bytes of data, more than the limit of 256.0 MB")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda gz: gz[:-8] + b"\x00\x00\x00\x00" + gz[-4:], "CRC check failed"),  # zeroed CRC
        (lambda gz: gz[:12] + b"\xff" * 8 + gz[20:], "corrupt or truncated gzip data"),  # deflate
        (lambda gz: gz[: len(gz) // 2], "Compressed file ended"),  # truncated: EOFError
        (lambda gz: gz[:3] + b"\x04" + gz[4:], "corrupt or truncated gzip data"),  # FEXTRA
        (lambda gz: b"\x1f\x8b" + b"garbage!" * 4, "corrupt or truncated gzip data"),
    ],
)
def test_every_kind_of_gzip_damage_is_a_data_error(tmp_path: Path, damage, reason: str):
    good = gzip.compress(idx_bytes((3, 28, 28), bytes(range(256)) * 9 + bytes(48)), mtime=0)
    path = tmp_path / "damaged.idx.gz"
    path.write_bytes(damage(good))
    with pytest.raises(MnistDataError) as info:
        read_idx(path)
    assert str(info.value).startswith(f"{path}: ")
    assert reason in str(info.value)


def _truncated_gzip_of(header: bytes, zeros: int) -> bytes:
    """A gzip stream of ``header`` + ``zeros`` zero bytes, cut short near its end: only a reader
    that decompresses it whole ever notices the cut."""
    compressor = gzip.compress(header + bytes(zeros), compresslevel=9, mtime=0)
    return compressor[: len(compressor) - 64]


def test_a_gzip_bomb_with_trailing_data_is_stopped_at_the_limit(tmp_path: Path):
    path = tmp_path / "bomb.idx.gz"
    path.write_bytes(_truncated_gzip_of(idx_bytes((10,), bytes(10)), 20_000_000))
    assert path.stat().st_size < 100_000
    with pytest.raises(MnistDataError) as info:
        read_idx(path, max_bytes=50_000)
    # "trailing data", not "truncated gzip": reading stopped one byte past the declared data.
    assert str(info.value) == f"{path}: header says 10 = 10 bytes of data, file holds more " + (
        "(trailing data)"
    )


def test_a_gzip_bomb_declaring_a_huge_body_is_refused_from_its_header(tmp_path: Path):
    path = tmp_path / "bomb.idx.gz"
    header = struct.pack(">II", 0x0801, 20_000_000)
    path.write_bytes(_truncated_gzip_of(header, 20_000_000))
    with pytest.raises(MnistDataError) as info:
        read_idx(path, max_bytes=50_000)
    assert str(info.value) == (
        f"{path}: header says 20000000 = 20000000 bytes of data, more than the limit of 50.0 kB"
    )


@linux_only
def test_a_1_mb_gzip_bomb_costs_no_more_than_the_limit(tmp_path: Path):
    # 1 MB of gzip that inflates to about 1 GB; the old reader held all of it (2 GB at peak).
    # (A gzip file may hold many members, read as one stream: one member, repeated.)
    path = tmp_path / "bomb.idx.gz"
    member = gzip.compress(bytes(10_000_000), compresslevel=9, mtime=0)
    path.write_bytes(gzip.compress(idx_bytes((100,)), mtime=0) + member * 100)
    assert path.stat().st_size < 1_100_000
    out = run_with_memory_limit(
        f"""
        from inception_desktop.core.training.mnist.data import MnistDataError, read_idx
        try:
            read_idx({str(path)!r})
        except MnistDataError as exc:
            print(str(exc).split(": ", 1)[1])
        """,
        headroom_mb=200,
    )
    assert out == "header says 100 = 100 bytes of data, file holds more (trailing data)"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (idx_bytes((2, 3)) + b"\x00", "file holds more (trailing data)"),
        (idx_bytes((2, 3))[:-1], "file holds 5 (truncated)"),
        (b"\x00\x00\x08\xff" + b"\x00" * 12, "truncated header"),
        (b"\x00\x00\x08\x00", "truncated header"),
        (b"\x00\x00\x0b\x01" + b"\x00" * 8, "not an unsigned-byte IDX file"),
    ],
)
def test_corrupt_idx_files_name_the_file_and_the_reason(tmp_path: Path, content, reason):
    path = tmp_path / "corrupt.idx"
    path.write_bytes(content)
    with pytest.raises(MnistDataError) as info:
        read_idx(path)
    assert str(info.value).startswith(f"{path}: ")
    assert reason in str(info.value)


def test_fuzz_finding_an_empty_dimension_beside_huge_ones(tmp_path: Path):
    # Found by fuzz/fuzz_idx.py: 0 x 4294508549 x ... is 0 bytes, and numpy's reshape raised
    # ValueError ("array is too big") for it instead of an empty array.
    found = bytes.fromhex("000008050000000000fff9000500000000000000000501a5")
    path = tmp_path / "found.idx"
    path.write_bytes(found)
    with pytest.raises(MnistDataError) as info:
        read_idx(path)
    assert str(info.value).startswith(f"{path}: header says 0x")
    assert str(info.value).endswith(": an empty dimension, no data")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_idx_reader_reads_regular_files_only(tmp_path: Path):
    fifo = tmp_path / "train-images-idx3-ubyte.gz"
    os.mkfifo(fifo)
    error = finishes_without_blocking(lambda: read_idx(fifo), fifo)
    assert isinstance(error, MnistDataError)
    assert str(error) == f"{fifo}: a named pipe, not a regular file; not read"
    if Path("/dev/zero").exists():
        with pytest.raises(MnistDataError, match="a character device, not a regular file"):
            read_idx("/dev/zero")
    sparse = tmp_path / "sparse.idx"
    with sparse.open("wb") as out:
        out.truncate(8 * 10**9)
    with pytest.raises(MnistDataError, match=r"too large: the file is 8\.0 GB"):
        read_idx(sparse)


# --- .keras model files ----------------------------------------------------------------------


def test_a_keras_zip_bomb_is_refused_before_keras_opens_it(tmp_path: Path):
    bomb = zip_bomb(tmp_path / "model.keras", 20 * 2**20)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ModelFileError) as info:
        load_model(bomb, max_bytes=10_000_000)
    assert str(info.value) == (
        f"{bomb}: the archive unpacks to 21.0 MB, more than the limit of 10.0 MB"
    )
    with pytest.raises(ModelFileError) as info:
        read_metadata(bomb, max_bytes=10_000_000)
    assert "the archive unpacks to 21.0 MB" in str(info.value)


def test_an_absurd_compression_ratio_is_refused(tmp_path: Path):
    bomb = zip_bomb(tmp_path / "model.keras", 20 * 2**20)  # within the default size limit
    with pytest.raises(ModelFileError) as info:
        check_archive(bomb)
    text = str(info.value)
    assert text.startswith(f"{bomb}: model.weights.h5 claims ")
    assert text.endswith("; refused as a possible zip bomb")


def test_the_shipped_model_passes_the_archive_check():
    shipped = Path(__file__).resolve().parents[1] / "resources" / "models" / "mnist.keras"
    check_archive(shipped)
    assert read_metadata(shipped)["architecture"]


def _keras_like(path: Path, metadata: bytes = b'{"epochs": 1}') -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("inception_desktop.json", metadata)
    return path


def _set_compression_method(data: bytes, method: int) -> bytes:
    """Rewrite every member's compression method, in local and central headers alike."""
    out = bytearray(data)
    for signature, field in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            struct.pack_into("<H", out, start + field, method)
            start += 4
    return bytes(out)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda b: b[: len(b) // 2], "not a .keras model file (expected a Keras 3 zip archive"),
        (lambda b: _set_compression_method(b, 99), "not a readable .keras model file"),
        (lambda b: b.replace(b'{"epochs"', b'{"epochz"'), "not a readable .keras model file"),
    ],
)
def test_every_zip_error_is_a_model_file_error(tmp_path: Path, damage, reason: str):
    path = _keras_like(tmp_path / "model.keras", b'{"epochs": 1}' + b" " * 64)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ModelFileError) as info:
        read_metadata(path)
    assert str(info.value).startswith(f"{path}: {reason}")


def test_unreadable_metadata_is_named(tmp_path: Path):
    path = _keras_like(tmp_path / "model.keras", b"[1, 2")
    with pytest.raises(ModelFileError, match=r"unreadable metadata"):
        read_metadata(path)
    path = _keras_like(tmp_path / "list.keras", b"[1, 2]")
    with pytest.raises(ModelFileError, match=r"unreadable metadata \(not a JSON object\)"):
        read_metadata(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_model_files_are_read_from_regular_files_only(tmp_path: Path):
    fifo = tmp_path / "model.keras"
    os.mkfifo(fifo)
    for call in (lambda: read_metadata(fifo), lambda: load_model(fifo)):
        error = finishes_without_blocking(call, fifo)
        assert isinstance(error, ModelFileError)
        assert str(error) == f"{fifo}: a named pipe, not a regular file; not read"
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "missing.keras")
