"""Settings: `[tool.zdr-lint]` in pyproject.toml (or a zdr-lint.toml), then command-line overrides.

One loader serves every front end (CLI, flake8, pre-commit, language server), so they all behave the
same on the same file.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIG_FILES = ("zdr-lint.toml", ".zdr-lint.toml", "pyproject.toml")
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
    ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv",
    ".vscode", "__pypackages__", "_build", "buck-out", "dist", "node_modules", "site-packages", "venv",
)
OUTPUT_FORMATS_HELP = "full, concise, json, ... (see `zdr-lint check --help`)"


class ConfigError(Exception):
    """A settings problem: the message is one line naming the file and the key."""


@dataclass(frozen=True)
class Settings:
    select: tuple = ("ALL",)
    extend_select: tuple = ()
    ignore: tuple = ()
    per_file_ignores: tuple = ()  # ((pattern, (selectors...)), ...)
    exclude: tuple = DEFAULT_EXCLUDE
    extend_exclude: tuple = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    output_format: str = "full"
    client_factories: tuple = ()
    project_root: Path = field(default_factory=Path.cwd)
    config_path: Optional[Path] = None

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


# key in the TOML file -> (Settings field, expected type)
_KEYS = {
    "select": ("select", list),
    "extend-select": ("extend_select", list),
    "ignore": ("ignore", list),
    "per-file-ignores": ("per_file_ignores", dict),
    "exclude": ("exclude", list),
    "extend-exclude": ("extend_exclude", list),
    "respect-gitignore": ("respect_gitignore", bool),
    "force-exclude": ("force_exclude", bool),
    "output-format": ("output_format", str),
    "client-factories": ("client_factories", list),
}


def closest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f" (did you mean {match[0]!r}?)" if match else ""


def find_config(start: Path) -> Optional[Path]:
    """The nearest zdr-lint.toml, or pyproject.toml holding a [tool.zdr-lint] table, from `start` up."""
    start = start.resolve()
    for directory in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                with candidate.open("rb") as handle:
                    data = tomllib.load(handle)
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{candidate}: cannot read settings: {exc}") from None
            if "zdr-lint" in data.get("tool", {}):
                return candidate
    return None


def load_settings(config_path: Optional[Path] = None, *, start: Optional[Path] = None, isolated: bool = False) -> Settings:
    """Settings from an explicit file, or the nearest one above `start` (default: the cwd)."""
    if isolated:
        return Settings(project_root=(start or Path.cwd()).resolve())
    if config_path is None:
        config_path = find_config(start or Path.cwd())
        if config_path is None:
            return Settings(project_root=(start or Path.cwd()).resolve())
    config_path = Path(config_path)
    try:
        with config_path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{config_path}: settings file not found") from None
    except OSError as exc:
        raise ConfigError(f"{config_path}: cannot read settings: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_path}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("zdr-lint", {}) if config_path.name == "pyproject.toml" else data
    return settings_from_table(table, config_path)


def settings_from_table(table: dict, config_path: Path) -> Settings:
    values: dict = {}
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"{config_path}: unknown setting {key!r}{closest(key, _KEYS)}")
        attr, kind = _KEYS[key]
        if not isinstance(value, kind) or (kind is list and not all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{config_path}: setting {key!r} must be a {_kind_name(kind)}")
        if kind is list:
            value = tuple(value)
        if kind is dict:
            pairs = []
            for pattern, codes in value.items():
                if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                    raise ConfigError(f"{config_path}: per-file-ignores[{pattern!r}] must be a list of rule codes")
                pairs.append((pattern, tuple(codes)))
            value = tuple(pairs)
        values[attr] = value
    root = config_path.resolve().parent
    return Settings(project_root=root, config_path=config_path, **values)


def _kind_name(kind: type) -> str:
    return {list: "list of strings", dict: "table", bool: "boolean", str: "string"}[kind]


def parse_per_file_ignores(items: Iterable[str]) -> tuple:
    """`--per-file-ignores 'tests/*:ZDR001,ZDR002'` (repeatable), as ruff spells it."""
    pairs = []
    for item in items:
        pattern, sep, codes = item.rpartition(":")
        if not sep or not pattern:
            raise ConfigError(f"--per-file-ignores: expected PATTERN:CODES, got {item!r}")
        pairs.append((pattern, tuple(c.strip() for c in codes.split(",") if c.strip())))
    return tuple(pairs)


def resolve_selection(settings: Settings, rules: dict) -> frozenset:
    """The codes enabled by select / extend-select / ignore. Unknown selectors are a ConfigError."""
    enabled: set = set()
    for selector in settings.select + settings.extend_select:
        enabled |= expand_selector(selector, rules)
    for selector in settings.ignore:
        enabled -= expand_selector(selector, rules)
    for _, selectors in settings.per_file_ignores:
        for selector in selectors:
            expand_selector(selector, rules)  # validate only
    return frozenset(enabled)


def expand_selector(selector: str, rules: dict) -> set:
    """Codes a selector names: `ALL`, a code, a rule name, or a code prefix. Opt-in rules (such as
    ZDR100) are enabled only when named exactly."""
    selector = selector.strip()
    if selector.upper() == "ALL":
        return {code for code, rule in rules.items() if rule.default_enabled and rule.status != "removed"}
    exact = [code for code, rule in rules.items() if selector in (code, rule.name)]
    if exact:
        return set(exact)
    prefixed = {code for code, rule in rules.items() if code.startswith(selector.upper()) and len(selector) >= 3}
    if prefixed:
        return {c for c in prefixed if rules[c].default_enabled}
    names = list(rules) + [rule.name for rule in rules.values()]
    raise ConfigError(f"unknown rule selector {selector!r}{closest(selector, names)}")


def relative_path(path: str, root: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()
