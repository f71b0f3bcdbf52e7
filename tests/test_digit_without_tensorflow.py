"""On a CPU the Digit workspace's heat map and layer view run on LiteRT and never import
TensorFlow: the real window in a child process (benchmarks/explain_memory.py, which also measures
its memory) draws a digit with mouse events, turns the heat map on and opens the layer view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_digit_heat_map_and_layer_view_need_no_tensorflow():
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "explain_memory.py"), "--json"],
        capture_output=True,
        text=True,
        timeout=400,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["heat"].startswith("Heat map: Grad-CAM at conv2d_12"), report
    assert "7 convolutional layers" in report["layers"] and "on LiteRT" in report["layers"]
    assert report["tensorflow"] is False, report
    assert report["rss_after_mb"] <= 450, report
