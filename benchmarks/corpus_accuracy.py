"""Accuracy of the installed zdr-lint on the blind corpus of real public code, next to a naive grep.

The corpus is described by `benchmarks/corpus/manifest.toml` (see `benchmarks/corpus/README.md`);
its local copy lives under `benchmarks/.cache/corpus/<owner>__<repo>/`. Each repository folder is
checked as one project, the way a user runs the tool:

    zdr-lint check --isolated --no-respect-gitignore --exit-zero --output-format json <folder>

(`--no-respect-gitignore` because the local copy sits in a gitignored folder.)

Matching is per statement. Every label and every finding is widened to the Python statement that
holds its line (computed with `ast`: a simple statement spans all its lines; a compound statement
such as `def`, `with` or `for` spans only its header, decorators included). A label may list
alternative lines (`alt`) where the same use can defensibly be reported; its span is then the union.
A finding of code C is a true positive when its line lies in the span of a label of code C in the
same file; a label is found when at least one such finding lies in its span. Several findings of
one code in one statement count once, and so do several labels of one code in one statement.
Precision = true-positive findings / findings; recall = found labels / labels.

The grep baseline reports a code on every line that contains one of the words accuracy.py's grep
uses for that code (plus words for the three codes accuracy.py does not know yet), and is scored
the same way.

    python benchmarks/corpus_accuracy.py                  # dev and holdout, tables and lists
    python benchmarks/corpus_accuracy.py --set dev        # one set
    python benchmarks/corpus_accuracy.py --json out.json  # machine-readable (or --json - for stdout)
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import (
    CACHE,
    SETS,
    load_manifest,
    local_path,
    missing_or_changed,
    repo_folder,
)
from grep_words import EXTRA_GREP_WORDS, GREP_WORDS

# Codes design.md names beyond the twelve the tool's registry has today, with their categories.
CATEGORIES = {
    "ZDR001": "files", "ZDR002": "prompt_caching", "ZDR003": "batch", "ZDR004": "structured_outputs",
    "ZDR005": "beta", "ZDR006": "code_execution", "ZDR007": "web_search", "ZDR008": "web_fetch",
    "ZDR009": "mcp", "ZDR010": "skills_containers", "ZDR011": "third_party_platform", "ZDR012": "telemetry",
    "ZDR013": "managed_agents", "ZDR014": "message_threads", "ZDR015": "covered_models",
}
SCORED = tuple(CATEGORIES)


class CorpusError(Exception):
    """A problem that stops the run; the message is one line."""


def statement_spans(source: bytes) -> dict:
    """line -> (first, last) of the innermost statement holding it (headers only for compound ones)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    spans: dict = {}

    def own_span(node: ast.stmt) -> tuple:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        bodies = [getattr(node, name, None) for name in ("body", "orelse", "finalbody", "handlers", "cases")]
        children = [child for body in bodies if isinstance(body, list) for child in body if hasattr(child, "lineno")]
        if not children:
            return first, node.end_lineno or node.lineno
        return first, max(first, min(child.lineno for child in children) - 1)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                first, last = own_span(child)
                for line in range(first, last + 1):
                    spans[line] = (first, last)  # children come later and overwrite: innermost wins
            visit(child)

    visit(tree)
    return spans


def span_of(spans: dict, line: int) -> tuple:
    return spans.get(line, (line, line))


