"""Which files to check: paths from the command line, `.py`/`.pyi`/`.ipynb`, minus excludes and .gitignore."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

from zdr_lint.config import Settings, relative_path

if TYPE_CHECKING:  # pathspec is imported when a pattern needs it (plain names and no .gitignore: never)
    import pathspec

SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")


@dataclass(frozen=True)
class Discovered:
    path: str  # as the user will see it
    error: Optional[str] = None  # a one-line problem (missing path, unreadable directory)


@lru_cache(maxsize=1)
def _pattern_style() -> str:
    import pathspec

    # pathspec >= 0.12 names git's own semantics "gitignore"; older releases only "gitwildmatch".
    try:
        pathspec.PathSpec.from_lines("gitignore", [])
        return "gitignore"
    except (KeyError, LookupError):
        return "gitwildmatch"


def make_spec(patterns) -> "pathspec.PathSpec":
    """A PathSpec with .gitignore semantics (used for excludes and per-file-ignores too)."""
    import pathspec

    return pathspec.PathSpec.from_lines(_pattern_style(), patterns)


_spec = make_spec


# Characters that make a pattern more than a plain name for .gitignore semantics (globs, anchors,
# negation, escapes, comments, trailing spaces): such patterns go through pathspec.
_GLOB_CHARS = frozenset("/*?[]!\\# \t")


class Excluder:
    """Exclude patterns with .gitignore semantics. A pattern that is a plain name (`.venv`, `dist`,
    the defaults) matches a path component of that name, so it is a set lookup on the entry's name;
    only the other patterns go through pathspec (matching thousands of paths against every
    pattern was a third of a run on a tree without Anthropic code)."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.project_root
        patterns = list(settings.exclude) + list(settings.extend_exclude)
        self.names = frozenset(p for p in patterns if p and not (_GLOB_CHARS & set(p)))
        rest = [p for p in patterns if p not in self.names]
        self.spec = _spec(rest) if rest else None

    def excluded(self, path: str, is_dir: bool = False, walked: bool = False) -> bool:
        """`walked`: the path's parents were already checked (the walk prunes excluded folders),
        so only its own name can match a plain-name pattern."""
        norm = os.path.normpath(path)
        if self.names:
            parts = [os.path.basename(norm)] if walked else relative_path(norm, self.root).split("/") + [os.path.basename(norm)]
            if not self.names.isdisjoint(parts):
                return True
        if self.spec is None:
            return False
        rel = relative_path(path, self.root)
        name = os.path.basename(norm)
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
            key = _identity(raw)
            if key is None or key not in seen_files:
                seen_files.add(key)
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


def _identity(path: str) -> Optional[tuple]:
    """(device, inode) of what `path` points to: the same file reached twice has one identity."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _walk(directory: str, settings: Settings, excluder: Excluder, seen_dirs: set, seen_files: set, ignores: list) -> Iterator[Discovered]:
    identity = _identity(directory)
    if identity is None or identity in seen_dirs:
        return  # a symlink loop, or a tree reached twice (or gone meanwhile)
    seen_dirs.add(identity)
    device = identity[0]
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
        if not is_dir and not entry.name.endswith(SOURCE_SUFFIXES):
            continue
        if excluder.excluded(path, is_dir=is_dir, walked=True) or (ignores and _ignored(path, is_dir, ignores)):
            continue
        if is_dir:
            yield from _walk(path, settings, excluder, seen_dirs, seen_files, ignores)
        else:
            try:
                if not entry.is_file():
                    continue
                # a symlink may point anywhere; a plain entry is on its folder's device
                key = _identity(path) if entry.is_symlink() else (device, entry.inode())
            except OSError:
                continue
            if key is None or key in seen_files:
                continue
            seen_files.add(key)
            yield Discovered(path)
