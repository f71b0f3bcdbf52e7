"""The Retrain workspace: teach Inception v3 a person's own classes, step by step; the training
and the export run as ``inception-desktop retrain`` in a child process."""
