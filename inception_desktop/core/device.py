"""Which device TensorFlow computes on, in words for the status bar."""

from __future__ import annotations


def describe_device() -> str:
    """The first visible GPU's name, or ``CPU``. Imports TensorFlow: call it on the worker."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    try:
        details = tf.config.experimental.get_device_details(gpus[0])
    except (ValueError, RuntimeError):
        details = {}
    return str(details.get("device_name") or gpus[0].name)
