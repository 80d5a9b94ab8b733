"""Is the catalog behind the newest SDK? Build a temporary virtual environment with the newest
`anthropic` from the package index (and zdr-lint from this checkout), run tests/test_catalog.py
there, and print what the catalog does not classify yet.

    python benchmarks/sdk_drift.py                 # the newest release
    python benchmarks/sdk_drift.py --sdk 2.16.0    # a given version

Exit status: 0 when everything the SDK offers is classified, 1 when something is not, 2 when the
environment could not be built. Not run as a test: it needs the package index.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ITEM = re.compile(r"^E\s{5,}(?P<item>\S.*)$")
MESSAGE = re.compile(r"^E\s+AssertionError: (?P<message>.*)$")
FAILED = re.compile(r"^_{3,} (?P<test>test_\S+) _{3,}$")


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)


def unclassified(output: str) -> dict:
    """{failed test: [its assertion message, then the items it lists]} from pytest's report."""
    found: dict = {}
    current = None
    for line in output.splitlines():
        if (m := FAILED.match(line)) is not None:
            current = found.setdefault(m.group("test"), [])
        elif current is not None and (m := MESSAGE.match(line)) is not None:
            current.append(m.group("message"))
        elif current is not None and current and (m := ITEM.match(line)) is not None and not m.group("item").startswith("assert "):
            current.append("  " + m.group("item"))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdk", help="an anthropic version to check instead of the newest")
    args = parser.parse_args(argv)
    requirement = f"anthropic=={args.sdk}" if args.sdk else "anthropic"
    with tempfile.TemporaryDirectory(prefix="zdr-sdk-drift-") as tmp:
        venv.create(tmp, with_pip=True)
        python = Path(tmp) / "bin" / "python"
        install = _run(python, "-m", "pip", "install", "-q", "--upgrade", requirement, "pytest", str(REPO))
        if install.returncode != 0:
            print(f"sdk_drift: could not build the environment:\n{install.stderr}", file=sys.stderr)
            return 2
        version = _run(python, "-c", "import anthropic; print(anthropic.__version__)").stdout.strip()
        pinned = re.search(r'"anthropic==([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"))
        print(f"anthropic {version} from the package index (the test extra pins {pinned.group(1) if pinned else '?'})")
        result = _run(
            python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=short", "tests/test_catalog.py",
            cwd=REPO, env={"PATH": str(python.parent), "PYTHONPATH": str(REPO / "tests")},
        )
    summary = next((line for line in reversed(result.stdout.splitlines()) if " passed" in line or " failed" in line), "")
    print(f"tests/test_catalog.py: {summary.strip('= ')}")
    found = unclassified(result.stdout)
    if result.returncode == 0:
        print("every resource, request and constructor keyword, tool type, beta name, model id and ANTHROPIC_* variable is classified")
        return 0
    for test, lines in found.items():
        print(f"\n{test}:")
        for line in lines:
            print(f"  {line}")
    if not found:
        print(result.stdout[-4000:])
    return 1


if __name__ == "__main__":
    sys.exit(main())
