"""The plugin API (pluggy): rules, output formats and client factories.

Built-in rules and formats register through these same hooks (see `zdr_lint.builtin`);
third-party plugins are found through the `zdr_lint` entry-point group.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache

import pluggy

from zdr_lint import builtin
from zdr_lint.hooks import PROJECT, ZdrLintSpec, hookimpl, hookspec  # noqa: F401 - hookimpl/hookspec: the public plugin API


@dataclass
class Registry:
    rules: dict = field(default_factory=dict)  # code -> Rule class
    formats: dict = field(default_factory=dict)  # name -> formatter
    client_factories: tuple = ()
    errors: list = field(default_factory=list)  # one line per plugin that failed

    def rule_by_selector(self, selector: str):
        for rule in self.rules.values():
            if selector in (rule.code, rule.name):
                return rule
        return None


def _collect(hook_caller, what: str, errors: list) -> list:
    """Call each implementation separately, so one broken plugin cannot take the others down."""
    results = []
    for impl in hook_caller.get_hookimpls():
        try:
            results.append((impl.plugin_name, impl.function()))
        except Exception as exc:  # a plugin's bug is reported, never fatal
            errors.append(f"plugin {impl.plugin_name!r} failed while registering {what}: {type(exc).__name__}: {exc}")
    return results


def _load_entry_points(manager: pluggy.PluginManager, errors: list) -> None:
    """Load each `zdr_lint` entry point on its own, so one that fails is named and the rest load."""
    from importlib.metadata import entry_points

    try:
        found = list(entry_points(group=PROJECT))
    except Exception as exc:  # a corrupt installed distribution
        errors.append(f"cannot list plugins: {type(exc).__name__}: {exc}")
        return
    for ep in found:
        if manager.get_plugin(ep.name) is not None or manager.is_blocked(ep.name):
            continue
        dist = getattr(getattr(ep, "dist", None), "name", None)
        where = f"{ep.name!r} ({ep.value}{', from ' + dist if dist else ''})"
        try:
            manager.register(ep.load(), name=ep.name)
        except Exception as exc:  # a broken plugin is reported, never fatal
            errors.append(f"plugin {where} failed to load: {type(exc).__name__}: {' '.join(str(exc).split())}")


# `ZDR_LINT_NO_PLUGINS=1` (or `--isolated`) runs with the built-in rules and formats only: what a
# run finds then does not depend on what else is installed in the environment.
NO_PLUGINS_VARIABLE = "ZDR_LINT_NO_PLUGINS"


def plugins_disabled() -> bool:
    return os.environ.get(NO_PLUGINS_VARIABLE, "").strip().lower() not in ("", "0", "false", "no", "off")


def get_registry(entry_points: bool = True) -> Registry:
    """The rules, formats and client factories of the built-ins and (unless disabled) every
    installed plugin; built once per process and choice."""
    return _registry(entry_points and not plugins_disabled())


@lru_cache(maxsize=2)
def _registry(entry_points: bool) -> Registry:
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(ZdrLintSpec)
    manager.register(builtin, name="zdr_lint.builtin")
    errors: list = []
    if entry_points:
        _load_entry_points(manager, errors)
    registry = Registry(errors=errors)
    for plugin, rules in _collect(manager.hook.zdr_lint_rules, "rules", errors):
        for rule in rules or ():
            clash = registry.rules.get(rule.code) or registry.rule_by_selector(rule.name)
            if clash is not None and clash is not rule:
                errors.append(f"plugin {plugin!r}: rule {rule.code} ({rule.name}) clashes with {clash.code} ({clash.name}); skipped")
                continue
            registry.rules[rule.code] = rule
    for plugin, formats in _collect(manager.hook.zdr_lint_output_formats, "output formats", errors):
        for name, formatter in (formats or {}).items():
            registry.formats.setdefault(name, formatter)
    factories = []
    for _, names in _collect(manager.hook.zdr_lint_client_factories, "client factories", errors):
        factories.extend(names or ())
    registry.client_factories = tuple(factories)
    registry.rules = dict(sorted(registry.rules.items()))
    return registry


def report_plugin_errors(registry: Registry, stream=sys.stderr) -> None:
    for line in registry.errors:
        print(f"zdr-lint: error: {line}", file=stream)
