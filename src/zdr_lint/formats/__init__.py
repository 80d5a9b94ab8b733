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

BUILTIN_FORMATS = {
    "full": format_full,
    "concise": format_concise,
    "json": format_json,
}
