"""The desktop integration: the freedesktop entry, the icon, `make install-desktop`."""

from __future__ import annotations

import configparser
import fnmatch
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from PIL import Image

from inception_desktop.core.photo.images import IMAGE_SUFFIXES

ROOT = Path(__file__).resolve().parent.parent
ENTRY = ROOT / "packaging" / "linux" / "inception-desktop.desktop"
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256)
#: The MIME type of each suffix the loader opens (the entry must claim exactly these).
MIME = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
    ".bmp": "image/bmp",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
}


def _entry(path: Path) -> dict[str, str]:
    parser = configparser.RawConfigParser(delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def _validate(path: Path) -> list[str]:
    """desktop-file-validate's errors and warnings for ``path`` (its hints are advice)."""
    binary = shutil.which("desktop-file-validate")
    if binary is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    result = subprocess.run([binary, str(path)], capture_output=True, text=True, timeout=30)
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if ": error: " in line or ": warning: " in line
    ]
    assert result.returncode == 0 or problems, result
    return problems


def test_the_desktop_entry_is_valid():
    assert _validate(ENTRY) == []


def test_the_entry_opens_files_with_the_app_and_claims_the_loaders_image_types():
    entry = _entry(ENTRY)
    assert entry["Type"] == "Application" and entry["Name"] == "Inception Desktop"
    assert entry["GenericName"] and entry["Comment"]
    assert entry["Exec"] == "inception-desktop %F"  # several files, as local paths
    assert entry["Icon"] == "inception-desktop" and entry["Terminal"] == "false"
    assert {"Graphics", "Science"} <= set(entry["Categories"].rstrip(";").split(";"))
    claimed = set(entry["MimeType"].rstrip(";").split(";"))
    assert claimed == {MIME[suffix] for suffix in IMAGE_SUFFIXES}


def test_the_icon_comes_in_every_size_it_names():
    svg = (ICONS / "inception-desktop.svg").read_text(encoding="utf-8")
    assert 'viewBox="0 0 256 256"' in svg
    for size in SIZES:
        with Image.open(ICONS / f"inception-desktop-{size}.png") as image:
            assert image.format == "PNG" and image.size == (size, size)
            assert image.mode == "RGBA"
            alpha = image.getchannel("A")
            assert alpha.getextrema() == (0, 255)  # drawn, on transparent corners
            assert alpha.getpixel((0, 0)) == 0 and alpha.getpixel((size // 2, size // 2)) == 255


def test_the_icons_ship_in_the_wheel():
    """package-data names every icon file (what the wheel test's wheel then carries)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["inception_desktop.resources.icons"]
    names = ["inception-desktop.svg", *(f"inception-desktop-{s}.png" for s in SIZES)]
    for name in names:
        assert any(fnmatch.fnmatch(name, p) for p in patterns), name


def test_the_window_uses_the_icon(qapp, window):
    """What run_app does at start: the icon in every size on every window, and the desktop
    file name that ties the windows to the installed entry."""
    from PySide6.QtGui import QGuiApplication, QIcon

    from inception_desktop.gui.app import identify

    before = (qapp.applicationName(), qapp.organizationName(), QGuiApplication.desktopFileName())
    try:
        identify(qapp)
        assert QGuiApplication.desktopFileName() == ENTRY.stem == "inception-desktop"
        icon = window.windowIcon()  # a window without its own icon shows the application's
        assert not icon.isNull()
        assert {s.width() for s in icon.availableSizes()} == set(SIZES)
    finally:
        qapp.setApplicationName(before[0])
        qapp.setOrganizationName(before[1])
        QGuiApplication.setDesktopFileName(before[2])
        QGuiApplication.setWindowIcon(QIcon())


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_install_desktop_installs_for_this_user_and_uninstall_removes_it(tmp_path: Path):
    data = tmp_path / "share"
    env = {**os.environ, "XDG_DATA_HOME": str(data), "HOME": str(tmp_path)}
    # -o: never (re)install the virtual environment from a test; it exists where tests run.
    make = ["make", "-s", "-C", str(ROOT), "-o", ".venv/.run-stamp"]
    subprocess.run([*make, "install-desktop"], env=env, check=True, timeout=60, capture_output=True)
    installed = data / "applications" / "inception-desktop.desktop"
    assert _validate(installed) == []
    entry = _entry(installed)
    program = ROOT / ".venv" / "bin" / "inception-desktop"
    assert entry["Exec"] == f'"{program}" %F' and entry["TryExec"] == str(program)
    assert program.is_file() and os.access(program, os.X_OK)
    for size in SIZES:
        png = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "inception-desktop.png"
        assert png.read_bytes() == (ICONS / f"inception-desktop-{size}.png").read_bytes()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "inception-desktop.svg").is_file()
    cache = data / "applications" / "mimeinfo.cache"
    if shutil.which("update-desktop-database"):  # "Open with" in a file manager reads this
        assert "image/jpeg=inception-desktop.desktop;" in cache.read_text(encoding="utf-8")
    gio = shutil.which("gio")
    if gio:  # what a GTK file manager asks for its "Open with" list
        only_ours = {
            **env,
            "XDG_DATA_DIRS": str(tmp_path / "none"),
            "XDG_CONFIG_HOME": str(tmp_path),
        }
        listed = subprocess.run(
            [gio, "mime", "image/jpeg"], env=only_ours, capture_output=True, text=True, timeout=30
        ).stdout
        assert "Registered applications:\n\tinception-desktop.desktop" in listed, listed
    subprocess.run(
        [*make, "uninstall-desktop"], env=env, check=True, timeout=60, capture_output=True
    )
    assert not installed.exists()
    assert list((data / "icons").rglob("inception-desktop.*")) == []
