from __future__ import annotations

from zdr_lint import catalog, classify
from zdr_lint.rules._tools import report_beta_names, report_keyword, report_resource_keywords, report_tools
from zdr_lint.rules.base import Rule
from zdr_lint.semantic_types import Request, ResourceCall


class McpConnector(Rule):
    """
    ## What it does
    Flags the MCP connector: `mcp_servers=[{"type": "url", "url": ...}]` on a Messages request
    (also inside a `**kwargs` dict or a batch item's params) and an `mcp_toolset` tool (on a request
    or in a Managed Agents definition), and `mcp_servers=` on a Managed Agent's definition
    (`client.beta.agents.create|update`, POST `/v1/agents`). Also MCP tunnels: any call under `client.beta.tunnels`
    (and `.certificates`), raw HTTP to `/v1/tunnels` on an Anthropic-processed host, and the
    `mcp-tunnels-*` beta. A local MCP server run by the Claude Agent SDK
    (`ClaudeAgentOptions(mcp_servers=...)`, stdio or in-process) is not the connector and is not
    flagged.

    ## Which ZDR exception
    Data sent through the MCP connector is kept under the standard retention policy, and the remote
    MCP servers it calls are third parties. MCP tunnels expose your own MCP servers to Anthropic's
    infrastructure through a persistent tunnel and its certificates. The "API and data retention"
    page marks the MCP connector and MCP tunnels ZDR "No", HIPAA "No". Tunnels are a beta product
    (ZDR005) as well, but covering beta products would not cover this.

    ## Example
    ```python
    client.beta.messages.create(
        model="claude-sonnet-5-5", max_tokens=1024, messages=messages,
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
    exception = catalog.EXCEPTIONS["ZDR009"].exception
    advice = catalog.EXCEPTIONS["ZDR009"].advice
    name = "mcp-connector"
    category = "mcp"
    summary = "MCP connector and MCP tunnels: data kept under the standard policy, remote servers are third parties"
    VALID = (
        "from claude_agent_sdk import ClaudeAgentOptions\nClaudeAgentOptions(mcp_servers={'db': server})\n",
        "import anthropic\nanthropic.Anthropic().messages.create(model=m, max_tokens=1, messages=[], mcp_servers=None)\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().beta.messages.create(model=m, max_tokens=1, messages=[], mcp_servers=[{'type': 'url', 'url': u}])\n",
        "tools = [{'type': 'mcp_toolset', 'mcp_server_name': 'crm'}]\n",
        "import anthropic\nanthropic.Anthropic().beta.tunnels.certificates.create('tun_1')\n",
    )

    def check_request(self, request: Request) -> None:
        report_keyword(self, request, "mcp_servers")

    def check_resource_call(self, rc: ResourceCall) -> None:
        self.report_verdicts(rc.call, classify.resource_call(rc.path))
        report_resource_keywords(self, rc)  # a Managed Agent's definition

    def visit_Module(self) -> None:
        report_tools(self)
        self.report_raw_endpoints()
        report_beta_names(self)
