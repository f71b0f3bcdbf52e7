"""Photos: safe loading, framing, the one path from a file to a network input."""
