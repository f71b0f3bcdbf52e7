"""Soak: processes writing and searching one history while another damages a page of it.

Each of WORKERS processes keeps adding classifications (one row per add, a path of its own),
searching for its own newest rows, and now and then for something that matches nothing (a search
that reads every page); after a third of the time another process checkpoints the database
and overwrites a middle page of its table with garbage. At the end the history (and every file
set aside) is read, and it prints:

* rows kept (``add`` said so), rows found in the final history;
* rows lost that were still readable somewhere (must be 0: "no readable row lost"), and rows lost
  because they lay on the damaged page (unreadable by any means);
* every message the processes' histories gave (must be one, saying what happened and where the
  old file went).

Run: ``nice .venv/bin/python benchmarks/history_soak.py [SECONDS] [WORKERS]`` (defaults 300 4).
Exit status 0 when no readable row was lost and there was exactly one message.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from inception_desktop.core.batch import history_salvage
from inception_desktop.core.batch.history import Entry, HistoryStore
from inception_desktop.core.batch.records import Record


def _entry(worker: int, n: int) -> Entry:
    record = Record(f"/soak/w{worker}/{n}.jpg", (("tabby", 0.9),), (281,), "m", "CPU", "pad")
    return Entry("batch", record, time.time())


def _work(worker: int, path: str, seconds: float, results: Any) -> None:
    problems: list[str] = []
    store = HistoryStore(path, on_problem=problems.append)
    kept: list[str] = []
    deadline = time.monotonic() + seconds
    scan_every = max(0.5, seconds / 150)
    next_scan = time.monotonic() + scan_every
    n = 0
    while time.monotonic() < deadline:
        entry = _entry(worker, n)
        if store.add([entry]) == 1:
            kept.append(entry.record.path)
        if n % 5 == 0:  # its newest rows: through the time index, stops after 50
            store.query(f"/soak/w{worker}/", limit=50)
        if time.monotonic() > next_scan:  # matches nothing: reads every page, the damaged one too
            store.query("no such label", limit=50)
            next_scan = time.monotonic() + scan_every
        n += 1
    store.close()
    results.put((kept, problems))


def _damage(path: str, after: float) -> None:
    time.sleep(after)
    db = sqlite3.connect(path, timeout=10)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = [
        p
        for (p,) in db.execute(
            "SELECT pageno FROM dbstat WHERE name = 'classifications' AND pagetype = 'leaf' "
            "ORDER BY pageno"
        )
    ]
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    page = pages[len(pages) // 2]
    with open(path, "r+b") as stream:
        stream.seek((page - 1) * size)
        stream.write(b"\xa5" * size)
    print(f"damaged page {page} of {len(pages)} table pages", flush=True)


def run(seconds: float = 300.0, workers: int = 4, folder: Path | None = None) -> dict[str, Any]:
    """The soak; returns its numbers (``ok`` when no readable row was lost and one message)."""
    folder = Path(folder or tempfile.mkdtemp(prefix="history-soak-"))
    path = folder / "history.sqlite3"
    HistoryStore(path).count()  # created before the workers start
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    procs = [
        context.Process(target=_work, args=(w, str(path), seconds, results))
        for w in range(workers)
    ]
    procs.append(context.Process(target=_damage, args=(str(path), seconds / 3)))
    for p in procs:
        p.start()
    gathered = [results.get(timeout=seconds + 120) for _ in range(workers)]
    for p in procs:
        p.join(60)
    kept = {row for rows, _ in gathered for row in rows}
    messages = [m for _, problems in gathered for m in problems]
    final = HistoryStore(path, on_problem=messages.append)  # a damage no worker read yet
    found = {e.record.path for e in final.query(limit=10**9)}
    final.close()
    asides = [
        p
        for p in folder.iterdir()
        if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    readable_aside = {row[2] for a in asides for row in history_salvage.readable_rows(a)[0]}
    lost = kept - found
    readable_lost = lost & readable_aside
    return {
        "seconds": seconds,
        "workers": workers,
        "kept": len(kept),
        "found": len(found),
        "lost_readable": len(readable_lost),
        "lost_on_damaged_page": len(lost - readable_lost),
        "asides": [a.name for a in asides],
        "messages": messages,
        "ok": not readable_lost and len(messages) == 1,
    }


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 300.0
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    result = run(seconds, workers)
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
