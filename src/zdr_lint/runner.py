"""Many files: project roots, the project index, the cache, the candidates and a process pool.

`check_files` is what every front end calls (the CLI, the pre-commit hook through it, the flake8
plugin, the language server): for each file its project (`config.ProjectRoots`), the index of
that whole project (every Python file under the root that discovery would check, whatever paths
were given), the file's own settings (the nearest settings file), and the cache. So a file's
findings are the same whether it is checked with its project, alone, from another folder, or under
another spelling of its path.

`lint_paths` is the library's simpler entry: the index of the given paths only, no cache.
Results come out in a stable order (path, line, column, code) whatever the number of processes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from zdr_lint.cache import ProjectCache, Stamp, cache_folder, content_hash, key_of
from zdr_lint.config import CONFIG_FILES, ProjectRoots, Settings, SettingsResolver
from zdr_lint.discovery import discover
from zdr_lint.engine import NOQA_WITHOUT_REASON, UNUSED_NOQA, Linter
from zdr_lint.finding import Edit, Finding, Fix, Position
from zdr_lint.gate import gate_facts
from zdr_lint.plugins import get_registry
from zdr_lint.prefilter import lowered_passes
from zdr_lint.project import (
    RESOLVE_VERSION,
    ProjectIndex,
    build_index,
    grow_index,
    import_keys,
    index_words,
    module_name_of,
    opens_index,
    read_lowered,
    summarize_source,
    _inside_sdk,
)
from zdr_lint.source import CannotCheck, decode_source, parse_ast, read_file_bytes

if TYPE_CHECKING:  # typing only
    from concurrent.futures import ProcessPoolExecutor

# Below this many files past the prefilter, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 8
# The first scan (read, prefilter, ast stage) costs ~0.1 ms a file: below this many files a process
# pool's start-up costs more than the second core saves.
PARALLEL_SCAN_THRESHOLD = 1000
# Module summaries of one index round (an ast parse each): a pool pays off past this many files,
# or past this many bytes of source (a round of a few large modules: seconds in one process).
PARALLEL_INDEX_THRESHOLD = 64
PARALLEL_INDEX_BYTES = 1_000_000
_worker_linter: Optional[Linter] = None
_worker_token: Optional[int] = None
_warned_no_pool = False


# --- Worker processes ---------------------------------------------------------------------------------
def _pool(linter: Linter, jobs: int) -> "ProcessPoolExecutor":
    """Workers that lint with `linter`. A forked worker inherits it (building a Linter loads the
    plugins: ~60 ms); under spawn or forkserver each worker builds its own from the settings."""
    from concurrent.futures import ProcessPoolExecutor  # only runs that use a pool import it

    global _worker_linter, _worker_token
    _worker_linter, _worker_token = linter, id(linter)
    return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(linter.settings, linter.project, id(linter)))


def _init_worker(settings: Settings, project=None, token: Optional[int] = None) -> None:
    global _worker_linter, _worker_token
    if _worker_linter is None or token is None or token != _worker_token:
        _worker_linter, _worker_token = Linter(settings, project=project), token


def _lint_in_worker(item: tuple) -> tuple:
    assert _worker_linter is not None
    return _lint_one(_worker_linter, *item)


def _lint_one(linter: Linter, path: str, warnings: bool = True) -> tuple:
    """(findings, noqa warnings) of a candidate: the warnings only for a file with findings (a
    file without any prints none, as ruff), read where the file is linted, not in the main process."""
    findings = linter.lint_file(path, candidate=True)
    return findings, (_noqa_warnings(linter, path) if warnings and findings else [])


def _noqa_warnings(linter: Linter, path: str) -> list:
    try:
        return linter.noqa_warnings(path, read_file_bytes(path))
    except OSError:
        return []


def _scan_in_worker(paths: list) -> list:
    assert _worker_linter is not None
    return [_scan_file(_worker_linter, path) for path in paths]


def _per_file(linter: Linter, jobs: int, one, in_worker, paths: list) -> list:
    """`one(linter, path)` for every path, in order; on a large tree in interleaved batches in the
    pool (`in_worker(batch)` runs `one` with the worker's Linter)."""
    if jobs > 1 and len(paths) >= PARALLEL_SCAN_THRESHOLD:
        batches = [paths[i:: jobs * 4] for i in range(jobs * 4)]
        answers = _in_pool(linter, jobs, in_worker, batches)
        if answers is not None:
            found = dict(zip((p for batch in batches for p in batch), (r for batch in answers for r in batch)))
            return [found[p] for p in paths]
    return [one(linter, path) for path in paths]


def _in_pool(linter: Linter, jobs: int, function, items: list, chunk: int = 1) -> Optional[list]:
    """`function` over `items` in worker processes, results in order; None when no pool can run
    (no /dev/shm in some containers, a worker killed by the system): the caller then does the
    work in this process, after one line on stderr, rather than stopping with a traceback."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        with _pool(linter, jobs) as pool:
            return list(pool.map(function, items, chunksize=chunk))
    except (OSError, BrokenProcessPool) as exc:
        global _warned_no_pool
        if not _warned_no_pool:
            _warned_no_pool = True
            print(f"zdr-lint: warning: no worker processes ({type(exc).__name__}: {exc}); checking in one process", file=sys.stderr)
        return None


def _lint_many(linter: Linter, paths: list, jobs: int, warnings: bool = True) -> list:
    """(findings, noqa warnings) of each path, in order, in a pool when there are enough."""
    if jobs > 1 and not linter.registry.errors and len(paths) >= PARALLEL_THRESHOLD:
        # largest first, one file a task: a file's cost grows with its size and one module can take
        # seconds, so handing out the big ones first keeps every worker busy until the end
        order = sorted(range(len(paths)), key=lambda i: -_size(paths[i]))
        results = _in_pool(linter, min(jobs, len(paths)), _lint_in_worker, [(paths[i], warnings) for i in order], 1)
        if results is not None:
            by_index = dict(zip(order, results))
            return [by_index[i] for i in range(len(paths))]
    return [_lint_one(linter, path, warnings) for path in paths]


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


# --- The first scan of a file to check --------------------------------------------------------------
def _says_noqa(linter: Linter, lowered: bytes) -> bool:
    return (UNUSED_NOQA in linter.enabled or NOQA_WITHOUT_REASON in linter.enabled) and b"noqa" in lowered


# What the first scan says of a file: (opens the index, passes the prefilter, ast facts or None).
# Facts None for a passing file means "lint it whatever the index says" (a notebook, an unreadable or
# undecodable file, one that says noqa while ZDR100 is on: lint_file has the last word).
def _scan_file(linter: Linter, path: str) -> tuple:
    if path.endswith(".ipynb"):
        return False, True, None
    try:
        data = read_file_bytes(path)
    except OSError:
        return False, True, None
    lowered = data.lower()
    return (opens_index(lowered, linter.index_words), *_scan_bytes(linter, path, data, lowered, linter.package_of(path)))


def _scan_bytes(linter: Linter, path: str, data: bytes, lowered: bytes, package: str) -> tuple:
    """(passes the prefilter, ast facts or None) of a file's bytes: _scan_file's answer."""
    if not linter.lowered_passes_prefilter(lowered):
        return _says_noqa(linter, lowered), None
    if _says_noqa(linter, lowered):
        return True, None
    try:
        tree = parse_ast(decode_source(data), path)
    except CannotCheck:
        return True, None
    return True, gate_facts(tree, linter.sdk_modules, linter.sdk_names, package)


def _scan_signature(linter: Linter) -> tuple:
    """What of a Linter its first scan depends on (the index's name pairs apart): a scan made with
    one Linter serves another with the same signature."""
    return (linter.trigger_words, linter.string_pairs, linter.sdk_modules, linter.sdk_names,
            UNUSED_NOQA in linter.enabled or NOQA_WITHOUT_REASON in linter.enabled)


def _spells_indexed_pair(linter: Linter, path: str) -> bool:
    """Does a file that failed the catalog's words spell a name of the index with its module?"""
    lowered = read_lowered(path)
    return lowered is None or lowered_passes(lowered, (), linter.trigger_pairs)


def _pairs_in_worker(paths: list) -> list:
    assert _worker_linter is not None
    return [_spells_indexed_pair(_worker_linter, path) for path in paths]


def _worth_linting(linter: Linter, path: str) -> bool:
    """With the index known: notebooks and unreadable files always (lint_file reports the problem);
    a source file if it passes the prefilter or says noqa while ZDR100 is on."""
    if path.endswith(".ipynb"):
        return True
    try:
        lowered = read_file_bytes(path).lower()
    except OSError:
        return True
    return linter.lowered_passes_prefilter(lowered) or _says_noqa(linter, lowered)


def lint_paths(linter: Linter, paths: Sequence[str], jobs: Optional[int] = None) -> list:
    """Findings for many files (the library's entry): the index of these paths only, no cache.

    A first scan reads every file once and answers, per file: does it open the project index (it
    imports the SDK), does it pass the prefilter, and, for those that do, what does the ast stage
    say before the index exists (`gate_facts`). Then the index is built and the ast stage's answer
    completed with it; only the candidates are linted (in a process pool when there are enough)."""
    jobs = jobs or os.cpu_count() or 1
    parallel = jobs > 1 and not linter.registry.errors
    if linter.project is None:
        scanned = _scan_all(linter, list(paths), jobs if parallel else 1)
        index = build_index(paths, linter.client_factories, root=str(linter.settings.project_root))
        linter = Linter(linter.settings, linter.registry, project=index)
        candidates = _candidates(linter, list(paths), scanned)
    else:
        candidates = [p for p in paths if _worth_linting(linter, p)]
    findings = [f for result, _ in _lint_many(linter, candidates, jobs if parallel else 1, warnings=False) for f in result]
    findings.sort(key=lambda f: f.sort_key)
    return findings


def _scan_all(linter: Linter, paths: list, jobs: int) -> list:
    return _per_file(linter, jobs, _scan_file, _scan_in_worker, paths)


def _candidates(linter: Linter, paths: list, scanned: list, scanned_with_index: bool = False) -> list:
    """The scanned files the ast stage (completed with the index) selects. A scan made before the
    index existed is completed for the files that failed it: they may spell an indexed name."""
    selected = []
    rescan = bool(linter.trigger_pairs) and not scanned_with_index
    for path, (_, passes, facts) in zip(paths, scanned):
        if passes:
            if facts is None or linter.is_candidate_by_facts(facts, path):
                selected.append(path)
        elif rescan and _worth_linting(linter, path):
            selected.append(path)
    return selected


# --- Projects ------------------------------------------------------------------------------------------
@dataclass
class RunOptions:
    jobs: int = 1
    use_cache: bool = True
    registry: object = None  # zdr_lint.plugins.Registry
    warn: Callable[[str], None] = field(default=lambda message: print(f"zdr-lint: warning: {message}", file=sys.stderr))
    # filled by the run: a line per unreadable `# noqa` directive of a file with findings (cached too)
    noqa_warnings: list = field(default_factory=list)


@dataclass
class Project:
    """One project root and what a run knows of it."""

    root: str  # resolved
    settings: Settings  # the settings governing the root folder (index: client factories, excludes)
    files: dict = field(default_factory=dict)  # resolved path -> the path as discovered
    index: Optional[ProjectIndex] = None
    index_digest: Optional[str] = None  # of the resolved index: findings cached under it need no dependency digest
    keys: dict = field(default_factory=dict)  # resolved path -> import keys (those read or loaded this run; see keys_of)
    hashes: dict = field(default_factory=dict)  # resolved path -> content hash
    cache: Optional[ProjectCache] = None
    # the first scan of the files the index read this run (passes, ast facts), made with a Linter
    # of this signature: _check_group reuses it instead of reading each file again
    scans: dict = field(default_factory=dict)
    scan_signature: Optional[tuple] = None

    def rel(self, real: str) -> str:
        """A resolved path relative to the root (the key of its cache entries)."""
        prefix = self.root.rstrip(os.sep) + os.sep
        return real[len(prefix):] if real.startswith(prefix) else os.path.relpath(real, self.root)


class RealPaths:
    """Resolved paths, each folder resolved once (os.path.realpath costs an lstat per component,
    which on a large tree was a third of a cached run)."""

    def __init__(self) -> None:
        self._dirs: dict = {}

    def of(self, path: str) -> str:
        directory, name = os.path.split(path)
        real_dir = self._dirs.get(directory)
        if real_dir is None:
            real_dir = self._dirs[directory] = os.path.realpath(directory or ".")
        joined = os.path.join(real_dir, name)
        return os.path.realpath(joined) if os.path.islink(joined) else joined


def project_root_for(path: str, roots: Optional[ProjectRoots] = None) -> str:
    return (roots if roots is not None else ProjectRoots()).of(path)


def _has_marker(root: str) -> bool:
    return root != ProjectRoots.LOOSE


def check_files(files: Sequence[str], resolver: SettingsResolver, options: RunOptions, walked: Sequence[str] = ()) -> list:
    """The findings of `files` (as discovered), each with its project's index and its own settings.
    `walked`: folders whose every file discovery already gave in `files` (a project rooted at one
    is not walked again)."""
    registry = options.registry or get_registry()
    roots = ProjectRoots()
    projects: dict = {}
    real = RealPaths()
    for path in files:
        root = roots.of_file(path)
        project = projects.get(root)
        if project is None:
            project = projects[root] = Project(root, resolver.for_directory(Path(root)))
        project.files[real.of(path)] = path
    findings: list = []
    for root in sorted(projects):
        findings.extend(_check_project(projects[root], resolver, registry, options, real, walked))
    findings.sort(key=lambda f: f.sort_key)
    return findings


WALK_KEY = "walk"  # the project cache's entry for the last walk of the project
RESOLVED_KEY = "resolved"  # the project cache's entry for the last resolved index


def _project_files(project: Project, resolver: SettingsResolver, options: RunOptions, real: Optional[RealPaths] = None,
                   walked: Sequence[str] = (), cache: Optional[ProjectCache] = None) -> dict:
    """resolved path -> path, for every Python file of the project (the index covers them all);
    without a project marker (no settings file, no version control), only the files given.

    The walk is cached: when no folder of the last walk has changed (a file added, removed or
    renamed changes its folder's modification time) and no `.gitignore` or settings file in them has,
    the last walk's files are the project's, and a run that checks one file (pre-commit) does not
    walk the whole tree."""
    real = real or RealPaths()
    every = {path: name for path, name in project.files.items() if name.endswith((".py", ".pyi"))}
    if not _has_marker(project.root):
        return every
    if any(os.path.realpath(folder) == project.root for folder in walked) and project.settings.respect_gitignore:
        return every  # the run walked the whole project as the index would
    key = key_of(project.settings.exclude, project.settings.extend_exclude)
    stored = cache.meta.entries.get(WALK_KEY) if cache is not None else None
    if isinstance(stored, dict) and stored.get("key") == key and _walk_unchanged(project.root, stored):
        for rel in stored["files"]:
            every.setdefault(os.path.join(project.root, rel), os.path.join(project.root, rel))
        return every
    quiet = lambda message: None  # the walk of the files given already warned about their .gitignore lines  # noqa: E731
    visited: list = []
    found: list = []
    # the index covers what discovery would check with .gitignore respected, whatever the run's flag
    for item in discover([project.root], resolver, warn=quiet, respect_gitignore=True, visited=visited):
        if item.error is None and item.path.endswith((".py", ".pyi")):
            path = real.of(item.path)
            every.setdefault(path, item.path)
            found.append(project.rel(path))
    if cache is not None:
        cache.meta.put(WALK_KEY, {"key": key, "folders": _folder_stamps(project, visited), "files": found})
    return every


_WATCHED = (".gitignore",) + CONFIG_FILES  # files of a folder whose change can change the walk


def _folder_stamps(project: Project, folders: list) -> dict:
    out = {}
    for folder in folders:
        resolved = os.path.realpath(folder)
        try:
            stamps = [os.stat(resolved).st_mtime_ns]
        except OSError:
            continue
        for name in _WATCHED:
            try:
                st = os.stat(os.path.join(resolved, name))
                stamps.append([name, st.st_size, st.st_mtime_ns])
            except OSError:
                pass
        out[project.rel(resolved) if resolved != project.root else "."] = stamps
    return out


def _walk_unchanged(root: str, stored: dict) -> bool:
    folders = stored.get("folders")
    if not isinstance(folders, dict) or not isinstance(stored.get("files"), list):
        return False
    for rel, stamps in folders.items():
        folder = root if rel == "." else os.path.join(root, rel)
        try:
            if os.stat(folder).st_mtime_ns != stamps[0]:
                return False
            for name, size, mtime in stamps[1:]:
                st = os.stat(os.path.join(folder, name))
                if (st.st_size, st.st_mtime_ns) != (size, mtime):
                    return False
        except (OSError, TypeError, ValueError, IndexError):
            return False
    return True


def _open_project(project: Project, resolver: SettingsResolver, registry, options: RunOptions,
                  real: Optional[RealPaths] = None, walked: Sequence[str] = (), scan: bool = False) -> tuple:
    """(cache, every file of the project) with the project's index built: what checking one of its
    files needs, for check_files and linter_for alike. `scan`: the files are checked next (by
    `_check_project`), so the index's pass over them also makes their first scan."""
    settings = project.settings
    base = Linter(settings, registry)
    factories = base.client_factories
    run_key = key_of(_settings_key(settings), _plugins_key(registry))
    # a cache belongs to a project: files outside any (no settings file, no version control) get none
    use_cache = options.use_cache and _has_marker(project.root)
    folder = cache_folder(project.root, settings.cache_dir, str(settings.project_root)) if use_cache else None
    cache = ProjectCache.open(folder, key_of("index", list(factories)), run_key)
    every = _project_files(project, resolver, options, real, walked, cache)
    project.index = _index(project, every, factories, cache, options, base, scan)
    return cache, every


def _check_project(project: Project, resolver: SettingsResolver, registry, options: RunOptions, real: Optional[RealPaths] = None, walked: Sequence[str] = ()) -> list:
    cache, every = _open_project(project, resolver, registry, options, real, walked, scan=True)
    # the files to check, each with the Linter of its own settings (nearest settings file)
    linters: dict = {}
    groups: dict = {}
    by_folder: dict = {}
    for real, path in sorted(project.files.items(), key=lambda kv: kv[1]):
        folder = os.path.dirname(path)
        own = by_folder.get(folder)
        if own is None:
            own = by_folder[folder] = resolver.for_path(path)
        linter = linters.get(id(own))
        if linter is None:
            linter = linters[id(own)] = Linter(own, registry, project=project.index)
        groups.setdefault(id(own), []).append((real, path))
    findings: list = []
    for key, members in groups.items():
        findings.extend(_check_group(project, linters[key], members, cache, options))
    cache.findings.keep_only({project.rel(real) for real in every})
    cache.save()
    return findings


def _settings_key(settings: Settings) -> list:
    """What of the settings can change a file's findings (not the output format, not excludes; not
    `fail-on` or the baseline either: the CLI applies them to the run's findings, after the cache)."""
    return [
        sorted(settings.select), sorted(settings.extend_select), sorted(settings.ignore),
        [list(p) for p in settings.per_file_ignores], sorted(settings.client_factories),
        # patterns are relative to the settings' folder: only then does the folder matter
        str(settings.project_root) if settings.per_file_ignores else None,
        getattr(settings, "min_confidence", None),
        # the profile and policy judge every verdict (severity, message, whether it is raised at all)
        settings.profile, [list(p) for p in settings.policy_table], settings.require_reason, settings.ignore_noqa,
    ]


def _plugins_key(registry) -> list:
    return sorted(f"{code}:{getattr(rule, '__module__', '')}" for code, rule in registry.rules.items())


def _index(project: Project, every: dict, factories: Sequence[str], cache: ProjectCache, options: RunOptions, linter: Linter, scan: bool = False) -> ProjectIndex:
    """The project's index, from cached per-file facts where the file is unchanged. With `scan`,
    each file read also gets its first scan, made with `linter` (project.scans)."""
    modules: dict = {}
    rels: dict = {}  # real -> path relative to the root (the cache's key)
    opening: list = []
    facts_of: dict = {}  # real -> _facts_digest of its entry
    to_read: list = []
    words = index_words(factories)
    project.cache, project.keys = cache, {}
    for real, path in every.items():
        rel = rels[real] = project.rel(real)
        try:
            stamp = Stamp.of(os.stat(real))
        except OSError:
            continue
        entry = cache.index.fresh(rel, stamp)
        if entry is not None and "facts" in entry and isinstance(entry.get("module"), list):
            # a module name is a function of the path relative to the root, the entry's key
            modules[real] = (entry["module"][0], entry["module"][1])
            facts_of[real] = entry["facts"]
            project.hashes[real] = entry["hash"]
            if entry["opens"]:
                opening.append(real)
        else:
            modules[real] = module_name_of(real, project.root or None, resolved=bool(project.root))
            to_read.append((real, rel, stamp))
    # files changed since the cache was written (all, on a cold run): read, hashed and read for
    # the index's facts, in worker processes on a large tree
    # (the first scan of each file is made in the same pass, with `linter`: _check_group uses it)
    items = [(real, *modules[real], words, scan) for real, _, _ in to_read]
    facts = None
    if options.jobs > 1 and len(items) >= PARALLEL_SCAN_THRESHOLD:
        facts = _in_pool(linter, options.jobs, _file_facts, items, max(1, len(items) // (options.jobs * 8)))
    if facts is None:
        facts = [_file_facts(item, linter) for item in items]
    project.scans, project.scan_signature = {}, _scan_signature(linter) if scan else None
    for (real, rel, stamp), found in zip(to_read, facts):
        if found is None:
            continue
        digest, opens, file_keys, scan = found
        if scan is not None:
            project.scans[real] = scan
        project.hashes[real] = digest
        project.keys[real] = frozenset(file_keys)
        entry = cache.index.with_hash(rel, digest)
        if entry is None or entry.get("module") != list(modules[real]) or "facts" not in entry:
            entry = {"hash": digest, "module": list(modules[real]), "opens": opens, "facts": _facts_digest(modules[real], opens, file_keys)}
        if cache.index.get(rel) != (entry := dict(entry, stamp=stamp.as_list())):
            cache.index.put(rel, entry)  # (a file re-read only because it was edited close to the last write is unchanged)
        bulky = cache.facts.get(rel)
        if bulky is None or bulky.get("hash") != digest:
            cache.facts.put(rel, {"hash": digest, "keys": file_keys})
        facts_of[real] = entry["facts"]
        if entry["opens"]:
            opening.append(real)
    live = {rels[real] for real in modules}
    cache.index.keep_only(live)
    cache.facts.keep_only(live)
    summarized: dict = {}  # real -> digest of its summary, for every file the index asked for

    def summarize_many(reals: list) -> list:
        out: dict = {}
        for real in reals:
            bulky = cache.facts.get(project.rel(real))
            if bulky is not None and "summary" in bulky and bulky.get("hash") == project.hashes.get(real):
                out[real] = bulky["summary"]
        missing = [real for real in reals if real not in out and not _inside_sdk(modules[real][0])]
        many = len(missing) >= PARALLEL_INDEX_THRESHOLD
        if options.jobs > 1 and len(missing) > 1 and (many or sum(map(_size, missing)) >= PARALLEL_INDEX_BYTES):
            results = _in_pool(linter, options.jobs, _summarize_in_worker, [(real, *modules[real]) for real in missing], max(1, len(missing) // (options.jobs * 8)) if many else 1)
        else:
            results = None
        if results is None:
            results = [_summarize_path(real, *modules[real]) for real in missing]
        for real, summary in zip(missing, results):
            out[real] = summary
            digest = project.hashes.get(real)
            if digest is not None:
                rel = project.rel(real)
                cache.facts.put(rel, {"hash": digest, "keys": sorted(keys_of(project, real)), "summary": summary})
        found = [out.get(real) for real in reals]
        summarized.update((real, key_of(summary)) for real, summary in zip(reals, found))
        return found

    # The index is a function of every file's facts (module, opens, import keys) and of the summaries
    # it read: when neither changed since the last run, the last run's index is the answer, and
    # resolving it again (a third of a cached run on a large tree) is skipped.
    facts_key = content_hash("\n".join(sorted(f"{rels[real]}\0{digest}" for real, digest in facts_of.items())).encode("utf-8", "surrogateescape"))
    stored = cache.meta.entries.get(RESOLVED_KEY)
    if isinstance(stored, dict) and stored.get("facts") == facts_key and stored.get("factories") == list(factories) and stored.get("v") == RESOLVE_VERSION:
        try:
            before = {os.path.join(project.root, rel): tuple(item) for rel, item in stored["summarized"].items()}
            if all(real in modules for real in before):
                # a summary is read again only where its file's content changed (a summary is a function of the content)
                summarize_many([real for real, (digest, _) in before.items() if project.hashes.get(real) != digest])
                if all(summarized.get(real, summary) == summary for real, (_, summary) in before.items()):
                    project.index_digest = stored["digest"]
                    return _index_from_json(stored["index"], project, modules)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # an entry of another shape: resolve afresh
        summarized.clear()
    keys = {real: keys_of(project, real) for real in modules if real in project.hashes}
    index = grow_index(modules, keys, opening, None, factories, project.root or None, summarize_many)
    as_json = _index_to_json(index, project)
    project.index_digest = key_of(as_json)
    cache.meta.put(RESOLVED_KEY, {
        "v": RESOLVE_VERSION, "facts": facts_key, "factories": list(factories), "digest": project.index_digest, "index": as_json,
        "summarized": {project.rel(real): [project.hashes.get(real), digest] for real, digest in summarized.items()},
    })
    return index


def keys_of(project: Project, real: str) -> frozenset:
    """A file's import keys: as read this run, else from the cache (valid for its content hash),
    else read from the file again."""
    known = project.keys.get(real)
    if known is not None:
        return known
    digest = project.hashes.get(real)
    bulky = project.cache.facts.get(project.rel(real)) if project.cache is not None else None
    if bulky is not None and digest is not None and bulky.get("hash") == digest and isinstance(bulky.get("keys"), list):
        known = frozenset(bulky["keys"])
    else:
        module, is_package = project.index.module_of(real) if project.index is not None else module_name_of(real, project.root or None)
        lowered = read_lowered(real)
        known = frozenset(import_keys(lowered, module, is_package)) if lowered is not None else frozenset()
    project.keys[real] = known
    return known


def _facts_digest(module: tuple, opens: bool, keys: list) -> str:
    """What of a file the index's rounds read besides its summary: its module, whether it opens the index, its import keys."""
    return key_of(list(module), opens, keys)


def _index_to_json(index: ProjectIndex, project: Project) -> dict:
    return {
        "client_names": sorted(index.client_names), "strings": index.strings,
        "request_constants": {module: sorted(names) for module, names in index.request_constants.items()},
        "forced": sorted(project.rel(path) for path in index.forced_paths),
    }


def _index_from_json(item: dict, project: Project, modules: dict) -> ProjectIndex:
    return ProjectIndex(
        client_names=frozenset(item["client_names"]), strings=dict(item["strings"]),
        request_constants={module: frozenset(names) for module, names in item["request_constants"].items()},
        modules=dict(modules), forced_paths=frozenset(os.path.join(project.root, rel) for rel in item["forced"]),
        root=project.root or None,
    )


def _file_facts(item: tuple, linter: Optional[Linter] = None) -> Optional[tuple]:
    """(content hash, opens the index, import keys, first scan or None) of a file, or None when it
    cannot be read. One read for the index and the scan; in a worker, `linter` is the worker's."""
    real, module, is_package, words, scan = item
    try:
        data = read_file_bytes(real)
    except OSError:
        return None
    lowered = data.lower()
    first = _scan_bytes(linter or _worker_linter, real, data, lowered, module.split(".")[0]) if scan else None
    return content_hash(data), opens_index(lowered, words), import_keys(lowered, module, is_package), first


def _summarize_path(real: str, module: str, is_package: bool) -> Optional[dict]:
    try:
        data = read_file_bytes(real)
    except OSError:
        return None
    return summarize_source(data, real, module, is_package)


def _summarize_in_worker(item: tuple) -> Optional[dict]:
    return _summarize_path(*item)


def _check_group(project: Project, linter: Linter, members: list, cache: ProjectCache, options: RunOptions) -> list:
    """One settings' files of a project: cached findings where the file and what it imports from
    the index are unchanged; the rest scanned, gated and linted."""
    linter_key = key_of(_settings_key(linter.settings))
    index = project.index
    out: list = []
    todo: list = []
    for real, path in members:
        rel = project.rel(real)
        digest = project.hashes.get(real)
        if digest is None:  # not indexed (a notebook, unreadable): never cached
            todo.append((real, path, None, None))
            continue
        entry = cache.findings.get(rel)
        usable = entry is not None and entry.get("hash") == digest and entry.get("linter") == linter_key
        if usable and entry.get("index") == project.index_digest:
            deps = entry.get("deps")  # the same index as when they were found: its dependencies are unchanged
        else:
            module = (index.modules.get(real) or index.module_of(real))[0]
            deps = _dependency_digest(index, keys_of(project, real), module)
            if usable and entry.get("deps") == deps:
                cache.findings.put(rel, dict(entry, index=project.index_digest))  # next time without the digest
            else:
                usable = False
        if usable:
            found = _findings_from_json(entry["findings"], path)
            out.extend(found)
            options.noqa_warnings.extend(_rebase_warnings(entry.get("noqa", ()), entry.get("path", path), path))
        else:
            todo.append((real, path, digest, deps))
    if todo:
        paths = [path for _, path, _, _ in todo]
        selected = set(_candidates(linter, paths, _first_scans(project, linter, todo, options), scanned_with_index=True))
        to_lint = [p for p in paths if p in selected]
        results = dict(zip(to_lint, _lint_many(linter, to_lint, options.jobs)))
        for real, path, digest, deps in todo:
            found, warnings = results.get(path, ([], []))
            out.extend(found)
            options.noqa_warnings.extend(warnings)
            if digest is not None and not any(f.code == "ZDR000" for f in found):
                cache.findings.put(project.rel(real), {"hash": digest, "deps": deps, "index": project.index_digest, "linter": linter_key, "findings": _findings_to_json(found), "noqa": warnings, "path": path})
    return out


def _first_scans(project: Project, linter: Linter, todo: list, options: RunOptions) -> list:
    """The first scan of each file to check, with `linter` and the index's names: the one the index's
    pass made where its Linter scans alike (completed for the index's name pairs), else a new one."""
    reuse = project.scan_signature == _scan_signature(linter)
    scanned: list = [None] * len(todo)
    fresh, pairs = [], []
    for i, (real, path, _, _) in enumerate(todo):
        known = project.scans.get(real) if reuse else None
        if known is None:
            fresh.append(i)
        elif known[0] or not linter.trigger_pairs:
            scanned[i] = (False, *known)
        else:
            pairs.append(i)
    if pairs:
        spelled = _per_file(linter, options.jobs, _spells_indexed_pair, _pairs_in_worker, [todo[i][1] for i in pairs])
        for i, hit in zip(pairs, spelled):
            if hit:
                fresh.append(i)  # it passes with the index: its ast facts are needed
            else:
                scanned[i] = (False, False, None)
    if fresh:
        for i, answer in zip(fresh, _scan_all(linter, [todo[i][1] for i in fresh], options.jobs)):
            scanned[i] = answer
    return scanned


def _rebase_warnings(lines, cached_path: str, path: str) -> list:
    """Cached warning lines name the file as the run that wrote them spelled it: spell it as now."""
    return [path + line[len(cached_path):] if line.startswith(cached_path) else line for line in lines]


def _dependency_digest(index: ProjectIndex, keys: frozenset, module: str) -> str:
    """What of the index this file's findings can depend on: entries it may import, and its own module's."""
    return index.digest_for(index.modules_for_keys(keys) | {module})


def _findings_to_json(findings: list) -> list:
    return [
        [f.code, f.message, f.start.line, f.start.column, f.end.line, f.end.column, f.severity, f.confidence,
         f.category, f.url, f.noqa_line, f.cell, f.trigger, list(f.basis) if f.basis is not None else None, fix_to_json(f.fix)]
        for f in findings
    ]


def _findings_from_json(items: list, path: str) -> list:
    out = []
    for code, message, line, column, end_line, end_column, severity, confidence, category, url, noqa_line, cell, trigger, basis, fix in items:
        out.append(Finding(
            code, message, path, Position(line, column), Position(end_line, end_column), severity, confidence, category, url, noqa_line, cell,
            trigger=trigger, basis=tuple(basis) if basis is not None else None, fix=fix_from_json(fix),
        ))
    return out


def fix_to_json(fix: Optional[Fix]) -> Optional[list]:
    if fix is None:
        return None
    return [fix.applicability, fix.message, [[e.content, e.start.line, e.start.column, e.end.line, e.end.column] for e in fix.edits]]


def fix_from_json(item: Optional[list]) -> Optional[Fix]:
    if item is None:
        return None
    applicability, message, edits = item
    return Fix(applicability, message, tuple(Edit(content, Position(a, b), Position(c, d)) for content, a, b, c, d in edits))


def linter_for(path: str, resolver: SettingsResolver, options: RunOptions, projects: Optional[dict] = None) -> Linter:
    """The Linter for one file as every front end checks it: its own settings, and the (cached)
    index of its whole project. For text that is not on disk yet (stdin, an editor's buffer) the
    index is the project's as saved. `projects` (root -> Project) keeps indexes between calls."""
    registry = options.registry or get_registry()
    root = project_root_for(path)
    project = (projects or {}).get(root)
    if project is None:
        project = Project(root, resolver.for_directory(Path(root)))
        cache, _ = _open_project(project, resolver, registry, options)
        cache.save_index()
        if projects is not None:
            projects[root] = project
    return Linter(resolver.for_path(path), registry, project=project.index)


# --- For a front end that stays running (the language server) ----------------------------------------
# It keeps each Project of `linter_for` between edits, refreshes its index when files change on disk,
# and re-checks an open document only when what its findings depend on has changed.
def refresh_project(project: Project, resolver: SettingsResolver, options: RunOptions) -> None:
    """Bring `project.index` up to date after files of the project were saved, created or deleted:
    the walk finds the files as the CLI would, and the cache serves every file whose stamp is
    unchanged, so only the changed files are read and summarised again."""
    cache, _ = _open_project(project, resolver, options.registry or get_registry(), options)
    cache.save_index()


def source_dependencies(index: ProjectIndex, source: str, path: str) -> tuple:
    """(import keys, module name) of a file's text, maybe unsaved: what `dependency_digest` reads."""
    module, is_package = index.module_of(path)
    lowered = source.encode("utf-8", "surrogateescape").lower()
    return frozenset(import_keys(lowered, module, is_package)), module


def dependency_digest(index: ProjectIndex, keys: frozenset, module: str) -> str:
    """What of the index the findings of a file with these import keys depend on (as the cache sees it)."""
    return _dependency_digest(index, keys, module)
