"""Claude Managed Agents and message threads: state the server keeps between requests."""

from __future__ import annotations

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.rules._tools import report_beta_names, report_keyword, report_sdk_helper, report_tools
from zdr_lint.rules.base import Rule
from zdr_lint.semantics import Request, ResourceCall


class _StatefulRule(Rule):
    """Resource calls, SDK helpers, raw endpoints, tool types and beta names of this rule's code."""

    def check_resource_call(self, rc: ResourceCall) -> None:
        self.report_verdicts(rc.call, classify.resource_call(rc.path))

    def visit_Call(self, node: cst.Call) -> None:
        report_sdk_helper(self, node)

    def visit_Module(self) -> None:
        report_tools(self)
        self.report_raw_endpoints()
        report_beta_names(self)


class ManagedAgents(_StatefulRule):
    """
    ## What it does
    Flags Claude Managed Agents: any call under `client.beta.agents`, `sessions`, `environments`,
    `deployments`, `deployment_runs`, `memory_stores`, `vaults` or `dreams`, at any depth
    (`sessions.events.send`, `sessions.threads.events.stream`, `environments.work.poll`,
    `memory_stores.memories.create`, ...), the SDK's session runner and environment worker
    (`client.beta.sessions.events.tool_runner(...)`, `anthropic.lib.environments.EnvironmentWorker`,
    `SessionToolRunner`, `iter_work`), raw HTTP to `/v1/agents`, `/v1/sessions`, `/v1/environments`,
    `/v1/deployments`, `/v1/memory_stores`, `/v1/vaults`, `/v1/dreams` on an Anthropic-processed host,
    the `managed-agents-*`, `dreaming-*` and `agent-memory-*` betas, and the agent tool types
    `agent_toolset_20260401` and `multiagent_20261001`.

    ## Which ZDR exception
    Managed Agents are stateful by design: agents, sessions (their event transcripts), environments,
    memory stores, vaults and dreams are kept on Anthropic's side until you delete them. The "API and
    data retention" page marks Claude Managed Agents ZDR "No" and HIPAA "No", and lists it among the
    products ZDR does not cover.

    Where sources disagree: the newer localized Managed Agents overview pages say the exclusion does
    not apply to self-hosted Managed Agents (your own sandboxes running the tools); the eligibility
    table makes no such exception. zdr-lint follows the table and flags self-hosted environments and
    workers too; if your agreement records the self-hosted exception, say so with `# noqa: ZDR013`
    where the self-hosted environment is configured. These calls are beta calls as well (ZDR005),
    but covering beta products would not cover this: it is its own exception.

    ## Example
    ```python
    agent = client.beta.agents.create(name="support", model="claude-sonnet-5-5", tools=[{"type": "agent_toolset_20260401"}])
    session = client.beta.sessions.create(agent=agent.id, environment_id=env.id)
    client.beta.sessions.events.send(session.id, events=[{"type": "user.message", "content": [...]}])
    ```

    ## Use instead
    Run the agent loop in your own process with `client.messages.create` (the SDK's
    `client.beta.messages.tool_runner` without a thread, or your own loop), keep the transcript and
    memory in your own storage, and run tools client-side.

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Claude Managed Agents overview: platform.claude.com/docs/en/managed-agents/overview
    """

    code = "ZDR013"
    exception = catalog.EXCEPTIONS["ZDR013"].exception
    advice = catalog.EXCEPTIONS["ZDR013"].advice
    name = "managed-agents"
    category = "managed_agents"
    summary = "Claude Managed Agents: agents, sessions and their state persist until deleted"
    VALID = (
        "import anthropic\nanthropic.Anthropic().messages.create(model='claude-sonnet-5-5', max_tokens=64, messages=msgs)\n",
        "class Bot:\n    def __init__(self):\n        self.sessions = {}\n    def start(self, key):\n        self.sessions.create(key)\n",
        "import openai\nopenai.OpenAI().beta.assistants.create(model='gpt-5')\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().beta.sessions.events.send('sess_1', events=[])\n",
        "import anthropic\nc = anthropic.Anthropic()\nmemories = c.beta.memory_stores.memories\nmemories.list('ms_1')\n",
        "tools = [{'type': 'agent_toolset_20260401'}]\n",
        "import httpx\nhttpx.post('https://api.anthropic.com/v1/sessions', json={})\n",
    )


class MessageThreads(_StatefulRule):
    """
    ## What it does
    Flags message threads: a `thread=` argument (`{"type": "create"}` or `{"type": "continue", ...}`)
    on `client.beta.messages.create`, `stream`, `parse` or `tool_runner` (and on GA
    `client.messages.create` should it ever take one), the SDK's `client.beta.messages.thread(...)`
    helper and its `BetaMessageThread` / `BetaAsyncMessageThread` classes, and the
    `message-threads-*` beta. `thread=False` (the tool runner's "no thread") is not a use.

    ## Which ZDR exception
    A message thread keeps the conversation (messages, system prompt, tools) on the server between
    turns, so each request sends only the new messages. It is held in memory, encrypted, and deleted
    after its last use (within an hour, per the localized pages; the English page says it expires
    five minutes after its last request). Message threads are a beta product the data-retention page
    marks not eligible for ZDR (HIPAA: not stated). They are a beta call as well (ZDR005), but
    covering beta products would not cover this.

    ## Example
    ```python
    thread = client.beta.messages.thread(model="claude-sonnet-5-5", max_tokens=1024, system=SYSTEM)
    reply = thread.send({"role": "user", "content": question})
    ```

    ## Use instead
    Keep the history yourself and send it whole with each request:
    ```python
    history.append({"role": "user", "content": question})
    reply = client.messages.create(model="claude-sonnet-5-5", max_tokens=1024, system=SYSTEM, messages=history)
    ```

    ## References
    - Anthropic, Message threads: platform.claude.com/docs/en/build-with-claude/message-threads
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    """

    code = "ZDR014"
    exception = catalog.EXCEPTIONS["ZDR014"].exception
    advice = catalog.EXCEPTIONS["ZDR014"].advice
    name = "message-threads"
    category = "message_threads"
    summary = "Message threads: the server holds the conversation between turns"
    VALID = (
        "import anthropic\nanthropic.Anthropic().beta.messages.tool_runner(model=m, max_tokens=1, messages=[], tools=t, thread=False)\n",
        "import threading\nt = threading.Thread(target=run)\nt.start()\n",
        "import anthropic\nanthropic.Anthropic().beta.sessions.threads.list('sess_1')\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().beta.messages.create(model=m, max_tokens=1, messages=[], thread={'type': 'create'})\n",
        "import anthropic\nanthropic.Anthropic().beta.messages.thread(model=m, max_tokens=1)\n",
        "import anthropic\nanthropic.Anthropic().beta.messages.create(model=m, max_tokens=1, messages=[], betas=['message-threads-2026-08-12'])\n",
    )

    def check_request(self, request: Request) -> None:
        report_keyword(self, request, "thread")
