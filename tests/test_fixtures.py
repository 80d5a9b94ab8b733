"""The fixture corpus: every `fixtures/**/*.py` is linted and its findings compared with the
`# expect: ZDR001, ZDR005` markers written on the line where each finding starts. Not
fixtures/realistic/: those are whole projects, whose findings need cross-module resolution.

A fixture is data, never imported. `positive_*.py` files hold at least one use of their folder's
rule; `negative_*.py` files hold look-alikes and must produce no finding at all. A folder with a
`zdr-lint.toml` is checked under its settings (fixtures/hipaa/: `profile = "hipaa"`), as the CLI
checks any file under its nearest settings file.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from pathlib import Path

import pytest

from zdr_lint.config import Settings, SettingsResolver
from zdr_lint.engine import Linter
from zdr_lint.plugins import get_registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>ZDR\d{3}(?:\s*,\s*ZDR\d{3})*)\s*$")
MIN_FILES_PER_RULE = 4
RULE_CODES = [f"ZDR{n:03d}" for n in range(1, 17)]


# fixtures/realistic/ holds multi-module projects whose findings need the whole project (a client
# made in one module and used in another), so they are not checked one file at a time here.
PROJECT_FIXTURES = FIXTURES / "realistic"


def fixture_files() -> list:
    return sorted(
        p for p in FIXTURES.rglob("*.py") if "__pycache__" not in p.parts and PROJECT_FIXTURES not in p.parents
    )


def expected_findings(path: Path) -> Counter:
    """(line, code) for every `# expect:` marker, read from the file's comment tokens."""
    expected: Counter = Counter()
    source = path.read_bytes()
    for token in tokenize.tokenize(io.BytesIO(source).readline):
        if token.type != tokenize.COMMENT or "expect:" not in token.string:
            continue
        match = EXPECT.search(token.string)
        assert match, f"{path.name}:{token.start[0]}: malformed marker {token.string!r}"
        for code in match.group("codes").split(","):
            expected[(token.start[0], code.strip())] += 1
    return expected


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(Settings(project_root=FIXTURES))


_RESOLVER = SettingsResolver(cwd=FIXTURES)
_LINTERS: dict = {}


def linter_of(path: Path, default: Linter) -> Linter:
    """The fixture's linter: the nearest settings file's (a folder's zdr-lint.toml), else `default`."""
    settings = _RESOLVER.for_path(str(path))
    if settings.config_path is None:
        return default
    return _LINTERS.setdefault(id(settings), Linter(settings))


def _describe(path: Path, items: Counter, findings_by_key: dict) -> list:
    lines = []
    source_lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for (line, code), count in sorted(items.items()):
        text = source_lines[line - 1].strip() if 0 < line <= len(source_lines) else ""
        message = findings_by_key.get((line, code), "")
        suffix = f"  [{message}]" if message else ""
        lines.append(f"    {path.name}:{line}: {code} x{count}  | {text}{suffix}")
    return lines


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(path: Path, linter: Linter) -> None:
    findings = linter_of(path, linter).lint_file(str(path))
    actual = Counter((f.start.line, f.code) for f in findings)
    by_key = {(f.start.line, f.code): f.message for f in findings}
    expected = expected_findings(path)
    missing = expected - actual
    extra = actual - expected
    if missing or extra:
        shown = path.relative_to(FIXTURES) if FIXTURES in path.parents else path
        report = [f"findings differ from the `# expect:` markers in {shown}"]
        if missing:
            report.append("  missing (expected, not found):")
            report += _describe(path, missing, {})
        if extra:
            report.append("  extra (found, not expected):")
            report += _describe(path, extra, by_key)
        pytest.fail("\n".join(report), pytrace=False)


def _categories() -> dict:
    rules = get_registry().rules
    return {code: rules[code].category for code in RULE_CODES}


@pytest.mark.parametrize("code", RULE_CODES)
def test_every_rule_has_enough_fixtures(code: str) -> None:
    folder = FIXTURES / _categories()[code]
    assert folder.is_dir(), f"no fixture folder {folder.name}/ for {code}"
    positives = [p for p in sorted(folder.glob("positive_*.py")) if any(c == code for _, c in expected_findings(p))]
    negatives = sorted(folder.glob("negative_*.py"))
    assert len(positives) >= MIN_FILES_PER_RULE, f"{code}: {len(positives)} positive fixtures in {folder.name}/"
    assert len(negatives) >= MIN_FILES_PER_RULE, f"{code}: {len(negatives)} negative fixtures in {folder.name}/"
    for path in negatives:
        assert not expected_findings(path), f"{path.name} is a negative fixture but expects findings"


def test_fixture_files_are_named_by_kind() -> None:
    """Each per-file fixture says by its name whether it is a positive or a negative case."""
    for path in fixture_files():
        assert path.name.startswith(("positive_", "negative_")), path
        if path.name.startswith("positive_"):
            assert expected_findings(path), f"{path.name} is a positive fixture without `# expect:` markers"


def test_markers_are_read_from_comments_only(tmp_path: Path) -> None:
    sample = tmp_path / "positive_sample.py"
    sample.write_text(
        'TEXT = "# expect: ZDR009"\n'
        "client.files.upload(f)  # expect: ZDR001, ZDR005\n"
        "x = 1  # expect: ZDR002\n",
        encoding="utf-8",
    )
    assert expected_findings(sample) == Counter({(2, "ZDR001"): 1, (2, "ZDR005"): 1, (3, "ZDR002"): 1})


def test_a_missing_marker_is_reported(tmp_path: Path, linter: Linter) -> None:
    """The comparison fails, naming the line, when a finding has no marker."""
    sample = tmp_path / "positive_unmarked.py"
    sample.write_text("import anthropic\n\nanthropic.Anthropic().files.list()\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match=r"extra \(found, not expected\):\n.*:3: ZDR001"):
        test_fixture(sample, linter)
