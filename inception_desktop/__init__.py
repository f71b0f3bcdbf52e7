"""Inception Desktop: classify photos with Inception v3 and hand-drawn digits with MNIST."""

__version__ = "0.1.0"
