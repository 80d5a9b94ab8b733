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
    # What raised it (zdr_lint.catalog.TRIGGERS key) and on what basis: (profile, policy topic or
    # None, that topic's position or None), so an auditor can see why it was (or was not) raised.
    trigger: str = ""
    basis: Optional[tuple] = None
    fix: Optional["Fix"] = field(default=None, compare=False, hash=False)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.cell or 0, self.start.line, self.start.column, self.code, self.message)

    def with_changes(self, **changes) -> "Finding":
        return replace(self, **changes)


@dataclass(frozen=True)
class Edit:
    """Replace the text from `start` to `end` (positions as a finding's) with `content`."""

    content: str
    start: Position
    end: Position


@dataclass(frozen=True)
class Fix:
    """An edit that removes a finding, as ruff describes one: its applicability ("safe": what the
    code means is kept; "unsafe": it may change what the code does), a title, and the edits."""

    applicability: str
    message: str
    edits: tuple
