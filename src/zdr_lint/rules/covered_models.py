from __future__ import annotations

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.rules._tools import keyed_elements
from zdr_lint.rules.base import Rule
from zdr_lint.semantics import Scope


class CoveredModels(Rule):
    """
    ## What it does
    Flags a request to a Covered Model: a model id of the `claude-fable-5*` or `claude-mythos-5*`
    families passed as a model, on any platform's spelling: `model="claude-fable-5-1"` on an SDK
    request (any resource, batch items, Managed Agents' `model={"id": ...}`), a wrapper's model
    string (`ChatAnthropic(model=...)`, LiteLLM `"anthropic/claude-mythos-5"`, pydantic-ai
    `Agent("anthropic:claude-fable-5")`, agno `Claude(id=...)`), a Bedrock id
    (`modelId="us.anthropic.claude-fable-5-1-v1:0"`), a Vertex id (`claude-mythos-5@20261101`), or a
    `"model"` key of a raw request body. The ids come from zdr-lint's catalog, not from the rule.
    A model id that is only mentioned (a docstring, a list of names for display) is not a request.

    ## Which ZDR exception
    Anthropic designates Claude Fable 5, Fable 5.1, Mythos 5 and Mythos 5.1 as Covered Models
    (support.claude.com article 15425695, and the "API and data retention" page): they require
    30-day retention and review, and ZDR is not available for them unless Anthropic expressly
    authorises it, on every platform where they are offered (Claude Platform, Amazon Bedrock, Google
    Cloud Vertex AI, Microsoft Foundry). Unlike the other exceptions, the API refuses these requests
    under ZDR (HTTP 400, "your organization or workspace must have data retention enabled") unless the
    workspace opts in to retention: the finding saves a failed deploy, or flags a workspace that
    opted in. The SDK also lists `claude-fable-5-2` and `claude-mythos-5-2`, for which no designation
    was found on 2026-12-01; zdr-lint flags the whole families and says so in the message.

    ## Example
    ```python
    client.messages.create(model="claude-fable-5-1", max_tokens=1024, messages=messages)
    ```

    ## Use instead
    Use a model outside the Covered Models list under your ZDR agreement:
    ```python
    client.messages.create(model="claude-sonnet-5-5", max_tokens=1024, messages=messages)
    ```
    If Anthropic has authorised a Covered Model for your organisation in writing, record it once in
    configuration (`ignore = ["ZDR015"]`) or with `# noqa: ZDR015` where the model is chosen.

    ## References
    - Anthropic, Covered Models: support.claude.com/en/articles/15425695
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    """

    code = "ZDR015"
    exception = catalog.EXCEPTIONS["ZDR015"].exception
    advice = catalog.EXCEPTIONS["ZDR015"].advice
    name = "covered-models"
    category = "covered_models"
    summary = "Covered Models: 30-day retention required, ZDR only if Anthropic authorises it"
    VALID = (
        "import anthropic\nanthropic.Anthropic().messages.create(model='claude-sonnet-5-5', max_tokens=1, messages=[])\n",
        "MODELS = ['claude-fable-5', 'claude-sonnet-5-5']  # shown in a picker\n",
        "def f():\n    '''Try claude-mythos-5 later.'''\n",
        "import anthropic\nanthropic.Anthropic().messages.create(model='claude-fable-50', max_tokens=1, messages=[])\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().messages.create(model='claude-fable-5-1', max_tokens=1, messages=[])\n",
        "body = {'model': 'claude-mythos-5', 'max_tokens': 1, 'messages': []}\n",
        "import boto3\nboto3.client('bedrock-runtime').converse(modelId='us.anthropic.claude-fable-5-v1:0', messages=[])\n",
        "from pydantic_ai import Agent\nagent = Agent('anthropic:claude-mythos-5-1')\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
        scope = self.model.scope_of(node)
        qualname = None
        for i, arg in enumerate(node.args):
            if arg.keyword is not None:
                name = arg.keyword.value
                if name in catalog.MODEL_KEYS:
                    self._model(arg, arg.value, scope)
                elif name == catalog.MODEL_ID_KEYWORD:
                    qualname = qualname or self.model.qualified_name(node.func, scope)
                    if qualname in catalog.MODEL_ID_CALLS:
                        self._model(arg, arg.value, scope)
            elif i == 0 and not arg.star:
                qualname = self.model.qualified_name(node.func, scope)
                if qualname in catalog.MODEL_POSITIONAL:
                    self._model(arg, arg.value, scope)

    def visit_Dict(self, node: cst.Dict) -> None:
        scope = self.model.scope_of(node)
        for element, key in keyed_elements(self.model, node, scope):
            if key in catalog.MODEL_KEYS:
                self._model(element, element.value, scope)

    def _model(self, node: cst.CSTNode, value: cst.BaseExpression, scope: Scope) -> None:
        """Report at `node` when `value` is (or, as `{"id": ...}`, holds) a Covered Model id."""
        texts = self.model.strings(value, scope)
        texts += [t for entry in self.model.entry(value, scope, catalog.MODEL_ID_KEYWORD) for t in self.model.strings(entry.value, entry.scope)]
        for text in texts:
            verdict = classify.model_id(text)
            if verdict is not None:
                self.report_verdict(node, verdict)
                return
