"""The baseline: today's findings recorded once, so only new ones fail (`--write-baseline FILE`,
`--baseline FILE`, `baseline = "..."`).

An entry is a finding's code, its path (relative to the repository root, as SARIF's) and its
fingerprint: the same line hash as SARIF's `partialFingerprints.primaryLocationLineHash` (a hash of
the path, the code, the cell and the line's text with its whitespace squeezed, then `:n` for the
n-th such line), so it survives edits elsewhere in the file. Each entry also holds a hash of the
same text without the path, and what was used (the message's first part), for a reviewer.

Matching, in three passes, each entry used once:
1. the same code, path and fingerprint;
2. the same code, path and line text, at another occurrence number (a block moved above an
   identical line);
3. the same code and line text in a file not in the baseline, when the entry's own file is gone
   (a renamed or moved file).
A finding nothing matches is new; an entry nothing matches, of a file that was checked or no longer
exists, no longer matches (`--write-baseline` drops it; entries of files this run did not check are
kept as they are). The file is JSON with sorted keys and entries, two-space indents and a final
newline: the same findings always write the same bytes, and a diff of it reads as a review.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from zdr_lint.finding import Finding
from zdr_lint.formats._common import line_body, line_hashes, relative, text_path
from zdr_lint.source import read_file_bytes
from zdr_lint.writing import WriteError, write_file

FORMAT_KEY = "zdr-lint-baseline"
FORMAT = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or written: one line naming the file."""


@dataclass(frozen=True, order=True)
class Entry:
    path: str
    code: str
    fingerprint: str
    content: str
    what: str = field(default="", compare=False)

    def as_json(self) -> dict:
        return {"code": self.code, "content": self.content, "fingerprint": self.fingerprint, "path": self.path, "what": self.what}


@dataclass
class Match:
    new: list  # findings the baseline does not hold
    matched: list  # (finding, entry)
    stale: list  # entries that no longer match a finding
    kept: list  # entries of files this run did not check (left as they are)


def content_hash(f: Finding) -> str:
    key = "\0".join((f.code, str(f.cell or ""), line_body(f)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _what(f: Finding) -> str:
    return f.message.split(": ", 1)[0]


def entries_of(findings: list, root: Path) -> list:
    """One entry per finding (in the findings' order; `findings` sorted as every output sorts them)."""
    hashes = line_hashes(findings, root)
    return [Entry(text_path(relative(f.path, root)), f.code, h, content_hash(f), _what(f)) for f, h in zip(findings, hashes)]


def load(path: str) -> list:
    """The entries of a baseline file; BaselineError (one line) when it cannot be read."""
    try:
        data = json.loads(read_file_bytes(path).decode("utf-8"))  # a FIFO or device is refused, never waited on
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found (write one with --write-baseline {path})") from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{path}: not a zdr-lint baseline (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT or not isinstance(data.get("entries"), list):
        raise BaselineError(f"{path}: not a zdr-lint baseline (expected {{\"{FORMAT_KEY}\": {FORMAT}, \"entries\": [...]}})")
    entries = []
    for i, item in enumerate(data["entries"]):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("code", "path", "fingerprint", "content")):
            raise BaselineError(f"{path}: entry {i + 1} needs string code, path, fingerprint and content")
        entries.append(Entry(item["path"], item["code"], item["fingerprint"], item["content"], str(item.get("what", ""))))
    return entries


def render(entries: Iterable[Entry], profile: str, policy: tuple) -> bytes:
    data = {
        FORMAT_KEY: FORMAT,
        "profile": profile,
        "policy": dict(policy),
        "entries": [e.as_json() for e in sorted(entries)],
    }
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write(path: str, entries: Iterable[Entry], profile: str, policy: tuple) -> None:
    try:
        write_file(path, render(entries, profile, policy), create_parents=True)
    except WriteError as exc:
        raise BaselineError(str(exc)) from None


def match(findings: list, entries: list, root: Path, checked: Optional[set] = None) -> Match:
    """Which findings the baseline holds (see the module doc). `checked`: the relative paths this run
    checked (None: every entry's file counts as checked)."""
    mine = entries_of(findings, root)
    unused: dict = {}  # index -> entry
    for i, entry in enumerate(entries):
        unused[i] = entry
    by_exact: dict = {}
    by_text: dict = {}
    for i, entry in unused.items():
        by_exact.setdefault((entry.code, entry.path, entry.fingerprint), []).append(i)
        by_text.setdefault((entry.code, entry.path, entry.content), []).append(i)
    taken: dict = {}  # finding index -> entry index

    def take(pool: dict, key, finding_index: int) -> bool:
        for i in pool.get(key, ()):
            if i in unused:
                taken[finding_index] = i
                del unused[i]
                return True
        return False

    for n, mine_entry in enumerate(mine):
        take(by_exact, (mine_entry.code, mine_entry.path, mine_entry.fingerprint), n)
    for n, mine_entry in enumerate(mine):
        if n not in taken:
            take(by_text, (mine_entry.code, mine_entry.path, mine_entry.content), n)
    known_paths = {e.path for e in entries}
    gone = {i for i, e in unused.items() if not os.path.exists(os.path.join(root, e.path))}
    by_moved: dict = {}
    for i in sorted(gone):
        by_moved.setdefault((entries[i].code, entries[i].content), []).append(i)
    for n, mine_entry in enumerate(mine):
        if n not in taken and mine_entry.path not in known_paths:
            take(by_moved, (mine_entry.code, mine_entry.content), n)
    new = [f for n, f in enumerate(findings) if n not in taken]
    matched = [(findings[n], entries[i]) for n, i in sorted(taken.items())]
    stale, kept = [], []
    for i, entry in sorted(unused.items()):
        if checked is None or entry.path in checked or i in gone:
            stale.append(entry)
        else:
            kept.append(entry)
    return Match(new, matched, stale, kept)


def checked_paths(paths: Iterable[str], root: Path) -> set:
    return {text_path(relative(p, root)) for p in paths}
