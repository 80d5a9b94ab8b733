"""Values that flow across modules (issue 13, section 4), checked as a user runs zdr-lint: a class
imported for type checking only and named in a string annotation (also inside an import cycle),
`from . import clients` then `self.llm = clients.get_client()`, and a project constant set as a
block's cache_control. With the project index the client is resolved (high confidence); the same
file checked alone is at most recognised by its shape (medium)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from zdr_lint.config import Settings
from zdr_lint.engine import Linter
from zdr_lint.semantic_types import literal_string

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "fixtures" / "realistic" / "typed_refs"


def check_package() -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "zdr_lint", "check", "--exit-zero", "--output-format", "json", str(PACKAGE)],
        cwd=REPO, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    return {(Path(f["filename"]).name, f["location"]["row"], f["code"]): f["confidence"] for f in json.loads(done.stdout)}


def test_clients_named_in_string_annotations_and_cycles_are_resolved_through_the_index() -> None:
    found = check_package()
    assert found[("jobs.py", 14, "ZDR010")] == "high"  # `gateway: "Gateway"`, imported under TYPE_CHECKING
    assert found[("loop_a.py", 12, "ZDR003")] == "high"  # the same, across an import cycle
    assert found[("jobs.py", 22, "ZDR001")] == "high"  # `from . import clients; self.llm = clients.get_client()`


def test_alone_the_same_uses_are_only_shapes() -> None:
    linter = Linter(Settings(project_root=REPO))
    alone = {(f.start.line, f.code): f.confidence for f in linter.lint_file(str(PACKAGE / "loop_a.py"))}
    assert alone == {(12, "ZDR003"): "medium"}


def test_a_project_constant_set_as_cache_control_is_a_use() -> None:
    # without the constant's value, a cache_control set on a text block is caching of that block
    assert check_package()[("prompts.py", 8, "ZDR002")] == "medium"


@pytest.mark.parametrize("literal", ["'a'", '"b c"', "''", '""', "'''x'''", '"""y\nz"""', "''''''", "'a\\nb'", "r'a\\d'", "u'x'", "'''a''b'''", '"\'"', '"""a\r\nb"""'])
def test_a_string_literal_reads_as_python_reads_it(literal: str) -> None:
    """A literal's value, read without `ast.literal_eval` where it has no prefix or escape."""
    assert literal_string(cst.parse_expression(literal)) == ast.literal_eval(literal)
