from __future__ import annotations

import libcst as cst

from zdr_lint.rules.base import Rule


class ThirdPartyPlatform(Rule):
    """
    ## What it does
    Flags the construction of a client served by a cloud provider that processes the data itself:
    `AnthropicBedrock`, `AsyncAnthropicBedrock`, `AnthropicBedrockMantle`,
    `AsyncAnthropicBedrockMantle` (Amazon Bedrock) and `AnthropicVertex`, `AsyncAnthropicVertex`
    (Google-managed Vertex AI). Importing the class or using it in a type hint is not a use.
    `AnthropicFoundry`, `AnthropicAWS` and `AnthropicGoogleCloud` are processed by Anthropic and
    are not flagged; every other rule still applies to their calls (and to Bedrock's and Vertex's).

    ## Which ZDR exception
    On Amazon Bedrock and on Google-managed Vertex AI the cloud provider, not Anthropic, is the data
    processor: Anthropic's ZDR arrangement does not apply there, the cloud's own terms do (the
    "API and data retention" page and the ZDR scope article). The data page names Anthropic the
    processor for Microsoft Foundry, Claude Platform on AWS and Claude on Google Cloud (Anthropic
    managed); the scope article names only "the Anthropic API". zdr-lint flags Bedrock and Vertex.

    ## Example
    ```python
    from anthropic import AnthropicBedrock

    client = AnthropicBedrock(aws_region="us-east-1")
    ```

    ## Use instead
    Call the Anthropic API (`anthropic.Anthropic()`) under your ZDR agreement, or confirm that the
    cloud provider's own retention terms meet your requirements and record it with `# noqa: ZDR011`.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Claude on Amazon Bedrock: platform.claude.com/docs/en/build-with-claude/claude-on-amazon-bedrock
    - Anthropic, Claude on Vertex AI: platform.claude.com/docs/en/build-with-claude/claude-on-vertex-ai
    """

    code = "ZDR011"
    name = "third-party-platform"
    category = "third_party_platform"
    summary = "Claude through Bedrock or Vertex: the cloud provider processes the data"
    exception = "the cloud provider is the data processor, so Anthropic's ZDR arrangement does not apply"
    advice = "use the Anthropic API under your ZDR agreement, or check the cloud's own terms"
    VALID = (
        "from anthropic import AnthropicBedrock\ndef f(c: AnthropicBedrock) -> None: ...\n",
        "from anthropic import AnthropicFoundry\nAnthropicFoundry()\n",
    )
    INVALID = ("from anthropic import AnthropicBedrock\nAnthropicBedrock(aws_region='us-east-1')\n",)

    def visit_Call(self, node: cst.Call) -> None:
        ref = self.model.constructed_client(node, self.model.scope_of(node))
        if ref is not None and ref.platform is not None:
            self.report(node, f"{ref.platform} client ({ref.class_name})")
