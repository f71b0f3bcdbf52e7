"""Training: the MNIST networks and their runs, and retraining Inception v3's top."""
