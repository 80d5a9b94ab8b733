"""The persistent cache: `.zdr_lint_cache/` at the project root, as ruff's `.ruff_cache/`.

Two kinds of facts, each in its own JSON file under a folder named for zdr-lint's version:
- index facts per file (`index-<key>/`, and the bulky part, its import keys and module
  summary, in `facts-<key>/`): what the project index reads from a file (whether it can open the
  index, its import keys, its module summary), keyed by the settings that shape the index (client
  factories) and valid while the file's content hash is unchanged; beside them
  (`project-<key>.json`) the project's last walk and its resolved index, reused while no file's
  facts changed;
- findings per file (`findings-<key>/`): keyed by every setting that affects a result, the
  installed plugins, and valid while the file's content hash and the digest of the index facts of
  the modules it imports are unchanged. An edit of `app/llm.py` changes the digest of its importers
  only; every other file's findings are reused.

The per-file kinds are split over 64 shard files each, so a run that checks one file (the
pre-commit hook) rewrites a few small files.

A file is taken as unchanged without reading it when its size, modification time and inode match
and it was last modified well before the cache was written (a change within the same clock tick
as the write is re-read, as git's index does). Otherwise its bytes are hashed.

Safety: JSON only (a cache is data; unpickling a file from a checked-out repository could run
code), every write through `zdr_lint.writing` (atomic: two runs writing at once leave one whole file,
either is right), and a corrupt, truncated, foreign or unwritable cache is one warning line and a
cold run, never a wrong result or a crash. The folder holds its own `.gitignore` (`*`) and a
`CACHEDIR.TAG`, so git and backup tools skip it. `--no-cache` turns it off, `cache-dir` (setting) or
`ZDR_LINT_CACHE_DIR` moves it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Optional

from zdr_lint import __version__
from zdr_lint.source import read_file_bytes
from zdr_lint.writing import WriteError, write_file

CACHE_DIR_NAME = ".zdr_lint_cache"
CACHE_DIR_VARIABLE = "ZDR_LINT_CACHE_DIR"
FORMAT = 3  # 2: findings carry their trigger, basis and fix; 3: sharded, import keys as strings, the resolved index kept
CACHEDIR_TAG = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This file is a cache directory tag created by zdr-lint.\n"
    b"# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# A file modified this close to the cache's write time is hashed again: the clock may not have
# ticked between its edit and the write.
RACY_NS = 2_000_000_000

_warned: set = set()


def warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(f"zdr-lint: warning: {message}", file=sys.stderr)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def key_of(*parts) -> str:
    """A short stable key for settings: the JSON of the parts, hashed."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()


def cache_folder(root: str, configured: Optional[str] = None, config_root: Optional[str] = None) -> str:
    """Where the cache of a project lives: ZDR_LINT_CACHE_DIR, else the `cache-dir` setting (relative
    to its settings file), else `.zdr_lint_cache` at the project root. A shared folder holds each
    project in its own sub-folder."""
    override = os.environ.get(CACHE_DIR_VARIABLE) or configured
    if not override:
        return os.path.join(root, CACHE_DIR_NAME)
    base = os.path.expanduser(override)
    if not os.path.isabs(base):
        base = os.path.join(config_root or os.getcwd(), base)
    return os.path.join(base, hashlib.blake2b(os.fsencode(root), digest_size=8).hexdigest())


@dataclass
class Stamp:
    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> "Stamp":
        return cls(st.st_size, st.st_mtime_ns, st.st_ino)

    def as_list(self) -> list:
        return [self.size, self.mtime_ns, self.inode]


@dataclass
class CacheFile:
    """One JSON file of the cache: entries by path relative to the project root."""

    path: Optional[str]  # None: caching is off
    entries: dict = field(default_factory=dict)
    written_ns: int = 0
    dirty: bool = False
    top: Optional[str] = None  # the cache folder (its .gitignore and CACHEDIR.TAG); None: two folders up

    @classmethod
    def load(cls, path: Optional[str], top: Optional[str] = None) -> "CacheFile":
        loaded = cls._load(path)
        loaded.top = top
        return loaded

    @classmethod
    def _load(cls, path: Optional[str]) -> "CacheFile":
        if path is None:
            return cls(None)
        try:
            data = json.loads(read_file_bytes(path))  # a FIFO planted in the cache is refused, not waited on
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
            warn_once(f"{path}: ignoring the cache ({type(exc).__name__}: {exc}); checking from scratch")
            return cls(path)
        if not (isinstance(data, dict) and data.get("format") == FORMAT and data.get("version") == __version__ and isinstance(data.get("entries"), dict)):
            warn_once(f"{path}: ignoring a cache of another shape or version; checking from scratch")
            return cls(path)
        return cls(path, data["entries"], int(data.get("written_ns", 0)))

    def fresh(self, rel: str, stamp: Stamp) -> Optional[dict]:
        """The entry of a file whose stamp matches and that was not modified near the last write."""
        entry = self.entries.get(rel)
        if not isinstance(entry, dict) or entry.get("stamp") != stamp.as_list():
            return None
        if stamp.mtime_ns >= self.written_ns - RACY_NS:
            return None
        return entry

    def with_hash(self, rel: str, digest: str) -> Optional[dict]:
        entry = self.entries.get(rel)
        return entry if isinstance(entry, dict) and entry.get("hash") == digest else None

    def put(self, rel: str, entry: dict) -> None:
        self.entries[rel] = entry
        self.dirty = True

    def keep_only(self, rels: set) -> None:
        gone = [rel for rel in self.entries if rel not in rels]
        for rel in gone:
            del self.entries[rel]
        self.dirty = self.dirty or bool(gone)

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        folder = os.path.dirname(self.path)
        try:
            _prepare(self.top or os.path.dirname(folder))
            os.makedirs(folder, exist_ok=True)
            payload = {"format": FORMAT, "version": __version__, "written_ns": time.time_ns(), "entries": self.entries}
            write_file(self.path, json.dumps(payload, separators=(",", ":")).encode("utf-8", "surrogateescape"), refuse_read_only=False)
            self.dirty = False
        except (OSError, WriteError) as exc:
            warn_once(f"cannot write the cache ({exc}); results are not cached")


