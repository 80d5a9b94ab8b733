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
