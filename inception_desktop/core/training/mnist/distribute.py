"""Training on several GPUs or machines through ``tf.distribute`` (``train --strategy``).

* ``default`` — TensorFlow's default strategy: one device (the first GPU, else the CPU).
* ``mirrored`` — :class:`tf.distribute.MirroredStrategy`: one replica of the model per local GPU
  (the CPU when there is none), each batch split between them and the gradients summed, so the
  batch size is the global one. With one device it trains exactly like ``default``; it is how a
  workstation with several GPUs uses them all.
* ``multiworker`` — :class:`tf.distribute.MultiWorkerMirroredStrategy`: the same across machines.
  Every machine runs the same ``train`` command with its own ``TF_CONFIG`` environment variable,
  a JSON object naming the whole cluster and this machine's place in it, e.g.
  ``{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker",
  "index": 0}}``. TensorFlow reads it when the strategy is created (before anything else touches
  TensorFlow) and the workers wait for each other there. Each worker trains on its shard of every
  batch. The chief (task ``chief``, or ``worker`` 0 when the cluster has no chief) writes
  ``--out`` and its checkpoints; the others must also save (saving is a collective operation)
  and write theirs beside it under ``.worker-<index>`` names, which they delete at the end.
  Without ``TF_CONFIG`` the command refuses at once: a "multi-worker" run of one machine is a
  mistake worth saying so.

:func:`check` is cheap (no TensorFlow) and runs with the other argument checks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from inception_desktop.core.errors import InceptionDesktopError

DEFAULT = "default"
MIRRORED = "mirrored"
MULTIWORKER = "multiworker"
STRATEGIES = (DEFAULT, MIRRORED, MULTIWORKER)
TF_CONFIG = "TF_CONFIG"


class StrategyError(InceptionDesktopError):
    """A strategy that cannot be set up here (unknown, or multi-worker without ``TF_CONFIG``)."""


def cluster_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The parsed ``TF_CONFIG``, checked for a cluster and this task; StrategyError otherwise."""
    env = os.environ if environ is None else environ
    raw = env.get(TF_CONFIG)
    if not raw:
        raise StrategyError(
            "--strategy multiworker needs the TF_CONFIG environment variable: a JSON object "
            'like {"cluster": {"worker": ["host1:port", "host2:port"]}, '
            '"task": {"type": "worker", "index": 0}}, set on every machine with its own index'
        )
    try:
        config = json.loads(raw)
    except ValueError as exc:
        raise StrategyError(f"TF_CONFIG is not JSON ({exc})") from None
    if not isinstance(config, dict):
        raise StrategyError("TF_CONFIG must be a JSON object with 'cluster' and 'task'")
    cluster, task = config.get("cluster"), config.get("task")
    if not isinstance(cluster, dict) or not cluster:
        raise StrategyError("TF_CONFIG has no 'cluster' (the address of every worker)")
    if not isinstance(task, dict) or "type" not in task or "index" not in task:
        raise StrategyError("TF_CONFIG has no 'task' with a 'type' and an 'index' for this machine")
    members = cluster.get(task["type"])
    if not isinstance(members, list) or not isinstance(task["index"], int):
        raise StrategyError(f"TF_CONFIG's task {task} is not in its cluster")
    if not 0 <= task["index"] < len(members):
        raise StrategyError(f"TF_CONFIG's task {task} is not in its cluster")
    return config


def check(name: str, environ: Mapping[str, str] | None = None) -> None:
    """Refuse, with :class:`StrategyError`, a strategy that cannot start; imports nothing heavy."""
    if name not in STRATEGIES:
        raise StrategyError(f"unknown strategy {name!r} (one of {', '.join(STRATEGIES)})")
    if name == MULTIWORKER:
        cluster_config(environ)


def is_chief(config: Mapping[str, Any]) -> bool:
    """Whether this task writes the real outputs: ``chief``, or ``worker`` 0 without a chief."""
    task = config["task"]
    if "chief" in config["cluster"]:
        return bool(task["type"] == "chief")
    return bool(task["type"] == "worker" and task["index"] == 0)


def output_for(out: Path, name: str, environ: Mapping[str, str] | None = None) -> Path:
    """Where this process writes its model: ``out``, or a per-worker name for a non-chief."""
    if name != MULTIWORKER:
        return out
    config = cluster_config(environ)
    if is_chief(config):
        return out
    task = config["task"]
    return out.with_name(f"{out.stem}.worker-{task['type']}-{task['index']}{out.suffix}")


def make(name: str, devices: list[str] | None = None) -> Any:
    """The ``tf.distribute.Strategy`` called ``name``; ``devices`` only for ``mirrored``.

    Create it before any other TensorFlow work: the multi-worker strategy configures the
    runtime's collectives and cannot once the runtime has started.
    """
    check(name)
    import tensorflow as tf

    if name == MIRRORED:
        return tf.distribute.MirroredStrategy(devices=devices)
    if name == MULTIWORKER:
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()
