"""Prints what a lock is chosen for: the environment markers and the wheel tags of this Python.

Runs inside the build sandbox, with the Python that the Flatpak will contain, without network. The
markers and tags come from the packaging library that pip carries, so they are those pip itself
would use for this interpreter.

Usage: python3 interpreter.py PIP_WHEEL
Output: {"environment": {...}, "tags": ["cp311-cp311-manylinux_2_36_x86_64", ...]}
"""

import json
import sys

sys.path.insert(0, sys.argv[1])

from pip._vendor.packaging import markers, tags  # noqa: E402

print(json.dumps({"environment": markers.default_environment(), "tags": [str(t) for t in tags.sys_tags()]}))
