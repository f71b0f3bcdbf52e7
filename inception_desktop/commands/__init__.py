"""One module per CLI command, each with ``add_parser`` and ``run``; heavy imports stay lazy."""
