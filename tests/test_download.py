"""core.download against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from inception_desktop.core.download import CancelToken, DownloadError, download_file

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
    assert info.value.reason == "hash" and MD5 in str(info.value)
    assert _leftovers(tmp_path) == []


def test_server_error_keeps_nothing_and_leaves_an_old_file_alone(http_server, tmp_path: Path):
    (tmp_path / "w.h5").write_bytes(b"old")
    for url in (http_server.url("status/500"), http_server.url("missing")):
        with pytest.raises(DownloadError) as info:
            download_file(url, tmp_path / "w.h5", expected_hash=MD5)
        assert info.value.reason == "http"
    assert (tmp_path / "w.h5").read_bytes() == b"old"
    assert _leftovers(tmp_path) == ["w.h5"]


def test_cancel_mid_download_removes_the_partial_file(http_server, tmp_path: Path):
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
    assert info.value.reason == "cancelled"
    assert _leftovers(tmp_path) == []


def test_a_stalled_server_times_out(http_server, tmp_path: Path):
    http_server.files["w.h5"] = BODY
    http_server.stall_seconds = 3
    with pytest.raises(DownloadError) as info:
        download_file(
            http_server.url("stall/w.h5"), tmp_path / "w.h5", expected_hash=MD5, timeout=0.5
        )
    assert info.value.reason == "timeout"
    assert _leftovers(tmp_path) == []


def test_nothing_listening_means_offline(tmp_path: Path):
    import socket

    with socket.socket() as s:  # a port that was free a moment ago: nobody listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError) as info:
        download_file(f"http://127.0.0.1:{port}/w.h5", tmp_path / "w.h5", expected_hash=MD5)
    assert info.value.reason == "offline"
