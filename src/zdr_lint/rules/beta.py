from __future__ import annotations

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog
from zdr_lint.rules.base import Rule
from zdr_lint.semantic_types import Request, ResourceCall, is_empty


class BetaFeatures(Rule):
    """
    ## What it does
    Flags beta features: any call through `client.beta.*` (messages, files, models, skills, agents,
    sessions, environments, memory stores, vaults, deployments, webhooks, tunnels, ...), a `betas=`
    list on a request, and an `anthropic-beta` header (`default_headers=`, `extra_headers=`, or a
    header dict for raw HTTP). One finding per call: `client.beta.messages.create(..., betas=[...])`
    is one ZDR005, not two.

    ## Which ZDR exception
    Beta products are outside ZDR unless your agreement says otherwise (Anthropic's ZDR scope
    article). The "API and data retention" page decides feature by feature (compaction, context
    editing and the advisor tool are ZDR "Yes"; the HIPAA BAA generally excludes beta features).
    zdr-lint follows the scope article by default and flags every beta use.

    ## Example
    ```python
    client.beta.messages.create(
        model="claude-sonnet-4-5", max_tokens=1024, messages=messages,
        betas=["context-management-2025-06-27"],
    )
    ```

    ## Use instead
    Use the generally available resource (`client.messages.create`) without `betas`; if a beta
    feature is covered by your agreement, record it with `# noqa: ZDR005`.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Beta headers: platform.claude.com/docs/en/api/beta-headers
    """

    code = "ZDR005"
    name = "beta-features"
    category = "beta"
    summary = "Beta features: outside ZDR unless agreed"
    exception = "beta products are outside ZDR unless your agreement covers them"
    advice = "use the generally available API, or confirm the beta is covered"
    VALID = (
        "import openai\nopenai.OpenAI().beta.assistants.list()\n",
        "headers = {'content-type': 'application/json'}\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().beta.models.list()\n",
        "headers = {'anthropic-beta': 'files-api-2025-04-14'}\n",
    )

    def check_resource_call(self, rc: ResourceCall) -> None:
        if rc.path[0] == "beta" and len(rc.path) > 1:
            self.report(rc.call, f"beta API ({'.'.join(rc.path)})")

    def check_request(self, request: Request) -> None:
        if request.is_beta:
            return
        for arg in request.arguments:
            if arg.name == "betas" and not is_empty(self.model, arg.value, arg.scope):
                self.report(arg.node, "beta features (betas=)")

    def visit_Dict(self, node: cst.Dict) -> None:
        scope = self.model.scope_of(node)
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = self.model.string(element.key, scope)
            if key is None or key.lower() != catalog.BETA_HEADER:
                continue
            if self._on_beta_call(node):
                continue  # the beta call itself is the finding
            self.report(element, "anthropic-beta header")

    def visit_Assign(self, node: cst.Assign) -> None:
        scope = self.model.scope_of(node)
        for target in node.targets:
            sub = target.target
            if isinstance(sub, cst.Subscript) and len(sub.slice) == 1 and isinstance(sub.slice[0].slice, cst.Index):
                key = self.model.string(sub.slice[0].slice.value, scope)
                if key is not None and key.lower() == catalog.BETA_HEADER:
                    self.report(sub, "anthropic-beta header")

    def _on_beta_call(self, node: cst.Dict) -> bool:
        call = self.model.call_of_argument(node)
        if call is None:
            return False
        rc = self.model.resource_call_of(call)
        return rc is not None and rc.path[0] == "beta"
