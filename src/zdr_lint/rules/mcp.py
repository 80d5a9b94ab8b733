from __future__ import annotations

from zdr_lint.rules._tools import tool_uses
from zdr_lint.rules.base import Rule
from zdr_lint.semantic_types import Request, is_empty


class McpConnector(Rule):
    """
    ## What it does
    Flags the MCP connector: `mcp_servers=[{"type": "url", "url": ...}]` on a Messages request
    (also inside a `**kwargs` dict or a batch item's params) and an `mcp_toolset` tool. A local MCP
    server run by the Claude Agent SDK (`ClaudeAgentOptions(mcp_servers=...)`, stdio or in-process)
    is not the connector and is not flagged.

    ## Which ZDR exception
    Data sent through the MCP connector is kept under the standard retention policy, and the remote
    MCP servers it calls are third parties. The "API and data retention" page marks the MCP
    connector ZDR "No", HIPAA "No".

    ## Example
    ```python
    client.beta.messages.create(
        model="claude-sonnet-4-5", max_tokens=1024, messages=messages,
        mcp_servers=[{"type": "url", "url": "https://mcp.example.com/sse", "name": "crm"}],
        betas=["mcp-client-2025-04-04"],
    )
    ```

    ## Use instead
    Call the MCP server from your own process (an MCP client library, or the Claude Agent SDK's
    local servers) and give Claude the results through ordinary client-side tools.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, MCP connector: platform.claude.com/docs/en/agents-and-tools/mcp-connector
    """

    code = "ZDR009"
    name = "mcp-connector"
    category = "mcp"
    summary = "MCP connector: data kept under the standard policy, remote servers are third parties"
    exception = "MCP connector data is kept under the standard policy and remote servers are third parties"
    advice = "call the MCP server from your own process and pass results as client-side tools"
    VALID = (
        "from claude_agent_sdk import ClaudeAgentOptions\nClaudeAgentOptions(mcp_servers={'db': server})\n",
        "import anthropic\nanthropic.Anthropic().messages.create(model=m, max_tokens=1, messages=[], mcp_servers=None)\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().beta.messages.create(model=m, max_tokens=1, messages=[], mcp_servers=[{'type': 'url', 'url': u}])\n",
        "tools = [{'type': 'mcp_toolset', 'mcp_server_name': 'crm'}]\n",
    )

    def check_request(self, request: Request) -> None:
        for arg in request.argument("mcp_servers"):
            if not is_empty(self.model, arg.value, arg.scope):
                self.report(arg.node, "MCP connector (mcp_servers=)")

    def visit_Module(self) -> None:
        for use in tool_uses(self.model):
            if use.tool.code == self.code:
                self.report(use.node, use.tool.label)
