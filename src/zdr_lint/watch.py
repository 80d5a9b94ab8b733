"""`zdr-lint check --watch`: check, then poll for changes and check again, until Ctrl-C.

Polling the files' `stat` (modification time, size, inode) needs nothing installed and works on
every platform and filesystem (network mounts, containers) where change notifications may not.
Each round stats what the last check looked at: the files, their folders (adding, removing or
renaming a file changes its folder), their .gitignore files and the settings files; a change
re-checks everything and re-lists what to watch. Re-checking everything is correct even when a
change in one module changes another's findings (the project index); a findings cache keyed by
content (see `zdr_lint.cli.run_check`) is what makes a re-check of unchanged files cheap.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, Iterable, Optional

CLEAR_SCREEN = "\x1b[H\x1b[2J\x1b[3J"  # home, clear the screen and the scroll-back, as ruff does
POLL_SECONDS = 0.5


def stat_key(path: str) -> Optional[tuple]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def snapshot(paths: Iterable[str]) -> dict:
    return {path: stat_key(path) for path in paths}


def changed(before: dict) -> list:
    """The paths of `before` whose stat differs now (appeared, vanished, modified)."""
    return [path for path, key in before.items() if stat_key(path) != key]


def _stamp() -> str:
    return time.strftime("[%H:%M:%S]")


def watch(
    run: Callable[[], object],
    targets: Callable[[], Iterable[str]],
    *,
    clear: bool = False,
    interval: float = POLL_SECONDS,
    out=None,
    err=None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Call `run()` now and after each change among `targets()`; Ctrl-C returns 0."""
    out = out or sys.stdout
    err = err or sys.stderr
    message = "Starting linter in watch mode..."
    try:
        while True:
            if clear:
                out.write(CLEAR_SCREEN)
                out.flush()
            err.write(f"{_stamp()} {message}\n")
            err.flush()
            watched = snapshot(targets())
            run()
            out.flush()
            err.write(f"{_stamp()} Watching for file changes.\n")
            err.flush()
            while True:
                sleep(interval)
                moved = changed(watched)
                if moved:
                    break
            shown = [p for p in moved if not os.path.isdir(p)] or moved
            names = ", ".join(os.path.relpath(p) for p in shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
            message = f"File change detected: {names}"
    except KeyboardInterrupt:
        return 0
