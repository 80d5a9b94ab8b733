from __future__ import annotations

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.platforms import bedrock_runtime_calls, platform_env_settings, platform_model_ids
from zdr_lint.rules._tools import report_client_construction
from zdr_lint.rules.base import Rule


class ThirdPartyPlatform(Rule):
    """
    ## What it does
    Flags the construction of a client served by a cloud provider that processes the data itself:
    `AnthropicBedrock`, `AsyncAnthropicBedrock`, `AnthropicBedrockMantle`,
    `AsyncAnthropicBedrockMantle` (Amazon Bedrock) and `AnthropicVertex`, `AsyncAnthropicVertex`
    (Google-managed Vertex AI); a boto3 `bedrock-runtime` client's `invoke_model*` / `converse*`
    call with an Anthropic model id (`anthropic.claude-...`, with any region prefix such as `us.`);
    and a Vertex AI `publishers/anthropic/models/...` endpoint written in a URL or resource name.
    Also a model id that only a cloud platform uses, written as a value: a Bedrock Claude id
    (`anthropic.claude-...` with any region prefix, `-v1:0` suffix, inference-profile ARN or LiteLLM
    `bedrock/` route) or a Vertex one (`claude-...@YYYYMMDD`, `vertex_ai/claude-...`) given to any
    wrapper (LangChain `ChatBedrock`, strands `BedrockModel`, `dspy.LM`, crewAI `LLM`, ...) or set in
    configuration (one finding per mapping of ids); not again where the module already reports the
    route to that platform (its ids are that route's), and not where the id is only compared, listed
    or looked up. `CLAUDE_CODE_USE_BEDROCK` / `CLAUDE_CODE_USE_VERTEX` set true (Claude Code and the
    Claude Agent SDK then talk to the cloud provider) are reported too.
    Importing the class or using it in a type hint is not a use.
    `AnthropicFoundry`, `AnthropicAWS` and `AnthropicGoogleCloud` are processed by Anthropic and
    are not flagged; every other rule still applies to their calls (and to Bedrock's and Vertex's).

    ## Which ZDR exception
    On Amazon Bedrock and on Google-managed Vertex AI the cloud provider, not Anthropic, is the data
    processor: Anthropic's ZDR arrangement does not apply there, the cloud's own terms do (the
    "API and data retention" page and the ZDR scope article). The data page names Anthropic the
    processor for Microsoft Foundry, Claude Platform on AWS and Claude on Google Cloud (Anthropic
    managed); the scope article names only "the Anthropic API". zdr-lint flags Bedrock and Vertex,
    the docs' position, which is the default on this topic; `platforms = "scope"` in
    `[tool.zdr-lint.policy]` (or `--policy scope`) is the strict reading of the scope article and also
    flags `AnthropicFoundry`, `AnthropicAWS` and `AnthropicGoogleCloud` clients, as warnings. Under
    the HIPAA profile the `AnthropicAWS` and `AnthropicFoundry` clients are ZDR016 (no HIPAA there).

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
    exception = catalog.EXCEPTIONS["ZDR011"].exception
    advice = catalog.EXCEPTIONS["ZDR011"].advice
    name = "third-party-platform"
    category = "third_party_platform"
    summary = "Claude through Bedrock or Vertex: the cloud provider processes the data"
    VALID = (
        "from anthropic import AnthropicBedrock\ndef f(c: AnthropicBedrock) -> None: ...\n",
        "from anthropic import AnthropicFoundry\nAnthropicFoundry()\n",
        "import boto3\nrt = boto3.client('bedrock-runtime')\nrt.invoke_model(modelId='amazon.titan-text-express-v1', body=b)\n",
    )
    INVALID = (
        "from anthropic import AnthropicBedrock\nAnthropicBedrock(aws_region='us-east-1')\n",
        "import boto3\nrt = boto3.client('bedrock-runtime')\nrt.converse(modelId='us.anthropic.claude-sonnet-5-5-20250929-v1:0', messages=[])\n",
        "url = f'https://{r}-aiplatform.googleapis.com/v1/projects/{p}/locations/{r}/publishers/anthropic/models/{m}:rawPredict'\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
        scope = self.model.scope_of(node)
        report_client_construction(self, node, scope)  # Foundry, AWS, Google Cloud: only under platforms = "scope"

    def visit_Module(self) -> None:
        for node in self.model.vertex_endpoints():
            self.report(node, "Google Vertex AI endpoint (publishers/anthropic)")
        for call, method, _ in bedrock_runtime_calls(self.model):
            self.report(call, f"Amazon Bedrock through boto3 ({method})")
        for node, text, in_mapping in platform_model_ids(self.model):
            self.report_verdicts(node, [classify.platform_model_id(text, in_mapping=in_mapping)])
        for node, name, platform, confidence in platform_env_settings(self.model):
            self.report(node, f"Claude Code on {platform} ({name})", confidence=confidence)
