"""What a HIPAA BAA does not cover and ZDR allows: the HIPAA profile's own code."""

from __future__ import annotations

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.rules._tools import report_client_construction, report_keyword, report_tools
from zdr_lint.rules.base import Rule
from zdr_lint.semantics import Request


class HipaaIneligible(Rule):
    """
    ## What it does
    Under `profile = "hipaa"` only, flags what the HIPAA column of Anthropic's eligibility table marks
    "No" while the ZDR column (or running client side) lets it through, so no other code fires for it:
    the tool search tool (`tool_search_tool_bm25`, `tool_search_tool_regex`, dated or not, or their
    typed params), the advisor tool (`advisor_*`), browser use (`browser_toolset_*`), context editing
    (`context_management=`) and compaction (`compaction=`) on a request, the `AnthropicAWS` and
    `AnthropicFoundry` clients (sync and async: HIPAA is not available on Claude Platform on AWS or
    Microsoft Foundry), and Claude Code sessions started through the Claude Agent SDK
    (`claude_agent_sdk.query(...)`, `ClaudeSDKClient(...)`). The zdr profile never runs it.

    ## Which ZDR exception
    None: each of these keeps nothing outside ZDR (the docs mark tool search, the advisor tool, context
    editing and compaction ZDR "Yes"; browser use runs client side; Claude Code is covered by ZDR under
    a commercial key). A HIPAA BAA does not cover them. Most are refused under a BAA (HTTP 400), so the
    finding saves a failed deploy; browser use is accepted and simply not covered ("requests that
    include the browser use tool are not blocked"), the silent kind of exit; Claude Code is not covered
    under HIPAA readiness and nothing refuses it.

    Why one code of its own rather than more triggers of the existing codes: every other code names a
    ZDR exception (what is kept, and where), and a team's decisions about those (`ignore = ["ZDR005"]`
    for covered betas) must not silently drop a HIPAA finding; these share one reason (the BAA does not
    cover the feature) and one remedy. The existing codes keep their meaning under the HIPAA profile
    and say, in their messages, what happens under a BAA.

    ## Example
    ```python
    client.beta.messages.create(
        model="claude-sonnet-5-5", max_tokens=1024, messages=messages,
        tools=[{"type": "tool_search_tool_bm25_20251119", "name": "tool_search"}],
        context_management={"edits": [{"type": "clear_tool_uses_20250919"}]},
    )
    ```

    ## Use instead
    Keep protected health information out of these requests: list the tools the request needs instead
    of searching them, trim the history yourself instead of context editing or compaction, run the
    browser only on data the BAA does not need to cover, and send PHI through `anthropic.Anthropic()`
    (the Anthropic API) rather than Claude Platform on AWS or Foundry, and not through Claude Code.

    ## References
    - Anthropic, "API and data retention" (the HIPAA column): platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, HIPAA readiness and the BAA: the same page's HIPAA section
    """

    code = "ZDR016"
    exception = catalog.EXCEPTIONS["ZDR016"].exception
    advice = catalog.EXCEPTIONS["ZDR016"].advice
    name = "hipaa-ineligible"
    category = "hipaa"
    summary = "Outside a HIPAA BAA though inside ZDR (HIPAA profile only): tool search, advisor, browser use, context editing, compaction, AWS / Foundry clients, Claude Code"
    VALID = (
        "tools = [{'type': 'bash_20250124', 'name': 'bash'}]\n",
        "import anthropic\nanthropic.AnthropicGoogleCloud(project_id='p')\n",
        "from claude_agent_sdk import ClaudeAgentOptions\nClaudeAgentOptions(allowed_tools=['Read'])\n",
    )
    INVALID = (
        "tools = [{'type': 'tool_search_tool_regex_20251119', 'name': 'tool_search'}]\n",
        "import anthropic\nanthropic.AnthropicAWS(aws_region='us-east-1')\n",
        "from claude_agent_sdk import query\nasync def main():\n    async for m in query(prompt='hi'):\n        print(m)\n",
    )
    EXAMPLE_SETTINGS = {"profile": "hipaa"}  # the settings VALID / INVALID are checked under

    def visit_Module(self) -> None:
        report_tools(self)

    def check_request(self, request: Request) -> None:
        for name in catalog.HIPAA_REQUEST_KEYWORDS:
            report_keyword(self, request, name)

    def visit_Call(self, node: cst.Call) -> None:
        scope = self.model.scope_of(node)
        if report_client_construction(self, node, scope):
            return
        qualname = self.model.qualified_name(node.func, scope)
        if qualname is not None and qualname.startswith(catalog.AGENT_SDK_MODULE + "."):
            verdict = classify.agent_sdk_call(qualname)
            if verdict is not None:
                self.report_verdict(node, verdict)
