"""Lint jobs: one per document at a time, the newest version wins, and a large document never makes
the others wait.

- A document's check runs in a worker thread. While it runs, newer versions only mark it as
  wanted again: when it ends, the latest version is checked (intermediate ones are skipped), and
  the result of a superseded version is dropped, never published.
- A document larger than `LARGE_DOCUMENT` characters is checked in a process of its own
  (`zdr_lint.lsp.worker`): libcst's parser holds the GIL, so in a thread a 5 MB document would stop
  every other document's check for as long as its parse takes. A newer version, closing the
  document, `shutdown` or `exit` kill that process at once.
- Different documents are checked side by side.

Nothing here waits for a check in flight to stop: `stop()` kills the processes and leaves the
threads, which the server's exit does not wait for.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Optional

logger = logging.getLogger(__name__)

# Above this many characters a document is checked in a process of its own. Measured: libcst parses
# about 1,000 lines (~40,000 characters) in 70 ms, holding the GIL; 200,000 characters hold it for
# about a third of a second, the most an edit elsewhere should wait.
LARGE_DOCUMENT = 200_000
THREADS = 4


class Job:
    """One check of one version of a document. `run` is called in a worker thread."""

    def __init__(self, key: str, run: Callable[["Job"], object], large: bool) -> None:
        self.key = key
        self._run = run
        self.large = large
        self.cancelled = False
        self._process: Optional["WorkerProcess"] = WorkerProcess() if large else None

    def run(self):
        return self._run(self)

    def in_process(self, target, *args):
        """Run `target(connection, *args)` in a worker process; its result, or None if killed."""
        assert self._process is not None
        return self._process.run(target, *args)

    def cancel(self) -> None:
        self.cancelled = True
        if self._process is not None:
            self._process.kill()


class Jobs:
    """The jobs of every document. Called from the event loop only."""

    def __init__(self, on_done: Callable[[Job, Future], None]) -> None:
        self.on_done = on_done
        self.threads = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="zdr-lint-check")
        # threads that only wait for a worker process: never counted against the checks above
        self.waiters = ThreadPoolExecutor(max_workers=16, thread_name_prefix="zdr-lint-wait")
        self.running: dict = {}  # key -> Job
        self.wanted: dict = {}  # key -> make(): a newer version arrived while a thread job ran
        self.stopped = False

    def submit(self, key: str, make: Callable[[], Optional[Job]]) -> None:
        """Check document `key` with the job `make()` builds (from the document as it is then)."""
        if self.stopped:
            return
        running = self.running.get(key)
        if running is not None:
            if not running.large:
                self.wanted[key] = make  # a thread cannot be stopped: the latest version goes next
                return
            running.cancel()  # a process can: the newest version starts now
        self._start(key, make())

    def cancel(self, key: str) -> None:
        self.wanted.pop(key, None)
        running = self.running.pop(key, None)
        if running is not None:
            running.cancel()

    def stop(self) -> None:
        """Kill every worker process; threads in flight are left to end (or die with the process)."""
        self.stopped = True
        self.wanted.clear()
        for job in list(self.running.values()):
            job.cancel()

    def _start(self, key: str, job: Optional[Job]) -> None:
        if job is None:
            return
        self.running[key] = job
        loop = asyncio.get_running_loop()
        future = (self.waiters if job.large else self.threads).submit(job.run)
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(self._finished, key, job, f))

    def _finished(self, key: str, job: Job, future: Future) -> None:
        if self.running.get(key) is job:
            del self.running[key]
        if not job.cancelled:
            self.on_done(job, future)
        make = self.wanted.pop(key, None) if key not in self.running else None
        if make is not None and not self.stopped:
            self._start(key, make())


# --- Worker processes --------------------------------------------------------------------------------
_context = None
_context_lock = threading.Lock()


def _mp_context():
    """multiprocessing's fork server where there is one (a fork of this threaded process would be
    unsafe), else spawn. The fork server loads the engine once; each check forks from it."""
    global _context
    with _context_lock:
        if _context is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                _context = multiprocessing.get_context("forkserver")
                _context.set_forkserver_preload(["zdr_lint.lsp._forkserver", "zdr_lint.lsp.worker"])
            else:  # pragma: no cover - Windows
                _context = multiprocessing.get_context("spawn")
        return _context


class WorkerProcess:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process = None
        self.killed = False
        self.exitcode: Optional[int] = None

    def run(self, target, *args):
        if self.killed:
            return None
        context = _mp_context()
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=target, args=(send, *args), daemon=True, name="zdr-lint-large-document")
        process.start()  # the first start launches the fork server: never under the lock `kill` takes
        send.close()  # ours: the child's end closing (it ended, or was killed) ends our recv
        with self._lock:
            self._process = process
            killed = self.killed
        try:
            if killed:
                process.kill()
                return None
            return receive.recv()
        except (EOFError, OSError):
            return None
        finally:
            with self._lock:
                self._process = None  # from now on `kill` leaves the pid alone (it may be reused)
            receive.close()
            process.join(5)
            self.exitcode = process.exitcode

    def kill(self) -> None:
        with self._lock:
            self.killed = True
            process = self._process
        if process is not None:
            try:
                process.kill()
            except (OSError, ValueError):  # already gone
                pass
