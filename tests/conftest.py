"""Shared fixtures: an isolated cache per test, test Inception weights, a local HTTP server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MNIST_DIR = SHARED_DATA / "mnist"

pytest_plugins = ["tests.http_server"]


@pytest.fixture(scope="session", autouse=True)
def gui_thread_garbage_collection(qapp):
    """As in the app: cyclic garbage is collected on the GUI thread only (see
    inception_desktop.gui.runtime.garbage_collector), and after every test."""
    from inception_desktop.gui.runtime.garbage_collector import GarbageCollector

    collector = GarbageCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def collect_after_each_test():
    import gc

    yield
    gc.collect()


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own cache and data folder (the history database), so none touches (or
    depends on) the user's real ones."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("INCEPTION_DESKTOP_CACHE", str(cache))
    monkeypatch.setenv("INCEPTION_DESKTOP_DATA", str(tmp_path / "data"))
    for name in (
        "INCEPTION_DESKTOP_WEIGHTS_URL",
        "INCEPTION_DESKTOP_WEIGHTS_MD5",
        "INCEPTION_DESKTOP_MNIST",
        "INCEPTION_DESKTOP_MNIST_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return cache


@pytest.fixture(scope="session")
def inception_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A weights file in the official legacy-H5 layout with fixed random values (built once)."""
    from inception_desktop.core.models.inception import make_random_weights

    return make_random_weights(tmp_path_factory.mktemp("weights") / "test_inception_v3.h5", seed=0)


@pytest.fixture(scope="session")
def inception_classifier(inception_weights: Path):
    """The real classifier on the test weights and the TensorFlow runtime, traced once."""
    from inception_desktop.core.models import inception

    return inception.load_classifier(inception_weights, runtime="tensorflow")


@pytest.fixture(scope="session")
def inception_tflite(inception_weights: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test weights converted for LiteRT through the real path, once for the session."""
    from inception_desktop.core.models import inception

    cache = tmp_path_factory.mktemp("litert-cache")
    previous = os.environ.get("INCEPTION_DESKTOP_CACHE")
    os.environ["INCEPTION_DESKTOP_CACHE"] = str(cache)
    try:
        return inception.ensure_tflite(inception_weights)
    finally:
        if previous is None:
            os.environ.pop("INCEPTION_DESKTOP_CACHE", None)
        else:
            os.environ["INCEPTION_DESKTOP_CACHE"] = previous


@pytest.fixture
def converted_inception(inception_tflite: Path, isolated_cache: Path) -> Path:
    """This test's cache holds the session's conversion (float32 and its int8 twin) where the
    real lookup finds it, so loading the test weights on LiteRT does not convert them again."""
    import shutil

    from inception_desktop.core.models import inception

    md5 = inception_tflite.stem.removeprefix(inception.TFLITE_PREFIX)
    target = inception.tflite_path(md5)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(inception_tflite, target)
    twin = inception.tflite_path(md5, "int8")
    shutil.copyfile(inception_tflite.with_name(twin.name), twin)
    return target


@pytest.fixture(autouse=True)
def _conversion_beside_test_weights(request: pytest.FixtureRequest) -> None:
    """A test that uses the test weights finds their LiteRT conversion in its cache, as a user
    whose weights were converted at install does (converting takes a minute: once a session).
    Tests of the conversion itself opt out with ``@pytest.mark.fresh_conversion``."""
    if "inception_weights" in request.fixturenames and not request.node.get_closest_marker(
        "fresh_conversion"
    ):
        request.getfixturevalue("converted_inception")


@pytest.fixture(scope="session")
def litert_classifier(inception_tflite: Path):
    """The real classifier on the test weights and LiteRT (from the session's conversion)."""
    from inception_desktop.core.models.classifier import Classifier
    from inception_desktop.core.models.inception import NAME
    from inception_desktop.core.models.labels import imagenet_labels
    from inception_desktop.core.models.litert import LiteRTModel

    model = LiteRTModel(inception_tflite)
    return Classifier(NAME, model, imagenet_labels(), model.runtime)


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    if not (MNIST_DIR / "train-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"the MNIST data is not at {MNIST_DIR} (it comes with ../shared)")
    return MNIST_DIR


@pytest.fixture(scope="session")
def mnist_splits(mnist_dir: Path):
    from inception_desktop.core.training.mnist import data

    return data.load(mnist_dir, allow_download=False)


@pytest.fixture
def settings(tmp_path: Path):
    """QSettings in a file under tmp_path: tests never read or write the user's preferences."""
    from PySide6.QtCore import QSettings

    from inception_desktop.gui.shell.settings import Settings

    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def fakes():
    from tests.fakes import FakeClassifier

    return {
        "photo": FakeClassifier("Fake Inception", (299, 299, 3), 1000),
        "digit": FakeClassifier("Fake MNIST", (28, 28), 10),
    }


def wait_until_ready(qtbot, win, timeout: int = 10000) -> None:
    """Until both workspaces' models are ready."""
    qtbot.waitUntil(
        lambda: win.photo.model.state.ready and win.digit.model.state.ready, timeout=timeout
    )


@pytest.fixture
def make_window(qtbot, settings, fakes):
    """Makes the real main window, shown and started as the app starts it (closed at the end).

    ``factories`` default to the fakes (``fakes`` fixture: "photo" and "digit"); ``installed``
    loads the photo model as if its weights were installed; ``ready`` waits for both models."""
    from inception_desktop.gui.shell.main_window import MainWindow

    made = []

    def make(factories=None, runtime=None, installed=True, ready=True, settings=settings):
        if factories is None:
            factories = {kind: (lambda path, m=model: m) for kind, model in fakes.items()}
        win = MainWindow(settings, factories, runtime=runtime)
        qtbot.addWidget(win)
        made.append(win)
        win.show()
        win.start_models()
        if installed:
            win.worker.load("photo")
        if ready:
            wait_until_ready(qtbot, win, timeout=120000)
        return win

    yield make
    for win in made:
        win.close()


@pytest.fixture
def window(make_window):
    """The real main window with fake models, both ready."""
    return make_window()


@pytest.fixture(autouse=True)
def _conversions_in_this_process():
    """A window converts models in child processes from when it is made (see
    core.models.conversion); other tests in the same process convert in it, as the CLI does."""
    from inception_desktop.core.models import conversion

    yield
    conversion.convert_in_child_processes(False)
