from __future__ import annotations

from typing import Optional

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.platforms import environment_writes
from zdr_lint.rules.base import Rule
from zdr_lint.semantic_types import ResourceCall, Scope, literal_string


class Telemetry(Rule):
    """
    ## What it does
    Flags telemetry that sends prompt or usage data to a collector, switched on from Python:
    `CLAUDE_CODE_ENABLE_TELEMETRY` set to a true value (in `os.environ`, `os.putenv`, or an
    `env={...}` dict passed to `ClaudeAgentOptions` or a subprocess, literal or built with
    `env["..."] = ...`); the content-logging variables `OTEL_LOG_USER_PROMPTS`,
    `OTEL_LOG_ASSISTANT_RESPONSES`, `OTEL_LOG_TOOL_DETAILS`, `OTEL_LOG_TOOL_CONTENT`,
    `OTEL_LOG_RAW_API_BODIES` set true, and `OTEL_LOG_RAW_API_BODIES=file:<dir>` (Claude Code's file
    mode writes the full bodies there); the SDK client option
    `open_telemetry={"traces": {"content_mode": "content"}}` and the variable the SDK reads for it,
    `ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE=content`; and the API's server-side export, a
    telemetry destination made or changed with content
    (`client.beta.organization.telemetry_destinations.create|update(traces={"content_mode": "content"})`).
    Reading these variables is not a use; setting them to a false value (`"0"`, `"false"`,
    `"metadata_only"`) is not flagged.

    ## Which ZDR exception
    This is not Anthropic keeping request content: it is data leaving to your telemetry collector,
    kept under that backend's retention, outside the request path ZDR governs. With telemetry on,
    Claude Code exports metrics and events to the OpenTelemetry endpoint you configure; with the
    content-logging variables (or a content mode), prompts, responses and tool content go there too.
    The server-side export (since 2026-10-14) is eligible under ZDR by the docs, but with content
    mode the content leaves all the same, and HIPAA organisations cannot choose content mode. Claude
    Code's metrics logging in the Console is not ZDR either (Anthropic's ZDR scope article), and is
    an organisation setting no code shows. Each message says which of these it is.

    ## Example
    ```python
    options = ClaudeAgentOptions(env={"CLAUDE_CODE_ENABLE_TELEMETRY": "1", "OTEL_LOG_USER_PROMPTS": "1"})
    ```

    ## Use instead
    Leave telemetry off in code and configure it where your security team can review it; never
    export prompt or response content unless the collector is covered by the same controls.

    ## References
    - Anthropic, Claude Code monitoring: code.claude.com/docs/en/monitoring-usage
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    """

    code = "ZDR012"
    exception = catalog.EXCEPTIONS["ZDR012"].exception
    advice = catalog.EXCEPTIONS["ZDR012"].advice
    name = "telemetry"
    category = "telemetry"
    summary = "Telemetry or content export switched on from code (Claude Code, the SDK, the API's server-side export)"
    VALID = (
        "import os\nos.environ.get('CLAUDE_CODE_ENABLE_TELEMETRY')\n",
        "import os\nos.environ['ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE'] = 'metadata_only'\n",
        "import anthropic\nanthropic.Anthropic().beta.organization.telemetry_destinations.create(endpoint_url=u, traces={'content_mode': 'metadata_only'})\n",
        "env = {'CLAUDE_CODE_ENABLE_TELEMETRY': '0'}\n",
    )
    INVALID = (
        "import os\nos.environ['CLAUDE_CODE_ENABLE_TELEMETRY'] = '1'\n",
        "import os\nos.environ['OTEL_LOG_RAW_API_BODIES'] = 'file:/var/log/claude'\n",
        "import os\nos.environ['ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE'] = 'content'\n",
        "import anthropic\nanthropic.Anthropic().beta.organization.telemetry_destinations.create(endpoint_url=u, traces={'content_mode': 'content'})\n",
        "env = {'OTEL_LOG_USER_PROMPTS': '1'}\n",
        "import os, subprocess\nsubprocess.run(['claude'], env=dict(os.environ, CLAUDE_CODE_ENABLE_TELEMETRY='1'))\n",
    )

    def _check(self, node: cst.CSTNode, name: Optional[str], value: Optional[cst.BaseExpression], scope: Scope) -> None:
        if name not in catalog.TELEMETRY_ENV_VARS or value is None:
            return
        literals = []
        for v, _ in self.model.values(value, scope):
            text = literal_string(v)
            if text is not None:
                literals.append(text)
            elif isinstance(v, cst.Name) and v.value in ("True", "False", "None"):
                literals.append({"True": True, "False": False, "None": None}[v.value])
            elif isinstance(v, cst.Integer):
                literals.append(int(v.value, 0) if v.value.isdigit() else 1)
            else:
                literals = None
                break
        if literals is None or not literals:
            if self._passes_through(value, scope):
                return
            literals = [classify.UNKNOWN]
        for literal in literals:
            verdict = classify.env_setting(name, literal)
            if verdict is not None:
                self.report_verdict(node, verdict)
                return

    def _passes_through(self, value: cst.BaseExpression, scope: Scope) -> bool:
        """A value read from the environment (`os.environ.get(...)`, `os.getenv(...)`,
        `os.environ[...]`): forwarding the parent's setting does not switch anything on."""
        values = list(self.model.values(value, scope))
        for v, where in values:
            if isinstance(v, cst.Call):
                func = v.func
                if isinstance(func, cst.Attribute) and func.attr.value == "get":
                    func = func.value
                if self.model.qualified_name(func, where) not in catalog.ENV_READERS:
                    return False
            elif isinstance(v, cst.Subscript):
                if self.model.qualified_name(v.value, where) not in catalog.ENV_READERS:
                    return False
            else:
                return False
        return bool(values)

    def visit_Module(self) -> None:
        # `os.environ[...] = ...`, `env.update(X="1")`, `dict(os.environ, X="1")`, `os.putenv`, a dict
        # literal: the variable names are Claude Code's own, so any mapping they are set in is an
        # environment for it (the same writes the platform switches are looked for in).
        for node, name, value, scope in environment_writes(self.model):
            self._check(node, name, value, scope)

    def visit_Call(self, node: cst.Call) -> None:
        scope = self.model.scope_of(node)
        if self.model.constructed_client(node, scope) is not None:
            for arg in self.model.call_arguments(node, scope):
                if arg.name == catalog.OPEN_TELEMETRY_KEYWORD:
                    self._content_mode(arg.value, arg.scope, classify.open_telemetry)

    def check_resource_call(self, rc: ResourceCall) -> None:
        """The API's own export: `beta.organization.telemetry_destinations.create(traces={"content_mode": "content"})`."""
        for arg in self.model.arguments_of(rc):
            if arg.name == catalog.TRACES_KEYWORD:
                decide = lambda shape: classify.resource_keyword(rc.path, catalog.TRACES_KEYWORD, shape[catalog.TRACES_KEYWORD])  # noqa: E731
                self._content_mode(arg.value, arg.scope, decide, wrap=True)

    def _content_mode(self, value: cst.BaseExpression, scope: Scope, decide, wrap: bool = False) -> None:
        """`{"traces": {"content_mode": "content"}}` (or the traces dict itself, `wrap`), reported at the content_mode entry."""
        first, second = catalog.CONTENT_MODE_PATH
        traces_entries = [None] if wrap else self.model.entry(value, scope, first)
        for traces in traces_entries:
            holder, where = (value, scope) if traces is None else (traces.value, traces.scope)
            for mode in self.model.entry(holder, where, second):
                shape = {first: {second: self.model.string(mode.value, mode.scope)}}
                self.report_verdicts(mode.node, decide(shape))
