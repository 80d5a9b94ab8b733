from __future__ import annotations

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.rules.base import Rule
from zdr_lint.rules._tools import argument_value, keyed_elements, report_sdk_helper
from zdr_lint.semantic_types import Request, ResourceCall, literal_string


class BetaFeatures(Rule):
    """
    ## What it does
    Flags beta features: any call through `client.beta.*` that sends a request (messages, files,
    models, skills, agents, sessions, environments, memory stores, vaults, deployments, tunnels,
    organization, ...), a `betas=` list on a request, and an `anthropic-beta` header
    (`default_headers=`, `extra_headers=`, or a header dict for raw HTTP). One finding per call:
    `client.beta.messages.create(..., betas=[...])` is one ZDR005, not two.
    `client.beta.webhooks.unwrap()` and `parse_unverified()` check a signature locally and send
    nothing: no finding. `Anthropic(middleware=[BetaRefusalFallbackMiddleware(...)])` sends the
    fallback-credit beta on beta message requests: a ZDR005 at warning severity (the docs say
    fallback credit stores no message content).

    The message says what else the beta use is. Where the beta call is also a feature the docs mark
    ZDR "No" (Managed Agents, message threads, MCP tunnels or the connector, the Files API, Agent
    Skills, batches, code execution), that code fires too and this message says so: covering beta
    products would not cover it, so this is not the finding to suppress. Where every beta named is
    one the docs mark ZDR eligible (compaction, context editing, the advisor tool), it says that.

    ## Which ZDR exception
    Beta products are outside ZDR unless your agreement says otherwise (Anthropic's ZDR scope
    article, in the version the agreements in force cite). The "API and data retention" page decides
    feature by feature: compaction, context editing and the advisor tool are ZDR "Yes"; Managed
    Agents, message threads and MCP tunnels are "No"; the HIPAA BAA generally excludes beta features.
    The scope article's newest version defers to the docs; zdr-lint follows the cited version by
    default and flags every beta use. `beta = "docs"` in `[tool.zdr-lint.policy]` takes the docs'
    position: no finding for betas the docs mark ZDR eligible, an info finding for a beta call that
    is also a ZDR "No" feature (that code carries it), a warning for the betas the docs do not list.
    Under the HIPAA profile every beta use is an error (the BAA generally excludes beta features).

    ## Example
    ```python
    client.beta.messages.create(
        model="claude-sonnet-5-5", max_tokens=1024, messages=messages,
        betas=["context-management-2025-06-27"],
    )
    ```

    ## Use instead
    Use the generally available resource (`client.messages.create`) without `betas`. If your
    agreement covers a beta the docs mark ZDR eligible (context editing here), record that decision
    with `# noqa: ZDR005` on the call; a beta that is also another code's feature is that code's
    decision, not this one's.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Beta headers: platform.claude.com/docs/en/api/beta-headers
    """

    code = "ZDR005"
    exception = catalog.EXCEPTIONS["ZDR005"].exception
    advice = catalog.EXCEPTIONS["ZDR005"].advice
    name = "beta-features"
    category = "beta"
    summary = "Beta features: outside ZDR unless agreed"
    VALID = (
        "import openai\nopenai.OpenAI().beta.assistants.list()\n",
        "import anthropic\nanthropic.Anthropic().beta.webhooks.unwrap(body, headers=h)\n",
        "headers = {'content-type': 'application/json'}\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().beta.models.list()\n",
        "import anthropic\nanthropic.Anthropic().beta.sessions.list()\n",
        "headers = {'anthropic-beta': 'files-api-2025-04-14'}\n",
    )

    def check_resource_call(self, rc: ResourceCall) -> None:
        if rc.path[:1] != ("beta",):
            return
        # the message names what else the call is (a keyword's code) and the betas it sends
        also, betas = [], []
        for arg in self.model.arguments_of(rc):
            if arg.name == "betas":
                betas += [s for v, w in self.model.elements(arg.value, arg.scope) if (s := literal_string(v)) is not None]
            elif arg.name in catalog.REQUEST_KEYWORDS or arg.name in (catalog.OUTPUT_CONFIG_KEYWORD, catalog.MODEL_KEYWORD):
                value = argument_value(self.model, arg.value, arg.scope)
                also += [v.code for v in classify.request_keyword(arg.name, value, beta=True)]
        self.report_verdicts(rc.call, classify.resource_call(rc.path, also=also, betas=betas))

    def visit_Call(self, node: cst.Call) -> None:
        report_sdk_helper(self, node)

    def check_request(self, request: Request) -> None:
        if request.is_beta:
            return
        for arg in request.arguments:
            if arg.name == "betas":
                value = argument_value(self.model, arg.value, arg.scope)
                if value is classify.UNKNOWN:
                    names = [s for v, w in self.model.elements(arg.value, arg.scope) if (s := literal_string(v)) is not None]
                    value = names or classify.UNKNOWN
                self.report_verdicts(arg.node, classify.request_keyword(arg.name, value))

    def visit_Dict(self, node: cst.Dict) -> None:
        scope = self.model.scope_of(node)
        for element, key in keyed_elements(self.model, node, scope):
            if key.lower() == catalog.BETA_HEADER and not self._on_beta_call(node):  # else the beta call is the finding
                self._header(element, key, element.value, scope)

    def visit_Assign(self, node: cst.Assign) -> None:
        scope = self.model.scope_of(node)
        for sub, key in self.model.keyed_stores(node, scope):
            if key is not None and key.lower() == catalog.BETA_HEADER:
                self._header(sub, key, node.value, scope)

    def _header(self, node: cst.CSTNode, key: str, value: cst.BaseExpression, scope) -> None:
        text = self.model.string(value, scope)
        header = {key: text if text is not None else argument_value(self.model, value, scope)}
        self.report_verdicts(node, classify.headers(header))

    def _on_beta_call(self, node: cst.Dict) -> bool:
        call = self.model.call_of_argument(node)
        if call is None:
            return False
        rc = self.model.resource_call_of(call)
        return rc is not None and rc.path[0] == "beta"
