"""Server tools that run or reach outside the request: code execution, web search, web fetch."""

from __future__ import annotations

from zdr_lint import catalog
from zdr_lint.rules._tools import report_tools
from zdr_lint.rules.base import Rule


class _ToolRule(Rule):
    def visit_Module(self) -> None:
        report_tools(self)


class CodeExecution(_ToolRule):
    """
    ## What it does
    Flags the code execution server tool (`{"type": "code_execution_YYYYMMDD"}` of any date, or a
    `CodeExecutionTool*Param`), programmatic tool calling (a tool whose `"allowed_callers"` names a
    `code_execution_*` caller), and the 2026 web search / web fetch tools (`web_search_2026*`,
    `web_fetch_2026*`) unless they set `"allowed_callers": ["direct"]`: their default lets code
    execution call them (dynamic filtering). The date is matched by pattern, so a new version is
    caught without a zdr-lint release.

    ## Which ZDR exception
    Code execution runs in a container whose data (inputs, created files, outputs) is kept for up
    to 30 days; programmatic tool calling and dynamic filtering run through that container. The
    "API and data retention" page marks code execution, programmatic tool calling and dynamic
    filtering ZDR "No", HIPAA "No"; the server tools page describes dynamic filtering.

    ## Example
    ```python
    tools = [
        {"type": "code_execution_20250825", "name": "code_execution"},
        {"type": "web_search_20260209", "name": "web_search"},
    ]
    ```

    ## Use instead
    Run code on your own infrastructure through a client-side tool you define, and pin server tools
    to direct calls:
    ```python
    {"type": "web_search_20260209", "name": "web_search", "allowed_callers": ["direct"]}
    ```

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Server tools: platform.claude.com/docs/en/agents-and-tools/tool-use/server-tools
    """

    code = "ZDR006"
    exception = catalog.EXCEPTIONS["ZDR006"].exception
    advice = catalog.EXCEPTIONS["ZDR006"].advice
    name = "code-execution"
    category = "code_execution"
    summary = "Code execution / programmatic tool calling: container data kept up to 30 days"
    VALID = (
        "tools = [{'type': 'web_search_20260209', 'name': 'web_search', 'allowed_callers': ['direct']}]\n",
        "tools = [{'type': 'bash_20250124', 'name': 'bash'}]\n",
    )
    INVALID = (
        "tools = [{'type': 'code_execution_20250825', 'name': 'code_execution'}]\n",
        "tools = [{'name': 'get', 'input_schema': {}, 'allowed_callers': ['code_execution_20260120']}]\n",
    )


class WebSearch(_ToolRule):
    """
    ## What it does
    Flags the web search server tool: `{"type": "web_search_YYYYMMDD"}` of any date (20250305,
    20260209, 20260318, and later ones by pattern) or a `WebSearchTool*Param`.

    ## Which ZDR exception
    Search queries reach third-party sites, whose processing ZDR may not cover; the HIPAA BAA does
    not apply to web search (Anthropic's ZDR scope article). The "API and data retention" page marks
    `web_search_20250305` ZDR and HIPAA eligible, and the 2026 versions' dynamic filtering "No"
    (see ZDR006). zdr-lint follows the scope article by default and flags every version;
    `web-search = "docs"` in `[tool.zdr-lint.policy]` takes the docs' position (no finding; dynamic
    filtering stays ZDR006).

    ## Example
    ```python
    tools = [{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}]
    ```

    ## Use instead
    Search from your own code (a search API under your own agreement) and pass the results in the
    prompt, or record that web search is accepted with `# noqa: ZDR007`.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Server tools: platform.claude.com/docs/en/agents-and-tools/tool-use/server-tools
    """

    code = "ZDR007"
    exception = catalog.EXCEPTIONS["ZDR007"].exception
    advice = catalog.EXCEPTIONS["ZDR007"].advice
    name = "web-search"
    category = "web_search"
    summary = "Web search server tool: queries reach third parties"
    VALID = ("t = {'type': 'web_search_tool_result', 'content': []}\n", "q = 'web_search_20250305 is a tool'\n")
    INVALID = ("tools = [{'type': 'web_search_20250305', 'name': 'web_search'}]\n",)


class WebFetch(_ToolRule):
    """
    ## What it does
    Flags the web fetch server tool: `{"type": "web_fetch_YYYYMMDD"}` of any date (20250910,
    20260209, 20260309, 20260318, and later ones by pattern) or a `WebFetchTool*Param`.

    ## Which ZDR exception
    Pages are fetched from third-party servers, as with web search, and their publishers may keep
    what they receive (Anthropic's ZDR scope article). The "API and data retention" page marks web
    fetch ZDR "Yes", HIPAA "No", and its dynamic filtering ZDR "No" (see ZDR006). zdr-lint follows
    the scope article by default; `web-fetch = "docs"` in `[tool.zdr-lint.policy]` takes the docs'
    position (no finding under the zdr profile; still one under the HIPAA profile).

    ## Example
    ```python
    tools = [{"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 5}]
    ```

    ## Use instead
    Fetch the page in your own code and pass its text in the prompt, or record that web fetch is
    accepted with `# noqa: ZDR008`.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Server tools: platform.claude.com/docs/en/agents-and-tools/tool-use/server-tools
    """

    code = "ZDR008"
    exception = catalog.EXCEPTIONS["ZDR008"].exception
    advice = catalog.EXCEPTIONS["ZDR008"].advice
    name = "web-fetch"
    category = "web_fetch"
    summary = "Web fetch server tool: pages fetched from third parties"
    VALID = ("t = {'type': 'web_fetch_tool_result'}\n",)
    INVALID = ("tools = [{'type': 'web_fetch_20250910', 'name': 'web_fetch'}]\n",)
