"""The window (PySide6), as packages that show its architecture (see docs/architecture.md):

``app`` starts it · ``shell`` is the window itself (menus, status bar, problems, settings) ·
``photo``, ``digit``, ``retrain``, ``batch``, ``history`` are the workspaces, independent of each
other · ``widgets`` are views they share · ``runtime`` runs work: the inference worker, requests,
background jobs, child processes. Each may import only what sits below it; import-linter keeps it.
"""
