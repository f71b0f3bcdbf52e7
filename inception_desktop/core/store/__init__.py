"""Files the app keeps: atomic writes, downloads, the cache, weights, shipped resources."""
