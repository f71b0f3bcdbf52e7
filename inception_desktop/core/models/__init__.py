"""Models and runtimes: one module per model (its whole contract), LiteRT and TensorFlow."""
