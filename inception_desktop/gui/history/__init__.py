"""The history of classifications: kept as they happen (the recorder), searched and re-opened
(the History window)."""
