"""Shared helpers: run the installed `zdr-lint` command as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
ZDR_LINT = str(BIN / "zdr-lint")
REPO = Path(__file__).resolve().parent.parent


def run_zdr(*args: str, cwd=None, stdin: bytes | None = None, env=None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
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