def _prepare(folder: str) -> None:
    """The cache folder with its .gitignore and CACHEDIR.TAG (written once)."""
    os.makedirs(folder, exist_ok=True)
    for name, data in ((".gitignore", b"# Automatically created by zdr-lint.\n*\n"), ("CACHEDIR.TAG", CACHEDIR_TAG)):
        target = os.path.join(folder, name)
        if not os.path.exists(target):
            write_file(target, data, refuse_read_only=False)


SHARDS = 64


def shard_of(rel: str) -> int:
    return hashlib.blake2b(rel.encode("utf-8", "surrogateescape"), digest_size=1).digest()[0] % SHARDS


@dataclass
class ShardedCache:
    """Entries by path spread over SHARDS JSON files of one folder, each loaded when an entry in it
    is first asked for and written only when changed: a run that needs a few entries (pre-commit's
    staged files) reads and rewrites a few small files, not the whole project's."""

    folder: Optional[str]  # None: caching is off
    top: Optional[str] = None
    shards: dict = field(default_factory=dict)  # number -> CacheFile

    def _shard(self, rel: str) -> CacheFile:
        number = shard_of(rel)
        shard = self.shards.get(number)
        if shard is None:
            path = os.path.join(self.folder, f"{number:02x}.json") if self.folder is not None else None
            shard = self.shards[number] = CacheFile.load(path, self.top)
        return shard

    def get(self, rel: str) -> Optional[dict]:
        entry = self._shard(rel).entries.get(rel)
        return entry if isinstance(entry, dict) else None

    def fresh(self, rel: str, stamp: Stamp) -> Optional[dict]:
        return self._shard(rel).fresh(rel, stamp)

    def with_hash(self, rel: str, digest: str) -> Optional[dict]:
        return self._shard(rel).with_hash(rel, digest)

    def put(self, rel: str, entry: dict) -> None:
        self._shard(rel).put(rel, entry)

    def keep_only(self, rels: set) -> None:
        """Drop the entries of files that are gone, from the shards this run loaded (the others'
        stale entries are never read: an entry is only used for its own path and content hash)."""
        for shard in self.shards.values():
            shard.keep_only(rels)

    def save(self) -> None:
        for shard in self.shards.values():
            shard.save()


@dataclass
class ProjectCache:
    """The cache of one project root for one run's settings: the project's last walk and resolved
    index (`meta`), each file's stamp and index facts (`index`: every run reads all of it), the
    import keys and module summaries behind those facts (`facts`), and the findings. All but
    `meta` are sharded, so a run that changed one file rewrites one shard of each."""

    meta: CacheFile
    index: ShardedCache
    facts: ShardedCache
    findings: ShardedCache

    @classmethod
    def open(cls, folder: Optional[str], index_key: str, findings_key: str) -> "ProjectCache":
        if folder is None:
            return cls(CacheFile(None), ShardedCache(None), ShardedCache(None), ShardedCache(None))
        versioned = os.path.join(folder, __version__)
        return cls(
            CacheFile.load(os.path.join(versioned, f"project-{index_key}.json"), folder),
            ShardedCache(os.path.join(versioned, f"index-{index_key}"), folder),
            ShardedCache(os.path.join(versioned, f"facts-{index_key}"), folder),
            ShardedCache(os.path.join(versioned, f"findings-{findings_key}"), folder),
        )

    def save(self) -> None:
        self.save_index()
        self.findings.save()

    def save_index(self) -> None:
        """What the index learnt (a front end that checks no file itself, the language server)."""
        self.meta.save()
        self.index.save()
        self.facts.save()
