"""``python -m bench [NAME…]`` runs every ``bench/bench_*.py`` (or the named ones)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    names = argv or sorted(p.stem.removeprefix("bench_")
                           for p in Path(__file__).parent.glob("bench_*.py"))
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(f"bench.bench_{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
