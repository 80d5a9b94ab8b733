"""The rule base class: metadata, docs, examples, and the hooks the engine calls.

A rule is a small class (in the spirit of Fixit's LintRule). Its docstring is its user doc, with the
sections What it does / Which ZDR exception / Example / Use instead / References; `VALID` and
`INVALID` hold examples that tests/test_rule_examples.py runs through the engine.

Hooks, each optional:
- `visit_Call(node)`, `visit_Dict(node)`, `visit_Assign(node)`: libcst nodes, in source order;
- `check_resource_call(call)`: a call of a method under an Anthropic client's resource path;
- `check_request(request)`: an Anthropic Messages request, with its parameters resolved;
- `visit_Module()`: once per module, for rules that read a module-wide result of the model.
The semantic model (`self.model`) answers every question about clients and values; rules do not
re-derive it.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, ClassVar, Optional

from zdr_lint import catalog
from zdr_lint._lazy import libcst as cst
from zdr_lint.classify import Verdict

if TYPE_CHECKING:
    from zdr_lint.semantics import SemanticModel

DOCS_BASE_URL = "https://github.com/zdr-lint/zdr-lint/blob/main/docs/rules"


@dataclass(frozen=True)
class Report:
    """A finding before positions are known: the node it is written at."""

    code: str
    node: cst.CSTNode
    message: str
    confidence: str
    severity: Optional[str] = None  # the rule's own severity unless the trigger has a lower one
    # the classifier's verdict (zdr_lint.classify.Verdict): its trigger, as judged under the profile and policy
    verdict: Optional[object] = None


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    summary: ClassVar[str]
    # The ZDR exception, for messages: what is kept or where data goes, in a few words.
    exception: ClassVar[str]
    # What to do instead, in a few words (ends the message).
    advice: ClassVar[str]
    severity: ClassVar[str] = "error"
    # Where the rule's documentation lives, for a plugin's rule (`{code}` and `{name}` are filled
    # in); zdr-lint's own rules link to their page under docs/rules/.
    docs_url: ClassVar[str] = ""
    status: ClassVar[str] = "stable"  # "stable" | "preview" | "removed"
    default_enabled: ClassVar[bool] = True
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[str, ...]] = ()
    # settings VALID and INVALID are checked under, where the defaults would not run the rule
    # (`{"profile": "hipaa"}`); keys are zdr_lint.config.Settings fields
    EXAMPLE_SETTINGS: ClassVar[dict] = {}

    def __init__(self, model: "SemanticModel", sink: Callable[[Report], None]) -> None:
        self.model = model
        self._sink = sink

    def report(self, node: cst.CSTNode, what: str, *, confidence: str = "high", code: Optional[str] = None) -> None:
        """Record a finding at `node`. `what` names the use; the rule adds its ZDR exception."""
        code = code or self.code
        if code in catalog.DEFAULT_TRIGGERS:  # one of ours: judged under the profile and policy like every verdict
            self.report_verdict(node, Verdict(code, what, catalog.CodeText(self.exception, self.advice)), confidence=confidence)
            return
        self._sink(Report(code, node, f"{what}: {self.exception}; {self.advice}", confidence))

    def report_verdict(self, node: cst.CSTNode, verdict, *, confidence: Optional[str] = None) -> None:
        """Record a finding at `node` from a `zdr_lint.classify.Verdict` (its code, label and exception)."""
        self._sink(Report(verdict.code, node, verdict.message, confidence or verdict.confidence, verdict.severity, verdict))

    def report_verdicts(self, node: cst.CSTNode, verdicts, *, confidence: Optional[str] = None) -> None:
        """Report at `node` each verdict of this rule's code."""
        for verdict in verdicts:
            if verdict.code == self.code:
                self.report_verdict(node, verdict, confidence=confidence)

    def report_raw_endpoints(self) -> None:
        """Report each URL of an Anthropic-processed host whose raw endpoint belongs to this rule."""
        for node, verdict in self.model.raw_endpoints():
            if verdict.code == self.code:
                self.report_verdict(node, verdict)

    def check_direct_use(self, use) -> None:
        """A use found outside the SDK's request keywords (a wrapper library, raw HTTP: zdr_lint.wrappers)."""
        if use.code == self.code:
            self.report(use.node, use.label, confidence=getattr(use, "confidence", "high"))

    @classmethod
    def docs(cls) -> str:
        """The docstring; for a built-in rule, with the sections the catalog writes (behaviour per
        profile and policy, fix safety) before its References."""
        text = inspect.cleandoc(cls.__doc__ or "")
        if not cls.__module__.startswith("zdr_lint.rules.") or "## References" not in text:
            return text
        from zdr_lint.rules._docs import fixes_section, profiles_section  # only when docs are read

        extra = "\n\n".join(s for s in (profiles_section(cls.code), fixes_section(cls.code)) if s)
        if not extra:
            return text
        head, tail = text.split("## References", 1)
        return f"{head}{extra}\n\n## References{tail}"

    @classmethod
    def url(cls) -> str:
        """The rule's docs URL: the plugin's `docs_url`, a page of ours for a built-in rule, else
        "" (no link, rather than a page of ours that does not exist)."""
        if cls.docs_url:
            return cls.docs_url.format(code=cls.code, name=cls.name)
        if cls.__module__.startswith("zdr_lint.rules."):
            return f"{DOCS_BASE_URL}/{cls.code}-{cls.name}.md"
        return ""

    @classmethod
    def hooks(cls) -> frozenset[str]:
        names = ("visit_Module", "visit_Call", "visit_Dict", "visit_Assign", "check_resource_call", "check_request", "check_direct_use")
        return frozenset(n for n in names if getattr(cls, n, None) is not None)

    visit_Module: ClassVar[Optional[Callable]] = None
    visit_Call: ClassVar[Optional[Callable]] = None
    visit_Dict: ClassVar[Optional[Callable]] = None
    visit_Assign: ClassVar[Optional[Callable]] = None
    check_resource_call: ClassVar[Optional[Callable]] = None
    check_request: ClassVar[Optional[Callable]] = None
