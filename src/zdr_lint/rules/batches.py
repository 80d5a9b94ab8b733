from __future__ import annotations

from zdr_lint import catalog
from zdr_lint.rules.base import Rule
from zdr_lint.semantic_types import ResourceCall


class MessageBatches(Rule):
    """
    ## What it does
    Flags every call of the Message Batches API: `client.messages.batches.create|retrieve|list|
    cancel|delete|results` and the same under `client.beta.messages.batches` (also ZDR005), and raw
    HTTP calls to `https://api.anthropic.com/v1/messages/batches`.

    ## Which ZDR exception
    Batch requests and their results are stored until processed and stay retrievable (results for
    29 days). The Batches API is not covered by ZDR and not HIPAA eligible (Anthropic's ZDR scope
    article; the "API and data retention" page: ZDR "No", HIPAA "No").

    ## Example
    ```python
    batch = client.messages.batches.create(requests=[
        {"custom_id": "a", "params": {"model": "claude-sonnet-4-5", "max_tokens": 512, "messages": msgs}},
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
    name = "message-batches"
    category = "batch"
    summary = "Message Batches: requests and results stored until processed (results 29 days)"
    exception = "batch requests and results are stored (results for 29 days), outside ZDR"
    advice = "send the requests individually with messages.create"
    VALID = (
        "import openai\nopenai.OpenAI().batches.create(input_file_id=f)\n",
        "chain.batch([1, 2])\n",
    )
    INVALID = ("import anthropic\nanthropic.Anthropic().messages.batches.list()\n",)

    def visit_Module(self) -> None:
        self.report_raw_endpoints()

    def check_resource_call(self, rc: ResourceCall) -> None:
        if catalog.calls_resource(rc.path, self.code):
            self.report(rc.call, f"Message Batches {rc.path[-1]}")
