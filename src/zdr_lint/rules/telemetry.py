from __future__ import annotations

from typing import Optional

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog
from zdr_lint.rules.base import Rule
from zdr_lint.semantic_types import Scope, truthy

_PUTENV = "os.putenv"


class Telemetry(Rule):
    """
    ## What it does
    Flags Claude Code telemetry switched on from Python: `CLAUDE_CODE_ENABLE_TELEMETRY` set to a
    true value (in `os.environ`, `os.putenv`, or an `env={...}` dict passed to `ClaudeAgentOptions`
    or a subprocess, literal or built with `env["..."] = ...`), the content-logging variables `OTEL_LOG_USER_PROMPTS`,
    `OTEL_LOG_ASSISTANT_RESPONSES`, `OTEL_LOG_TOOL_DETAILS`, `OTEL_LOG_TOOL_CONTENT`,
    `OTEL_LOG_RAW_API_BODIES` set true, and the SDK client option
    `open_telemetry={"traces": {"content_mode": "content"}}`. Reading these variables is not a use;
    setting them to a false value (`"0"`, `"false"`) is not flagged.

    ## Which ZDR exception
    This is not Anthropic keeping request content: it is data leaving to your telemetry collector.
    With telemetry on, Claude Code exports metrics and events to the OpenTelemetry endpoint you
    configure; with the content-logging variables (or the SDK's `content_mode: "content"`), prompts,
    responses and tool content go there too, outside the request path ZDR governs. Claude Code's
    metrics logging in the Console is not ZDR either (Anthropic's ZDR scope article), and is an
    organisation setting no code shows.

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
    name = "telemetry"
    category = "telemetry"
    summary = "Claude Code telemetry or content logging switched on from code"
    exception = "usage data (and with content logging, prompts and responses) leaves to your telemetry collector, outside ZDR's request path"
    advice = "leave telemetry off in code, and never export prompt content"
    VALID = (
        "import os\nos.environ.get('CLAUDE_CODE_ENABLE_TELEMETRY')\n",
        "env = {'CLAUDE_CODE_ENABLE_TELEMETRY': '0'}\n",
    )
    INVALID = (
        "import os\nos.environ['CLAUDE_CODE_ENABLE_TELEMETRY'] = '1'\n",
        "env = {'OTEL_LOG_USER_PROMPTS': '1'}\n",
        "import os, subprocess\nsubprocess.run(['claude'], env=dict(os.environ, CLAUDE_CODE_ENABLE_TELEMETRY='1'))\n",
    )

    def _check(self, node: cst.CSTNode, name: Optional[str], value: Optional[cst.BaseExpression], scope: Scope) -> None:
        if name not in catalog.TELEMETRY_ENV_VARS or value is None:
            return
        verdict = truthy(self.model, value, scope)
        if verdict is False or (verdict is None and self._passes_through(value, scope)):
            return
        self.report(node, f"{catalog.TELEMETRY_ENV_VARS[name]} switched on ({name})", confidence="high" if verdict else "medium")

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

    def visit_Dict(self, node: cst.Dict) -> None:
        scope = self.model.scope_of(node)
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                self._check(element, self.model.string(element.key, scope), element.value, scope)

    def visit_Assign(self, node: cst.Assign) -> None:
        scope = self.model.scope_of(node)
        for target in node.targets:
            sub = target.target
            # `os.environ[...] = ...`, or an env dict being built (`env[...] = ...`): the names are
            # Claude Code's own, so any mapping set this way is an environment for it.
            if isinstance(sub, cst.Subscript) and len(sub.slice) == 1 and isinstance(sub.slice[0].slice, cst.Index):
                self._check(sub, self.model.string(sub.slice[0].slice.value, scope), node.value, scope)

    def visit_Call(self, node: cst.Call) -> None:
        scope = self.model.scope_of(node)
        qualname = self.model.qualified_name(node.func, scope)
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        # The variable names are Claude Code's own, so any mapping they are set in is an environment
        # for it: `os.environ.setdefault`, `env.update(X="1")`, `dict(os.environ, X="1")`, `os.putenv`.
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        if (method == "setdefault" or qualname == _PUTENV) and len(positional) == 2:
            self._check(node, self.model.string(positional[0], scope), positional[1], scope)
        elif method == "update" or self.model.is_dict_constructor(node, scope):
            for arg in node.args:
                if arg.keyword is not None:
                    self._check(arg, arg.keyword.value, arg.value, scope)
        elif self.model.constructed_client(node, scope) is not None:
            for arg in self.model.call_arguments(node, scope):
                if arg.name == catalog.OPEN_TELEMETRY_KEYWORD:
                    self._content_mode(arg.value, arg.scope)

    def _content_mode(self, value: cst.BaseExpression, scope: Scope) -> None:
        first, second = catalog.CONTENT_MODE_PATH
        for traces in self.model.entry(value, scope, first):
            for mode in self.model.entry(traces.value, traces.scope, second):
                if self.model.string(mode.value, mode.scope) == catalog.CONTENT_MODE_ON:
                    self.report(mode.node, "OpenTelemetry export of prompt and response content (content_mode)")
