"""Human output: `full` (with the rule's docs link) and `concise` (one line a finding), like ruff's.
With colour on (`--color`, see zdr_lint.cli), the path is bold, the separators cyan and the code bold
red, as ruff colours them."""

from __future__ import annotations

from dataclasses import dataclass

from zdr_lint.finding import Finding

BOLD, UNDERLINE, CYAN, RED, DIM, RESET = "\x1b[1m", "\x1b[4m", "\x1b[36m", "\x1b[31m", "\x1b[2m", "\x1b[0m"


@dataclass(frozen=True)
class Painter:
    """ANSI styles, or none at all."""

    enabled: bool = False

    @classmethod
    def of(cls, context) -> "Painter":
        return cls(bool(getattr(context, "color", False)))

    def _style(self, text: str, *styles: str) -> str:
        return f"{''.join(styles)}{text}{RESET}" if self.enabled and text else text

    def path(self, text: str) -> str:
        return self._style(text, BOLD)

    def underline(self, text: str) -> str:
        return self._style(text, UNDERLINE)

    def punctuation(self, text: str) -> str:
        return self._style(text, CYAN)

    def code(self, text: str) -> str:
        return self._style(text, BOLD, RED)

    def dim(self, text: str) -> str:
        return self._style(text, DIM)


def fix_mark(finding: Finding, context) -> str:
    """ruff's ` [*]` after the code of a finding `--fix` would fix (an unsafe fix only with --unsafe-fixes)."""
    fix = finding.fix
    if fix is None or not (fix.applicability == "safe" or getattr(context, "unsafe_fixes", False)):
        return ""
    return " [*]"


def location(finding: Finding, paint: Painter = Painter()) -> str:
    colon = paint.punctuation(":")
    cell = f"cell {finding.cell}{colon}" if finding.cell is not None else ""
    return f"{paint.path(finding.path)}{colon}{cell}{finding.start.line}{colon}{finding.start.column + 1}{colon}"


def format_concise(findings: list, context) -> str:
    paint = Painter.of(context)
    return "".join(f"{location(f, paint)} {paint.code(f.code)}{fix_mark(f, context)} {f.message}\n" for f in findings)


def format_full(findings: list, context) -> str:
    paint = Painter.of(context)
    lines = []
    for f in findings:
        confidence = "" if f.confidence == "high" else f" [{f.confidence} confidence]"
        lines.append(f"{location(f, paint)} {paint.code(f.code)}{fix_mark(f, context)} {f.message}{confidence}\n")
        if f.fix is not None:
            unsafe = " (unsafe: --unsafe-fixes)" if f.fix.applicability == "unsafe" else ""
            lines.append(f"    {paint.dim('help:')} {f.fix.message}{unsafe}\n")
        if f.url:
            lines.append(f"    {paint.dim('docs:')} {f.url}\n")
    return "".join(lines)
