"""Accuracy of zdr-lint against the labeled fixtures, next to a naive per-line grep.

Every `fixtures/**/*.py` file carries `# expect: ZDR00N` markers on the line where each finding
starts (a file without markers expects none). fixtures/realistic/ is checked as
`zdr-lint check fixtures/realistic` does (with the project-wide index); the other folders file by
file, as tests/test_fixtures.py does. A finding counts as a true positive when its (file, line,
code) matches a marker.

The baseline greps each line for the words a reviewer would search for (`cache_control`, `beta`,
`batches`, `web_search`, ...) and reports that category on that line.

    python benchmarks/accuracy.py            # both tables, realistic corpus and all fixtures
    python benchmarks/accuracy.py --json     # machine-readable
    python benchmarks/accuracy.py --corpus   # the blind corpus of real code instead (corpus_accuracy.py)
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tokenize
from collections import Counter
from pathlib import Path

import corpus_accuracy  # sibling scripts: the blind corpus mode and the shared grep words
from grep_words import GREP_WORDS

from zdr_lint.config import Settings, load_settings
from zdr_lint.engine import Linter
from zdr_lint.runner import lint_paths
from zdr_lint.plugins import get_registry

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
REALISTIC = FIXTURES / "realistic"
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>ZDR\d{3}(?:\s*,\s*ZDR\d{3})*)\s*$")
CODES = [f"ZDR{n:03d}" for n in range(1, 17)]



def fixture_files(root: Path) -> list:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def expected_of(path: Path) -> Counter:
    out: Counter = Counter()
    for token in tokenize.tokenize(io.BytesIO(path.read_bytes()).readline):
        if token.type == tokenize.COMMENT and "expect:" in token.string:
            match = EXPECT.search(token.string)
            if match:
                for code in match.group("codes").split(","):
                    out[(str(path), token.start[0], code.strip())] += 1
    return out


def zdr_lint_findings(files: list) -> Counter:
    realistic = [str(p) for p in files if REALISTIC in p.parents]
    others = [p for p in files if REALISTIC not in p.parents]
    linter = Linter(Settings(project_root=REPO))
    found = list(lint_paths(linter, realistic, jobs=1)) if realistic else []
    for path in others:  # under the folder's own settings file where it has one (fixtures/hipaa/)
        found += Linter(load_settings(start=path.parent)).lint_file(str(path))
    return Counter((str(Path(f.path).resolve()), f.start.line, f.code) for f in found if f.code in CODES)


def grep_findings(files: list) -> Counter:
    out: Counter = Counter()
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            text = line.split("# expect:")[0]
            for code, words in GREP_WORDS.items():
                if any(w in text for w in words):
                    out[(str(path), number, code)] += 1
    return out


def score(expected: Counter, actual: Counter) -> dict:
    rows = {}
    for code in CODES + ["all"]:
        exp = Counter({k: v for k, v in expected.items() if code == "all" or k[2] == code})
        act = Counter({k: v for k, v in actual.items() if code == "all" or k[2] == code})
        tp = sum((exp & act).values())
        fp = sum((act - exp).values())
        fn = sum((exp - act).values())
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows[code] = {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}
    return rows


def negative_findings(files: list, expected: Counter, actual: Counter) -> int:
    labeled = {k[0] for k in expected}
    negatives = {str(p) for p in files} - labeled
    return sum(v for k, v in actual.items() if k[0] in negatives)


def table(title: str, rows: dict, categories: dict) -> str:
    lines = [title, f"{'code':<7} {'category':<22} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}"]
    for code, r in rows.items():
        name = categories.get(code, "overall")
        lines.append(f"{code:<7} {name:<22} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f}")
    return "\n".join(lines)


def evaluate(files: list) -> dict:
    files = [p.resolve() for p in files]
    expected: Counter = Counter()
    for path in files:
        expected += expected_of(path)
    results = {"files": len(files), "negative_files": len({str(p) for p in files} - {k[0] for k in expected})}
    for name, actual in (("zdr-lint", zdr_lint_findings(files)), ("grep", grep_findings(files))):
        results[name] = {"rows": score(expected, actual), "negative_findings": negative_findings([str(p) for p in files], expected, actual)}
    return results


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--corpus", action="store_true", help="score the blind corpus of real code (see corpus_accuracy.py)")
    parser.add_argument("--set", action="append", help="with --corpus: dev, holdout or all")
    args = parser.parse_args(argv)
    if args.corpus:
        forwarded = [arg for name in (args.set or []) for arg in ("--set", name)]
        return corpus_accuracy.main(forwarded + (["--json", "-"] if args.json else []))
    rules = get_registry().rules
    categories = {code: rules[code].category for code in CODES}
    corpora = {"realistic": fixture_files(REALISTIC), "all fixtures": fixture_files(FIXTURES)}
    report = {name: evaluate(files) for name, files in corpora.items()}
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        return 0
    for name, result in report.items():
        print(f"== {name}: {result['files']} files, {result['negative_files']} without any expected finding ==\n")
        for tool in ("zdr-lint", "grep"):
            print(table(f"-- {tool}", result[tool]["rows"], categories))
            print(f"findings on negative files: {result[tool]['negative_findings']}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
