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
# An sdist from the index is fetched with a bound on its time and size, like pip's own downloads.
FETCH_TIMEOUT = 60
MAX_SDIST_BYTES = 512 * 1024 * 1024
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
    digest = hashlib.sha256()
    size = 0
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response, open(archive, "wb") as out:
        while chunk := response.read(1 << 20):
            size += len(chunk)
            if size > MAX_SDIST_BYTES:
                sys.exit(f"{name}: larger than {MAX_SDIST_BYTES >> 20} MB, refusing to unpack it")
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != expected:
        sys.exit(f"{name}: sha256 is {digest.hexdigest()}, pip's report said {expected}")
    target = tempfile.mkdtemp(dir=workdir)
    if name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            for member in z.namelist():
                check_member(name, target, member)
            z.extractall(target)
    else:
        with tarfile.open(archive) as t:
            if hasattr(tarfile, "data_filter"):
                t.extractall(target, filter="data")
            else:  # Python without extraction filters (< 3.11.4): the same rules, checked here
                for member in t.getmembers():
                    check_member(name, target, member.name)
                    if member.islnk() or member.issym():
                        check_member(name, target, os.path.join(os.path.dirname(member.name), member.linkname))
                    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
                        sys.exit(f"{name}: {member.name} is a device or fifo, refusing to unpack it")
                t.extractall(target)
    (top,) = os.listdir(target)
    return os.path.join(target, top)


def check_member(archive, target, member):
    """Refuses a member that would land outside the target directory (absolute, or through ..)."""
    path = os.path.realpath(os.path.join(target, member))
    if os.path.commonpath([path, os.path.realpath(target)]) != os.path.realpath(target):
        sys.exit(f"{archive}: {member} points outside the archive, refusing to unpack it")


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


if __name__ == "__main__":
    main()
