# Two commands for a newcomer: `make run` and `make test`. Both create or refresh .venv first.
# Any CPython >= 3.11; the binding check (inception_desktop/bindings.py) refuses a PySide6 release
# known to crash on it, and pyproject.toml keeps pip from installing one.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint screenshots benchmarks wheel clean fuzz install-desktop uninstall-desktop

# A stamp per install flavour, remade whenever pyproject.toml changes.
$(VENV)/.run-stamp: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-stamp: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.run-stamp

run: $(VENV)/.run-stamp
	$(BIN)/inception-desktop

# Test files are shared between this many processes (pytest-xdist, one file's tests stay in one
# process, so module fixtures are made once): 903 s -> 524 s for the suite on 2 cores.
TEST_WORKERS ?= 2

test: $(VENV)/.test-stamp
	$(BIN)/ruff check inception_desktop tests benchmarks packaging fuzz
	$(BIN)/lint-imports
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The README's pictures, from the real window on a virtual X11 screen of each size, maximised
# under a window manager (needs Debian's xvfb, openbox and imagemagick).
SCREEN_SIZES ?= 1280x800 1024x700

screenshots: $(VENV)/.run-stamp
	for size in $(SCREEN_SIZES); do \
		xvfb-run -a -s "-screen 0 $${size}x24" sh -c \
			"openbox & sleep 1; $(BIN)/python packaging/screenshots.py docs --size $$size" \
			|| exit 1; \
	done

benchmarks: $(VENV)/.test-stamp
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python benchmarks/inference_latency.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python benchmarks/import_time.py

wheel: $(VENV)/.test-stamp
	$(BIN)/python -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) build dist *.egg-info

# Coverage-guided fuzzing (atheris) of image loading + framing, digit normalisation, the IDX
# reader and retrained models' cards, one harness after the other: `make fuzz FUZZ_SECONDS=1200`.
# New inputs go to build/fuzz/<harness>; the committed seeds in fuzz/corpus are only read; a
# crash is saved in build/fuzz/ and stops the run. See fuzz/_common.py for what counts as a finding.
FUZZ_SECONDS ?= 180
FUZZ_HARNESSES ?= images digits idx cards

fuzz: $(VENV)/.test-stamp
	$(BIN)/python -c "import atheris" 2>/dev/null || $(BIN)/python -m pip install --quiet -e ".[fuzz]"
	for h in $(FUZZ_HARNESSES); do \
		mkdir -p build/fuzz/$$h && \
		$(BIN)/python fuzz/fuzz_$$h.py build/fuzz/$$h fuzz/corpus/$$h \
			-max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=20 \
			-artifact_prefix=build/fuzz/ || exit 1; \
	done

# The desktop entry and icon, for this user (no root): the application menu lists Inception
# Desktop, and a file manager offers "Open with Inception Desktop" for images. Exec points at
# this checkout's .venv; run again after moving it. XDG_DATA_HOME moves the target (as it does
# for the desktop itself).
DESKTOP_DATA ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
DESKTOP_APPS := $(DESKTOP_DATA)/applications
DESKTOP_ICONS := $(DESKTOP_DATA)/icons/hicolor
ICON_SIZES := 16 32 48 64 128 256
APP_EXEC := $(abspath $(BIN))/inception-desktop

install-desktop: $(VENV)/.run-stamp
	mkdir -p "$(DESKTOP_APPS)"
	sed -e 's|^Exec=inception-desktop |Exec="$(APP_EXEC)" |' \
		-e 's|^TryExec=inception-desktop$$|TryExec=$(APP_EXEC)|' \
		packaging/linux/inception-desktop.desktop > "$(DESKTOP_APPS)/inception-desktop.desktop"
	for size in $(ICON_SIZES); do \
		install -D -m 644 resources/icons/inception-desktop-$$size.png \
			"$(DESKTOP_ICONS)/$${size}x$${size}/apps/inception-desktop.png" || exit 1; \
	done
	install -D -m 644 resources/icons/inception-desktop.svg \
		"$(DESKTOP_ICONS)/scalable/apps/inception-desktop.svg"
	-command -v update-desktop-database >/dev/null && update-desktop-database -q "$(DESKTOP_APPS)"
	-command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$(DESKTOP_ICONS)"
	@echo "installed $(DESKTOP_APPS)/inception-desktop.desktop (Exec=$(APP_EXEC))"

uninstall-desktop:
	rm -f "$(DESKTOP_APPS)/inception-desktop.desktop"
	rm -f "$(DESKTOP_ICONS)/scalable/apps/inception-desktop.svg"
	for size in $(ICON_SIZES); do \
		rm -f "$(DESKTOP_ICONS)/$${size}x$${size}/apps/inception-desktop.png"; \
	done
	-command -v update-desktop-database >/dev/null && update-desktop-database -q "$(DESKTOP_APPS)"
	-command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$(DESKTOP_ICONS)"
