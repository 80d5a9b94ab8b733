"""What a check produces: one finding per ZDR-affecting use."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

# From the least to the most certain. "high": the use is on an object resolved to an Anthropic client
# (or a spelling only Anthropic uses); "medium": recognised by its shape alone (a resource path only
# Anthropic's SDK has, a name that says Anthropic or Claude) on an object the checked code does not
# show being made.
CONFIDENCE_LEVELS = ("medium", "high")


@dataclass(frozen=True, order=True)
class Position:
    """1-based line, 0-based column counted in Unicode code points (as libcst and ruff's JSON do)."""

    line: int
    column: int


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    path: str
    start: Position
    end: Position
    severity: str = "error"  # "error" | "warning" | "info"
    confidence: str = "high"  # "high" | "medium"
    category: str = ""
    url: str = ""
    # The line whose `# noqa` suppresses this finding (the last line of a multi-line string).
    noqa_line: Optional[int] = None
    # For notebooks: the 1-based cell number, and start/end are relative to that cell.
    cell: Optional[int] = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.cell or 0, self.start.line, self.start.column, self.code, self.message)

    def with_changes(self, **changes) -> "Finding":
        return replace(self, **changes)
