"""core.download against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from inception_desktop.core.store.download import (
    CancelToken,
    DownloadError,
    TransferMeter,
    download_file,
    duration_text,
    size_text,
)

BODY = os.urandom(300_000)
MD5 = hashlib.md5(BODY).hexdigest()


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_success_reports_progress_and_moves_into_place(http_server, tmp_path: Path):
    http_server.files["w.h5"] = BODY
    seen: list[tuple[int, int | None]] = []
    target = download_file(
        http_server.url("w.h5"),
        tmp_path / "d" / "w.h5",
        expected_hash=MD5,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert target.read_bytes() == BODY
    assert seen[0] == (0, len(BODY)) and seen[-1] == (len(BODY), len(BODY))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert _leftovers(tmp_path / "d") == ["w.h5"]


def test_hash_mismatch_keeps_nothing(http_server, tmp_path: Path):
    http_server.files["w.h5"] = BODY
    with pytest.raises(DownloadError) as info:
        download_file(http_server.url("w.h5"), tmp_path / "w.h5", expected_hash="0" * 32)
    assert info.value.kind == "hash" and MD5 in str(info.value)
    assert _leftovers(tmp_path) == []


def test_server_error_keeps_nothing_and_leaves_an_old_file_alone(http_server, tmp_path: Path):
    (tmp_path / "w.h5").write_bytes(b"old")
    for url in (http_server.url("status/500"), http_server.url("missing")):
        with pytest.raises(DownloadError) as info:
            download_file(url, tmp_path / "w.h5", expected_hash=MD5)
        assert info.value.kind == "http"
    assert (tmp_path / "w.h5").read_bytes() == b"old"
    assert _leftovers(tmp_path) == ["w.h5"]


def test_cancel_mid_download_removes_the_partial_file_and_says_how_far_it_got(
    http_server, tmp_path: Path
):
    http_server.files["w.h5"] = BODY
    token = CancelToken()

    def progress(done: int, total: int | None) -> None:
        if done > 50_000:
            token.cancel()

    with pytest.raises(DownloadError) as info:
        download_file(
            http_server.url("slow/w.h5"),
            tmp_path / "w.h5",
            expected_hash=MD5,
            progress=progress,
            cancel=token,
        )
    assert info.value.kind == "cancelled"
    assert _leftovers(tmp_path) == []
    assert re.fullmatch(
        r"the download was cancelled at \d+% \(\d+\.\d kB of 300\.0 kB\)", info.value.reason
    )


def test_a_stalled_server_times_out(http_server, tmp_path: Path):
    http_server.files["w.h5"] = BODY
    http_server.stall_seconds = 3
    with pytest.raises(DownloadError) as info:
        download_file(
            http_server.url("stall/w.h5"), tmp_path / "w.h5", expected_hash=MD5, timeout=0.5
        )
    assert info.value.kind == "timeout"
    assert _leftovers(tmp_path) == []


def test_nothing_listening_means_offline(tmp_path: Path):
    import socket

    with socket.socket() as s:  # a port that was free a moment ago: nobody listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError) as info:
        download_file(f"http://127.0.0.1:{port}/w.h5", tmp_path / "w.h5", expected_hash=MD5)
    assert info.value.kind == "offline"


def test_a_trickle_is_a_stall(http_server, tmp_path: Path):
    """One byte every 0.2 s never hits the 10 s idle timeout: the minimum-progress rule ends it."""
    http_server.files["w.h5"] = BODY
    with pytest.raises(DownloadError, match="stalled") as info:
        download_file(
            http_server.url("trickle/w.h5"),
            tmp_path / "w.h5",
            expected_hash=MD5,
            timeout=10,
            min_bytes=1000,
            window=1.0,
        )
    assert info.value.kind == "timeout"
    assert _leftovers(tmp_path) == []


def test_the_overall_deadline_ends_a_download_that_keeps_trickling(http_server, tmp_path: Path):
    http_server.files["w.h5"] = BODY
    with pytest.raises(DownloadError, match="not finished after 1 s") as info:
        download_file(
            http_server.url("trickle/w.h5"),
            tmp_path / "w.h5",
            expected_hash=MD5,
            min_bytes=1,
            window=0.5,
            deadline=1.0,
        )
    assert info.value.kind == "timeout"
    assert _leftovers(tmp_path) == []


def test_cancel_while_the_server_is_silent(http_server, tmp_path: Path):
    """Cancel must not wait for a read timeout: it ends the download while the server still
    holds the connection open and silent (its 60 s pause has not ended)."""
    http_server.files["w.h5"] = BODY
    http_server.stall_seconds = 60
    token = CancelToken()

    def progress(done: int, total: int | None) -> None:
        if done > 0:
            token.cancel()  # after the first 1000 bytes, the server says nothing for 60 s

    with pytest.raises(DownloadError) as info:
        download_file(
            http_server.url("stall/w.h5"),
            tmp_path / "w.h5",
            expected_hash=MD5,
            progress=progress,
            cancel=token,
            timeout=60,
        )
    assert info.value.kind == "cancelled"
    assert _leftovers(tmp_path) == []


def test_cancel_while_waiting_for_the_headers(tmp_path: Path):
    """A peer that accepts the connection and never answers: cancel still ends the wait."""
    import socket
    import threading

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # the kernel completes the handshake; nobody ever answers
        port = listener.getsockname()[1]
        token = CancelToken()
        timer = threading.Timer(0.5, token.cancel)
        timer.start()
        with pytest.raises(DownloadError) as info:
            download_file(
                f"http://127.0.0.1:{port}/w.h5",
                tmp_path / "w.h5",
                expected_hash=MD5,
                cancel=token,
                timeout=60,
            )
        timer.join()
    assert info.value.kind == "cancelled"


def test_a_body_without_a_length_is_downloaded_and_checked(http_server, tmp_path: Path):
    http_server.files["w.h5"] = BODY
    seen: list[int | None] = []
    target = download_file(
        http_server.url("nolength/w.h5"),
        tmp_path / "w.h5",
        expected_hash=MD5,
        progress=lambda done, total: seen.append(total),
    )
    assert target.read_bytes() == BODY and set(seen) == {None}


def test_an_endless_body_without_a_length_stops_at_the_cap(http_server, tmp_path: Path):
    http_server.files["w.h5"] = BODY
    seen: list[int] = []
    allowed = r"more than the 1.0 MB \(1000000 bytes\) allowed"
    with pytest.raises(DownloadError, match=allowed) as info:
        download_file(
            http_server.url("endless/w.h5"),
            tmp_path / "w.h5",
            expected_hash=MD5,
            max_bytes=1_000_000,
            progress=lambda done, total: seen.append(done),
        )
    assert info.value.kind == "size"
    assert max(seen) <= 1_000_000  # nothing past the cap was counted as written
    assert _leftovers(tmp_path) == []


def test_bytes_past_the_declared_length_are_never_written(http_server, tmp_path: Path):
    http_server.files["w.h5"] = BODY
    target = download_file(http_server.url("overlong/w.h5"), tmp_path / "w.h5", expected_hash=MD5)
    assert target.read_bytes() == BODY


def test_a_declared_size_other_than_the_expected_one_is_refused_before_the_body(
    http_server, tmp_path: Path
):
    http_server.files["w.h5"] = BODY
    seen: list[int] = []
    with pytest.raises(DownloadError, match=f"offers {len(BODY):,} bytes") as info:
        download_file(
            http_server.url("w.h5"),
            tmp_path / "w.h5",
            expected_hash=MD5,
            expected_size=len(BODY) - 1,
            progress=lambda done, total: seen.append(done),
        )
    assert info.value.kind == "size" and seen == []
    assert _leftovers(tmp_path) == []


def test_a_connection_reset_mid_body_is_a_download_error(http_server, tmp_path: Path):
    http_server.files["w.h5"] = BODY
    with pytest.raises(DownloadError) as info:
        download_file(http_server.url("reset/w.h5"), tmp_path / "w.h5", expected_hash=MD5)
    assert info.value.kind == "network"
    assert _leftovers(tmp_path) == []


def test_tls_errors_are_download_errors(http_server, tmp_path: Path):
    """https to a plain-HTTP server fails the TLS handshake: an ssl error, reported as such."""
    http_server.files["w.h5"] = BODY
    url = http_server.url("w.h5").replace("http://", "https://")
    with pytest.raises(DownloadError, match="secure connection failed") as info:
        download_file(url, tmp_path / "w.h5", expected_hash=MD5)
    assert info.value.kind == "network"


def test_stale_partial_files_of_killed_runs_are_removed(http_server, tmp_path: Path):
    from inception_desktop.core.store import atomic

    http_server.files["w.h5"] = BODY
    old = 10 * atomic.MIN_STALE_AGE
    stale_dir = tmp_path / (atomic.TEMP_PREFIX + "killed")
    stale_dir.mkdir()
    (stale_dir / "w.h5").write_bytes(BODY[:1000])
    legacy = tmp_path / ".w.h5.abc123.part"  # what versions before atomic.py left behind
    legacy.write_bytes(BODY[:1000])
    for path in (stale_dir / "w.h5", stale_dir, legacy):
        os.utime(path, (os.path.getmtime(path) - old,) * 2)
    with atomic.atomic_path(tmp_path / "other.bin") as live:  # a live writer's temporary
        live.write_bytes(b"in progress")
        os.utime(live.parent, (os.path.getmtime(live.parent) - old,) * 2)
        download_file(http_server.url("w.h5"), tmp_path / "w.h5", expected_hash=MD5)
        assert live.parent.is_dir()  # its lock is held: not stale, however old
    assert _leftovers(tmp_path) == ["other.bin", "w.h5"]


def test_a_broken_download_is_told_in_words_and_sizes(http_server, tmp_path: Path):
    """Where it stopped, as a share and in MB/kB of the whole, and what broke: no byte counts."""
    http_server.files["w.h5"] = BODY
    with pytest.raises(DownloadError) as info:
        download_file(http_server.url("reset/w.h5"), tmp_path / "w.h5", expected_hash=MD5)
    reason = info.value.reason
    assert reason.startswith("the download stopped at 50% (150.0 kB of 300.0 kB): the connection")
    assert "bytes" not in reason and http_server.url("") not in reason
    assert str(info.value).startswith(http_server.url("reset/w.h5") + ": ")  # str() names it


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (1000, "1.0 kB"),
        (999_960, "1.0 MB"),  # never "1000.0 kB"
        (96_112_376, "96.1 MB"),  # the official weights: 91.7 MiB, shown in SI units everywhere
        (2_500_000_000, "2.5 GB"),
    ],
)
def test_sizes_are_shown_in_si_units(n: int, text: str):
    assert size_text(n) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (0.2, "1 s"), (59, "59 s"), (125, "2 min 05 s"), (3725, "1 h 02 min")],
)
def test_times_left_read_as_minutes_and_seconds(seconds: float, text: str):
    assert duration_text(seconds) == text


def test_the_meter_measures_speed_over_a_moving_window_and_says_the_time_left():
    now = [0.0]
    meter = TransferMeter(window=5.0, clock=lambda: now[0])
    meter.update(0, 96_112_376)
    assert meter.speed is None and meter.describe() == "0 bytes of 96.1 MB (0%)"
    for second in range(1, 11):  # 1 MB/s for ten seconds
        now[0] = float(second)
        meter.update(second * 1_000_000, 96_112_376)
    assert meter.speed == pytest.approx(1e6)
    assert meter.describe() == "10.0 MB of 96.1 MB (10%), 1.0 MB/s, 1 min 27 s left"
    for second in range(11, 21):  # then 4 MB/s: the window forgets the slow start
        now[0] = float(second)
        meter.update(10_000_000 + (second - 10) * 4_000_000, 96_112_376)
    assert meter.speed == pytest.approx(4e6)
    assert meter.remaining == pytest.approx((96_112_376 - 50_000_000) / 4e6)


def test_the_meter_without_a_total_says_what_arrived_and_how_fast():
    now = [0.0]
    meter = TransferMeter(clock=lambda: now[0])
    meter.update(0, None)
    now[0] = 2.0
    meter.update(3_000_000, None)
    assert meter.remaining is None
    assert meter.describe() == "3.0 MB, 1.5 MB/s"


def test_the_meter_starts_afresh_for_the_next_file():
    now = [0.0]
    meter = TransferMeter(clock=lambda: now[0])
    for second in range(4):
        now[0] = float(second)
        meter.update(second * 1_000_000, 3_000_000)
    now[0] = 3.1
    meter.update(0, 500_000)  # the next file: no negative speed from the first one's bytes
    assert meter.speed is None and meter.describe() == "0 bytes of 500.0 kB (0%)"
    now[0] = 4.1
    meter.update(250_000, 500_000)
    assert meter.speed == pytest.approx(250_000) and meter.remaining == pytest.approx(1.0)
