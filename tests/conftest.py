"""Shared helpers: run the installed `zdr-lint` command as a user would."""

from __future__ import annotations

import importlib.metadata as metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
ZDR_LINT = str(BIN / "zdr-lint")
REPO = Path(__file__).resolve().parent.parent


def run_zdr(*args: str, cwd=None, stdin: bytes | None = None, env=None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    for name in ("NO_COLOR", "GITHUB_WORKSPACE", "CI_PROJECT_DIR"):  # tests set these when they mean to
        full_env.pop(name, None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [ZDR_LINT, *args], cwd=cwd, input=stdin, capture_output=True, env=full_env, timeout=300
    )


@pytest.fixture
def zdr():
    return run_zdr


@pytest.fixture(autouse=True)
def _builtin_rules_only(request, monkeypatch):
    """What the suite checks must not depend on what else is installed: every test runs zdr-lint
    (in process and in subprocesses) without third-party plugins, except those marked `plugins`."""
    if request.node.get_closest_marker("plugins") is None:
        monkeypatch.setenv("ZDR_LINT_NO_PLUGINS", "1")
    else:
        monkeypatch.delenv("ZDR_LINT_NO_PLUGINS", raising=False)


# --- Installing zdr-lint offline, as pre-commit and the GitHub Action install it ---------------------
def runtime_closure(name: str) -> list:
    """The installed distributions zdr-lint needs at run time (itself excluded)."""
    from packaging.requirements import Requirement

    seen, todo, dists = set(), [name], []
    while todo:
        dist = metadata.distribution(todo.pop())
        key = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        if key in seen:
            continue
        seen.add(key)
        if key != name:
            dists.append(dist)
        for text in dist.requires or ():
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return dists


def dependency_site(folder: Path) -> Path:
    """A folder of links to zdr-lint's runtime dependencies as installed here: on PYTHONPATH, pip
    finds them already satisfied and never needs an index."""
    folder.mkdir()
    for dist in runtime_closure("zdr-lint"):
        base = Path(dist.locate_file(""))
        tops = {Path(str(f)).parts[0] for f in dist.files or () if not str(f).startswith("..")}
        for top in tops:
            target = folder / top
            if not target.exists() and (base / top).exists():
                target.symlink_to(base / top)
    return folder


def setuptools_site(folder: Path) -> Path:
    """A recent setuptools (the one virtualenv bundles, unpacked), for building zdr-lint offline
    in an environment whose own setuptools is older than the build needs."""
    import zipfile

    import virtualenv

    wheels = sorted((Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed").glob("setuptools-*.whl"),
                    key=lambda p: tuple(int(x) for x in re.findall(r"\d+", p.name.split("-")[1])))
    folder.mkdir()
    with zipfile.ZipFile(wheels[-1]) as wheel:
        wheel.extractall(folder)
    return folder
