"""Project-wide resolution: fixtures/realistic/ checked as `zdr-lint check fixtures/realistic` does,
every `# expect:` marker compared, and each resolution path shown to need the project index."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import threading
import tokenize
from collections import Counter
from pathlib import Path

import pytest

from zdr_lint.config import Settings
from zdr_lint.engine import Linter
from zdr_lint.runner import lint_paths
from zdr_lint.project import build_index, module_name_of, resolve_relative

REPO = Path(__file__).resolve().parent.parent
REALISTIC = REPO / "fixtures" / "realistic"
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>ZDR\d{3}(?:\s*,\s*ZDR\d{3})*)\s*$")


def _files(root: Path) -> list:
    return sorted(str(p) for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _expected(paths: list) -> Counter:
    out: Counter = Counter()
    for path in paths:
        for token in tokenize.tokenize(io.BytesIO(Path(path).read_bytes()).readline):
            if token.type == tokenize.COMMENT and "expect:" in token.string:
                match = EXPECT.search(token.string)
                assert match, f"{path}:{token.start[0]}: malformed marker"
                for code in match.group("codes").split(","):
                    out[(str(Path(path).resolve()), token.start[0], code.strip())] += 1
    return out


def _found(findings: list) -> Counter:
    return Counter((str(Path(f.path).resolve()), f.start.line, f.code) for f in findings)


@pytest.fixture(scope="module")
def project_findings() -> list:
    return lint_paths(Linter(Settings(project_root=REPO)), _files(REALISTIC), jobs=1)


def test_realistic_corpus_matches_markers(project_findings: list) -> None:
    expected = _expected(_files(REALISTIC))
    actual = _found(project_findings)
    assert not (expected - actual), f"missing: {sorted(expected - actual)}"
    assert not (actual - expected), f"extra: {sorted(actual - expected)}"


def test_realistic_corpus_shape() -> None:
    files = _files(REALISTIC)
    expected = _expected(files)
    with_findings = {path for path, _, _ in expected}
    negatives = [f for f in files if str(Path(f).resolve()) not in with_findings]
    assert len(files) >= 60
    assert len(negatives) * 3 >= len(files)
    assert {code for _, _, code in expected} == {f"ZDR{n:03d}" for n in range(1, 13)}


def test_cli_checks_the_project_in_parallel() -> None:
    """The CLI (with worker processes) resolves across modules the same way."""
    result = subprocess.run(
        [sys.executable, "-m", "zdr_lint", "check", "fixtures/realistic", "--output-format", "json", "--jobs", "4"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stderr
    found = Counter((str(Path(f["filename"]).resolve()), f["location"]["row"], f["code"]) for f in json.loads(result.stdout))
    assert found == _expected(_files(REALISTIC))


# Each resolution path: a finding the project index makes, and that checking the file alone misses.
RESOLUTION_CASES = [
    ("helpdesk/routers/attachments.py", "ZDR001", "relative import of a module-level client"),
    ("helpdesk/routers/reports.py", "ZDR003", "`from pkg import module; module.factory()`"),
    ("helpdesk/routers/chat.py", "ZDR009", "client re-exported by the package __init__"),
    ("helpdesk/routers/search.py", "ZDR010", "instance attribute of an imported class"),
    ("helpdesk/routers/admin.py", "ZDR010", "a factory returning another module's factory"),
    ("helpdesk/uploads.py", "ZDR001", "base URL constant imported from settings (raw HTTP)"),
    ("helpdesk/defaults.py", "ZDR005", "request constant spread into a request in another module"),
    ("doccli/commands.py", "ZDR001", "`self.api` of an imported class"),
    ("doccli/experimental.py", "ZDR005", "star import"),
    ("ringbot/tools.py", "ZDR001", "import cycle"),
]


@pytest.mark.parametrize("relative, code, why", RESOLUTION_CASES, ids=[c[2] for c in RESOLUTION_CASES])
def test_resolution_path_needs_the_index(relative: str, code: str, why: str, project_findings: list) -> None:
    path = REALISTIC / relative
    expected = {line for p, line, c in _expected([str(path)]) if c == code}
    assert expected, f"no {code} marker in {relative}"
    alone = Linter(Settings(project_root=REPO)).lint_file(str(path))
    # alone, a use may still be recognised by its shape (medium confidence); the index resolves it (high)
    alone_high = {f.start.line for f in alone if f.code == code and f.confidence == "high"}
    assert not alone_high & expected, f"{why}: resolved without the index"
    with_index = {
        f.start.line for f in project_findings
        if f.code == code and f.confidence == "high" and Path(f.path).resolve() == path.resolve()
    }
    assert expected <= with_index, f"{why}: not resolved with the index"


def test_negative_module_using_exported_client_is_checked_and_silent(project_findings: list) -> None:
    """health.py never writes "anthropic": the index's words let it through the prefilter; it is clean."""
    health = REALISTIC / "helpdesk" / "routers" / "health.py"
    assert b"anthropic" not in health.read_bytes().lower()
    linter = Linter(Settings(project_root=REPO), project=build_index(_files(REALISTIC)))
    assert linter.passes_prefilter(health.read_bytes())
    assert not Linter(Settings(project_root=REPO)).passes_prefilter(health.read_bytes())
    assert not [f for f in project_findings if Path(f.path).resolve() == health.resolve()]