def run_zdr_lint(command: str, folder: Path) -> list:
    completed = subprocess.run(
        [command, "check", "--isolated", "--no-respect-gitignore", "--exit-zero", "--output-format", "json", str(folder)],
        capture_output=True,
        text=True,
        check=False,  # the exit code is read below, to say which folder failed
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no message"])[-1]
        raise CorpusError(f"zdr-lint failed on {folder} (exit {completed.returncode}): {last}")
    try:
        return json.loads(completed.stdout or "[]")
    except json.JSONDecodeError as error:
        raise CorpusError(f"zdr-lint printed no JSON for {folder}: {error}") from None


def grep_lines(source: bytes) -> list:
    words = {**GREP_WORDS, **EXTRA_GREP_WORDS}
    found = []
    for number, line in enumerate(source.decode("utf-8", errors="replace").splitlines(), 1):
        for code, code_words in words.items():
            if any(word in line for word in code_words):
                found.append((number, code, "grep: " + line.strip()[:100]))
    return found


def label_units(entry: dict, spans: dict) -> list:
    """One unit per (code, set of statements); merged labels keep every note."""
    units: dict = {}
    for label in entry["labels"]:
        lines = [label["line"], *label.get("alt", [])]
        key = (label["code"], span_of(spans, label["line"]))
        unit = units.setdefault(key, {"code": label["code"], "line": label["line"], "spans": set(), "notes": []})
        unit["spans"].update(span_of(spans, line) for line in lines)
        unit["notes"].append(label["note"])
    return list(units.values())


def finding_units(findings: list, spans: dict) -> list:
    units: dict = {}
    for line, code, message in findings:
        key = (code, span_of(spans, line))
        units.setdefault(key, {"code": code, "line": line, "span": key[1], "message": message})
    return list(units.values())


def inside(line: int, unit_spans: set) -> bool:
    return any(first <= line <= last for first, last in unit_spans)


def score_file(labels: list, findings: list) -> tuple:
    """(per-code Counter of tp/fp/found/labels, misses, false alarms)."""
    counts: dict = defaultdict(Counter)
    misses, alarms = [], []
    for unit in findings:
        if unit["code"] not in SCORED:
            continue
        hit = any(label["code"] == unit["code"] and inside(unit["line"], label["spans"]) for label in labels)
        counts[unit["code"]]["tp" if hit else "fp"] += 1
        if not hit:
            alarms.append(unit)
    for label in labels:
        found = any(f["code"] == label["code"] and inside(f["line"], label["spans"]) for f in findings)
        counts[label["code"]]["labels"] += 1
        counts[label["code"]]["found"] += found
        if not found:
            misses.append(label)
    return counts, misses, alarms


def rates(c: Counter) -> dict:
    findings = c["tp"] + c["fp"]
    precision = c["tp"] / findings if findings else 1.0
    recall = c["found"] / c["labels"] if c["labels"] else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"labels": c["labels"], "found": c["found"], "findings": findings, "tp": c["tp"], "fp": c["fp"],
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def evaluate(manifest: dict, set_name: str, command: str, cache: Path = CACHE) -> dict:
    entries = [e for e in manifest["files"] if set_name == "all" or e["set"] == set_name]
    unlabelled = [f"{e['repo']}/{e['path']}" for e in entries if "labels" not in e]
    if unlabelled:
        raise CorpusError(f"{len(unlabelled)} files of set {set_name} have no labels yet: " + ", ".join(unlabelled))
    by_repo: dict = defaultdict(list)
    for entry in entries:
        by_repo[entry["repo"]].append(entry)

    tools = {"zdr-lint": defaultdict(Counter), "grep": defaultdict(Counter)}
    lists = {"zdr-lint": {"misses": [], "false_alarms": []}, "grep": {"misses": [], "false_alarms": []}}
    unscored = []  # ZDR000 and other codes outside the scored range
    negative_files_with_findings = Counter()
    for repo, repo_entries in sorted(by_repo.items()):
        folder = cache / repo_folder(repo)
        reported: dict = defaultdict(list)
        for finding in run_zdr_lint(command, folder):
            path = Path(finding["filename"]).resolve()
            reported[path].append((finding["location"]["row"], finding["code"], finding["message"]))
        for entry in repo_entries:
            path = local_path(entry, cache).resolve()
            source = path.read_bytes()
            spans = statement_spans(source)
            labels = label_units(entry, spans)
            where = f"{repo}/{entry['path']}"
            for line, code, message in reported.get(path, []):
                if code not in SCORED:
                    unscored.append({"file": where, "line": line, "code": code, "message": message})
            for tool, raw in (("zdr-lint", reported.get(path, [])), ("grep", grep_lines(source))):
                units = finding_units([r for r in raw if r[1] in SCORED], spans)
                counts, misses, alarms = score_file(labels, units)
                for code, c in counts.items():
                    tools[tool][code].update(c)
                if not entry["labels"] and units:
                    negative_files_with_findings[tool] += 1
                lists[tool]["misses"] += [
                    {"file": where, "line": m["line"], "code": m["code"], "note": " / ".join(m["notes"]), "file_note": entry.get("note", "")}
                    for m in misses
                ]
                lists[tool]["false_alarms"] += [
                    {"file": where, "line": a["line"], "code": a["code"], "message": a["message"], "file_note": entry.get("note", "")}
                    for a in alarms
                ]

    report = {"set": set_name, "files": len(entries), "repositories": len(by_repo),
              "negative_files": sum(1 for e in entries if not e["labels"]), "unscored_findings": unscored}
    for tool, per_code in tools.items():
        overall = Counter()
        for c in per_code.values():
            overall.update(c)
        report[tool] = {
            "overall": rates(overall),
            "per_code": {code: rates(per_code[code]) for code in SCORED if per_code[code]},
            "negative_files_with_findings": negative_files_with_findings[tool],
            **lists[tool],
        }
    return report


def installed_zdr_lint() -> str:
    beside = Path(sys.executable).parent / ("zdr-lint.exe" if os.name == "nt" else "zdr-lint")
    found = str(beside) if beside.exists() else shutil.which("zdr-lint")
    if not found:
        raise CorpusError("no zdr-lint command found: install the project (pip install -e .) or pass --zdr-lint")
    return found


def table(report: dict) -> str:
    head = f"{'code':<7} {'category':<21} {'labels':>6} {'found':>5} {'find.':>5} {'FP':>4} {'prec':>6} {'recall':>6} {'F1':>6} | {'grep P':>6} {'grep R':>6} {'grep F1':>7}"
    lines = [head]
    codes = sorted(set(report["zdr-lint"]["per_code"]) | set(report["grep"]["per_code"]))
    for code in codes + ["all"]:
        z = report["zdr-lint"]["overall"] if code == "all" else report["zdr-lint"]["per_code"].get(code, rates(Counter()))
        g = report["grep"]["overall"] if code == "all" else report["grep"]["per_code"].get(code, rates(Counter()))
        name = "overall" if code == "all" else CATEGORIES[code]
        lines.append(
            f"{code:<7} {name:<21} {z['labels']:>6} {z['found']:>5} {z['findings']:>5} {z['fp']:>4} {z['precision']:>6.3f} {z['recall']:>6.3f} {z['f1']:>6.3f}"
            f" | {g['precision']:>6.3f} {g['recall']:>6.3f} {g['f1']:>7.3f}"
        )
    return "\n".join(lines)


def text_report(report: dict) -> str:
    z = report["zdr-lint"]
    out = [
        (f"== {report['set']}: {report['files']} files from {report['repositories']} repositories, "
         f"{report['negative_files']} without any label =="),
        table(report),
        f"files without labels that got findings: zdr-lint {z['negative_files_with_findings']}, grep {report['grep']['negative_files_with_findings']}",
        "",
        f"-- misses ({len(z['misses'])})",
        *[f"{m['file']}:{m['line']} {m['code']}  {m['note']}" for m in z["misses"]],
        "",
        f"-- false alarms ({len(z['false_alarms'])})",
        *[f"{a['file']}:{a['line']} {a['code']}  {a['message']}" for a in z["false_alarms"]],
    ]
    if report["unscored_findings"]:
        out += ["", f"-- findings outside the scored codes ({len(report['unscored_findings'])})"]
        out += [f"{u['file']}:{u['line']} {u['code']}  {u['message']}" for u in report["unscored_findings"]]
    return "\n".join(out) + "\n"


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS + ("all",), action="append", help="dev, holdout or all (repeatable; default: dev and holdout)")
    parser.add_argument("--json", metavar="PATH", help="write the reports as JSON to PATH ('-' for stdout)")
    parser.add_argument("--zdr-lint", dest="command", help="the zdr-lint command to run (default: the installed one)")
    args = parser.parse_args(argv)
    try:
        manifest = load_manifest()
        missing, changed = missing_or_changed(manifest)
        if missing or changed:
            names = ", ".join(missing + [f"{p} (sha256 differs)" for p in changed])
            raise CorpusError(
                f"the local corpus copy is incomplete ({len(missing)} missing, {len(changed)} changed): {names}; "
                "rebuild it with: python benchmarks/corpus.py rebuild --mirrors DIR"
            )
        command = args.command or installed_zdr_lint()
        reports = [evaluate(manifest, name, command) for name in (args.set or list(SETS))]
    except CorpusError as error:
        print(f"corpus_accuracy: {error}", file=sys.stderr)
        return 2
    if args.json:
        text = json.dumps(reports, indent=2)
        if args.json == "-":
            print(text)
            return 0
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    for report in reports:
        print(text_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
