from __future__ import annotations

from zdr_lint import catalog, classify
from zdr_lint.rules.base import Rule
from zdr_lint.semantic_types import ResourceCall


class MessageBatches(Rule):
    """
    ## What it does
    Flags every call of the Message Batches API: `client.messages.batches.create|retrieve|list|
    cancel|delete|results` and the same under `client.beta.messages.batches` (also ZDR005), and raw
    HTTP calls to `/v1/messages/batches` on an Anthropic-processed host (the API, Claude on Google
    Cloud, Foundry, Claude Platform on AWS).

    ## Which ZDR exception
    Batch requests and their results are stored until processed and stay retrievable (results for
    29 days). The Batches API is not covered by ZDR and not HIPAA eligible (Anthropic's ZDR scope
    article; the "API and data retention" page: ZDR "No", HIPAA "No").

    ## Example
    ```python
    batch = client.messages.batches.create(requests=[
        {"custom_id": "a", "params": {"model": "claude-sonnet-5-5", "max_tokens": 512, "messages": msgs}},
    ])
    ```

    ## Use instead
    Send the requests one by one with `client.messages.create` (concurrently with
    `AsyncAnthropic` if throughput matters): nothing is kept after each response.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Batch processing: platform.claude.com/docs/en/build-with-claude/batch-processing
    """

    code = "ZDR003"
    exception = catalog.EXCEPTIONS["ZDR003"].exception
    advice = catalog.EXCEPTIONS["ZDR003"].advice
    name = "message-batches"
    category = "batch"
    summary = "Message Batches: requests and results stored until processed (results 29 days)"
    VALID = (
        "import openai\nopenai.OpenAI().batches.create(input_file_id=f)\n",
        "chain.batch([1, 2])\n",
    )
    INVALID = ("import anthropic\nanthropic.Anthropic().messages.batches.list()\n",)

    def visit_Module(self) -> None:
        self.report_raw_endpoints()

    def check_resource_call(self, rc: ResourceCall) -> None:
        self.report_verdicts(rc.call, classify.resource_call(rc.path))
