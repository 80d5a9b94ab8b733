"""The parts of a built-in rule's docs that come from the catalog's data, so they cannot drift from
what `classify.judge` does: its behaviour per profile and policy, and its fixes."""

from __future__ import annotations

from zdr_lint import catalog, classify

_SHOWN = {"yes": "-", "qualified": "warning", "unlisted": "warning", "unnamed": "warning", "elsewhere": "info", "no": "error", "not-blocked": "error"}
_COLUMNS = (("zdr", "scope"), ("zdr", "docs"), ("hipaa", "scope"), ("hipaa", "docs"))


def _cell(trigger: str, profile: str, position: str) -> str:
    said, _ = classify.answer(trigger, profile, classify.policy_table(position))
    shown = _SHOWN[said]
    standing = catalog.TRIGGERS[trigger]
    return standing.severity if shown == "error" and standing.severity else shown


def profiles_section(code: str) -> str:
    """`## Profiles and policies`: per trigger of `code`, the severity each profile and policy gives
    (`-`: no finding), the disputed topic, and what happens under a HIPAA BAA."""
    triggers = [(key, t) for key, t in catalog.TRIGGERS.items() if t.code == code]
    if not triggers:
        return ""
    lines = [
        "## Profiles and policies",
        "What each trigger gives under `profile = \"zdr\"` (the default) or `\"hipaa\"`, with the scope article's or the",
        "docs' position on its topic (`policy`, or per topic in `[tool.zdr-lint.policy]`); `-` is no finding.",
        "",
        "| trigger | zdr, scope | zdr, docs | hipaa, scope | hipaa, docs | topic | under a HIPAA BAA |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, standing in triggers:
        cells = [_cell(key, profile, position) for profile, position in _COLUMNS]
        default = dict(catalog.DEFAULT_POLICY).get(standing.topic) if standing.topic else None
        topic = f"`{standing.topic}` (default: {default})" if standing.topic else "-"
        if standing.hipaa_text is not None:
            baa = standing.hipaa_text.exception.split("; ")[-1]
        elif standing.baa is not None:
            baa = catalog.BAA_OUTCOMES[standing.baa]
        else:
            baa = "-"
        lines.append(f"| {standing.label} | {' | '.join(cells)} | {topic} | {baa} |")
    kept = []
    for key, standing in triggers:
        sources = ", ".join(f"[{s}]" for s in standing.sources)
        kept.append(f"- {standing.label}: {standing.kept}; kept by {standing.holder}; how long: {standing.retention} ({sources}).")
    return "\n".join(lines + ["", "What is kept, by whom and for how long (the exposure report says the same):"] + kept)


def fixes_section(code: str) -> str:
    """`## Fix safety`, as ruff documents it: which findings `--fix` (or `--unsafe-fixes`) rewrites."""
    remedies = [(key, catalog.TRIGGERS[key], remedy) for key, remedy in catalog.REMEDIES.items() if catalog.TRIGGERS[key].code == code]
    if not remedies:
        return ""
    lines = ["## Fix safety"]
    for key, standing, remedy in remedies:
        if remedy.action == "pin-direct":
            lines.append(
                f"- {standing.label}: a safe fix (`--fix`) adds `\"allowed_callers\": [\"direct\"]` to the tool's dict literal, "
                "in its layout and quote style; where the dict already sets `allowed_callers` to a list, replacing it changes "
                "what the code chose, so that fix is unsafe (`--unsafe-fixes`)."
            )
        else:
            lines.append(f"- {standing.label}: an unsafe fix (`--fix --unsafe-fixes`): {remedy.title}, with its comma and line.")
    return "\n".join(lines)
