"""The blind corpus of real public code: its manifest, its split and its local copy.

The third-party files themselves are never committed (their licences vary and are often unknown).
`benchmarks/corpus/manifest.toml` records, per file, the repository, the commit, the path, the
sha256 of the file's bytes, the set (dev or holdout) and the labels. This script rebuilds the local
copy under `benchmarks/.cache/corpus/<owner>__<repo>/<path>` from bare git mirrors of the
repositories and checks it against the manifest.

    python benchmarks/corpus.py rebuild --mirrors /work/.mirror   # git show commit:path, then verify
    python benchmarks/corpus.py verify                             # every file present, sha256 equal
    python benchmarks/corpus.py split                              # recompute the split from the seed
    python benchmarks/corpus.py stats                              # files, repositories, labels per code
    python benchmarks/corpus.py repos                              # the repositories to mirror, one a line

A mirror of `owner/repo` is looked for at `<mirrors>/<owner>+<repo>/repo` (the layout the search
tool's `fetch` produces) and then at `<mirrors>/<owner>+<repo>` and `<mirrors>/<owner>/<repo>.git`.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "corpus" / "manifest.toml"
CACHE = HERE / ".cache" / "corpus"
SETS = ("dev", "holdout")


def load_manifest(path: Path = MANIFEST) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def repo_folder(repo: str) -> str:
    """`owner/name` -> the folder name of that repository in the local copy."""
    return repo.replace("/", "__")


def local_path(entry: dict, cache: Path = CACHE) -> Path:
    return cache / repo_folder(entry["repo"]) / entry["path"]


def split_repositories(repos_with_counts: dict, seed: int) -> dict:
    """Assign whole repositories to dev or holdout, at random from `seed`, balancing file counts.

    The repositories, sorted by name, are shuffled with `random.Random(seed)`; each in turn goes to
    the set that has fewer files so far (dev on a tie). The result depends only on the seed and on
    the list of (repository, file count), never on any label.
    """
    order = sorted(repos_with_counts)
    random.Random(seed).shuffle(order)
    sizes = {name: 0 for name in SETS}
    assignment = {}
    for repo in order:
        target = min(SETS, key=lambda name: (sizes[name], SETS.index(name)))
        assignment[repo] = target
        sizes[target] += repos_with_counts[repo]
    return assignment


def check_split(manifest: dict) -> list:
    """Recompute the set of every file from the seed, wave by wave.

    The repositories that first appear in a wave are split among themselves (by the files they
    bring in that wave); a later wave's files from an earlier repository keep that repository's set.
    """
    first_wave: dict = {}
    for entry in manifest["files"]:
        first_wave[entry["repo"]] = min(first_wave.get(entry["repo"], entry["wave"]), entry["wave"])
    expected: dict = {}
    for wave in sorted(set(first_wave.values())):
        counts = Counter(e["repo"] for e in manifest["files"] if e["wave"] == wave and first_wave[e["repo"]] == wave)
        expected.update(split_repositories(counts, manifest["meta"]["seed"]))
    return [
        f"{entry['repo']} {entry['path']}: set {entry['set']!r}, the seed gives {expected[entry['repo']]!r}"
        for entry in manifest["files"]
        if entry["set"] != expected[entry["repo"]]
    ]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def missing_or_changed(manifest: dict, cache: Path = CACHE) -> tuple:
    missing, changed = [], []
    for entry in manifest["files"]:
        path = local_path(entry, cache)
        if not path.is_file():
            missing.append(str(path))
        elif sha256_of(path) != entry["sha256"]:
            changed.append(str(path))
    return missing, changed


def find_mirror(mirrors: Path, repo: str) -> Path | None:
    owner, name = repo.split("/", 1)
    for candidate in (mirrors / f"{owner}+{name}" / "repo", mirrors / f"{owner}+{name}", mirrors / owner / f"{name}.git"):
        if candidate.is_dir():
            return candidate
    return None


def rebuild(manifest: dict, mirrors: Path, cache: Path = CACHE) -> list:
    problems = []
    for entry in manifest["files"]:
        mirror = find_mirror(mirrors, entry["repo"])
        if mirror is None:
            problems.append(f"{entry['repo']}: no mirror under {mirrors}")
            continue
        shown = subprocess.run(
            ["git", "-C", str(mirror), "show", f"{entry['commit']}:{entry['path']}"], capture_output=True, check=False
        )
        if shown.returncode:
            problems.append(f"{entry['repo']} {entry['commit'][:12]}:{entry['path']}: {shown.stderr.decode(errors='replace').strip()}")
            continue
        if hashlib.sha256(shown.stdout).hexdigest() != entry["sha256"]:
            problems.append(f"{entry['repo']} {entry['path']}: sha256 differs from the manifest")
            continue
        target = local_path(entry, cache)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
    return problems


def stats(manifest: dict) -> str:
    lines = []
    for name in SETS + ("all",):
        files = [e for e in manifest["files"] if name == "all" or e["set"] == name]
        labels = Counter(label["code"] for e in files for label in e.get("labels", []))
        negatives = sum(1 for e in files if "labels" in e and not e["labels"])
        unlabelled = sum(1 for e in files if "labels" not in e)
        lines.append(
            f"{name}: {len(files)} files, {len({e['repo'] for e in files})} repositories, "
            f"{sum(labels.values())} labels, {negatives} negative files (no label)"
            + (f", {unlabelled} not labelled yet" if unlabelled else "")
        )
        lines.append("  " + ", ".join(f"{code} {count}" for code, count in sorted(labels.items())))
    return "\n".join(lines)


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rebuild_cmd = sub.add_parser("rebuild", help="write the local copy from git mirrors, then verify it")
    rebuild_cmd.add_argument("--mirrors", type=Path, required=True)
    sub.add_parser("verify", help="check that every file of the manifest is present with its sha256")
    sub.add_parser("split", help="recompute the dev/holdout split from the seed and compare")
    sub.add_parser("stats", help="files, repositories and labels per code, per set")
    sub.add_parser("repos", help="print the repositories (owner/name) the local copy needs")
    args = parser.parse_args(argv)
    manifest = load_manifest()
    if args.command == "rebuild":
        problems = rebuild(manifest, args.mirrors)
        for problem in problems:
            print(problem)
        if problems:
            return 1
    if args.command in ("rebuild", "verify"):
        missing, changed = missing_or_changed(manifest)
        if missing or changed:
            print(f"local corpus incomplete: {len(missing)} missing, {len(changed)} changed: " + ", ".join(missing + changed))
            return 1
        print(f"local corpus complete: {len(manifest['files'])} files match the manifest")
        return 0
    if args.command == "split":
        problems = check_split(manifest)
        for problem in problems:
            print(problem)
        print("split matches the seed" if not problems else f"{len(problems)} files disagree with the seed")
        return 1 if problems else 0
    if args.command == "repos":
        print("\n".join(sorted({entry["repo"] for entry in manifest["files"]})))
        return 0
    print(stats(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
