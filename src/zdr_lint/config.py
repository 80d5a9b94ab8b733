"""Settings: `[tool.zdr-lint]` in pyproject.toml (or a zdr-lint.toml / .zdr-lint.toml), then
command-line overrides.

One resolver serves every front end (CLI, flake8, pre-commit, language server), so they all behave
the same on the same file:
- A file's settings come from the nearest settings file above it (a `zdr-lint.toml`, a
  `.zdr-lint.toml`, or a `pyproject.toml` holding a `[tool.zdr-lint]` table), as ruff does; a
  settings file may `extend = "../pyproject.toml"` another and override what it sets. Patterns
  (excludes, per-file-ignores) are relative to the folder of the settings file that wrote them.
- `--config FILE` uses that file for every file; `--isolated` uses none.
- Command-line flags override every settings file.
- Every setting remembers where it came from, so an error names the file and the key
  (`pyproject.toml: [tool.zdr-lint] ignore: unknown rule selector 'ZDR099' (did you mean 'ZDR009'?)`)
  or the flag (`--select: empty rule selector`). Settings are checked when they are read: a broken
  file is one `ConfigError` line, never a traceback.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from zdr_lint.finding import CONFIDENCE_LEVELS
from zdr_lint.source import read_file_bytes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIG_FILES = ("zdr-lint.toml", ".zdr-lint.toml", "pyproject.toml")
VCS_MARKERS = (".git", ".hg", ".svn", ".jj")
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
    ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv",
    ".vscode", "__pypackages__", "_build", "buck-out", "dist", "node_modules", "site-packages", "venv",
    ".zdr_lint_cache",
)
OUTPUT_FORMATS_HELP = "full, concise, json, ... (see `zdr-lint check --help`)"


class ConfigError(Exception):
    """A settings problem: the message is one line naming the file and the key (or the flag)."""


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
    cache_dir: Optional[str] = None  # the cache's folder (default: .zdr_lint_cache at the project root)
    # The least confidence a finding needs to be reported (finding.CONFIDENCE_LEVELS): "medium"
    # reports uses recognised by their shape too, "high" only those resolved to an Anthropic client.
    min_confidence: str = "medium"
    # The compliance workflow (README: "Profiles and policy positions", "Baseline", "Suppressions")
    profile: str = "zdr"  # "zdr" | "hipaa": which arrangement findings are judged against
    policy: tuple = ()  # ((topic, "scope" | "docs"), ...) over the defaults (classify.policy_table)
    fail_on: str = "info"  # the lowest severity that makes the exit code 1: "error" | "warning" | "info"
    baseline: Optional[str] = None  # a baseline file (absolute, or relative to the working folder)
    require_reason: bool = False  # a `# noqa` without a reason is a finding (ZDR101)
    ignore_noqa: bool = False  # `--ignore-noqa`: report suppressed findings too
    # The folder patterns are relative to: the settings file's folder (the working folder without one).
    project_root: Path = field(default_factory=Path.cwd)
    config_path: Optional[Path] = None
    # setting name -> where its value came from ("pyproject.toml: [tool.zdr-lint] ignore", "--ignore")
    sources: tuple = ()

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def source_of(self, attr: str) -> str:
        return dict(self.sources).get(attr, _KEY_OF.get(attr, attr))

    @property
    def policy_table(self) -> tuple:
        """The position on every disputed topic (the defaults where the settings say nothing)."""
        from zdr_lint.classify import policy_table  # classify imports only the catalog: cheap

        return policy_table(self.policy)


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
    "cache-dir": ("cache_dir", str),
    "min-confidence": ("min_confidence", str),
    "profile": ("profile", str),
    "policy": ("policy", (str, dict)),
    "fail-on": ("fail_on", str),
    "baseline": ("baseline", str),
    "require-reason": ("require_reason", bool),
}
SEVERITIES = ("error", "warning", "info")  # highest first
_KEY_OF = {attr: key for key, (attr, _) in _KEYS.items()}
EXTEND_KEY = "extend"


def closest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f" (did you mean {match[0]!r}?)" if match else ""


def display_path(path) -> str:
    """A path as the user wrote it or would: relative to the working folder when inside it."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return rel if not rel.startswith("..") else text


