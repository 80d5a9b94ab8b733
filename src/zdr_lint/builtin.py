"""Registers zdr-lint's own rules and output formats through the public plugin hooks."""

from __future__ import annotations

from zdr_lint.plugins import hookimpl


@hookimpl
def zdr_lint_rules() -> list:
    from zdr_lint.rules import BUILTIN_RULES

    return list(BUILTIN_RULES)


@hookimpl
def zdr_lint_output_formats() -> dict:
    from zdr_lint.formats import BUILTIN_FORMATS

    return dict(BUILTIN_FORMATS)


@hookimpl
def zdr_lint_client_factories() -> list:
    return []
