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
from typing import Iterator, Optional

from zdr_lint import __version__

# flake8 reports the column it is given plus one: results carry 0-based columns, as Finding does.
Result = tuple  # (line, column, "ZDRnnn message", type)

_LINTERS: dict = {}  # directory -> Linter (or the settings problem), one cache per process
_PROJECTS: dict = {}  # project root -> its index, shared by every file flake8 hands us


def _linter_for(path: str):
    """The Linter for a file, as `zdr-lint check` builds it: the nearest settings file, and the
    (cached) index of the file's whole project, so flake8 reports what the CLI reports."""
    directory = os.path.dirname(os.path.abspath(path))
    cached = _LINTERS.get(directory)
    if cached is not None:
        return cached
    # imported on first use: flake8 loads every plugin at start, also for runs that never select ZDR
    from zdr_lint.config import ConfigError
    from zdr_lint.runner import RunOptions, linter_for

    try:
        linter = linter_for(os.path.abspath(path), _resolver(), RunOptions(jobs=1), _PROJECTS)
    except ConfigError as exc:
        linter = f"settings problem: {exc}"
    _LINTERS[directory] = linter
    return linter


_RESOLVER = None


def _resolver():
    global _RESOLVER
    if _RESOLVER is None:
        from zdr_lint.config import SettingsResolver

        _RESOLVER = SettingsResolver()
    return _RESOLVER


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
        linter = _linter_for(path if path not in ("-", "stdin") else os.path.join(os.getcwd(), "stdin.py"))
        if isinstance(linter, str):
            yield (1, 0, f"ZDR000 {linter}", type(self))
            return
        text = "".join(self.lines)
        for finding in linter.lint_source(text, path):
            # Notebook cells never reach flake8 (it checks .py files), so start is file-relative.
            yield (finding.start.line, finding.start.column, f"{finding.code} {finding.message}", type(self))
