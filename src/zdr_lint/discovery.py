"""Which files to check: paths from the command line, `.py`/`.pyi`/`.ipynb`, minus excludes and .gitignore."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pathspec

from zdr_lint.config import Settings, relative_path

SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")


@dataclass(frozen=True)
class Discovered:
    path: str  # as the user will see it
    error: Optional[str] = None  # a one-line problem (missing path, unreadable directory)


def _pattern_style() -> str:
    # pathspec >= 0.12 names git's own semantics "gitignore"; older releases only "gitwildmatch".
    try:
        pathspec.PathSpec.from_lines("gitignore", [])
        return "gitignore"
    except (KeyError, LookupError):
        return "gitwildmatch"


_STYLE = _pattern_style()


def make_spec(patterns) -> pathspec.PathSpec:
    """A PathSpec with .gitignore semantics (used for excludes and per-file-ignores too)."""
    return pathspec.PathSpec.from_lines(_STYLE, patterns)


_spec = make_spec


class Excluder:
    def __init__(self, settings: Settings) -> None:
        self.root = settings.project_root
        self.spec = _spec(list(settings.exclude) + list(settings.extend_exclude))

    def excluded(self, path: str, is_dir: bool = False) -> bool:
        rel = relative_path(path, self.root)
        name = os.path.basename(os.path.normpath(path))
        candidates = [rel + "/" if is_dir else rel, name + "/" if is_dir else name]
        return any(self.spec.match_file(c) for c in candidates)


def _gitignore(directory: str) -> Optional[pathspec.PathSpec]:
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as handle:
            return _spec(handle.read().splitlines())
    except OSError:
        return None


def discover(paths, settings: Settings) -> Iterator[Discovered]:
    """Yield the files to check in a stable order. Explicit files are kept unless force-exclude."""
    excluder = Excluder(settings)
    seen_dirs: set = set()
    seen_files: set = set()
    for raw in paths:
        if not os.path.lexists(raw):
            yield Discovered(raw, "no such file or directory")
            continue
        if os.path.isdir(raw):
            if settings.force_exclude and excluder.excluded(raw, is_dir=True):
                continue
            yield from _walk(raw, settings, excluder, seen_dirs, seen_files, _parent_ignores(raw, settings))
        elif os.path.isfile(raw):
            if settings.force_exclude and excluder.excluded(raw):
                continue
            real = os.path.realpath(raw)
            if real not in seen_files:
                seen_files.add(real)
                yield Discovered(raw)
        else:
            yield Discovered(raw, "not a regular file or directory (broken symlink or special file)")


def _parent_ignores(directory: str, settings: Settings) -> list:
    """.gitignore files between the project root and a directory given on the command line."""
    if not settings.respect_gitignore:
        return []
    out = []
    root = settings.project_root
    target = Path(os.path.abspath(directory))
    chain = [target, *target.parents]
    for parent in reversed(chain):
        if parent != target and (parent == root or root in parent.parents):
            spec = _gitignore(str(parent))
            if spec is not None:
                out.append((str(parent), spec))
    return out


def _ignored(path: str, is_dir: bool, ignores: list) -> bool:
    for base, spec in ignores:
        rel = os.path.relpath(path, base).replace(os.sep, "/")
        if spec.match_file(rel + "/" if is_dir else rel):
            return True
    return False


def _walk(directory: str, settings: Settings, excluder: Excluder, seen_dirs: set, seen_files: set, ignores: list) -> Iterator[Discovered]:
    real = os.path.realpath(directory)
    if real in seen_dirs:
        return  # a symlink loop, or a tree reached twice
    seen_dirs.add(real)
    if settings.respect_gitignore:
        spec = _gitignore(directory)
        if spec is not None:
            ignores = ignores + [(directory, spec)]
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Discovered(directory, f"cannot list directory: {exc.strerror or exc}")
        return
    for entry in entries:
        path = os.path.join(directory, entry.name) if directory != "." else entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if excluder.excluded(path, is_dir=is_dir) or (ignores and _ignored(path, is_dir, ignores)):
            continue
        if is_dir:
            yield from _walk(path, settings, excluder, seen_dirs, seen_files, ignores)
        elif entry.name.endswith(SOURCE_SUFFIXES):
            try:
                if not entry.is_file():
                    continue
            except OSError:
                continue
            real_file = os.path.realpath(path)
            if real_file in seen_files:
                continue
            seen_files.add(real_file)
            yield Discovered(path)
