from __future__ import annotations

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.rules.base import Rule
from zdr_lint.rules._tools import argument_value, report_keyword, report_tools
from zdr_lint.semantic_types import Request, ResourceCall


class StructuredOutputs(Rule):
    """
    ## What it does
    Flags structured outputs and strict tool schemas: `output_config` carrying a `format`
    (`effort` alone is not structured outputs), `OutputConfigParam(format=...)`,
    `JSONOutputFormatParam`, `client.messages.parse(...)` (GA or beta), the older
    `output_format=` argument, and Anthropic tool definitions with `"strict": True`
    (`False` is not a use). An output format given to `count_tokens` is not a use: counting tokens
    generates nothing, so no schema is compiled or cached for it.

    ## Which ZDR exception
    The JSON schema, including tool definitions with strict schemas, is cached for up to 24 hours
    after its last use; prompts and outputs are not kept. Anthropic's ZDR scope article says
    structured outputs may override ZDR; the "API and data retention" page marks them ZDR
    "Yes (qualified)" because of that 24-hour schema cache, and HIPAA eligible provided no PHI
    appears in schema property names, `enum`, `const` or `pattern`. zdr-lint follows the scope
    article by default and flags them as errors; `structured-outputs = "docs"` in
    `[tool.zdr-lint.policy]` keeps them as warnings, with the 24 h schema cache in the message. Under
    the HIPAA profile the message states the no-PHI rule.

    ## Example
    ```python
    client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        messages=messages,
        output_config={"format": {"type": "json_schema", "schema": INVOICE_SCHEMA}},
    )
    ```

    ## Use instead
    Ask for JSON in the prompt and validate the answer yourself (e.g. with pydantic), or keep the
    schema free of any sensitive value and record the decision with `# noqa: ZDR004`.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Structured outputs: platform.claude.com/docs/en/build-with-claude/structured-outputs
    """

    code = "ZDR004"
    exception = catalog.EXCEPTIONS["ZDR004"].exception
    advice = catalog.EXCEPTIONS["ZDR004"].advice
    name = "structured-outputs"
    category = "structured_outputs"
    summary = "Structured outputs / strict tools: JSON schema cached up to 24 h"
    VALID = (
        "import anthropic\nanthropic.Anthropic().messages.create(model=m, max_tokens=1, messages=[], output_config={'effort': 'high'})\n",
        "tool = {'name': 't', 'input_schema': {}, 'strict': False}\n",
        "import openai\nopenai.OpenAI().chat.completions.create(response_format={'type': 'json_schema'})\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().messages.parse(model=m, max_tokens=1, messages=[], output_format=M)\n",
        "tool = {'name': 't', 'input_schema': {}, 'strict': True}\n",
    )

    def check_resource_call(self, rc: ResourceCall) -> None:
        self.report_verdicts(rc.call, classify.resource_call(rc.path))

    def check_request(self, request: Request) -> None:
        if request.path[-1:] == ("count_tokens",):
            return  # counting tokens generates nothing: no schema is compiled or cached for it
        report_keyword(self, request, "output_format")
        for arg in request.arguments:
            if arg.name == catalog.OUTPUT_CONFIG_KEYWORD:
                for entry in self.model.entry(arg.value, arg.scope, catalog.OUTPUT_CONFIG_FORMAT_KEY):
                    config = {catalog.OUTPUT_CONFIG_FORMAT_KEY: argument_value(self.model, entry.value, entry.scope)}
                    self.report_verdicts(entry.node, classify.output_config(config))

    def visit_Module(self) -> None:
        report_tools(self)  # `"strict": True` tool schemas

    def visit_Call(self, node: cst.Call) -> None:
        scope = self.model.scope_of(node)
        qualname = self.model.qualified_name(node.func, scope)
        if not self.model.is_sdk_name(qualname):
            return
        verdict = classify.typed_param(qualname.rsplit(".", 1)[-1])
        if verdict is not None and verdict.code == self.code and self.model.key_holding(node) not in ("format", "output_format"):
            self.report_verdict(node, verdict)
