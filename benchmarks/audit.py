"""The audit's speed (issue 26): a first audit of a folder against a second one of the same photos.

The second reads every photo's features and thumbnail from the cache (target: at least 3x faster
than the first). Both are measured in this one run, on class folders with planted problems
(tests/audit_data.py), with Inception v3 on LiteRT: the installed weights, else fixed random ones
converted into a temporary cache first (in a process of its own).

Run: ``nice .venv/bin/python benchmarks/audit.py [--per-class 100]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=100)
    args = parser.parse_args()
    from retrain_window import ensure_weights

    ensure_weights()
    from inception_desktop.core.audit.run import audit, scan
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.training.retrain.features import feature_model_for, resolve_weights
    from tests.audit_data import make_audit_data

    planted = make_audit_data(Path(tempfile.mkdtemp(prefix="bench-audit-")), args.per_class)
    model = feature_model_for(*resolve_weights(None), "litert")
    times = []
    for _ in range(2):
        started = time.perf_counter()
        data, held = scan(planted.root, planted.validation)
        result = audit(data, held, model, Framing("pad"))
        times.append(time.perf_counter() - started)
    first, second = times
    print(f"{len(result.paths)} photos: first audit {first:.2f} s, second {second:.2f} s "
          f"(x{first / second:.1f} faster; target >= x3)")  # fmt: skip
    print(f"found: {len(result.suspects)} suspects, {len(result.duplicates)} duplicate pairs, "
          f"{len(result.outliers)} outliers")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
