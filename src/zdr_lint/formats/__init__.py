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
    color: bool = False  # ANSI colour in the human formats (`--color`)
    extra: dict = field(default_factory=dict)
    # the profile and the policy table in force for the run (SARIF's run properties record them)
    profile: str = "zdr"
    policy: tuple = ()
    unsafe_fixes: bool = False  # `--unsafe-fixes`: unsafe fixes count as applicable ([*])


class _Deferred:
    """A built-in formatter imported when it is first called: a run prints one format, so it should
    not import the other eleven (XML for JUnit, hashing for GitLab, ...)."""

    def __init__(self, module: str, function: str) -> None:
        self.module, self.function = module, function

    def __call__(self, findings, context: FormatContext) -> str:
        from importlib import import_module

        return getattr(import_module(f"zdr_lint.formats.{self.module}"), self.function)(findings, context)


BUILTIN_FORMATS = {
    "full": _Deferred("text", "format_full"),
    "concise": _Deferred("text", "format_concise"),
    "grouped": _Deferred("grouped", "format_grouped"),
    "json": _Deferred("json_format", "format_json"),
    "json-lines": _Deferred("json_lines", "format_json_lines"),
    "junit": _Deferred("junit", "format_junit"),
    "github": _Deferred("github", "format_github"),
    "gitlab": _Deferred("gitlab", "format_gitlab"),
    "pylint": _Deferred("pylint", "format_pylint"),
    "rdjson": _Deferred("rdjson", "format_rdjson"),
    "azure": _Deferred("azure", "format_azure"),
    "sarif": _Deferred("sarif", "format_sarif"),
}
# Formats a person reads: the command prints its summary line after them.
HUMAN_FORMATS = ("full", "concise", "grouped")
