"""Settings and project indexes for the open documents, exactly as `zdr-lint check` finds them.

Each document gets the settings of its nearest settings file (the CLI's `SettingsResolver`) and the
index of its whole project (`runner.linter_for`: project root, every file discovery would check,
the persistent cache). The index of each project root stays in memory; `refresh` brings it up to
date when files change on disk, and a document's dependency digest (what of the index its
findings depend on, as the cache keys it) says whether it must be re-checked.

Unlike the CLI, a broken settings file does not stop anything: it is reported once (`report`) and
its folder is checked with the default settings.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable, Iterable, Optional

from zdr_lint import runner
from zdr_lint.config import ConfigError, ProjectRoots, Settings, SettingsResolver, closest, resolve_selection
from zdr_lint.engine import Linter
from zdr_lint.project import ProjectIndex


class EditorSettings(SettingsResolver):
    """The CLI's resolver, except that settings the CLI would refuse (a TOML error, an unknown key or
    rule, a bad pattern or output format, a file that cannot be read) are reported once and replaced
    by the default settings for that folder."""

    def __init__(self, registry, report: Callable[[str], None], cwd: Path) -> None:
        super().__init__(cwd=cwd)
        self.registry = registry
        self.report = report
        self._checked: dict = {}  # folder -> Settings that passed the checks (or the defaults)

    def for_directory(self, directory: Path) -> Settings:
        key = os.path.abspath(directory)
        found = self._checked.get(key)
        if found is not None:
            return found
        try:
            settings = super().for_directory(Path(key))
            self._check(settings)
        except ConfigError as exc:
            settings = self._defaults(key, str(exc))
        except Exception as exc:  # whatever else reading settings raises: the folder is still checked
            settings = self._defaults(key, f"{key}: cannot read settings: {type(exc).__name__}: {exc}")
        self._checked[key] = settings
        return settings

    def _check(self, settings: Settings) -> None:
        """What the CLI checks before it runs: rule selectors and the output format."""
        resolve_selection(settings, self.registry.rules)
        formats = self.registry.formats
        if formats and settings.output_format not in formats:
            raise ConfigError(
                f"{settings.source_of('output_format')}: unknown output format {settings.output_format!r}"
                f"{closest(settings.output_format, formats)}"
            )

    def _defaults(self, folder: str, message: str) -> Settings:
        self.report(f"{message}; checking {folder} with the default settings")
        return Settings(project_root=Path(folder).resolve())


class Projects:
    """Thread-safe: lint jobs ask for linters from worker threads while the index is refreshed."""

    def __init__(self, registry, report: Callable[[str], None], warn: Callable[[str], None], cwd: Path) -> None:
        self.registry = registry
        self.report = report
        self.cwd = cwd
        self.options = runner.RunOptions(jobs=1, use_cache=True, registry=registry, warn=warn)
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget settings and indexes (a settings file changed): everything is read again."""
        with self._lock:
            self.resolver = EditorSettings(self.registry, self.report, self.cwd)
            self.projects: dict = {}  # project root -> runner.Project
            self._roots = ProjectRoots()  # each folder looked at once, until a settings file changes
            self._linters: dict = {}  # (id(settings), id(index)) -> (settings, index, Linter)
            self._failed: set = set()  # roots whose index could not be built

    def linter_for(self, path: str) -> tuple:
        """(Linter, project root) for a file: its settings and its project's index (built on first use)."""
        with self._lock:
            root = runner.project_root_for(path, self._roots)
            project = self.projects.get(root)
            if project is None and root not in self._failed:
                try:
                    runner.linter_for(path, self.resolver, self.options, self.projects)
                except Exception as exc:  # the document is still checked, without the project's index
                    self._failed.add(root)
                    self.report(f"{root}: cannot index the project ({type(exc).__name__}: {exc}); checking open files alone")
                project = self.projects.get(root)
            settings = self.resolver.for_path(path)
            index = project.index if project is not None else None
            return self._linter(settings, index), root

    def _linter(self, settings: Settings, index: Optional[ProjectIndex]) -> Linter:
        key = (id(settings), id(index))
        cached = self._linters.get(key)
        if cached is not None and cached[0] is settings and cached[1] is index:
            return cached[2]
        linter = Linter(settings, self.registry, project=index)
        self._linters[key] = (settings, index, linter)
        return linter

    def index_of(self, root: str) -> Optional[ProjectIndex]:
        with self._lock:
            project = self.projects.get(root)
            return project.index if project is not None else None

    def refresh(self, changed: Iterable[str], added: Iterable[str] = ()) -> list:
        """Re-index the loaded projects that files changed on disk belong to; the roots refreshed.
        A `changed` file counts only if the index holds it (a file in `.venv` does not); an `added`
        one (created, deleted, or saved from the editor) always does: the walk decides whether it
        belongs to the project."""
        with self._lock:
            roots = set()
            for path, always in [(p, False) for p in changed] + [(p, True) for p in added]:
                root = runner.project_root_for(path, self._roots)
                project = self.projects.get(root)
                if project is None or project.index is None:
                    continue
                if always or os.path.realpath(path) in project.index.modules:
                    roots.add(root)
            for root in sorted(roots):
                runner.refresh_project(self.projects[root], self.resolver, self.options)
            live = [p.index for p in self.projects.values()]
            self._linters = {k: v for k, v in self._linters.items() if v[1] is None or any(v[1] is index for index in live)}
            return sorted(roots)


def dependencies(index: Optional[ProjectIndex], text: str, path: str) -> tuple:
    """(import keys, module) of a document's text, for `digest`."""
    if index is None:
        return frozenset(), ""
    return runner.source_dependencies(index, text, path)


def digest(index: Optional[ProjectIndex], keys: frozenset, module: str) -> Optional[str]:
    return runner.dependency_digest(index, keys, module) if index is not None else None
