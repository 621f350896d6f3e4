"""Greets from inside the Flatpak sandbox."""

import sys


def greeting() -> str:
    return f"Hello, world from python sandbox. (Python {sys.version.split()[0]})"
