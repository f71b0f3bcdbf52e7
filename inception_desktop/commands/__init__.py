"""One module per CLI command; each holds ``add_parser`` and ``run`` and imports heavy code lazily."""
