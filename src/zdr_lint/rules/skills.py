from __future__ import annotations

from zdr_lint import catalog, classify
from zdr_lint.rules.base import Rule
from zdr_lint.rules._tools import report_keyword, report_resource_keywords
from zdr_lint.semantic_types import Request, ResourceCall


class SkillsContainers(Rule):
    """
    ## What it does
    Flags the Skills API (`client.skills.*`, `client.beta.skills.*`, raw HTTP to `/v1/skills` on an
    Anthropic-processed host) and container reuse: a `container=` argument on a Messages request (an existing container id, or
    `{"skills": [...]}`), and `skills=` on a Managed Agent's definition (`client.beta.agents.create|update`,
    POST `/v1/agents`). The Claude Agent SDK's `skills`, loaded in your own process, are not the
    Skills API and are not flagged.

    ## Which ZDR exception
    Agent Skills and reusable containers keep the uploaded skill files and the container state
    after the request. The "API and data retention" page marks Agent Skills ZDR "No", HIPAA "No".

    ## Example
    ```python
    skill = client.skills.create(display_title="invoices", files=files)
    client.messages.create(..., container={"skills": [{"type": "custom", "skill_id": skill.id}]})
    ```

    ## Use instead
    Put the instructions the skill carries into the system prompt, and run its scripts client-side.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Agent Skills: platform.claude.com/docs/en/agents-and-tools/agent-skills/overview
    """

    code = "ZDR010"
    exception = catalog.EXCEPTIONS["ZDR010"].exception
    advice = catalog.EXCEPTIONS["ZDR010"].advice
    name = "skills-containers"
    category = "skills_containers"
    summary = "Skills API / container reuse: skill files and container state kept"
    VALID = ("from claude_agent_sdk import ClaudeAgentOptions\nClaudeAgentOptions(skills=['pdf'])\n",)
    INVALID = (
        "import anthropic\nanthropic.Anthropic().skills.list()\n",
        "import anthropic\nanthropic.Anthropic().messages.create(model=m, max_tokens=1, messages=[], container='cntr_1')\n",
    )

    def visit_Module(self) -> None:
        self.report_raw_endpoints()

    def check_resource_call(self, rc: ResourceCall) -> None:
        self.report_verdicts(rc.call, classify.resource_call(rc.path))
        report_resource_keywords(self, rc)  # a Managed Agent's definition

    def check_request(self, request: Request) -> None:
        report_keyword(self, request, "container")
