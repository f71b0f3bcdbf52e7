"""Build the wheel, install it away from the checkout, and use it: resources must come from the
installed package through importlib.resources, exactly as on a user's machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_of_the_checkout_is_in_the_wheel():
    """pyproject lists packages by hand (resources/ is mapped in); a package left off that list
    imports in a checkout and fails only once installed, so the list is held to the tree here."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "inception_desktop").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    # mapped from resources/ (the two data folders listed too, as setuptools asks)
    assert listed - found == {
        "inception_desktop.resources",
        "inception_desktop.resources.icons",
        "inception_desktop.resources.models",
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, str]:
    """The wheel installed into a fresh venv whose only link to ours is the dependency path."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    wheel = next((tmp / "dist").glob("inception_desktop-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(
        subprocess.check_output(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            text=True,
        ).strip()
    )
    # Dependencies (TensorFlow, Qt…) come from our environment's site-packages as a plain path:
    # its .pth files, including the editable install of this checkout, are not processed.
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["INCEPTION_DESKTOP_CACHE"] = str(tmp / "cache")
    return {"python": str(venv / "bin" / "python"), "cwd": str(tmp), "site": str(site), "env": env}


def _run(installed, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [installed["python"], "-m", "inception_desktop", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=installed["cwd"],
        env=installed["env"],
    )


@pytest.mark.slow
def test_the_wheel_carries_its_resources(installed):
    code = (
        "import inception_desktop, importlib.resources as r; "
        "print(inception_desktop.__file__); "
        "print(r.files('inception_desktop.resources').joinpath('models/mnist.keras').is_file())"
    )
    out = subprocess.run(
        [installed["python"], "-c", code],
        capture_output=True,
        text=True,
        cwd=installed["cwd"],
        env=installed["env"],
        check=True,
    ).stdout.split()
    assert out[0].startswith(installed["site"]), "imported the checkout, not the wheel"
    assert out[1] == "True"


@pytest.mark.slow
def test_the_installed_app_classifies_photos_and_digits(
    installed, inception_weights, mnist_splits, tmp_path
):
    photo = tmp_path / "photo.jpg"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 300, 3), dtype=np.uint8)).save(
        photo
    )
    result = _run(installed, "classify", str(photo), "--json", "--weights", str(inception_weights))
    assert result.returncode == 0, result.stderr
    [entry] = json.loads(result.stdout)
    assert entry["model"] == "Inception v3" and len(entry["top"]) == 5

    digit = tmp_path / "seven.png"
    Image.fromarray(255 - np.kron(mnist_splits.x_test[0], np.ones((8, 8), np.uint8))).save(digit)
    result = _run(installed, "classify", str(digit), "--model", "mnist", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["top"][0]["label"] == str(mnist_splits.y_test[0])


@pytest.mark.slow
def test_the_installed_shipped_model_meets_its_target(installed, mnist_dir):
    result = _run(installed, "evaluate", "mnist", "--data", str(mnist_dir), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["test_size"] == 10000
    assert summary["accuracy"] >= 0.9965  # the target
