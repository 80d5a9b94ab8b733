"""Which files to check: paths from the command line, `.py`/`.pyi`/`.ipynb`, minus excludes and .gitignore.

- Each folder's excludes are those of the settings that govern it (the nearest settings file above
  it, through a `SettingsResolver`), as ruff applies a sub-project's own excludes to its files.
- The walk is iterative (a tree 1,000 folders deep is walked, not a RecursionError), in a stable
  order, and reaches a folder or a file once however many links lead to it.
- A `.gitignore` line git would ignore (`!`, a lone `\\`, an invalid range) is ignored with one warning
  naming the file and line; git accepts such files, so must we.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Union

from zdr_lint.config import Settings, SettingsResolver, bad_pattern, display_path, make_spec, relative_path
from zdr_lint.source import NotRegularFile, read_file_bytes

if TYPE_CHECKING:  # pathspec is imported when a pattern needs it (plain names and no .gitignore: never)
    import pathspec

SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")


@dataclass(frozen=True)
class Discovered:
    path: str  # as the user will see it
    error: Optional[str] = None  # a one-line problem (missing path, unreadable directory)


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
        self.spec = make_spec(rest) if rest else None

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


Warn = Callable[[str], None]


def _print_warning(message: str) -> None:
    print(f"zdr-lint: warning: {message}", file=sys.stderr)


def read_gitignore(directory: str, warn: Warn = _print_warning) -> Optional["pathspec.PathSpec"]:
    """The folder's .gitignore as a PathSpec (None without one). A line git would ignore is skipped
    with a warning naming the file and line."""
    path = os.path.join(directory, ".gitignore")
    try:
        data = read_file_bytes(path)
    except NotRegularFile as exc:  # a FIFO would block the run: git does not read one either
        warn(f"{display_path(path)}: ignored: {exc}")
        return None
    except OSError:
        return None
    kept = []
    for number, raw in enumerate(data.decode("utf-8", "surrogateescape").splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        reason = bad_pattern(line)
        if reason:
            warn(f"{display_path(path)}:{number}: ignoring pattern {line!r}: {reason}")
            continue
        kept.append(line)
    return make_spec(kept) if kept else None


def _identity(path: str) -> Optional[tuple]:
    """(device, inode) of what `path` points to: the same file reached twice has one identity."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def discover(
    paths, settings: Union[Settings, SettingsResolver], warn: Warn = _print_warning,
    respect_gitignore: Optional[bool] = None, visited: Optional[list] = None,
) -> Iterator[Discovered]:
    """Yield the files to check in a stable order. Explicit files are kept unless force-exclude.
    `settings`: one Settings for every folder, or a resolver giving each folder its own;
    `respect_gitignore`, when given, overrides theirs (the project index always respects it);
    `visited` collects each folder walked (so a cache can tell later whether the walk would change)."""
    resolver = settings if isinstance(settings, SettingsResolver) else None
    excluders: dict = {}
    adjusted: dict = {}

    def settings_for(directory: str) -> Settings:
        found = resolver.for_directory(Path(directory)) if resolver is not None else settings
        if respect_gitignore is None or found.respect_gitignore == respect_gitignore:
            return found
        key = id(found)
        if key not in adjusted:
            adjusted[key] = replace(found, respect_gitignore=respect_gitignore)
        return adjusted[key]

    def excluder_for(current: Settings) -> Excluder:
        key = id(current)
        found = excluders.get(key)
        if found is None:
            found = excluders[key] = Excluder(current)
        return found

    seen_dirs: set = set()
    seen_files: set = set()
    for raw in paths:
        if not os.path.lexists(raw):
            yield Discovered(raw, "no such file or directory")
            continue
        if os.path.isdir(raw):
            current = settings_for(raw)
            if current.force_exclude and excluder_for(current).excluded(raw, is_dir=True):
                continue
            yield from _walk(raw, settings_for, excluder_for, seen_dirs, seen_files, _parent_ignores(raw, current, warn), warn, visited)
        elif os.path.isfile(raw):
            current = settings_for(os.path.dirname(os.path.abspath(raw)))
            if current.force_exclude and excluder_for(current).excluded(raw):
                continue
            key = _identity(raw)
            if key is None or key not in seen_files:
                seen_files.add(key)
                yield Discovered(raw)
        else:
            yield Discovered(raw, "not a regular file or directory (broken symlink or special file)")


def _parent_ignores(directory: str, settings: Settings, warn: Warn) -> list:
    """.gitignore files between the project root and a directory given on the command line."""
    if not settings.respect_gitignore:
        return []
    out = []
    root = settings.project_root
    target = Path(os.path.abspath(directory))
    chain = [target, *target.parents]
    for parent in reversed(chain):
        if parent != target and (parent == root or root in parent.parents):
            spec = read_gitignore(str(parent), warn)
            if spec is not None:
                out.append((str(parent), spec))
    return out


def _ignored(path: str, is_dir: bool, ignores: list) -> bool:
    for base, spec in ignores:
        rel = os.path.relpath(path, base).replace(os.sep, "/")
        if spec.match_file(rel + "/" if is_dir else rel):
            return True
    return False


def _walk(top: str, settings_for, excluder_for, seen_dirs: set, seen_files: set, ignores: list, warn: Warn, visited: Optional[list] = None) -> Iterator[Discovered]:
    """Depth-first, children in name order, with an explicit stack (no recursion limit to hit)."""
    stack = [(top, ignores)]
    while stack:
        directory, inherited = stack.pop()
        identity = _identity(directory)
        if identity is None or identity in seen_dirs:
            continue  # a symlink loop, or a tree reached twice (or gone meanwhile)
        seen_dirs.add(identity)
        if visited is not None:
            visited.append(directory)
        device = identity[0]
        current = settings_for(directory)
        excluder = excluder_for(current)
        ignores_here = inherited
        if current.respect_gitignore:
            spec = read_gitignore(directory, warn)
            if spec is not None:
                ignores_here = inherited + [(directory, spec)]
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Discovered(directory, f"cannot list directory: {exc.strerror or exc}")
            continue
        subfolders = []
        for entry in entries:
            path = os.path.join(directory, entry.name) if directory != "." else entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if not is_dir and not entry.name.endswith(SOURCE_SUFFIXES):
                continue
            if excluder.excluded(path, is_dir=is_dir, walked=True) or (ignores_here and _ignored(path, is_dir, ignores_here)):
                continue
            if is_dir:
                subfolders.append(path)
                continue
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
        # files of a folder come before its subfolders', each subfolder in name order
        stack.extend((sub, ignores_here) for sub in reversed(subfolders))