# --- Reading one settings file ----------------------------------------------------------------------
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def read_toml(path: Path) -> dict:
    """The parsed TOML document of `path`; every way it can fail is a ConfigError naming the file
    (and, for a syntax error, the line and column)."""
    shown = display_path(path)
    try:
        data = read_file_bytes(str(path))
    except FileNotFoundError:
        raise ConfigError(f"{shown}: settings file not found") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read settings: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: cannot read settings: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_POSITION.search(message)
        if where:
            raise ConfigError(f"{shown}:{where.group(1)}:{where.group(2)}: invalid TOML: {message[: where.start()]}") from None
        if message.endswith(" (at end of document)"):
            lines = text.split("\n")
            line, column = len(lines), len(lines[-1]) + 1
            raise ConfigError(f"{shown}:{line}:{column}: invalid TOML: {message[: -len(' (at end of document)')]} (at end of file)") from None
        raise ConfigError(f"{shown}: invalid TOML: {message}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: cannot read settings: values nested too deeply") from None


def zdr_table(path: Path, data: dict) -> Optional[dict]:
    """The zdr-lint table of a parsed settings file (None for a pyproject.toml without one)."""
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{display_path(path)}: [tool] must be a table")
    if "zdr-lint" not in tool:
        return None
    table = tool["zdr-lint"]
    if not isinstance(table, dict):
        raise ConfigError(f"{display_path(path)}: [tool.zdr-lint] must be a table")
    return table


def _label(path: Path, key: str) -> str:
    table = "[tool.zdr-lint] " if path.name == "pyproject.toml" else ""
    return f"{display_path(path)}: {table}{key}"


