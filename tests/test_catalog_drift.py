"""The drift test bites: plant, in a copy of the installed SDK, each kind of change the SDK has made
before (a beta keyword reaching GA `messages.create`, a new keyword on `messages.stream`, a resource
nested below `organization` and below `beta.memory_stores`, a new dated version of a tool the catalog
calls neutral), run tests/test_catalog.py against the copy, and check that exactly the tests that
should fail do, each naming what was planted. The rest of the module passes on the copy, so the
copy is faithful and the failures are the plants'."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

anthropic = pytest.importorskip("anthropic")
TESTS = Path(__file__).resolve().parent

PLANTED_KEYWORD = "thread"  # a beta-only keyword, now on GA messages.create
PLANTED_STREAM_KEYWORD = "planted_stream_option"
PLANTED_ORGANIZATION = "data_exports"
PLANTED_MEMORY_STORES = "snapshots"
PLANTED_TOOL = "bash_20270101"


def _insert_keyword(source: str, method: str, keyword: str) -> str:
    """Add `keyword` to every `def method(self, *, ...)` of a resource module."""
    pattern = re.compile(rf"(    def {method}\(\n        self,\n        \*,\n)")
    changed, count = pattern.subn(rf"\1        {keyword}: object = None,\n", source)
    assert count, f"no `def {method}(self, *, ...)` found: the planting needs updating for this SDK"
    return changed


def _own(path: Path) -> str:
    """Make a linked file of the copy its own (the installed SDK is never written) and return its text."""
    text = path.read_text(encoding="utf-8")
    path.unlink()
    cached = path.parent / "__pycache__"
    for pyc in cached.glob(f"{path.stem}.*.pyc") if cached.is_dir() else ():
        pyc.unlink()
    return text


def _add_resource(path: Path, owner: str, name: str) -> None:
    """Append a sub-resource `name` to the resource class `owner` defined in `path`."""
    text = _own(path)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.write(
            f"\n\nclass _Planted{owner}(SyncAPIResource):\n"
            "    def list(self) -> None:\n"
            "        return None\n\n\n"
            f"{owner}.{name} = property(lambda self: _Planted{owner}(self._client))\n"
        )


@pytest.fixture(scope="module")
def planted_sdk(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sdk")
    package = root / "anthropic"
    # a copy made of links to the installed files (and their bytecode): the planted files are made
    # the copy's own before they change, so only they are new and recompile
    shutil.copytree(Path(anthropic.__file__).parent, package, copy_function=os.symlink)
    messages = package / "resources" / "messages" / "messages.py"
    text = _own(messages)
    text = _insert_keyword(text, "create", PLANTED_KEYWORD)
    text = _insert_keyword(text, "stream", PLANTED_STREAM_KEYWORD)
    messages.write_text(text, encoding="utf-8")
    _add_resource(package / "resources" / "organization" / "organization.py", "Organization", PLANTED_ORGANIZATION)
    _add_resource(package / "resources" / "beta" / "memory_stores" / "memory_stores.py", "MemoryStores", PLANTED_MEMORY_STORES)
    (package / "types" / "beta" / "beta_tool_bash_20270101_param.py").write_text(
        "from typing_extensions import Literal, Required, TypedDict\n\n\n"
        "class BetaToolBash20270101Param(TypedDict, total=False):\n"
        "    name: Required[Literal['bash']]\n"
        f"    type: Required[Literal['{PLANTED_TOOL}']]\n",
        encoding="utf-8",
    )
    return root


def _run_catalog_test(sdk_root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(sdk_root), str(TESTS)]))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf", str(TESTS / "test_catalog.py")],
        cwd=TESTS.parent, env=env, capture_output=True, text=True, timeout=600,
    )


def test_the_catalog_test_fails_on_each_planted_change(planted_sdk: Path) -> None:
    result = _run_catalog_test(planted_sdk)
    output = result.stdout + result.stderr
    assert str(planted_sdk) in subprocess.run(
        [sys.executable, "-c", "import anthropic; print(anthropic.__file__)"],
        env=dict(os.environ, PYTHONPATH=str(planted_sdk)), capture_output=True, text=True,
    ).stdout, "the copy does not shadow the installed SDK"
    assert result.returncode == 1, output
    failed = set(re.findall(r"^FAILED \S+::(\S+)", output, re.M))
    assert failed == {
        "test_every_request_keyword_is_classified[messages.create]",
        "test_every_request_keyword_is_classified[messages.stream]",
        "test_every_resource_at_any_depth_is_known_and_classified[Anthropic]",
        "test_every_tool_type_is_classified_with_its_version",
        "test_the_walk_sees_every_request_method",  # its own check: `thread` must not be on GA create
    }, output
    # pytest shows an assertion's message lines behind "E" markers
    assert re.search(rf"messages\.create takes keywords the catalog does not list for the GA surface:[\sE]*{PLANTED_KEYWORD}\b", output), output
    assert re.search(rf"messages\.stream takes keywords .* GA surface:[\sE]*{PLANTED_STREAM_KEYWORD}\b", output), output
    assert f"organization.{PLANTED_ORGANIZATION}" in output and f"beta.memory_stores.{PLANTED_MEMORY_STORES}" in output, output
    assert f"{PLANTED_TOOL}: a new version of bash" in output, output
