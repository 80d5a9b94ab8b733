"""Registers zdr-lint's own rules and output formats through the public plugin hooks."""

from __future__ import annotations

from zdr_lint.formats import BUILTIN_FORMATS
from zdr_lint.hooks import hookimpl
from zdr_lint.rules import BUILTIN_RULES


@hookimpl
def zdr_lint_rules() -> list:
    return list(BUILTIN_RULES)


@hookimpl
def zdr_lint_output_formats() -> dict:
    return dict(BUILTIN_FORMATS)


@hookimpl
def zdr_lint_client_factories() -> list:
    return []
