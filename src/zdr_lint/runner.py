"""Many files: the first scan, the project index, the candidates, and a process pool.

`lint_paths` gives the findings of many files in a stable order whatever the number of processes.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Optional, Sequence

from zdr_lint.config import Settings
from zdr_lint.engine import UNUSED_NOQA, Linter
from zdr_lint.gate import gate_facts
from zdr_lint.project import build_index, opens_index, read_lowered
from zdr_lint.source import CannotCheck, decode_source, parse_ast, read_file_bytes

if TYPE_CHECKING:  # typing only
    from concurrent.futures import ProcessPoolExecutor

# Below this many files past the prefilter, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 8
# The first scan (read, prefilter, ast stage) costs ~0.1 ms a file: below this many files a process
# pool's start-up costs more than the second core saves.
PARALLEL_SCAN_THRESHOLD = 1000
_worker_linter: Optional[Linter] = None
_worker_token: Optional[int] = None


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


def _lint_in_worker(path: str) -> list:
    assert _worker_linter is not None
    return _worker_linter.lint_file(path)


def _scan_in_worker(paths: list) -> list:
    assert _worker_linter is not None
    return [_scan_file(_worker_linter, path) for path in paths]


def lint_paths(linter: Linter, paths: Sequence[str], jobs: Optional[int] = None) -> list:
    """Findings for many files in a stable order (path, line, column, code), whatever `jobs` is.

    A first scan reads every file once and answers, per file: does it open the project index (it
    imports the SDK), does it pass the prefilter, and, for those that do, what does the ast stage
    say before the index exists (`gate_facts`). Then the index is built and the ast stage's answer
    completed with it; only the candidates are linted (in a process pool when there are enough)."""
    jobs = jobs or os.cpu_count() or 1
    parallel = jobs > 1 and not linter.registry.errors
    if linter.project is None:
        linter, candidates = _index_and_select(linter, paths, jobs if parallel else 1)
    else:
        candidates = [p for p in paths if _worth_linting(linter, p, None)]
    results = None
    if parallel and len(candidates) >= PARALLEL_THRESHOLD:
        chunk = max(1, len(candidates) // (jobs * 8))
        results = _in_pool(linter, min(jobs, len(candidates)), _lint_in_worker, candidates, chunk)
    if results is None:
        results = [linter.lint_file(path) for path in candidates]
    findings = [finding for result in results for finding in result]
    findings.sort(key=lambda f: f.sort_key)
    return findings


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


_warned_no_pool = False


def _worth_linting(linter: Linter, path: str, lowered: Optional[bytes]) -> bool:
    """Notebooks and unreadable files always (lint_file reports the problem); a source file if it
    passes the prefilter, or says noqa while ZDR100 is on."""
    if path.endswith(".ipynb"):
        return True
    if lowered is None:
        lowered = read_lowered(path)
        if lowered is None:
            return True
    return linter.lowered_passes_prefilter(lowered) or _says_noqa(linter, lowered)


def _says_noqa(linter: Linter, lowered: bytes) -> bool:
    return UNUSED_NOQA in linter.enabled and b"noqa" in lowered


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
    opens = opens_index(lowered, linter.index_words)
    if not linter.lowered_passes_prefilter(lowered):
        return opens, _says_noqa(linter, lowered), None
    if _says_noqa(linter, lowered):
        return opens, True, None
    try:
        tree = parse_ast(decode_source(data), path)
    except CannotCheck:
        return opens, True, None
    return opens, True, gate_facts(tree, linter.sdk_modules, linter.sdk_names)


def _index_and_select(linter: Linter, paths: Sequence[str], jobs: int) -> tuple:
    """The first scan (in a pool on a large tree), the project index, then the candidates."""
    scanned = None
    if jobs > 1 and len(paths) >= PARALLEL_SCAN_THRESHOLD:
        batches = [list(paths[i:: jobs * 4]) for i in range(jobs * 4)]
        answers = _in_pool(linter, jobs, _scan_in_worker, batches)
        if answers is not None:
            found = dict(zip((p for batch in batches for p in batch), (r for batch in answers for r in batch)))
            scanned = [found[p] for p in paths]
    if scanned is None:
        scanned = [_scan_file(linter, path) for path in paths]
    opening = [p for p, (opens, _, _) in zip(paths, scanned) if opens]
    index = build_index(paths, linter.client_factories, jobs=jobs, opening=opening)
    linter = Linter(linter.settings, linter.registry, project=index)
    selected = []
    rescan = bool(index.trigger_pairs())  # a file that failed the catalog's words may spell an indexed name
    for path, (_, passes, facts) in zip(paths, scanned):
        if passes:
            if facts is None or linter.is_candidate_by_facts(facts, path):
                selected.append(path)
        elif rescan and _worth_linting(linter, path, None):
            selected.append(path)
    return linter, selected


