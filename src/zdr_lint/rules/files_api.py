from __future__ import annotations

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.rules.base import Rule
from zdr_lint.semantic_types import ResourceCall


class FilesApi(Rule):
    """
    ## What it does
    Flags calls to the Files API (`client.files.upload|list|retrieve_metadata|download|delete`, and
    the same under `client.beta.files`) and content blocks that reference an uploaded file by its
    `file_id` (`{"type": "document", "source": {"type": "file", "file_id": ...}}`,
    `{"type": "container_upload", "file_id": ...}`), and raw HTTP calls to `/v1/files` on an
    Anthropic-processed host (`api.anthropic.com`, `claude.googleapis.com`, a Foundry
    `{resource}.services.ai.azure.com/anthropic/` endpoint, Claude Platform on AWS).

    ## Which ZDR exception
    Files uploaded through the Files API are kept until you delete them or until their expiry
    (`expires_in_seconds`, 1 hour to 90 days): the API exists so a file can be reused across
    requests and by code execution. The Files API is not covered by ZDR and not HIPAA eligible
    (Anthropic's ZDR scope article; the "API and data retention" page marks it ZDR "No", HIPAA "No").
    `client.beta.files` is also a beta product (ZDR005).

    ## Example
    ```python
    import anthropic

    client = anthropic.Anthropic()
    doc = client.files.upload(file=open("contract.pdf", "rb"))
    client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        messages=[{"role": "user", "content": [
            {"type": "document", "source": {"type": "file", "file_id": doc.id}},
        ]}],
    )
    ```

    ## Use instead
    Send the document inline in the request, so nothing outlives it:
    ```python
    import base64
    data = base64.standard_b64encode(open("contract.pdf", "rb").read()).decode()
    block = {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": data}}
    ```
    If a file must be uploaded, delete it (`client.files.delete(file_id)`) as soon as the request
    is done, and record the exception with `# noqa: ZDR001`.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Files API: platform.claude.com/docs/en/build-with-claude/files
    """

    code = "ZDR001"
    exception = catalog.EXCEPTIONS["ZDR001"].exception
    advice = catalog.EXCEPTIONS["ZDR001"].advice
    name = "files-api"
    category = "files"
    summary = "Files API use: uploaded files are kept until deleted"
    VALID = (
        "import openai\nopenai.OpenAI().files.create(file=f, purpose='batch')\n",
        "import anthropic\nblock = {'type': 'document', 'source': {'type': 'base64', 'data': d}}\n",
        "class Form:\n    def save(self):\n        self.files.append(1)\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().files.upload(file=f)\n",
        "import anthropic\nc = anthropic.Anthropic()\nf = c.beta.files\nf.list()\n",
        "block = {'type': 'document', 'source': {'type': 'file', 'file_id': fid}}\n",
        "import httpx\nhttpx.post('https://api.anthropic.com/v1/files', files=f)\n",
    )

    def visit_Module(self) -> None:
        self.report_raw_endpoints()

    def check_resource_call(self, rc: ResourceCall) -> None:
        self.report_verdicts(rc.call, classify.resource_call(rc.path))

    def visit_Dict(self, node: cst.Dict) -> None:
        scope = self.model.scope_of(node)
        block_type = None
        for entry in self.model.entry(node, scope, "type"):
            block_type = self.model.string(entry.value, entry.scope)
        if block_type is not None and block_type not in catalog.FILE_BLOCK_TYPES:
            return  # a block type chosen at run time (`{"type": kind, ...}`) is judged by its source alone
        # the block as classify sees it, one source at a time, with where each file_id is written
        file_ids = self.model.entry(node, scope, catalog.FILE_ID_KEY)
        sources = self.model.entry(node, scope, "source") or [None]
        for source in sources:
            block: dict = {"type": classify.UNKNOWN if block_type is None else block_type}
            where = {}
            if file_ids:
                block[catalog.FILE_ID_KEY] = classify.UNKNOWN
                where[(catalog.FILE_ID_KEY,)] = file_ids
            if source is not None:
                entries = list(self.model.entries(source.value, source.scope))
                kinds = {self.model.string(e.value, e.scope) for e in entries if e.key == "type"}
                ids = [e for e in entries if e.key == catalog.FILE_ID_KEY]
                block["source"] = {"type": catalog.FILE_SOURCE_TYPE if catalog.FILE_SOURCE_TYPE in kinds else None}
                if ids:
                    block["source"][catalog.FILE_ID_KEY] = classify.UNKNOWN
                    where[("source", catalog.FILE_ID_KEY)] = ids
            for verdict in classify.content_block(block):
                for entry in where.get(verdict.at, ()):
                    self.report_verdict(entry.node, verdict)
