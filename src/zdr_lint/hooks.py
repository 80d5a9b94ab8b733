"""The plugin hooks: their specification and the markers plugins use (`@hookimpl`).

Kept apart from the plugin manager (`zdr_lint.plugins`) so that the built-in plugin
(`zdr_lint.builtin`) and third-party plugins import the markers without importing the manager.
"""

from __future__ import annotations

import pluggy

PROJECT = "zdr_lint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class ZdrLintSpec:
    @hookspec
    def zdr_lint_rules(self) -> list:
        """Return `Rule` subclasses to register (each with a unique `code` and `name`)."""

    @hookspec
    def zdr_lint_output_formats(self) -> dict:
        """Return {name: formatter}; a formatter is `(findings, context) -> str`."""

    @hookspec
    def zdr_lint_client_factories(self) -> list:
        """Return dotted names of functions or attributes that produce an Anthropic client."""
