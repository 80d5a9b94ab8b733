"""`zdr-lint report`: the exposure report a compliance officer signs off on.

It answers "what leaves ZDR (or the HIPAA BAA), where, and for how long" from one check of the paths
with `# noqa` set aside, so every use is counted, whatever was decided about it:
- per category and trigger: how many uses, what is kept, by whom, for how long, and the source of
  each fact (`catalog.TRIGGERS`, the data `classify.judge` decides with);
- every use with its file and line, its severity and its status: open (a finding today), in the
  baseline (recorded, accepted for now), or suppressed (with the directive's reason);
- the suppressions (`zdr-lint suppressions`' list), the baseline's size (entries, matched, no
  longer matching), and the profile and the position on every disputed topic in force.
`build` returns the report as data (the JSON format, whose schema tests/data/report.schema.json
keeps); `markdown` renders it; `zdr_lint.report_html` renders the HTML page (imported only for it).
"""

from __future__ import annotations

import datetime as _datetime
import json
import os
from collections import Counter
from pathlib import Path
from typing import Optional

from zdr_lint import catalog
from zdr_lint.formats._common import relative, text_path
from zdr_lint.suppressions_report import hides_text, place_text

SCHEMA_VERSION = 1
OPEN, BASELINE, SUPPRESSED = "open", "baseline", "suppressed"


def counted(n: int, noun: str) -> str:
    """`1 file`, `3 files`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _generated_at() -> str:
    """UTC, to the second; SOURCE_DATE_EPOCH (reproducible builds) fixes it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = _datetime.datetime.fromtimestamp(int(epoch), _datetime.timezone.utc) if epoch and epoch.isdigit() else _datetime.datetime.now(_datetime.timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _standing_json(key: str, profile: str, policy: dict) -> dict:
    standing = catalog.TRIGGERS[key]
    baa = None
    if profile == "hipaa":
        if standing.hipaa_text is not None:
            baa = standing.hipaa_text.exception.split("; ")[-1]
        elif standing.baa is not None:
            baa = catalog.BAA_OUTCOMES[standing.baa]
    return {
        "trigger": key, "label": standing.label, "kept": standing.kept, "holder": standing.holder,
        "retention": standing.retention, "sources": list(standing.sources), "docs_zdr": standing.zdr, "docs_hipaa": standing.hipaa,
        "topic": standing.topic, "position": policy.get(standing.topic) if standing.topic else None, "under_baa": baa,
    }


def build(findings: list, files: list, rules: dict, *, root: Path, profile: str, policy: tuple, version: str,
          suppressed_by: dict, suppressions: list, baseline: Optional[dict], baselined: set) -> dict:
    """The report as data. `findings`: a check's findings with noqa ignored; `suppressed_by`: id(finding)
    -> the Listed directives hiding it; `baselined`: ids of findings the baseline holds."""
    table = dict(policy)
    rows = []
    uses: Counter = Counter()  # (code, trigger, status)
    for f in findings:
        listed = suppressed_by.get(id(f))
        status = SUPPRESSED if listed else BASELINE if id(f) in baselined else OPEN
        reasons = [item.reason for item in listed or () if item.reason]
        rule = rules.get(f.code)
        rows.append({
            "code": f.code, "name": rule.name if rule is not None else None, "category": f.category, "trigger": f.trigger or None,
            "severity": f.severity, "status": status, "reason": "; ".join(reasons) if reasons else None,
            "message": f.message, "path": text_path(relative(f.path, root)), "line": f.start.line, "column": f.start.column + 1,
            "end_line": f.end.line, "end_column": f.end.column + 1, "cell": f.cell,
            "policy": {"topic": f.basis[1], "position": f.basis[2]} if f.basis and f.basis[1] else None,
        })
        uses[(f.code, f.trigger, status)] += 1
    categories = []
    in_profile = catalog.codes_in_profile(profile)
    for code, rule in rules.items():
        triggers = [key for key, t in catalog.TRIGGERS.items() if t.code == code]
        if not triggers or code not in in_profile:
            continue
        entries = []
        for key in triggers:
            counts = {status: uses[(code, key, status)] for status in (OPEN, BASELINE, SUPPRESSED)}
            entries.append(dict(_standing_json(key, profile, table), uses=sum(counts.values()), **counts))
        counts = {status: sum(e[status] for e in entries) for status in (OPEN, BASELINE, SUPPRESSED)}
        categories.append({"code": code, "name": rule.name, "category": rule.category, "summary": rule.summary, "uses": sum(counts.values()), **counts, "triggers": entries})
    other = [r for r in rows if r["trigger"] is None]  # ZDR000 and a plugin's codes: listed, not categorised
    by_status = Counter(r["status"] for r in rows)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "zdr-lint", "version": version},
        "generated_at": _generated_at(),
        "root": text_path(str(root)),
        "profile": profile,
        "policy": table,
        "policy_topics": dict(catalog.POLICY_TOPICS),
        "sources": dict(catalog.SOURCES),
        "summary": {
            "files_checked": len(files), "files_with_uses": len({r["path"] for r in rows}), "uses": len(rows),
            OPEN: by_status[OPEN], BASELINE: by_status[BASELINE], SUPPRESSED: by_status[SUPPRESSED],
            "by_severity": dict(sorted(Counter(r["severity"] for r in rows if r["status"] == OPEN).items())),
            "not_categorised": len(other),
        },
        "categories": categories,
        "findings": rows,
        "suppressions": [dict(item.as_json(), filename=text_path(relative(item.path, root))) for item in suppressions],
        "baseline": baseline,
    }


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


