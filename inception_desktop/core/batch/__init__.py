"""Many photos at once: which inputs a shard takes, how results are written (table, JSON, CSV,
JSON Lines), copying photos into class folders, and the history of classifications (SQLite).

Qt-free and TensorFlow-free: the command line and the window both use it.
"""
