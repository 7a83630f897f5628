"""Batch: pair a folder's recordings with their outlines (plan), tag them (run), report."""
