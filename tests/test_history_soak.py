"""A few seconds of benchmarks/history_soak.py: four processes writing and searching one history
while a fifth damages a page; no readable row may be lost, and one message must say so."""

from __future__ import annotations

from pathlib import Path

from benchmarks import history_soak


def test_a_short_soak_loses_no_readable_row(tmp_path: Path):
    result = history_soak.run(seconds=4, workers=4, folder=tmp_path)
    assert result["kept"] > 100
    assert result["lost_readable"] == 0
    assert len(result["asides"]) == 1
    (message,) = result["messages"]
    assert "was damaged" in message and "carried into a new history" in message
    assert result["asides"][0] in message
