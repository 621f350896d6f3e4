"""Prints the PEP 517 build requirements of Python source trees as JSON.

Runs inside the build sandbox, with the Python that the Flatpak will contain and with network.
For each source (a directory, or an sdist given as URL#sha256=HEX) it reads [build-system], installs
those requirements into a scratch directory with pip (index from PIP_* variables) and asks the
backend's get_requires_for_build_wheel() for what it needs on top, as pip's isolated build would.

Usage: python3 build_requires.py WORKDIR PIP_ARGV_JSON SOURCE...
Output: {"SOURCE": {"requires": [...], "dynamic": [...]}, ...}
"""

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile

try:
    import tomllib
except ImportError:  # Python < 3.11: pip carries tomli
    from pip._vendor import tomli as tomllib

DEFAULT_REQUIRES = ["setuptools>=40.8.0", "wheel"]
DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"

# Runs in a fresh interpreter whose sys.path holds the installed build requirements.
HOOK = """
import importlib, json, sys
backend_name, backend_path = sys.argv[1], json.loads(sys.argv[2])
sys.path[:0] = backend_path
module_name, _, attrs = backend_name.partition(":")
backend = importlib.import_module(module_name)
for attr in filter(None, attrs.split(".")):
    backend = getattr(backend, attr)
hook = getattr(backend, "get_requires_for_build_wheel", None)
print("\\n" + json.dumps(list(hook({}) if hook else [])))
"""


def fetch_sdist(source, workdir):
    url, _, expected = source.partition("#sha256=")
    name = url.rsplit("/", 1)[-1]
    archive = os.path.join(workdir, name)
    with urllib.request.urlopen(url) as response, open(archive, "wb") as out:
        out.write(response.read())
    with open(archive, "rb") as f:
        actual = hashlib.sha256(f.read()).hexdigest()
    if actual != expected:
        sys.exit(f"{name}: sha256 is {actual}, pip's report said {expected}")
    target = tempfile.mkdtemp(dir=workdir)
    if name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(target)
    else:
        with tarfile.open(archive) as t:
            try:
                t.extractall(target, filter="data")
            except TypeError:  # Python without extraction filters (< 3.11.4)
                t.extractall(target)
    (top,) = os.listdir(target)
    return os.path.join(target, top)


def build_requires(tree, workdir, pip):
    pyproject = os.path.join(tree, "pyproject.toml")
    system = {}
    if os.path.exists(pyproject):
        with open(pyproject, "rb") as f:
            system = tomllib.load(f).get("build-system", {})
    requires = system.get("requires", DEFAULT_REQUIRES)
    backend = system.get("build-backend", DEFAULT_BACKEND)
    backend_path = [os.path.join(tree, p) for p in system.get("backend-path", [])]
    env_dir = tempfile.mkdtemp(dir=workdir)
    subprocess.run(
        pip + ["install", "--quiet", "--only-binary=:all:", "--target", env_dir] + requires,
        check=True,
        stdout=sys.stderr,
    )
    hook = subprocess.run(
        [sys.executable, "-s", "-c", HOOK, backend, json.dumps(backend_path)],
        cwd=tree,
        env=dict(os.environ, PYTHONPATH=env_dir),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    dynamic = json.loads(hook.stdout.strip().splitlines()[-1])
    return {"requires": requires, "dynamic": dynamic}


def main():
    workdir, pip, sources = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
    result = {}
    for source in sources:
        tree = fetch_sdist(source, workdir) if "#sha256=" in source else source
        result[source] = build_requires(tree, workdir, pip)
    print(json.dumps(result))


main()
