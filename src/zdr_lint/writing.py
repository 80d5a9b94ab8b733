"""The one way zdr-lint writes a user's file: reports (`--output-file`), `--add-noqa`, caches.

The rules, each tested (tests/test_writing.py):
- A symlink is followed (through every link of a chain) and its target is written; the link stays
  a link. A dangling link creates its target, as `open()` would.
- A regular file is replaced atomically: the new bytes go to a temporary file beside the target,
  are flushed to disk, get the target's mode (and owner, where allowed), then a rename puts them in
  place. A reader sees the old bytes or the new, never a half-written file.
- A regular file with several hard links is rewritten in place, so every name sees the change (a
  rename would leave the other names on the old bytes); its old bytes are kept in a temporary copy
  until the write has succeeded, and put back if it fails.
- A file that is not a regular file (a character device such as /dev/null or /dev/stdout, a FIFO a
  CI step reads from) is opened and written in place, never replaced. A FIFO nobody reads from is an
  error, not a hang. A socket or a folder is an error.
- A read-only file (no write permission bit) is not written: that is the owner's decision, as ruff
  respects it. `refuse_read_only=False` lets a writer that created the file itself replace it.
- Missing parent folders are created (`create_parents=True`, for reports, as ruff does).
- Any failure (full disk, read-only folder, permissions) leaves the target as it was, removes the
  temporary file, and raises `WriteError` whose message is one line naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from typing import Optional


class WriteError(Exception):
    """One line naming the file and the problem."""


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def resolve_target(path: str) -> str:
    """The file a write of `path` lands on: symlinks followed, made absolute."""
    return os.path.realpath(path)


def write_file(path: str, data: bytes, *, create_parents: bool = False, refuse_read_only: bool = True) -> None:
    """Write `data` to `path` by the rules above; raises WriteError (one line) on any failure."""
    try:
        # stat the path itself: the kernel follows every link, /proc's magic ones (/dev/stdout) too
        st: Optional[os.stat_result] = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {_reason(exc)}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_special(path, path, st, data)
        return
    target = resolve_target(path)
    if st is not None and refuse_read_only and not st.st_mode & 0o222:
        raise WriteError(f"{path}: read-only file (mode {stat.S_IMODE(st.st_mode):04o}): not changed; make it writable to let zdr-lint write it")
    parent = os.path.dirname(target)
    if st is None and create_parents:
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"{path}: cannot create its folder {parent}: {_reason(exc)}") from None
    if st is not None and st.st_nlink > 1:
        _rewrite_in_place(path, target, st, data)
    else:
        _replace(path, target, st, data)


def _sibling(path: str, target: str, data: bytes, suffix: str) -> str:
    """A new file next to `target` holding `data`, on disk (fsync'd); removed again on failure."""
    directory = os.path.dirname(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=suffix, dir=directory)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {_reason(exc)} (in {directory})") from None
    with _removed_on_failure(path, name):
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    return name


@contextlib.contextmanager
def _removed_on_failure(path: str, temporary: str):
    """Remove `temporary` if the block fails; an OSError becomes one WriteError naming `path`."""
    try:
        yield
    except OSError as exc:
        _remove(temporary)
        raise WriteError(f"{path}: cannot write: {_reason(exc)}") from None
    except BaseException:
        _remove(temporary)
        raise


def _replace(path: str, target: str, st: Optional[os.stat_result], data: bytes) -> None:
    temp = _sibling(path, target, data, ".zdr-tmp")
    with _removed_on_failure(path, temp):
        if st is not None:
            os.chmod(temp, stat.S_IMODE(st.st_mode))
            try:
                os.chown(temp, st.st_uid, st.st_gid)
            except OSError:
                pass  # only a privileged writer may keep another owner; the mode is kept regardless
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)  # mkstemp's 0600 is not what a new file gets
        os.replace(temp, target)


def _rewrite_in_place(path: str, target: str, st: os.stat_result, data: bytes) -> None:
    """A hard-linked file: keep its inode (every name sees the new bytes), with a backup copy."""
    try:
        with open(target, "rb") as handle:
            old = handle.read()
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {_reason(exc)}") from None
    backup = _sibling(path, target, old, ".zdr-backup")
    try:
        _overwrite(target, data)
    except OSError as exc:
        try:
            _overwrite(target, old)
        except OSError:
            raise WriteError(f"{path}: cannot write: {_reason(exc)}; its previous content is in {backup}") from None
        _remove(backup)
        raise WriteError(f"{path}: cannot write: {_reason(exc)}") from None
    _remove(backup)


def _overwrite(target: str, data: bytes) -> None:
    fd = os.open(target, os.O_WRONLY)
    try:
        _write_all(fd, data)
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_special(path: str, target: str, st: os.stat_result, data: bytes) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise WriteError(f"{path}: is a directory")
    if stat.S_ISSOCK(st.st_mode):
        raise WriteError(f"{path}: is a socket, not a file zdr-lint can write")
    try:
        # O_NONBLOCK: opening a FIFO nobody reads from fails (ENXIO) instead of waiting forever
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO and stat.S_ISFIFO(st.st_mode):
            raise WriteError(f"{path}: is a named pipe (FIFO) with no reader: nothing written") from None
        raise WriteError(f"{path}: cannot write: {_reason(exc)}") from None
    try:
        os.set_blocking(fd, True)  # a reader that is slow to read must not make the write fail
        _write_all(fd, data)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {_reason(exc)}") from None
    finally:
        os.close(fd)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
