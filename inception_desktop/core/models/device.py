"""Which device TensorFlow computes on, in words for the status bar."""

from __future__ import annotations


def describe_device() -> str:
    """``GPU · TensorFlow · <name>`` or ``CPU · TensorFlow``. Imports TensorFlow: call it on the
    worker."""
    from inception_desktop.core.quiet import import_tensorflow

    tf = import_tensorflow()
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU · TensorFlow"
    try:
        details = tf.config.experimental.get_device_details(gpus[0])
    except (ValueError, RuntimeError):
        details = {}
    return f"GPU · TensorFlow · {details.get('device_name') or gpus[0].name}"
