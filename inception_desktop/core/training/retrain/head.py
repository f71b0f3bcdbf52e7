"""The classifier head on Inception's 2048 pooled features: trained in Keras, served in numpy.

Features from some weights are tiny (random weights: std ≈ 0.002), so the head standardises them
itself with a ``Normalization`` layer adapted on the training features: the saved head needs no
outside statistics. Then an optional hidden layer with dropout, and a softmax. Training uses class
weights (imbalance), early stopping on validation loss (best weights restored) and a fixed seed.

Serving needs no TensorFlow: :class:`HeadWeights` holds the few arrays and computes the same
scores with numpy (a test holds the two equal), so ``classify --model`` starts in a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Keras' ``backend.epsilon()``: the Normalization layer's floor on the standard deviation.
EPSILON = 1e-7
#: A validation loss that improves by less than this is not progress: separable classes drive the
#: loss towards 0 forever, by ever smaller steps, and training would never stop early.
MIN_DELTA = 1e-3
#: Training steps per call into TensorFlow: a head's step costs less than the call itself.
STEPS_PER_EXECUTION = 16
#: Receives one line per epoch.
EpochCallback = Callable[[str], None]
#: Receives the epoch (from 1) and its numbers: loss, accuracy, val_loss, val_accuracy.
LogsCallback = Callable[[int, dict[str, float]], None]


@dataclass(frozen=True)
class TrainingResult:
    model: Any
    epochs_run: int
    best_epoch: int
    history: dict[str, list[float]]


def build(train_features: np.ndarray, classes: int, hidden: int = 0, dropout: float = 0.3) -> Any:
    """The head, its ``Normalization`` adapted on ``train_features``."""
    import keras

    inputs = keras.Input((train_features.shape[1],), name="features")
    norm = keras.layers.Normalization(name="standardise")
    norm.adapt(train_features)
    x = norm(inputs)
    if hidden:
        x = keras.layers.Dense(hidden, activation="relu", name="hidden")(x)
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(classes, activation="softmax", name="scores")(x)
    return keras.Model(inputs, outputs, name="retrained_head")


def class_weights(labels: np.ndarray, classes: int) -> dict[int, float]:
    """``n / (classes * count)`` per class ("balanced"): each class weighs the same in the loss."""
    counts = np.bincount(labels, minlength=classes).astype(np.float64)
    return {c: float(len(labels) / (classes * max(1.0, counts[c]))) for c in range(classes)}


def train(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    classes: int,
    *,
    epochs: int = 100,
    seed: int = 0,
    hidden: int = 0,
    dropout: float = 0.3,
    patience: int = 5,
    learning_rate: float = 3e-3,
    batch_size: int = 64,
    on_epoch: EpochCallback | None = None,
    on_logs: LogsCallback | None = None,
    stop: Callable[[], bool] | None = None,
    balance: bool = True,
) -> TrainingResult:
    """Train a head; the same data and seed give the same head (on the same machine).

    ``patience`` 0 turns early stopping off (all ``epochs`` run). ``balance``: class weights
    against imbalance. ``on_logs`` receives each epoch's numbers (a live curve); ``stop`` is asked
    after each epoch, and True ends training there with the head as it is."""
    from inception_desktop.core.quiet import import_tensorflow

    import_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)
    model = build(x_train, classes, hidden, dropout)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=STEPS_PER_EXECUTION,
    )
    callbacks: list[Any] = []
    if patience > 0:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss",
                min_delta=MIN_DELTA,
                patience=patience,
                restore_best_weights=True,
            )
        )
    if on_epoch or on_logs or stop:
        callbacks.append(_epoch_lines(on_epoch, epochs, on_logs, stop))
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=epochs,
        batch_size=batch_size,
        class_weight=class_weights(y_train, classes) if balance else None,
        callbacks=callbacks,
        shuffle=True,
        verbose=0,
    )
    run = len(history.history["loss"])
    best = int(np.argmin(history.history["val_loss"])) + 1
    return TrainingResult(
        model, run, best, {k: list(map(float, v)) for k, v in history.history.items()}
    )


class _EpochLines:
    """One line (and the numbers) per epoch, and a stop asked for; made a
    ``keras.callbacks.Callback`` by :func:`_epoch_lines` when a run starts, so that importing this
    module imports no Keras."""

    model: Any

    def __init__(
        self,
        on_epoch: EpochCallback | None,
        epochs: int,
        on_logs: LogsCallback | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__()
        self.on_epoch = on_epoch
        self.epochs = epochs
        self.on_logs = on_logs
        self.stop = stop

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        logs = logs or {}
        if self.on_logs:
            self.on_logs(epoch + 1, {k: float(v) for k, v in logs.items()})
        if self.stop is not None and self.stop():
            self.model.stop_training = True
        if not self.on_epoch:
            return
        self.on_epoch(
            f"epoch {epoch + 1}/{self.epochs}: loss {logs.get('loss', 0):.4f} "
            f"accuracy {logs.get('accuracy', 0):.2%} · validation loss "
            f"{logs.get('val_loss', 0):.4f} accuracy {logs.get('val_accuracy', 0):.2%}"
        )


def _epoch_lines(
    on_epoch: EpochCallback | None,
    epochs: int,
    on_logs: LogsCallback | None = None,
    stop: Callable[[], bool] | None = None,
) -> Any:
    import keras

    callback = type("EpochLines", (_EpochLines, keras.callbacks.Callback), {})
    return callback(on_epoch, epochs, on_logs, stop)


@dataclass(frozen=True)
class HeadWeights:
    """The head as arrays: standardisation, then dense layers (ReLU between, softmax last)."""

    mean: np.ndarray
    variance: np.ndarray
    kernels: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    @classmethod
    def from_model(cls, model: Any) -> HeadWeights:
        norm = model.get_layer("standardise")
        dense = [layer for layer in model.layers if layer.__class__.__name__ == "Dense"]
        return cls(
            np.asarray(norm.mean, np.float32).reshape(-1),
            np.asarray(norm.variance, np.float32).reshape(-1),
            tuple(np.asarray(d.kernel, np.float32) for d in dense),
            tuple(np.asarray(d.bias, np.float32) for d in dense),
        )

    def arrays(self) -> dict[str, np.ndarray]:
        out = {"mean": self.mean, "variance": self.variance}
        for n, (k, b) in enumerate(zip(self.kernels, self.biases, strict=True)):
            out[f"kernel_{n}"], out[f"bias_{n}"] = k, b
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> HeadWeights:
        layers = sum(1 for name in arrays if name.startswith("kernel_"))
        return cls(
            arrays["mean"],
            arrays["variance"],
            tuple(arrays[f"kernel_{n}"] for n in range(layers)),
            tuple(arrays[f"bias_{n}"] for n in range(layers)),
        )

    @property
    def classes(self) -> int:
        return int(self.kernels[-1].shape[1])

    def _standardised(self, features: np.ndarray) -> np.ndarray:
        deviation = np.maximum(np.sqrt(self.variance), EPSILON)
        standardised: np.ndarray = (np.asarray(features, np.float32) - self.mean) / deviation
        return standardised

    def logits(self, features: np.ndarray) -> np.ndarray:
        """The last dense layer's outputs (N, classes), before the softmax."""
        x = self._standardised(features)
        for n, (kernel, bias) in enumerate(zip(self.kernels, self.biases, strict=True)):
            x = x @ kernel + bias
            if n < len(self.kernels) - 1:
                x = np.maximum(x, 0.0)
        return x

    def scores(self, features: np.ndarray) -> np.ndarray:
        """Softmax scores (N, classes) for features (N, 2048), as the Keras head computes them."""
        x = self.logits(features)
        x = x - x.max(axis=1, keepdims=True)
        e = np.exp(x)
        scores: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return scores

    def logit_gradient(self, features: np.ndarray, class_index: int) -> np.ndarray:
        """d logit[class_index] / d features for one feature vector (2048,): back through the
        dense layers (a ReLU passes the gradient where its input was positive) and the
        standardisation. Grad-CAM of a retrained model needs it (``core.explain``)."""
        x = self._standardised(np.asarray(features, np.float64)[None]).astype(np.float64)
        active = []
        for kernel, bias in zip(self.kernels[:-1], self.biases[:-1], strict=True):
            x = x @ kernel + bias
            active.append(x[0] > 0)
            x = np.maximum(x, 0.0)
        grad = np.asarray(self.kernels[-1][:, class_index], np.float64)
        for kernel, on in zip(reversed(self.kernels[:-1]), reversed(active), strict=True):
            grad = kernel @ (grad * on)
        gradient: np.ndarray = grad / np.maximum(np.sqrt(self.variance), EPSILON)
        return gradient
