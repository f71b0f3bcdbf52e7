"""The Many Photos workspace: a folder classified as a batch, in a table that can be exported."""