# --- the index on small projects -----------------------------------------------------------------------
def _write(root: Path, files: dict) -> list:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return sorted(str(root / name) for name in files)


def test_index_names(tmp_path: Path) -> None:
    paths = _write(tmp_path, {
        "app/__init__.py": "from .llm import client\n",
        "app/llm.py": (
            "import anthropic\n"
            "client = anthropic.Anthropic()\n"
            "def get_client() -> anthropic.Anthropic:\n    return make()\n"
            "def make():\n    return anthropic.AsyncAnthropic()\n"
            "class Service:\n    def __init__(self):\n        self.client = client\n"
            "    def fresh(self):\n        return self.client.with_options(timeout=3)\n"
            "class Mine(anthropic.Anthropic):\n    pass\n"
            "NOT_A_CLIENT = 3\n"
        ),
    })
    index = build_index(paths)
    assert {"app.llm.client", "app.llm.get_client", "app.llm.make", "app.llm.Service.client",
            "app.llm.Service.fresh", "app.llm.Mine", "app.client"} <= index.client_names
    assert "app.llm.NOT_A_CLIENT" not in index.client_names


def test_cycles_stars_missing_and_broken_modules_never_stop_the_run(tmp_path: Path) -> None:
    paths = _write(tmp_path, {
        "pkg/__init__.py": "from pkg.a import *\nfrom pkg.missing import thing\n",
        "pkg/a.py": "from pkg.b import *\nimport anthropic\nclient = anthropic.Anthropic()\n",
        "pkg/b.py": "from pkg.a import *\nfrom pkg import client as again\n",
        "pkg/broken.py": "import anthropic\ndef (:\n",
        "pkg/use.py": "from pkg.b import client\nfrom pkg.nowhere import other\nclient.files.list()\nother.files.list()\n",
    })
    findings = lint_paths(Linter(Settings(project_root=tmp_path)), paths, jobs=1)
    by_file = {(Path(f.path).name, f.code) for f in findings}
    assert ("use.py", "ZDR001") in by_file  # resolved through two star imports in a cycle
    assert ("broken.py", "ZDR000") in by_file  # the broken module is reported, the rest still checked
    assert [f.start.line for f in findings if Path(f.path).name == "use.py"] == [3]


