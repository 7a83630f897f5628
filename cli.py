#!/usr/bin/env python3
"""Run the podcast-tool CLI from a checkout: ``python cli.py …``."""

from podcast_tool.cli import main

if __name__ == "__main__":
    main()
