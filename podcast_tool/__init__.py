"""podcast-tool: chapter markers for recorded events, from a human outline."""

__version__ = "0.1.0"
