"""core.weights and `inception-desktop weights`: download, status, import, trust."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from inception_desktop.cli import main
from inception_desktop.core.models import inception
from inception_desktop.core.store import weights
from inception_desktop.core.store.download import file_digest


@pytest.fixture
def served_weights(http_server, inception_weights: Path, monkeypatch: pytest.MonkeyPatch):
    """The test weights served on 127.0.0.1, with the URL and md5 pointed at them."""
    http_server.files[weights.FILE_NAME] = inception_weights.read_bytes()
    monkeypatch.setenv(weights.URL_ENV, http_server.url(weights.FILE_NAME))
    monkeypatch.setenv(weights.MD5_ENV, file_digest(inception_weights))
    return http_server


def test_missing_weights_say_how_to_get_them(isolated_cache: Path):
    status = weights.status()
    assert not status.present
    assert str(isolated_cache) in str(status.path)
    with pytest.raises(weights.WeightsError, match=r"(?s)weights download.*weights import FILE"):
        weights.require()


def test_download_through_the_real_path_then_status(served_weights, capsys):
    assert main(["weights", "download"]) == 0
    out, err = capsys.readouterr()
    assert "installed:" in out and "Inception v3 weights" in err
    assert "converted for LiteRT" in out  # found where the real lookup expects it
    status = weights.status()
    assert status.present and status.origin == "download"
    assert main(["weights", "status"]) == 0
    out = capsys.readouterr().out
    assert "download" in out and "LiteRT conversion: " in out and ".tflite" in out


@pytest.mark.fresh_conversion  # nothing but what the download itself writes may be there
def test_wrong_hash_from_the_server_installs_nothing(served_weights, monkeypatch, capsys):
    monkeypatch.setenv(weights.MD5_ENV, "0" * 32)
    assert main(["weights", "download"]) == 1
    assert "damaged" in capsys.readouterr().err
    assert not weights.status().present
    assert list(weights.weights_path().parent.iterdir()) == []


def test_server_error_and_offline_give_advice(http_server, monkeypatch):
    monkeypatch.setenv(weights.URL_ENV, http_server.url("status/503"))
    with pytest.raises(weights.WeightsError, match=r"(?s)503.*import a file"):
        weights.download()
    with socket.socket() as s:  # a port that was free a moment ago: nobody listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(weights.URL_ENV, f"http://127.0.0.1:{port}/nothing-listens-here")
    with pytest.raises(weights.WeightsError, match=r"(?s)offline.*weights import FILE"):
        weights.download()
    assert not weights.status().present


def test_import_refuses_an_unofficial_file_unless_trusted(
    inception_weights: Path, tmp_path, capsys
):
    assert main(["weights", "import", str(inception_weights)]) == 1
    assert "not the official" in capsys.readouterr().err
    assert not weights.status().present
    assert main(["weights", "import", str(inception_weights), "--trust"]) == 0
    assert weights.status().origin == "trusted import"
    assert file_digest(weights.weights_path()) == file_digest(inception_weights)


def test_trust_still_requires_a_file_that_loads(tmp_path: Path):
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"\x89HDF\r\n\x1a\n" + b"0" * 1000)
    with pytest.raises(weights.WeightsError, match="not usable as Inception v3 weights"):
        inception.import_weights(junk, trust=True)
    assert not weights.status().present


def test_a_trusted_import_without_a_check_is_a_programming_error(tmp_path: Path):
    """The store cannot judge a weights file itself (the model module does): asked to trust one
    without a check, it refuses rather than install an unchecked file."""
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"\x89HDF\r\n\x1a\n" + b"0" * 1000)
    with pytest.raises(ValueError, match="needs a check"):
        weights.import_file(junk, trust=True)
    assert not weights.status().present


def test_import_accepts_the_official_hash(inception_weights: Path, monkeypatch):
    monkeypatch.setenv(weights.MD5_ENV, file_digest(inception_weights))
    weights.import_file(inception_weights)
    assert weights.status().origin == "import"


def test_path_prints_the_cache_location(isolated_cache: Path, capsys):
    assert main(["weights", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(weights.weights_path())


def test_a_truncated_file_is_noticed_and_download_repairs_it(served_weights, capsys):
    assert main(["weights", "download"]) == 0
    good = weights.weights_path().read_bytes()
    info = weights.weights_path().with_suffix(".json")
    assert json.loads(info.read_text())["size"] == len(good)
    weights.weights_path().write_bytes(good[: len(good) // 2])  # a crash, a full disk, a bad copy
    capsys.readouterr()
    assert main(["weights", "status"]) == 1
    out = capsys.readouterr().out
    assert "damaged" in out and f"{len(good) // 2} bytes" in out and "weights download" in out
    with pytest.raises(weights.WeightsError, match="damaged"):
        weights.require()
    assert main(["weights", "download"]) == 0
    out, err = capsys.readouterr()
    assert "already installed" not in out and "repairing" in err
    assert weights.weights_path().read_bytes() == good
    assert weights.status().present


def test_an_official_install_without_a_recorded_size_is_checked_against_the_official_size(
    isolated_cache: Path,
):
    path = weights.weights_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x89HDF" + b"0" * 1000)  # written by an older version, then truncated
    path.with_suffix(".json").write_text(
        json.dumps({"origin": "download", "md5": weights.OFFICIAL_MD5})
    )
    status = weights.status()
    assert not status.present and str(weights.OFFICIAL_SIZE) in status.problem


def test_the_download_is_capped_at_the_official_size(http_server, monkeypatch):
    """A server that sends more than the official file (no Content-Length) is cut off at the
    official size plus the margin, long before a disk could fill."""
    http_server.files[weights.FILE_NAME] = b"\0" * 1_000_000
    http_server.endless_limit = weights.OFFICIAL_SIZE * 3
    monkeypatch.setenv(weights.URL_ENV, http_server.url(f"endless/{weights.FILE_NAME}"))
    with pytest.raises(weights.WeightsError, match=f"{weights.max_download_bytes()} bytes"):
        weights.download()
    assert not weights.status().present
    assert list(weights.weights_path().parent.iterdir()) == []

