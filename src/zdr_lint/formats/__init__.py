"""Output formats. Each is `format(findings, context) -> str`, registered through the plugin hook."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FormatContext:
    project_root: Path  # paths in reports (SARIF URIs, GitLab) are made relative to this
    rules: dict  # code -> Rule class, every registered rule (for SARIF's tool.driver.rules)
    version: str  # zdr-lint's version
    statistics: bool = False
    fixable: bool = False
    extra: dict = field(default_factory=dict)


from zdr_lint.formats.text import format_concise, format_full  # noqa: E402
from zdr_lint.formats.json_format import format_json  # noqa: E402
from zdr_lint.formats.grouped import format_grouped  # noqa: E402
from zdr_lint.formats.json_lines import format_json_lines  # noqa: E402
from zdr_lint.formats.junit import format_junit  # noqa: E402
from zdr_lint.formats.github import format_github  # noqa: E402
from zdr_lint.formats.gitlab import format_gitlab  # noqa: E402
from zdr_lint.formats.pylint import format_pylint  # noqa: E402
from zdr_lint.formats.sarif import format_sarif  # noqa: E402

BUILTIN_FORMATS = {
    "full": format_full,
    "concise": format_concise,
    "grouped": format_grouped,
    "json": format_json,
    "json-lines": format_json_lines,
    "junit": format_junit,
    "github": format_github,
    "gitlab": format_gitlab,
    "pylint": format_pylint,
    "sarif": format_sarif,
}
