"""How fast is zdr-lint against ruff on real trees? One run, medians, ratios measured side by side.

    python benchmarks/speed.py                 # all trees, 3 repeats
    python benchmarks/speed.py -n 5 ordinary   # one tree, 5 repeats
    python benchmarks/speed.py --no-split      # skip the per-file cost split

The trees are built (once) by benchmarks/build_trees.py into benchmarks/.cache/. For each tree this
prints the median wall time of: reading every file (the I/O floor), the prefilter alone, `zdr-lint
check -j1`, `zdr-lint check` on all cores, and `ruff check --no-cache --select F401`, each with its
ratio to ruff in the same run. Repeats are interleaved (one round of every command, then the next),
so a busy machine slows every command alike. Then, for the LLM-heavy tree, a single-process
instrumented pass splits the per-file cost into read / prefilter / ast stage / libcst parse /
semantic model / rules / positions.

The checked code is only read, never imported or run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_trees  # noqa: E402

SOURCE_SUFFIXES = build_trees.SOURCE_SUFFIXES
# (target, defect) ratios of `zdr-lint check` (cold, all cores) to ruff, from the issues.
TARGETS = {"no-anthropic": (1.0, None), "ordinary": (15.0, 35.0), "llm-heavy": (30.0, 150.0), "monorepo": (30.0, None)}
# with the cache (issue 12): nothing changed, one file changed; one file checked alone (pre-commit)
CACHE_TARGETS = {"zdr_warm": 1.0, "zdr_one_changed": 2.0, "single": 25.0}
MEMORY_TARGET_MB = 1500
ZDR_FLAGS = ["--isolated", "--exit-zero", "-q", "--output-format", "concise", "--no-respect-gitignore"]
# Every tree is a project (the cache lives at a project's root): a pyproject.toml marks it, as a
# repository's does. It holds no settings, so neither tool's behaviour changes.
MARKER = "pyproject.toml"


def find_tool(name: str) -> str:
    """The tool next to this interpreter (the venv's), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        sys.exit(f"speed.py: error: {name} not found (pip install 'zdr-lint[benchmark]')")
    return found


def source_files(root: Path) -> list:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        found.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(SOURCE_SUFFIXES))
    return found


def read_all(paths: list) -> list:
    data = []
    for path in paths:
        with open(path, "rb") as handle:
            data.append(handle.read())
    return data


class Problems:
    """Anything that went wrong in a measured command: printed at the end, never as a traceback."""

    def __init__(self) -> None:
        self.items: list = []

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)


