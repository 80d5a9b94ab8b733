"""The flake8 plugin: `flake8 --select ZDR` runs the zdr-lint engine on each file flake8 checks.

flake8 classifies a plugin by its parameters: taking `tree` makes this an AST plugin, called once a
file with `run()`. The plugin joins `lines` (flake8 has already decoded the file and stripped a BOM)
and calls `Linter.lint_source`, the one engine every front end uses, with the settings of the nearest
`[tool.zdr-lint]` above the file (client factories, per-file-ignores, select / ignore), as the CLI
reads them. flake8's own `--select`, `--ignore`, `--per-file-ignores` and `# noqa` then apply as
usual on top.

flake8 aborts the whole run when a plugin raises, so this plugin never does: a settings problem, a
file that cannot be parsed, a `RecursionError` or any internal error becomes one finding on that file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, Optional

from zdr_lint import __version__

# flake8 reports the column it is given plus one: results carry 0-based columns, as Finding does.
Result = tuple  # (line, column, "ZDRnnn message", type)

_LINTERS: dict = {}  # directory -> Linter (or the settings error message), one cache per process
_PROJECTS: dict = {}  # (settings file, import root) -> Linter with the project index


def import_root(directory: str) -> str:
    """The folder Python would import the file's top-level package from (the file's own folder
    when it is not in a package)."""
    folder = os.path.abspath(directory)
    while os.path.isfile(os.path.join(folder, "__init__.py")) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    return folder


def importable_files(root: str) -> list:
    """The modules importable from `root`: its own .py files, and every package below it."""
    files = []
    for folder, dirs, names in os.walk(root):
        if folder != root and "__init__.py" not in names:
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and os.path.isfile(os.path.join(folder, d, "__init__.py")))
        files.extend(os.path.join(folder, n) for n in sorted(names) if n.endswith((".py", ".pyi")))
    return files


def _linter_for(directory: str):
    """The Linter for files in `directory`: the nearest settings file (cached per directory), and
    the project index of the modules importable beside the file, as `zdr-lint check` builds it
    for the files it is given (cached per settings file and import root)."""
    cached = _LINTERS.get(directory)
    if cached is not None:
        return cached
    # imported on first use: flake8 loads every plugin at start, also for runs that never select ZDR
    from zdr_lint.config import ConfigError, load_settings
    from zdr_lint.engine import Linter
    from zdr_lint.project import build_index

    try:
        settings = load_settings(start=Path(directory))
        root = import_root(directory)
        key = (settings.config_path, root)
        linter = _PROJECTS.get(key)
        if linter is None:
            base = Linter(settings)
            index = build_index(importable_files(root), client_factories=base.client_factories)
            linter = _PROJECTS[key] = Linter(settings, base.registry, project=index)
    except ConfigError as exc:
        linter = f"settings problem: {exc}"
    _LINTERS[directory] = linter
    return linter


class ZdrChecker:
    """flake8 AST plugin; its codes are zdr-lint's (ZDR000 to ZDR012, and ZDR100 when selected)."""

    name = "zdr-lint"
    version = __version__

    def __init__(self, tree=None, lines: Optional[list] = None, filename: str = "stdin") -> None:
        # Keep __init__ trivial: an exception here would abort flake8 too.
        self.lines = lines or []
        self.filename = filename or "stdin"

    def run(self) -> Iterator[Result]:
        try:
            results = list(self._check())
        except BaseException as exc:  # noqa: B036 - flake8 must go on, whatever happens
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            results = [(1, 0, f"ZDR000 internal error in the zdr-lint flake8 plugin: {type(exc).__name__}: {exc}", type(self))]
        yield from results

    def _check(self) -> Iterator[Result]:
        path = self.filename
        directory = os.path.dirname(os.path.abspath(path)) if path not in ("-", "stdin") else os.getcwd()
        linter = _linter_for(directory)
        if isinstance(linter, str):
            yield (1, 0, f"ZDR000 {linter}", type(self))
            return
        text = "".join(self.lines)
        for finding in linter.lint_source(text, path):
            # Notebook cells never reach flake8 (it checks .py files), so start is file-relative.
            yield (finding.start.line, finding.start.column, f"{finding.code} {finding.message}", type(self))