# --- markdown --------------------------------------------------------------------------------------------
def _md(text) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def markdown(report: dict) -> str:
    s = report["summary"]
    out = [
        "# zdr-lint exposure report",
        "",
        f"- Project: `{report['root']}`",
        f"- Generated: {report['generated_at']} by zdr-lint {report['tool']['version']}",
        f"- Profile: **{report['profile']}** ({'a HIPAA BAA' if report['profile'] == 'hipaa' else 'a Zero Data Retention arrangement'})",
        "- Policy where Anthropic's sources disagree: " + ", ".join(f"{topic} = {position}" for topic, position in report["policy"].items()),
        f"- Files checked: {s['files_checked']}; uses found: {s['uses']} in {counted(s['files_with_uses'], 'file')} "
        f"({s[OPEN]} open, {s[BASELINE]} in the baseline, {s[SUPPRESSED]} suppressed)",
        "",
        "## What leaves, where it goes, for how long",
        "",
        "| category | code | trigger | uses | open | what is kept | kept by | how long | sources |" + (" under a HIPAA BAA |" if report["profile"] == "hipaa" else ""),
        "|---|---|---|---|---|---|---|---|---|" + ("---|" if report["profile"] == "hipaa" else ""),
    ]
    for category in report["categories"]:
        for t in category["triggers"]:
            if not t["uses"]:
                continue
            sources = ", ".join(f"[{x}]" for x in t["sources"])
            baa = f" {_md(t['under_baa'])} |" if report["profile"] == "hipaa" else ""
            out.append(f"| {category['category']} | {category['code']} | {_md(t['label'])} | {t['uses']} | {t[OPEN]} | {_md(t['kept'])} | {_md(t['holder'])} | {_md(t['retention'])} | {sources} |{baa}")
    quiet = [c["code"] for c in report["categories"] if not c["uses"]]
    if quiet:
        out += ["", f"No use found of: {', '.join(quiet)}."]
    out += ["", "## Where", "", "| file | line | code | severity | status | what | reason |", "|---|---|---|---|---|---|---|"]
    for r in report["findings"]:
        line = f"cell {r['cell']}:{r['line']}" if r["cell"] is not None else str(r["line"])
        out.append(f"| `{_md(r['path'])}` | {line} | {r['code']} | {r['severity']} | {r['status']} | {_md(r['message'].split(': ', 1)[0])} | {_md(r['reason'])} |")
    out += ["", "## Suppressions", ""]
    if report["suppressions"]:
        out += ["| file | line | directive | reason | suppresses |", "|---|---|---|---|---|"]
        for item in report["suppressions"]:
            hides = hides_text(item["suppressed"], item["unused"], item["suppresses_nothing"])
            out.append(f"| `{_md(item['filename'])}` | {place_text(item['cell'], item['line'])} | `{_md(item['directive'])}` | {_md(item['reason']) or '**none**'} | {hides} |")
    else:
        out.append("No suppression of a zdr-lint finding.")
    out += ["", "## Baseline", ""]
    b = report["baseline"]
    out.append(
        f"`{b['file']}`: {b['entries']} entries, {b['matched']} matching a use today, {b['stale']} no longer matching." if b else "No baseline in use."
    )
    out += ["", "## Sources", ""] + [f"- [{key}] {text}" for key, text in report["sources"].items()]
    out += ["", "## Policy topics", ""] + [f"- `{topic}` = {report['policy'][topic]}: {text}" for topic, text in report["policy_topics"].items()]
    return "\n".join(out) + "\n"
