"""Snapping written times to the real pauses: decoding windows, finding pauses, placing boundaries."""
