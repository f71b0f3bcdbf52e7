"""The window's menus, shortcuts, problem list, recent files and remembered choices, driven with
real key events where a person would press keys."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from inception_desktop.core.photo.framing_modes import MODES
from inception_desktop.gui.shell import help_texts
from inception_desktop.gui.shell.problems import MAX_PROBLEMS
from inception_desktop.gui.shell.settings import Settings
from tests.test_photo_workspace import _photo, drop, files_mime


def _menu(window, title: str):
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == title:
            return action.menu()
    raise AssertionError(f"no menu {title}")


def test_menus_have_distinct_mnemonics_and_no_tab_takes_one(window):
    titles = [a.text() for a in window.menuBar().actions()]
    names = [t.replace("&", "") for t in titles]
    assert names[:5] == ["File", "Edit", "View", "Photo", "Digit"] and names[-1] == "Help"
    letters = [t[t.index("&") + 1].lower() for t in titles]
    assert len(set(letters)) == len(letters), titles
    assert all("&" not in window.tabs.tabText(i) for i in range(window.tabs.count()))

    def check(menu) -> None:  # every menu and submenu: one item a letter
        items = [a.text() for a in menu.actions() if not a.isSeparator()]
        keys = [
            t.replace("&&", "")[t.replace("&&", "").index("&") + 1].lower()
            for t in items
            if "&" in t.replace("&&", "")
        ]
        assert len(set(keys)) == len(keys), (menu.title(), items)
        for action in menu.actions():
            if action.menu() is not None:
                check(action.menu())

    for action in window.menuBar().actions():
        check(action.menu())


def test_framing_actions_are_exclusive_and_follow_the_workspace(qtbot, window):
    group = window.menus.framing_group
    assert group.isExclusive() and len(group.actions()) == len(MODES)
    for number, mode in enumerate(MODES, start=1):
        QTest.keyClick(
            window,
            Qt.Key(Qt.Key.Key_0 + number),
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert group.checkedAction().data() == mode
        assert [a.isChecked() for a in group.actions()].count(True) == 1
    window.photo.set_mode(MODES[0])  # a change made in the workspace shows in the menu
    assert group.checkedAction().data() == MODES[0]


def test_every_problem_is_kept_counted_copied_and_cleared(qtbot, window, tmp_path):
    broken = []
    for i in range(3):
        path = tmp_path / f"broken{i}.jpg"
        path.write_bytes(b"not a jpeg")
        broken.append(path)
    drop(window, files_mime(*broken))
    qtbot.waitUntil(lambda: len(window.problems) == 3, timeout=10000)
    button = window.problems_button
    assert button.isVisible() and button.text() == "⚠ 3 problems"
    text = window.problems.text()
    assert all(p.name in text for p in broken)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = button.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.list.count() == 3
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert "broken2.jpg" in QGuiApplication.clipboard().text()
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert len(window.problems) == 0 and not button.isVisible() and not dialog.isVisible()


def test_the_problem_list_is_bounded(window):
    for i in range(MAX_PROBLEMS + 5):
        window.problems.add(f"problem {i}")
    assert len(window.problems.items()) == MAX_PROBLEMS and len(window.problems) == MAX_PROBLEMS + 5
    assert window.problems.text().startswith("(5 older problems not kept)")


def test_a_problem_does_not_move_the_layout(qtbot, window):
    before = window.tabs.geometry()
    window.problems.add("a photo could not be opened")
    qtbot.wait(50)
    assert window.tabs.geometry() == before
    assert window.status.currentMessage() == "a photo could not be opened"


def test_recent_files_are_absolute_escaped_clearable_and_only_those_that_opened(
    qtbot, window, tmp_path, monkeypatch
):
    good = _photo(tmp_path / "cats & dogs.png")
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    monkeypatch.chdir(tmp_path)
    drop(window, files_mime(Path("cats & dogs.png"), bad))
    qtbot.waitUntil(lambda: len(window.problems) == 1, timeout=10000)
    qtbot.waitUntil(
        lambda: any(a.data() for a in window.menus.recent_menu.actions()), timeout=10000
    )
    entries = [a for a in window.menus.recent_menu.actions() if a.data()]
    assert [a.data() for a in entries] == [str(good)]
    assert entries[0].text() == str(good).replace("&", "&&")
    clear = next(a for a in window.menus.recent_menu.actions() if a.text() == "&Clear Menu")
    clear.trigger()
    assert not window.menus.recent_menu.isEnabled() and window.settings.recent_files() == []


def test_file_dialogs_start_in_the_last_folder(tmp_path):
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert Path(settings.last_folder).is_dir()  # Pictures or home, never the working folder
    settings.last_folder = str(tmp_path)
    assert settings.last_folder == str(tmp_path)
    settings.last_folder = str(tmp_path / "gone")
    assert settings.last_folder != str(tmp_path / "gone")


def test_canvas_keys_work_whatever_has_focus_in_the_digit_workspace(qtbot, window):
    window.tabs.setCurrentWidget(window.digit)
    canvas = window.digit.canvas
    for x in (60, 160):  # two strokes
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.rect().center())
        QTest.mouseMove(canvas, canvas.rect().center() + canvas.rect().topLeft())
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.rect().center())
        del x
    strokes = len(canvas.strokes())
    assert strokes == 2
    window.digit.pen.setFocus()
    QTest.keyClick(window.digit.pen, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(canvas.strokes()) == 1
    QTest.keyClick(window.digit.pen, Qt.Key.Key_Delete)
    assert canvas.is_empty()


def test_delete_on_the_photo_strip_is_not_taken_by_the_digit_canvas(qtbot, window, tmp_path):
    drop(window, files_mime(_photo(tmp_path / "a.png"), _photo(tmp_path / "b.png")))
    qtbot.waitUntil(lambda: window.photo.photo_count() == 2, timeout=10000)
    assert not window.menus.clear_action.isEnabled() and window.menus.copy_scores_action.isEnabled()
    window.photo.strip.setFocus()
    QTest.keyClick(window.photo.strip, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.photo.photo_count() == 1, timeout=5000)


def test_the_shortcut_list_is_read_from_the_menus(window):
    rows = help_texts.shortcut_rows(window)
    by_action = {action: keys for _menu_path, keys, action in rows}
    assert by_action["Compare Framings"] == "Ctrl+K"
    assert "Ctrl+Z" in by_action["Undo Stroke"]
    assert by_action["Photo Workspace"] == "Ctrl+1"
    assert "Cache" in help_texts.files_html()


def test_a_custom_digit_model_is_remembered(qtbot, make_window, tmp_path):
    ini = str(tmp_path / "s.ini")
    model = tmp_path / "mine.keras"
    model.write_bytes(b"x")
    first = make_window(settings=Settings(QSettings(ini, QSettings.Format.IniFormat)))
    first.digit.customModelChanged.emit(str(model))
    first.close()
    loads = []
    second = make_window(settings=Settings(QSettings(ini, QSettings.Format.IniFormat)), ready=False)
    assert second.settings.digit_model == str(model)
    second.worker.load = lambda kind, path=None: loads.append((kind, path))
    second.start_models()
    assert ("digit", str(model)) in loads


def test_an_image_dropped_on_the_digit_tab_is_read_as_a_digit(qtbot, window, tmp_path):
    from PIL import Image

    window.tabs.setCurrentWidget(window.digit)
    seven = Image.new("L", (120, 120), 255)
    seven.paste(0, (30, 20, 90, 32))
    seven.paste(0, (70, 20, 82, 100))
    path = tmp_path / "seven.png"
    seven.save(path)
    drop(window, files_mime(path))
    qtbot.waitUntil(lambda: window.digit.result is not None, timeout=10000)
    assert window.tabs.currentWidget() is window.digit and window.photo.photo_count() == 0
    assert "as a digit" in window.status.currentMessage()
    drop(window, files_mime(path, _photo(tmp_path / "a.png")))  # several files: photos
    qtbot.waitUntil(lambda: window.photo.photo_count() == 2, timeout=10000)
    assert window.tabs.currentWidget() is window.photo


def test_files_given_at_launch_open_as_photos_whatever_tab_was_left_in_front(
    qtbot, window, tmp_path
):
    """``inception-desktop photo.jpg`` after a session that ended on the Digit tab classified
    the photo as a digit: only drops and pastes go to the workspace in front."""
    window.tabs.setCurrentWidget(window.digit)
    window.open_paths([str(_photo(tmp_path / "a.png"))])
    qtbot.waitUntil(lambda: window.photo.photo_count() == 1, timeout=10000)
    assert window.tabs.currentWidget() is window.photo and window.digit.result is None


def test_a_window_opened_on_the_digit_tab_makes_the_photo_workspace_when_first_shown(
    qtbot, make_window, settings
):
    """Whoever left the app drawing digits does not wait for the Photo workspace at start-up;
    it is made, with the framing and pad colour remembered, and its model started, when shown."""
    from inception_desktop.gui.shell.workspaces import PHOTO

    settings.workspace, settings.framing, settings.pad_color = 1, "pad", "#00ff00"  # Digit
    win = make_window(settings=settings, installed=False, ready=False)
    qtbot.waitUntil(lambda: win.digit.model.state.ready, timeout=10000)
    assert (
        win.workspaces.made_one(PHOTO) is None
        and win.tabs.tabText(win.workspaces.index(PHOTO)) == "Photo"
    )
    assert not win.menus.explain_action.isEnabled() and win.menus.heat_action.isEnabled()
    QTest.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    made = win.workspaces.made_one(PHOTO)
    assert made is not None and win.tabs.currentWidget() is made is win.photo
    assert made.framing.mode == "pad" and made.pad_color_name() == "#00ff00"
    assert win.status.model.text() == "Model: Inception v3 (weights missing)"  # started
    assert win.menus.explain_action.isEnabled() and not win.menus.heat_action.isEnabled()
    made.explain_controls.set_on(True)  # the menu item follows the workspace's button
    assert win.menus.explain_action.isChecked()


def test_a_photo_model_chosen_before_the_photo_workspace_is_made_is_the_one_it_shows(
    qtbot, make_window, settings, monkeypatch
):
    """Photo › Model (or Retrain's Use) from another tab makes the Photo workspace first, so it
    follows that load, and does not start ImageNet's model as well."""
    from inception_desktop.gui.photo.workspace import PhotoWorkspace
    from inception_desktop.gui.shell.workspaces import DIGIT, PHOTO

    started = []
    monkeypatch.setattr(PhotoWorkspace, "start_model", lambda self: started.append(self))
    settings.workspace = 1  # the Digit tab
    win = make_window(settings=settings, installed=False, ready=False)
    imagenet = win.menus.photo_model_menu.group.actions()[0]
    imagenet.trigger()
    made = win.workspaces.made_one(PHOTO)
    assert made is not None and win.workspaces.current_key() == DIGIT
    qtbot.waitUntil(lambda: made.model.state.ready, timeout=10000)
    assert started == []  # the load asked for is the only one
    win.workspaces.show(PHOTO)
    assert started == [] and win.status.model.text().startswith("Model: Fake Inception")
    checked = win.menus.photo_model_menu.group.checkedAction()  # (the menu's items are made anew)
    assert checked is not None and checked.data() == "" and "ImageNet" in checked.text()


def test_many_photos_makes_the_photo_workspace_whose_model_it_uses(qtbot, make_window, settings):
    from inception_desktop.gui.shell.workspaces import BATCH, PHOTO

    settings.workspace = 1  # the Digit tab
    win = make_window(settings=settings, installed=False, ready=False)
    win.workspaces.show(BATCH)
    photo = win.workspaces.made_one(PHOTO)
    assert photo is not None and win.workspaces.current_key() == BATCH
    assert photo.model.state.name == "Inception v3 (weights missing)"  # its model was started


def test_retrain_and_many_photos_are_made_when_first_shown(qtbot, window):
    """They cost start-up time a person who came to classify a photo should not wait for."""
    from inception_desktop.gui.shell.workspaces import BATCH, RETRAIN

    assert window.workspaces.made_one(RETRAIN) is None and window.workspaces.made_one(BATCH) is None
    assert window.tabs.tabText(window.workspaces.index(RETRAIN)) == "Retrain"
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    made = window.workspaces.made_one(RETRAIN)
    assert made is not None and window.tabs.currentWidget() is made is window.retrain
    assert window.status.model.text().startswith("Model: retrained head")
    assert window.workspaces.made_one(BATCH) is None
    window.tabs.setCurrentIndex(0)
    assert window.tabs.widget(window.workspaces.index(RETRAIN)) is made  # made once, kept