def settings_from_table(table: dict, config_path: Path, base: Optional[Settings] = None) -> Settings:
    """Settings of one table: `base`'s (from `extend`, or the defaults) overridden by this table's."""
    values: dict = {}
    sources: dict = dict(base.sources) if base is not None else {}
    for key, value in table.items():
        if key == EXTEND_KEY:
            continue
        if key not in _KEYS:
            raise ConfigError(f"{_label(config_path, key)}: unknown setting{closest(key, list(_KEYS) + [EXTEND_KEY])}")
        attr, kind = _KEYS[key]
        label = _label(config_path, key)
        if not isinstance(value, kind) or (kind is list and not all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{label}: must be a {_kind_name(kind)}")
        if kind is list:
            value = tuple(value)
        if key in _CHECKED:
            value = _CHECKED[key](value, label, config_path)
        elif kind is dict:
            pairs = []
            for pattern, codes in value.items():
                if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                    raise ConfigError(f"{label}: {pattern!r} must map to a list of rule codes")
                pairs.append((pattern, tuple(codes)))
            value = tuple(pairs)
        values[attr] = value
        sources[attr] = label
    root = config_path.resolve().parent
    if base is not None and base.project_root != root:
        # patterns inherited through `extend` stay relative to the folder of the file that wrote them
        for attr in ("exclude", "extend_exclude"):
            if attr not in values:
                values[attr] = tuple(p for p in (_rebase(p, base.project_root, root) for p in getattr(base, attr)) if p is not None)
        if "per_file_ignores" not in values:
            rebased = ((_rebase(p, base.project_root, root), codes) for p, codes in base.per_file_ignores)
            values["per_file_ignores"] = tuple((p, codes) for p, codes in rebased if p is not None)
    settings = (base or Settings()).with_overrides(project_root=root, config_path=config_path, sources=tuple(sorted(sources.items())), **values)
    validate_patterns(settings)
    return settings


def _rebase(pattern: str, old_root: Path, new_root: Path) -> Optional[str]:
    """A pattern written relative to `old_root`, as seen from `new_root` (None: it matches nothing
    there). A pattern without an inner slash matches a name at any depth and stays as it is."""
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    if "/" not in body.rstrip("/"):
        return pattern
    try:
        below = new_root.relative_to(old_root).as_posix()
    except ValueError:
        return pattern  # the extended file is not above this one: nothing to rebase against
    anchored = body.lstrip("/")
    if below == ".":
        return pattern
    if anchored.startswith(below + "/"):
        return ("!" if negated else "") + anchored[len(below) + 1:]
    if anchored.startswith("**/"):
        return pattern
    return None


def _kind_name(kind) -> str:
    if isinstance(kind, tuple):
        return " or a ".join(_kind_name(k) for k in kind)
    return {list: "list of strings", dict: "table", bool: "boolean", str: "string"}[kind]


def check_profile(value: str, label: str, config_path: Optional[Path] = None) -> str:
    from zdr_lint.catalog import PROFILES  # data only: cheap

    if value not in PROFILES:
        raise ConfigError(f"{label}: unknown profile {value!r}{closest(value, PROFILES)}; choose {' or '.join(PROFILES)}")
    return value


def check_policy(value, label: str, config_path: Optional[Path] = None) -> tuple:
    """`"scope"`, `"docs"`, or a table of topic = position, as (topic, position) pairs over the defaults."""
    from zdr_lint.catalog import POLICY_TOPICS, POSITIONS  # data only: cheap

    if isinstance(value, str):
        if value not in POSITIONS:
            raise ConfigError(f"{label}: unknown policy {value!r}{closest(value, POSITIONS)}; choose {' or '.join(POSITIONS)}, or a table of topics")
        return tuple((topic, value) for topic in sorted(POLICY_TOPICS))
    pairs = []
    for topic, position in value.items():
        if topic not in POLICY_TOPICS:
            raise ConfigError(f"{label}: unknown topic {topic!r}{closest(topic, POLICY_TOPICS)}; the topics are {', '.join(POLICY_TOPICS)}")
        if position not in POSITIONS:
            raise ConfigError(f"{label}.{topic}: must be {' or '.join(repr(p) for p in POSITIONS)}, not {position!r}")
        pairs.append((topic, position))
    return tuple(sorted(pairs))


def check_min_confidence(value: str, label: str, config_path: Optional[Path] = None) -> str:
    if value not in CONFIDENCE_LEVELS:
        raise ConfigError(f"{label}: must be one of {', '.join(repr(v) for v in CONFIDENCE_LEVELS)}, not {value!r}")
    return value


def check_fail_on(value: str, label: str, config_path: Optional[Path] = None) -> str:
    if value not in SEVERITIES:
        raise ConfigError(f"{label}: unknown severity {value!r}{closest(value, SEVERITIES)}; choose {', '.join(SEVERITIES)}")
    return value


def _baseline_path(value: str, label: str, config_path: Optional[Path] = None) -> str:
    """A baseline written in a settings file is relative to that file's folder."""
    if not value:
        raise ConfigError(f"{label}: must be the path of a baseline file")
    path = Path(os.path.expanduser(value))
    if not path.is_absolute() and config_path is not None:
        path = Path(config_path).resolve().parent / path
    return str(path)


_CHECKED = {"min-confidence": check_min_confidence, "profile": check_profile, "policy": check_policy, "fail-on": check_fail_on, "baseline": _baseline_path}


def parse_policy_flags(items: Iterable[str]) -> tuple:
    """`--policy docs`, `--policy caching=docs,beta=scope` (repeatable, later ones win) as (topic,
    position) pairs; a ConfigError names the flag."""
    pairs: dict = {}
    for item in items:
        for part in (p.strip() for p in item.split(",")):
            if not part:
                continue
            topic, sep, position = part.partition("=")
            if not sep:
                pairs.update(check_policy(part, "--policy"))
                continue
            pairs.update(check_policy({topic.strip(): position.strip()}, "--policy"))
    return tuple(sorted(pairs.items()))


def fails(severity: str, fail_on: str) -> bool:
    """Does a finding of `severity` make the exit code 1 under `--fail-on fail_on`?"""
    order = {name: rank for rank, name in enumerate(SEVERITIES)}
    return order.get(severity, 0) <= order[fail_on]


def load_config_file(config_path: Path, _chain: tuple = ()) -> Settings:
    """Settings from one file, following its `extend` chain."""
    config_path = Path(config_path)
    resolved = config_path.resolve()
    if resolved in _chain:
        raise ConfigError(f"{_label(config_path, EXTEND_KEY)}: circular extend ({' -> '.join(display_path(p) for p in (*_chain, resolved))})")
    data = read_toml(config_path)
    table = zdr_table(config_path, data)
    if table is None:
        table = {}
    base = None
    extend = table.get(EXTEND_KEY)
    if extend is not None:
        if not isinstance(extend, str) or not extend:
            raise ConfigError(f"{_label(config_path, EXTEND_KEY)}: must be the path of another settings file")
        target = Path(os.path.expanduser(extend))
        if not target.is_absolute():
            target = resolved.parent / target
        base = load_config_file(target, (*_chain, resolved))
    return settings_from_table(table, config_path, base)


# --- Finding the settings file and the project root --------------------------------------------------
def holds_settings(candidate: Path) -> bool:
    """Is `candidate` a settings file of ours (a pyproject.toml counts only with [tool.zdr-lint])?"""
    if not candidate.is_file():
        return False
    if candidate.name != "pyproject.toml":
        return True
    return zdr_table(candidate, read_toml(candidate)) is not None


def settings_file_in(directory: Path) -> Optional[Path]:
    for name in CONFIG_FILES:
        candidate = directory / name
        if holds_settings(candidate):
            return candidate
    return None


def find_config(start: Path) -> Optional[Path]:
    """The nearest settings file from `start` (a folder) up."""
    start = Path(os.path.abspath(start))
    for directory in (start, *start.parents):
        found = settings_file_in(directory)
        if found is not None:
            return found
    return None


class ProjectRoots:
    """The project root of each file: the folder of the nearest pyproject.toml / zdr-lint.toml /
    .zdr-lint.toml above it, else the nearest version-control root, else none (a loose file: its
    project is the files given with it). Each folder is looked at once; a tree's files share it."""

    LOOSE = ""  # the root of files that belong to no project

    def __init__(self) -> None:
        self._written: dict = {}  # folder as written -> root
        self._config: dict = {}  # resolved folder -> nearest folder holding a settings-file name, or None
        self._vcs: dict = {}

    def of(self, path: str) -> str:
        """The root of a file or folder."""
        return self._of_folder(path if os.path.isdir(path) else os.path.dirname(path) or ".")

    def of_file(self, path: str) -> str:
        """The root of a path known to name a file (as discovered): no stat to tell."""
        return self._of_folder(os.path.dirname(path) or ".")

    def _of_folder(self, directory: str) -> str:
        found = self._written.get(directory)
        if found is None:
            real = os.path.realpath(directory)
            found = self._nearest(real, self._config, CONFIG_FILES, os.path.isfile) or self._nearest(real, self._vcs, VCS_MARKERS, os.path.exists) or self.LOOSE
            self._written[directory] = found
        return found

    @staticmethod
    def _nearest(real: str, memo: dict, names: tuple, test) -> Optional[str]:
        chain = []
        current = real
        while current not in memo:
            if any(test(os.path.join(current, name)) for name in names):
                memo[current] = current
                break
            chain.append(current)
            parent = os.path.dirname(current)
            if parent == current:
                memo[current] = None
                break
            current = parent
        answer = memo[current]
        for folder in chain:
            memo[folder] = answer
        return answer


def load_settings(config_path: Optional[Path] = None, *, start: Optional[Path] = None, isolated: bool = False) -> Settings:
    """Settings from an explicit file, or the nearest one above `start` (default: the cwd)."""
    start = Path(start) if start is not None else Path.cwd()
    if isolated:
        return Settings(project_root=start.resolve())
    if config_path is None:
        config_path = find_config(start)
        if config_path is None:
            return Settings(project_root=start.resolve())
    return load_config_file(Path(config_path))


class SettingsResolver:
    """The settings of every file of a run: the nearest settings file above it (cached per folder),
    or one fixed file (`--config`), or none (`--isolated`); then the same command-line overrides."""

    def __init__(self, config_path: Optional[Path] = None, isolated: bool = False, overrides=None, cwd: Optional[Path] = None) -> None:
        self.fixed = Path(config_path) if config_path else None
        self.isolated = isolated
        self.overrides = overrides or (lambda settings: settings)
        self.cwd = Path(cwd or Path.cwd())
        self._by_dir: dict = {}
        self._by_file: dict = {}

    def _apply(self, base: Settings) -> Settings:
        settings = self.overrides(base)
        validate_patterns(settings)
        return settings

    def default(self) -> Settings:
        """The settings of the working folder: what applies to stdin and to reports."""
        return self.for_directory(self.cwd)

    def for_path(self, path: str) -> Settings:
        directory = os.path.dirname(os.path.abspath(path)) if not os.path.isdir(path) else os.path.abspath(path)
        return self.for_directory(Path(directory))

    def for_directory(self, directory: Path) -> Settings:
        key = os.path.abspath(directory)
        found = self._by_dir.get(key)
        if found is not None:
            return found
        if self.isolated:
            config = None
        elif self.fixed is not None:
            config = self.fixed
        else:
            config = find_config(Path(key))
        if config is None:
            # every folder without a settings file shares one Settings (the working folder's)
            settings = self._by_file.get(None)
            if settings is None:
                settings = self._by_file[None] = self._apply(Settings(project_root=Path(self.cwd).resolve()))
        else:
            file_key = os.path.abspath(config)
            settings = self._by_file.get(file_key)
            if settings is None:
                settings = self._by_file[file_key] = self._apply(load_config_file(Path(config)))
        self._by_dir[key] = settings
        return settings


# --- Command-line values -----------------------------------------------------------------------------
def parse_per_file_ignores(items: Iterable[str]) -> tuple:
    """`--per-file-ignores 'tests/*:ZDR001,ZDR002'` (repeatable), as ruff spells it."""
    pairs = []
    for item in items:
        pattern, sep, codes = item.rpartition(":")
        if not sep or not pattern:
            raise ConfigError(f"--per-file-ignores: expected PATTERN:CODES, got {item!r}")
        pairs.append((pattern, tuple(c.strip() for c in codes.split(","))))
    return tuple(pairs)


# --- Patterns ----------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _pattern_style() -> str:
    import pathspec  # loaded only when a pattern needs it (plain names never do)

    # pathspec >= 0.12 names git's own semantics "gitignore"; older releases only "gitwildmatch".
    try:
        pathspec.PathSpec.from_lines("gitignore", [])
        return "gitignore"
    except (KeyError, LookupError):
        return "gitwildmatch"


def make_spec(patterns):
    """A PathSpec with .gitignore semantics (excludes, per-file-ignores, .gitignore files)."""
    import pathspec

    return pathspec.PathSpec.from_lines(_pattern_style(), list(patterns))


def bad_pattern(pattern: str) -> Optional[str]:
    """Why `pattern` is not a valid .gitignore-style pattern, or None when it is."""
    if not pattern.strip():
        return "empty pattern"
    try:
        make_spec([pattern])
    except Exception as exc:  # pathspec raises several types (GitWildMatchPatternError, ValueError)
        return str(exc).split("\n")[0] or type(exc).__name__
    if pattern.strip() in ("!", "\\"):
        return "matches nothing"
    return None


_PLAIN_NAME = re.compile(r"[\w.\-]+")


def validate_patterns(settings: Settings) -> None:
    """Our own patterns must be valid: one ConfigError naming the setting and the pattern. (A plain
    name such as the defaults' `.venv` is valid as it is: checking it would load pathspec.)"""
    for attr in ("exclude", "extend_exclude"):
        for pattern in getattr(settings, attr):
            if _PLAIN_NAME.fullmatch(pattern):
                continue
            reason = bad_pattern(pattern)
            if reason:
                raise ConfigError(f"{settings.source_of(attr)}: invalid pattern {pattern!r}: {reason}")
    for pattern, _ in settings.per_file_ignores:
        reason = bad_pattern(pattern)
        if reason:
            raise ConfigError(f"{settings.source_of('per_file_ignores')}: invalid pattern {pattern!r}: {reason}")


# --- Rule selection ----------------------------------------------------------------------------------
def resolve_selection(settings: Settings, rules: dict) -> frozenset:
    """The codes enabled by select / extend-select / ignore. An empty or unknown selector is a
    ConfigError naming the setting (or flag) it came from."""
    enabled: set = set()
    for attr in ("select", "extend_select"):
        for selector in getattr(settings, attr):
            enabled |= expand_selector(selector, rules, settings.source_of(attr))
    for selector in settings.ignore:
        enabled -= expand_selector(selector, rules, settings.source_of("ignore"))
    for pattern, selectors in settings.per_file_ignores:
        for selector in selectors:
            expand_selector(selector, rules, f"{settings.source_of('per_file_ignores')} {pattern!r}")  # validate only
    return frozenset(enabled)


def expand_selector(selector: str, rules: dict, source: str = "") -> set:
    """Codes a selector names: `ALL`, a code, a rule name, or a code prefix. Opt-in rules (such as
    ZDR100) are enabled only when named exactly."""
    prefix = f"{source}: " if source else ""
    selector = selector.strip()
    if not selector:
        raise ConfigError(f"{prefix}empty rule selector (a code such as ZDR001, a prefix, a rule name, or ALL)")
    if selector.upper() == "ALL":
        return {code for code, rule in rules.items() if rule.default_enabled and rule.status != "removed"}
    exact = [code for code, rule in rules.items() if selector in (code, rule.name)]
    if exact:
        return set(exact)
    prefixed = {code for code, rule in rules.items() if code.startswith(selector.upper()) and len(selector) >= 3}
    if prefixed:
        return {c for c in prefixed if rules[c].default_enabled}
    names = list(rules) + [rule.name for rule in rules.values()]
    raise ConfigError(f"{prefix}unknown rule selector {selector!r}{closest(selector, names)}")


def relative_path(path: str, root: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()
