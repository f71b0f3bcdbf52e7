"""core.weights and `inception-desktop weights`: download, status, import, trust."""

from __future__ import annotations

import hashlib
import json
import re
import socket
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

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
    # One unit (SI MB) in the progress, which ends at the whole file; no raw byte counts.
    assert re.search(r"Inception v3 weights: ([\d.]+ MB) of \1 \(100%\)", err), err
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


def test_server_error_and_offline_give_advice(http_server, monkeypatch, capsys):
    monkeypatch.setenv(weights.URL_ENV, http_server.url("status/503"))
    with pytest.raises(weights.WeightsError, match=r"(?s)503.*import a file"):
        weights.download()
    with socket.socket() as s:  # a port that was free a moment ago: nobody listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(weights.URL_ENV, f"http://127.0.0.1:{port}/nothing-listens-here")
    with pytest.raises(weights.WeightsError, match=r"(?s)offline.*then import it") as info:
        weights.download()
    assert "inception-desktop" not in str(info.value)  # the window shows it too: no commands
    capsys.readouterr()
    assert main(["weights", "download"]) == 1
    assert "To install a copy you have: inception-desktop weights import FILE" in (
        capsys.readouterr().err
    )
    assert not weights.status().present


def test_import_refuses_an_unofficial_file_unless_trusted(
    inception_weights: Path, tmp_path, capsys
):
    assert main(["weights", "import", str(inception_weights)]) == 1
    err = capsys.readouterr().err
    assert "not the official" in err and "the official file is 96.1 MB" in err
    assert "import it with --trust" in err  # the command line's way to say "trust it"
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


# --- the window's weights panel ------------------------------------------------------------------

BLOB = bytes(range(256)) * 16_000  # 4.1 MB: long enough to measure a speed, quick to serve


@pytest.fixture
def panel(qtbot):
    from inception_desktop.gui.photo.weights_panel import WeightsPanel

    checked: list[Path] = []

    def check(path: Path) -> None:  # the architecture check is TensorFlow's: tested above
        checked.append(path)
        if path.name.startswith("junk"):
            raise weights.WeightsError(f"{path}: not usable as Inception v3 weights (junk)")

    widget = WeightsPanel(check=check)
    widget.checked = checked
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _click(qtbot, button) -> None:
    from PySide6.QtCore import Qt

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_panel_says_one_size_in_one_unit():
    """The button, the message and the command line all say 96.1 MB (SI: 96,112,376 bytes)."""
    from inception_desktop.gui.photo.weights_panel import WeightsPanel

    widget = WeightsPanel()
    assert weights.SIZE_TEXT == "96.1 MB"
    assert widget.download_button.text() == "Download (96.1 MB)"
    assert "96.1 MB" in widget.message.text() and "92 MB" not in widget.message.text()
    assert "96.1 MB" in weights.status().describe()
    widget.deleteLater()


def test_the_download_shows_size_speed_and_time_left(qtbot, panel, http_server, monkeypatch):
    http_server.files[weights.FILE_NAME] = BLOB
    http_server.slow_chunk = 16_000  # 256 writes, 5 ms apart: more than a second in all
    monkeypatch.setenv(weights.URL_ENV, http_server.url(f"slow/{weights.FILE_NAME}"))
    monkeypatch.setenv(weights.MD5_ENV, hashlib.md5(BLOB).hexdigest())
    texts: list[str] = []
    timer = QTimer(panel)
    timer.timeout.connect(lambda: texts.append(panel.status.text()))
    timer.start(20)
    with qtbot.waitSignal(panel.installed, timeout=30000):
        _click(qtbot, panel.download_button)
    timer.stop()
    progress = [t for t in texts if t.startswith("Downloading…")]
    assert progress, texts
    size = r"[\d.]+ (bytes|kB|MB)"
    pattern = rf"Downloading… {size} of 4\.1 MB \(\d+%\)(, {size}/s(, .+ left)?)?"
    assert [t for t in progress if not re.fullmatch(pattern, t)] == []
    assert any("/s, " in t and t.endswith(" left") for t in progress), progress
    assert weights.status().present and weights.status().origin == "download"
    qtbot.waitUntil(lambda: panel.download_button.isEnabled(), timeout=5000)