def test_a_package_importing_itself_adds_no_names_round_after_round(tmp_path: Path) -> None:
    """`import pkg` inside pkg.models.message re-exports pkg's names under pkg.models.message.pkg; the
    names that import itself produced are not re-exported again (agno's 140-part names on the
    monorepo tree cost a second per checked file), and the use through them still resolves."""
    paths = _write(tmp_path, {
        "pkg/__init__.py": "from pkg.llm import client\nfrom pkg.models import *\n",
        "pkg/llm.py": "import anthropic\nclient = anthropic.Anthropic()\n",
        "pkg/models/__init__.py": "from pkg.models.message import *\n",
        "pkg/models/message.py": "import pkg\nfrom pkg import client\nfrom pkg.models import *\n",
        "app.py": "from pkg.models import message\nmessage.pkg.client.files.list()\n",
    })
    built: list = []
    worker = threading.Thread(target=lambda: built.append(build_index(paths, root=str(tmp_path))), daemon=True)
    worker.start()
    worker.join(60)  # before the fix the names doubled every round: this never ended
    assert built, "the index of a package importing itself did not finish in 60 s"
    index = built[0]
    assert "pkg.models.message.pkg.client" in index.client_names
    assert max(name.count(".") for name in index.client_names) <= 6, sorted(index.client_names, key=len)[-1]
    findings = lint_paths(Linter(Settings(project_root=tmp_path)), paths, jobs=1)
    assert [(Path(f.path).name, f.code) for f in findings] == [("app.py", "ZDR001")]


def test_module_names_and_relative_imports(tmp_path: Path) -> None:
    _write(tmp_path, {"src/app/__init__.py": "", "src/app/routers/__init__.py": "", "src/app/routers/chat.py": "", "script.py": ""})
    assert module_name_of(str(tmp_path / "src/app/routers/chat.py")) == ("app.routers.chat", False)
    assert module_name_of(str(tmp_path / "src/app/routers/__init__.py")) == ("app.routers", True)
    assert module_name_of(str(tmp_path / "script.py")) == ("script", False)
    assert resolve_relative("..llm.client", "app.routers.chat", False) == "app.llm.client"
    assert resolve_relative(".llm.client", "app", True) == "app.llm.client"
    assert resolve_relative("....x", "app.chat", False) is None


# --- client-factories: names inference cannot see -----------------------------------------------------
USES_FACTORY = (
    "from myorg.llm import get_client\n"
    "from myorg import llm\n"
    "get_client().files.upload(file=f)\n"
    "llm.get_client().messages.batches.list()\n"
)
USES_SERVICE = (
    "from myorg.llm import Service\n"
    "def handler(svc: Service):\n"
    "    svc.client.files.list()\n"
    "Service().client.skills.list()\n"
)


@pytest.mark.parametrize(
    "factory, source, expected",
    [
        ("myorg.llm.get_client", USES_FACTORY, [(3, "ZDR001"), (4, "ZDR003")]),
        ("myorg.llm.Service.client", USES_SERVICE, [(3, "ZDR001"), (4, "ZDR010")]),
    ],
)
def test_client_factories_setting(factory: str, source: str, expected: list) -> None:
    configured = Linter(Settings(client_factories=(factory,))).lint_source(source, "svc.py")
    assert [(f.start.line, f.code, f.confidence) for f in configured] == [(line, code, "high") for line, code in expected]
    # without the setting, at most a shape only Anthropic's SDK has is recognised (medium confidence)
    assert [f for f in Linter(Settings()).lint_source(source, "svc.py") if f.confidence == "high"] == []


def test_client_factories_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "svc.py").write_text(USES_SERVICE)
    run = [sys.executable, "-m", "zdr_lint", "check", "svc.py", "--isolated", "--output-format", "json"]
    plain = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert plain.returncode == 0 and json.loads(plain.stdout) == []
    flagged = subprocess.run(run + ["--client-factories", "myorg.llm.Service.client"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert flagged.returncode == 1
    assert [(f["location"]["row"], f["code"]) for f in json.loads(flagged.stdout)] == [(3, "ZDR001"), (4, "ZDR010")]
