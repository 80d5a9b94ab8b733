"""Build the benchmark trees, reproducibly, into benchmarks/.cache/ (gitignored).

    python benchmarks/build_trees.py            # build the trees that are missing
    python benchmarks/build_trees.py --force    # rebuild them all

Trees (each a plain folder of installed packages, never imported or run):
- ordinary:     `pip install --no-deps --target` of nine popular packages at pinned versions;
- llm-heavy:    the Anthropic SDK and the libraries that wrap LLM APIs;
- no-anthropic: the ordinary tree's Python files minus every file whose bytes mention
                "anthropic" (any case): a tree with no Anthropic use at all;
- monorepo:     about 14,400 files of LLM libraries side by side (the SDKs, LangChain and its
                community package, LiteLLM, LlamaIndex, pydantic-ai, instructor, agno, crewAI,
                DSPy, Haystack, google-genai, boto3, mirascope, the Claude Agent SDK), the
                project index's worst case: thousands of files import an SDK.

Wheels are downloaded once (`pip download --no-deps --only-binary=:all:`) into .cache/wheels and
installed from there with `--no-index`, so a rebuild is offline and gives the same files. A tree
whose folder holds a `.complete` stamp listing the same pins is skipped.

Each tree is a project of its own: an empty `.zdr-lint.toml` at its top marks its root, as a
repository's settings file or `.git` would. Without it the nearest settings file above a tree is
this repository's `pyproject.toml`, and zdr-lint's project index would take in the repository
itself (its fixtures and tests, dense with Anthropic names), which no user's tree holds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from zdr_lint.config import CONFIG_FILES

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
WHEELS = CACHE / "wheels"
TREES = CACHE / "trees"

# Pinned so that every run measures the same files. Newest versions pip could download here
# (Python 3.11) when this was written.
ORDINARY = (
    "django==5.2.19",
    "sqlalchemy==2.1.9",
    "sympy==1.14.0",
    "openai==3.57.0",
    "langchain-core==1.8.4",
    "pydantic==2.14.4",
    "botocore==1.44.8",
    "boto3==1.44.8",
    "requests==2.34.2",
)
LLM_HEAVY = (
    "anthropic==2.14.0",
    "openai==3.57.0",
    "langchain-core==1.8.4",
    "langchain-anthropic==1.7.10",
    "litellm==1.110.2",
)
MONOREPO = (
    "anthropic==2.14.0",
    "openai==3.57.0",
    "langchain==1.5.2",
    "langchain-core==1.8.4",
    "langchain-anthropic==1.7.10",
    "langchain-community==0.4.2",
    "litellm==1.110.2",
    "llama-index-core==0.14.25",
    "pydantic-ai-slim==2.68.0",
    "instructor==1.17.0",
    "agno==3.1.10",
    "crewai==1.15.30",
    "dspy==3.4.1",
    "haystack-ai==3.4.1",
    "google-genai==3.6.1",
    "boto3==1.44.8",
    "botocore==1.44.8",
    "mirascope==2.8.2",
    "claude-agent-sdk==0.2.189",
)
# Derived trees: (name, source tree, filter description).
SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")
INSTALLED = {"ordinary": ORDINARY, "llm-heavy": LLM_HEAVY, "monorepo": MONOREPO}
DERIVED = {"no-anthropic": "ordinary"}
TREE_NAMES = ("no-anthropic", "ordinary", "llm-heavy", "monorepo")


def tree_path(name: str) -> Path:
    return TREES / name


def _stamp(name: str) -> dict:
    if name in INSTALLED:
        return {"tree": name, "pins": list(INSTALLED[name]), "python": sys.version_info[:2]}
    source = DERIVED[name]
    return {"tree": name, "from": _stamp(source), "drop": "files mentioning 'anthropic'"}


def _is_built(name: str) -> bool:
    stamp = tree_path(name) / ".complete"
    try:
        return json.loads(stamp.read_text()) == json.loads(json.dumps(_stamp(name)))
    except (OSError, ValueError):
        return False


def _run(cmd: list) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def _build_installed(name: str) -> None:
    pins = INSTALLED[name]
    WHEELS.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    _run(pip + ["download", "--no-deps", "--only-binary=:all:", "--dest", str(WHEELS), *pins])
    staging = TREES / f".{name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    _run(pip + ["install", "--no-deps", "--no-index", "--find-links", str(WHEELS), "--no-compile",
                "--target", str(staging), *pins])
    _finish(name, staging)


def _build_derived(name: str) -> None:
    source = tree_path(DERIVED[name])
    staging = TREES / f".{name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    kept = dropped = 0
    for root, dirs, files in os.walk(source):
        dirs.sort()
        for file in sorted(files):
            if not file.endswith(SOURCE_SUFFIXES):
                continue
            src = Path(root) / file
            data = src.read_bytes()
            if b"anthropic" in data.lower():
                dropped += 1
                continue
            dest = staging / src.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            kept += 1
    print(f"{name}: kept {kept} files of {DERIVED[name]}, dropped {dropped} that mention anthropic")
    _finish(name, staging)


def _finish(name: str, staging: Path) -> None:
    (staging / ".complete").write_text(json.dumps(_stamp(name)) + "\n")
    final = tree_path(name)
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)


PROJECT_MARKER = ".zdr-lint.toml"
assert PROJECT_MARKER in CONFIG_FILES, "the marker must be a file zdr-lint takes for a project's root"
MARKER_TEXT = "# marks this benchmark tree as a project of its own (see benchmarks/build_trees.py)\n"


def mark_project(name: str) -> None:
    """Write the tree's root marker (also into a tree built before markers existed)."""
    marker = tree_path(name) / PROJECT_MARKER
    if not marker.is_file():
        marker.write_text(MARKER_TEXT)


def build(names=TREE_NAMES, force: bool = False, verbose: bool = True) -> dict:
    """Build the named trees (and what they derive from); return {name: path}."""
    TREES.mkdir(parents=True, exist_ok=True)
    order = [n for n in ("ordinary", "llm-heavy", "monorepo", "no-anthropic") if n in names or any(
        DERIVED.get(m) == n for m in names)]
    for name in order:
        if not force and _is_built(name):
            if verbose:
                print(f"{name}: already built in {tree_path(name)}")
            continue
        if name in INSTALLED:
            _build_installed(name)
        else:
            _build_derived(name)
    for name in order:
        mark_project(name)
    return {name: tree_path(name) for name in names}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", metavar="TREE", help=f"which trees (default: all of {', '.join(TREE_NAMES)})")
    parser.add_argument("--force", action="store_true", help="rebuild even if already built")
    args = parser.parse_args(argv)
    unknown = [t for t in args.trees if t not in TREE_NAMES]
    if unknown:
        parser.error(f"unknown tree {unknown[0]!r} (choose from {', '.join(TREE_NAMES)})")
    for name, path in build(tuple(args.trees) or TREE_NAMES, args.force).items():
        count = sum(1 for _, _, files in os.walk(path) for f in files if f.endswith(SOURCE_SUFFIXES))
        print(f"{name}: {count} source files in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