# Measured commands run as an installed tool runs for a user: with its bytecode compiled (pip writes
# it at install time). PYTHONDONTWRITEBYTECODE, set on some machines, would make every run of an
# editable install compile zdr-lint's sources again, which no user pays.
COMMAND_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_up(zdr: str) -> None:
    """One untimed run, so the bytecode of an editable install exists before anything is timed."""
    subprocess.run([zdr, "check", "--isolated", "--exit-zero", "-q", str(HERE / "speed.py")], env=COMMAND_ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


PEAK_RSS: dict = {}  # label -> the largest resident set size seen (MB) of one process of the command


def run_command(cmd: list, problems: Problems, label: str, cwd=None) -> float:
    """Wall time of one run; the peak memory of its largest process is kept in PEAK_RSS (wait4's
    rusage covers the command and the worker processes it waited for)."""
    import tempfile

    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=COMMAND_ENV, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    PEAK_RSS[label] = max(PEAK_RSS.get(label, 0.0), usage.ru_maxrss / 1024)
    if process.returncode != 0 or "Traceback" in stderr:
        tail = stderr.strip().splitlines()[-1:] or ["(no message)"]
        problems.add(f"{label}: exit {process.returncode}: {tail[0]}")
    return elapsed


def single_file(root: Path) -> Path:
    """A module of about 300 lines that uses the SDK (the pre-commit case: one staged file)."""
    best = None
    for path in source_files(root):
        if not path.endswith(".py"):
            continue
        data = Path(path).read_bytes()
        lines = data.count(b"\n")
        if 250 <= lines <= 350 and b"import anthropic" in data and (b".messages." in data or b"cache_control" in data):
            score = abs(lines - 300)
            if best is None or score < best[0]:
                best = (score, path)
    return Path(best[1]) if best else Path(source_files(root)[0])


def measure_tree(name: str, root: Path, repeats: int, jobs: int, problems: Problems) -> dict:
    from zdr_lint.config import Settings
    from zdr_lint.engine import Linter

    paths = source_files(root)
    data = read_all(paths)  # also warms the page cache for everyone
    size = sum(len(d) for d in data)
    prefilter = Linter(Settings(project_root=root)).passes_prefilter  # the catalog's trigger words
    passing = sum(1 for d in data if prefilter(d))
    zdr, ruff = find_tool("zdr-lint"), find_tool("ruff")
    if not (root / MARKER).exists():
        (root / MARKER).write_text("[project]\nname = 'benchmark-tree'\n")
    warm_up(zdr)
    one = single_file(root)

    def prime() -> None:  # the cache as a previous run left it (untimed)
        run_command([zdr, "check", *ZDR_FLAGS, f"-j{jobs}", str(root)], problems, f"{name}: zdr-lint (priming the cache)")

    def one_changed() -> float:
        """Edit one module (a comment toggled at its end), then check the tree with the cache."""
        text = one.read_text(encoding="utf-8", errors="surrogateescape")
        marker = "# zdr-lint benchmark edit\n"
        text = text[: -len(marker)] if text.endswith(marker) else text + marker
        one.write_text(text, encoding="utf-8", errors="surrogateescape")
        return run_command([zdr, "check", *ZDR_FLAGS, f"-j{jobs}", str(root)], problems, f"{name}: zdr-lint one changed")

    def read_step() -> float:
        start = time.perf_counter()
        read_all(paths)
        return time.perf_counter() - start

    def prefilter_step() -> float:
        start = time.perf_counter()
        for d in data:
            prefilter(d)
        return time.perf_counter() - start

    steps = {
        "read": ("reading every file (I/O floor)", read_step),
        "prefilter": ("prefilter alone (in memory)", prefilter_step),
        "zdr_j1": ("zdr-lint check --no-cache -j1", lambda: run_command([zdr, "check", *ZDR_FLAGS, "--no-cache", "-j1", str(root)], problems, f"{name}: zdr-lint -j1")),
        "zdr_all": (f"zdr-lint check --no-cache -j{jobs} (cold)", lambda: run_command([zdr, "check", *ZDR_FLAGS, "--no-cache", f"-j{jobs}", str(root)], problems, f"{name}: zdr-lint -j{jobs} cold")),
        "zdr_warm": (f"zdr-lint check -j{jobs}, cache, none changed", lambda: (prime(), run_command([zdr, "check", *ZDR_FLAGS, f"-j{jobs}", str(root)], problems, f"{name}: zdr-lint warm"))[1]),
        "zdr_one_changed": (f"zdr-lint check -j{jobs}, cache, one changed", one_changed),
        "ruff": ("ruff check --no-cache --select F401", lambda: run_command([ruff, "check", "--no-cache", "--select", "F401", "--exit-zero", "-q", "--no-respect-gitignore", str(root)], problems, f"{name}: ruff")),
        "single": (f"zdr-lint check --force-exclude ONE FILE ({one.name})", lambda: run_command([zdr, "check", "--exit-zero", "-q", "--force-exclude", str(one)], problems, f"{name}: zdr-lint one file", cwd=root)),
        "ruff_single": ("ruff check --no-cache --select F401 ONE FILE", lambda: run_command([ruff, "check", "--no-cache", "--select", "F401", "--exit-zero", "-q", str(one)], problems, f"{name}: ruff one file", cwd=root)),
    }
    times: dict = {key: [] for key in steps}
    for _ in range(repeats):
        for key, (_, step) in steps.items():
            times[key].append(step())
    # leave the edited module as it was
    text = one.read_text(encoding="utf-8", errors="surrogateescape")
    if text.endswith("# zdr-lint benchmark edit\n"):
        one.write_text(text[: -len("# zdr-lint benchmark edit\n")], encoding="utf-8", errors="surrogateescape")
    medians = {key: statistics.median(values) for key, values in times.items()}
    return {
        "tree": name, "files": len(paths), "bytes": size, "prefilter_passing": passing,
        "labels": {key: label for key, (label, _) in steps.items()},
        "medians": medians, "runs": times, "single_file": str(one.relative_to(root)),
        "peak_mb": {key: round(PEAK_RSS.get(label, 0.0)) for key, label in (("zdr_all", f"{name}: zdr-lint -j{jobs} cold"), ("zdr_j1", f"{name}: zdr-lint -j1"))},
    }


def verdict(name: str, ratio: float) -> str:
    target, defect = TARGETS.get(name, (None, None))
    if target is None:
        return ""
    text = f"target <= {target:g}x" + (f", > {defect:g}x is a defect" if defect else "")
    if ratio <= target:
        status = "MET"
    elif defect is not None and ratio > defect:
        status = "DEFECT"
    else:
        status = "MISSED"
    return f"{text}: {status}"


def print_tree(result: dict, repeats: int) -> None:
    medians, ruff = result["medians"], result["medians"]["ruff"]
    print(f"\n== {result['tree']}: {result['files']} files, {result['bytes'] / 1e6:.1f} MB, "
          f"{result['prefilter_passing']} pass the prefilter; median of {repeats}")
    print(f"   {'':52} {'seconds':>8} {'x ruff':>8}  (one-file rows: x ruff on that file)")
    for key, label in result["labels"].items():
        reference = medians["ruff_single"] if key in ("single", "ruff_single") else ruff
        ratio = medians[key] / reference if reference else float("nan")
        extra = verdict(result["tree"], ratio) if key == "zdr_all" else ""
        if key in CACHE_TARGETS:
            extra = f"target <= {CACHE_TARGETS[key]:g}x: {'MET' if ratio <= CACHE_TARGETS[key] else 'MISSED'}"
        print(f"   {label:52} {medians[key]:8.3f} {ratio:7.2f}x  {extra}")
    for key, mb in result.get("peak_mb", {}).items():
        print(f"   peak memory of one process, {result['labels'][key]}: {mb} MB (target <= {MEMORY_TARGET_MB} MB: {'MET' if mb <= MEMORY_TARGET_MB else 'MISSED'})")


# --- The per-file cost split (one process, instrumented) -------------------------------------------
STAGES = (
    ("index", "project index (first pass, whole tree)"),
    ("read", "read bytes"),
    ("prefilter", "prefilter"),
    ("second", "second stage (ast.parse + has_candidate)"),
    ("parse", "libcst parse"),
    ("model", "semantic model (SemanticModel construction)"),
    ("rules", "rules (engine.run_rules)"),
    ("positions", "positions + noqa (Linter._to_findings)"),
    ("other", "the rest (decode, dispatch, sorting)"),
)


class _Timer:
    """Wraps functions so that the time spent inside them is added to a stage (outermost call only)."""

    def __init__(self) -> None:
        self.totals = {key: 0.0 for key, _ in STAGES}
        self.calls = {key: 0 for key, _ in STAGES}
        self.depth = 0
        self.restore: list = []

    def wrap(self, owner, name: str, stage: str, counter=None) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return
        timer = self

        def timed(*args, **kwargs):
            if timer.depth:
                return original(*args, **kwargs)
            timer.depth += 1
            start = time.perf_counter()
            try:
                result = original(*args, **kwargs)
            finally:
                timer.totals[stage] += time.perf_counter() - start
                timer.depth -= 1
            if counter is not None:
                counter(result)
            return result

        timer.calls.setdefault(stage, 0)
        self.restore.append((owner, name, owner.__dict__.get(name, original) if isinstance(owner, type) else original))
        setattr(owner, name, timed)

    def undo(self) -> None:
        for owner, name, original in reversed(self.restore):
            setattr(owner, name, original)


def cost_split(root: Path) -> dict:
    """Lint every file in one process with the engine's stage functions wrapped in timers: the real
    code path (Linter.lint_source), not a copy of it."""
    import libcst

    from zdr_lint import engine, semantics
    from zdr_lint.config import Settings

    paths = source_files(root)
    linter = engine.Linter(Settings(project_root=root))
    timer = _Timer()
    clock = time.perf_counter
    counts = {"files": len(paths), "prefilter": 0, "ast": 0, "findings_files": 0, "findings": 0, "cannot_check": 0}
    try:
        from zdr_lint.project import build_index
    except ImportError:
        build_index = None
    if build_index is not None and getattr(linter, "project", "absent") is None:  # as lint_paths does
        start = clock()
        try:
            index = build_index(paths, linter.client_factories)
            linter = engine.Linter(linter.settings, linter.registry, project=index)
        except Exception as exc:
            counts["index_error"] = f"{type(exc).__name__}: {exc}"
        timer.totals["index"] = clock() - start

    def count(key):
        def add(result):
            if result:
                counts[key] += 1
        return add

    if hasattr(engine.Linter, "passes_prefilter"):
        timer.wrap(engine.Linter, "passes_prefilter", "prefilter", count("prefilter"))
    else:
        timer.wrap(engine, "passes_prefilter", "prefilter", count("prefilter"))
    timer.wrap(engine, "parse_ast", "second")
    timer.wrap(engine.Linter, "is_candidate", "second", count("ast"))
    timer.wrap(engine, "has_candidate", "second")
    timer.wrap(engine, "blank_large_data", "second")
    timer.wrap(libcst, "parse_module", "parse")
    timer.wrap(semantics.SemanticModel, "__init__", "model")
    timer.wrap(engine, "run_rules", "rules")
    timer.wrap(engine.Linter, "_to_findings", "positions")
    slowest: list = []
    whole = 0.0
    try:
        for path in paths:
            start = clock()
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                counts["cannot_check"] += 1
                continue
            read = clock()
            timer.totals["read"] += read - start
            findings = linter.lint_source(data, path)
            elapsed = clock() - start
            whole += clock() - read
            slowest.append((elapsed, path))
            real = [f for f in findings if f.code != engine.CANNOT_CHECK]
            if any(f.code == engine.CANNOT_CHECK for f in findings):
                counts["cannot_check"] += 1
                counts.setdefault("cannot_check_reasons", []).extend(
                    f"{os.path.relpath(path, root)}: {f.message}"[:160] for f in findings if f.code == engine.CANNOT_CHECK)
            if real:
                counts["findings_files"] += 1
                counts["findings"] += len(real)
    finally:
        timer.undo()
    totals = timer.totals
    totals["other"] = max(0.0, whole - sum(v for k, v in totals.items() if k not in ("index", "read", "other")))
    reached = {"index": len(paths) if totals["index"] else 0, "read": len(paths), "prefilter": len(paths),
               "second": counts["prefilter"], "parse": counts["ast"], "model": counts["ast"], "rules": counts["ast"],
               "positions": counts["ast"], "other": len(paths)}
    slowest.sort(reverse=True)
    return {"totals": totals, "reached": reached, "counts": counts,
            "slowest": [(round(s, 3), os.path.relpath(p, root)) for s, p in slowest[:5]]}


def print_split(name: str, split: dict) -> None:
    totals, reached, counts = split["totals"], split["reached"], split["counts"]
    whole = sum(totals.values())
    print(f"\n== per-file cost split, {name} tree (one process, instrumented)")
    print(f"   files {counts['files']}; pass the prefilter {counts['prefilter']}; pass the ast stage "
          f"{counts['ast']}; with findings {counts['findings_files']} ({counts['findings']} findings); "
          f"cannot check (ZDR000) {counts['cannot_check']}")
    print(f"   {'stage':52} {'files':>6} {'total s':>8} {'ms/file':>8} {'share':>6}")
    for key, label in STAGES:
        n = reached[key]
        per = totals[key] / n * 1000 if n else 0.0
        share = totals[key] / whole * 100 if whole else 0.0
        print(f"   {label:52} {n:6d} {totals[key]:8.3f} {per:8.2f} {share:5.1f}%")
    print(f"   {'all stages':52} {'':6} {whole:8.3f}")
    print("   slowest files: " + "; ".join(f"{p} {s:.2f}s" for s, p in split["slowest"]))
    if counts.get("index_error"):
        print(f"   project index failed: {counts['index_error']}")
    for line in counts.get("cannot_check_reasons", [])[:10]:
        print(f"   ZDR000 {line}")


# --- The robustness hazard from the issue -----------------------------------------------------------
HAZARD = "sympy/polys/numberfields/resolvent_lookup.py"


def hazard_check(ordinary: Path) -> str:
    """Force the deeply nested sympy file through every stage (libcst included): ZDR000 at most."""
    from zdr_lint.config import Settings
    from zdr_lint.engine import CANNOT_CHECK, Linter
    from zdr_lint.source import decode_source

    path = ordinary / HAZARD
    if not path.exists():
        return f"hazard check: {HAZARD} not in the tree"
    linter = Linter(Settings(project_root=ordinary))
    try:
        normal = linter.lint_file(str(path))
        text = decode_source(path.read_bytes())
        start = time.perf_counter()
        try:
            forced = linter.lint_candidate(text, str(path), linter.enabled)
        except RecursionError:
            forced = "RecursionError escaped lint_candidate (lint_source turns it into ZDR000)"
        elapsed = time.perf_counter() - start
    except Exception as exc:
        return f"hazard check: FAILED, {type(exc).__name__}: {exc}"
    codes = sorted({f.code for f in normal})
    if isinstance(forced, str):
        return f"hazard check: {HAZARD}: normal path {codes or 'no findings'}; forced through libcst: {forced}"
    forced_codes = sorted({f.code for f in forced})
    ok = set(codes) <= {CANNOT_CHECK} and set(forced_codes) <= {CANNOT_CHECK}
    return (f"hazard check: {HAZARD}: normal path {codes or 'no findings'}; forced through libcst "
            f"{forced_codes or 'no findings'} in {elapsed:.2f}s: {'OK' if ok else 'FAILED'}")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def versions() -> str:
    import zdr_lint

    ruff = subprocess.run([find_tool("ruff"), "--version"], capture_output=True, text=True).stdout.strip()
    return f"zdr-lint {zdr_lint.__version__}; {ruff}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", metavar="TREE", help=f"trees to measure (default: {', '.join(build_trees.TREE_NAMES)})")
    parser.add_argument("-n", "--repeats", type=int, default=3, help="repeats per command; medians are printed (default 3)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="jobs for the all-cores run (default: the number of cores)")
    parser.add_argument("--no-split", action="store_true", help="skip the per-file cost split")
    parser.add_argument("--split-tree", default="llm-heavy", help="tree for the cost split (default llm-heavy)")
    parser.add_argument("--json", metavar="PATH", help="also write every measurement here")
    args = parser.parse_args(argv)
    names = tuple(args.trees) or build_trees.TREE_NAMES
    unknown = [n for n in names if n not in build_trees.TREE_NAMES]
    if unknown:
        parser.error(f"unknown tree {unknown[0]!r} (choose from {', '.join(build_trees.TREE_NAMES)})")

    roots = build_trees.build(names, verbose=False)
    print(f"# zdr-lint speed, {datetime.datetime.now().isoformat(timespec='minutes')}")
    print(f"# {machine()}; {versions()}")
    print(f"# zdr-lint check {' '.join(ZDR_FLAGS)} TREE > /dev/null")
    problems = Problems()
    report: dict = {"date": datetime.date.today().isoformat(), "machine": machine(), "versions": versions(), "trees": []}
    for name in names:
        result = measure_tree(name, roots[name], args.repeats, args.jobs, problems)
        print_tree(result, args.repeats)
        report["trees"].append(result)
    if not args.no_split:
        split_root = build_trees.build((args.split_tree,), verbose=False)[args.split_tree]
        split = cost_split(split_root)
        print_split(args.split_tree, split)
        report["split"] = {"tree": args.split_tree, **split}
    ordinary = build_trees.build(("ordinary",), verbose=False)["ordinary"] if "ordinary" in names else None
    if ordinary is not None:
        line = hazard_check(ordinary)
        print("\n" + line)
        report["hazard"] = line
    if problems.items:
        print("\nproblems seen while measuring:")
        for item in problems.items:
            print(f"   {item}")
    report["problems"] = problems.items
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
    return 1 if problems.items else 0


if __name__ == "__main__":
    sys.exit(main())