def test_a_broken_download_is_explained_in_words(qtbot, panel, http_server, monkeypatch):
    http_server.files[weights.FILE_NAME] = BLOB
    monkeypatch.setenv(weights.URL_ENV, http_server.url(f"reset/{weights.FILE_NAME}"))
    monkeypatch.setenv(weights.MD5_ENV, hashlib.md5(BLOB).hexdigest())
    _click(qtbot, panel.download_button)
    qtbot.waitUntil(lambda: panel.download_button.isEnabled(), timeout=30000)
    text = panel.status.text()
    assert text.startswith("The download stopped at 50% (2.0 MB of 4.1 MB): the connection")
    assert "Try again, or import a file you have." in text
    assert "bytes" not in text and "http://" not in text
    assert not weights.status().present


def test_download_and_import_wait_while_a_model_loads(qtbot, panel, http_server, monkeypatch):
    monkeypatch.setenv(weights.URL_ENV, http_server.url(weights.FILE_NAME))
    panel.set_model_loading(True)
    assert not panel.download_button.isEnabled() and not panel.import_button.isEnabled()
    assert panel.status.text() == "Loading Inception v3…"
    panel.start_download()  # what the menu's Download does: nothing meanwhile
    panel.choose_file()  # no file dialog either
    assert not panel.busy() and http_server.requests == []
    panel.set_model_loading(False)
    assert panel.download_button.isEnabled() and panel.import_button.isEnabled()
    assert panel.status.text() == ""


def _unofficial(tmp_path: Path, name: str = "mine.h5") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + b"1" * 250_000)
    return path


def _ask(qtbot, panel, path: Path):
    panel.import_file(str(path))
    qtbot.waitUntil(lambda: panel.trust_dialog is not None and panel.trust_dialog.isVisible())
    qtbot.waitUntil(lambda: not panel.busy())
    return panel.trust_dialog


def test_an_unofficial_file_is_a_question_in_the_window_not_a_flag(qtbot, panel, tmp_path):
    path = _unofficial(tmp_path)
    dialog = _ask(qtbot, panel, path)
    words = f"{dialog.text()} {dialog.informativeText()} {panel.status.text()}"
    assert "--trust" not in words and "command" not in words
    assert "“mine.h5” is not the official Inception v3 weights file" in dialog.text()
    info = " ".join(dialog.informativeText().replace("\u00a0", " ").split())
    assert "This file: 250.0 kB, md5 " in info
    assert f"The official file: 96.1 MB, md5 {weights.OFFICIAL_MD5}" in info
    assert "trust where it came from" in info
    assert not panel.download_button.isEnabled()  # nothing else starts while it asks
    cancel = dialog.button(dialog.StandardButton.Cancel)
    _click(qtbot, cancel)
    qtbot.waitUntil(lambda: panel.trust_dialog is None)
    assert panel.status.text() == "Import cancelled; nothing was installed."
    assert panel.checked == [] and not weights.status().present
    assert panel.download_button.isEnabled()


def test_import_anyway_checks_the_file_then_installs_it(qtbot, panel, tmp_path):
    path = _unofficial(tmp_path)
    dialog = _ask(qtbot, panel, path)
    with qtbot.waitSignal(panel.installed, timeout=10000) as installed:
        _click(qtbot, panel.trust_import_button)
    assert installed.args == [str(weights.weights_path())]
    assert panel.checked == [path]
    assert weights.status().present and weights.status().origin == "trusted import"
    assert dialog is not panel.trust_dialog


def test_import_anyway_still_refuses_a_file_that_does_not_load(qtbot, panel, tmp_path):
    path = _unofficial(tmp_path, "junk.h5")
    _ask(qtbot, panel, path)
    _click(qtbot, panel.trust_import_button)
    qtbot.waitUntil(lambda: panel.checked == [path] and not panel.busy(), timeout=10000)
    qtbot.waitUntil(lambda: panel.import_button.isEnabled(), timeout=5000)
    assert "not usable as Inception v3 weights" in panel.status.text()
    assert not weights.status().present
