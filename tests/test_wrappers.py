"""Wrapper libraries: their options reach the same rules as the SDK's, resolved through imports."""

from __future__ import annotations

import pytest

from zdr_lint.config import Settings
from zdr_lint.engine import Linter

LINTER = Linter(Settings())


def codes(source: str) -> list:
    return sorted((f.start.line, f.code) for f in LINTER.lint_source(source, "app.py"))


FIRES = [
    pytest.param(
        "from langchain_anthropic import ChatAnthropic\n"
        "llm = ChatAnthropic(model='claude-sonnet-4-5',\n"
        "    betas=['x'],\n"
        "    model_kwargs={'container': 'cntr_1', 'output_config': {'format': {'type': 'json_schema'}}})\n",
        [(3, "ZDR005"), (4, "ZDR004"), (4, "ZDR010")],
        id="langchain-constructor",
    ),
    pytest.param(
        "from langchain.chat_models import init_chat_model\n"
        "llm = init_chat_model('anthropic:claude-sonnet-4-5', betas=['x'])\n"
        "s = llm.with_structured_output(M, method='json_schema')\n"
        "t = llm.bind_tools([{'name': 'f', 'description': 'd', 'parameters': {}, 'strict': True}])\n",
        [(2, "ZDR005"), (3, "ZDR004"), (4, "ZDR004")],
        id="langchain-init-chat-model",
    ),
    pytest.param(
        "import litellm\n"
        "litellm.completion(model='claude-haiku-4-5', messages=m, response_format=Answer)\n"
        "litellm.completion(model='vertex_ai/claude-sonnet-4-5', messages=m)\n",
        [(2, "ZDR004"), (3, "ZDR011")],
        id="litellm",
    ),
    pytest.param(
        "from pydantic_ai import Agent\nfrom pydantic_ai.builtin_tools import MCPServerTool, UrlContextTool\n"
        "Agent('anthropic:claude-sonnet-4-5', builtin_tools=[MCPServerTool(id='crm', url=u), UrlContextTool()])\n",
        [(3, "ZDR008"), (3, "ZDR009")],
        id="pydantic-ai-builtin-tools",
    ),
    pytest.param(
        "from agno.models.anthropic import Claude\n"
        "Claude(id='claude-sonnet-4-5', cache_tools=True, output_config={'format': f}, context_management={'edits': []})\n",
        [(2, "ZDR002"), (2, "ZDR004"), (2, "ZDR005")],
        id="agno",
    ),
    pytest.param(
        "from agno.models.aws import Claude\nClaude(id='us.anthropic.claude-sonnet-4-5-20250929-v1:0')\n",
        [(2, "ZDR011")],
        id="agno-bedrock",
    ),
    pytest.param(
        "import instructor, anthropic\n"
        "c = instructor.from_anthropic(anthropic.Anthropic())\n"
        "c.messages.create(model=m, max_tokens=1, messages=[], response_model=M, betas=['x'])\n"
        "c.beta.files.list()\n",
        [(3, "ZDR005"), (4, "ZDR001"), (4, "ZDR005")],
        id="instructor-from-anthropic",
    ),
    pytest.param(
        "from claude_agent_sdk import ClaudeAgentOptions\n"
        "ClaudeAgentOptions(betas=['context-1m-2025-08-07'], output_format={'type': 'json_schema', 'schema': s})\n",
        [(2, "ZDR004"), (2, "ZDR005")],
        id="claude-agent-sdk",
    ),
]


@pytest.mark.parametrize("source, expected", FIRES)
def test_wrapper_options_fire(source: str, expected: list) -> None:
    assert codes(source) == expected


SILENT = [
    pytest.param(
        "from langchain_openai import ChatOpenAI\n"
        "llm = ChatOpenAI(model='gpt-4o', betas=['x'], model_kwargs={'container': 'c'})\n"
        "llm.with_structured_output(M, method='json_schema')\n",
        id="langchain-openai",
    ),
    pytest.param(
        "class ChatAnthropic:\n    def __init__(self, **kw): ...\n"
        "llm = ChatAnthropic(betas=['x'], model_kwargs={'mcp_servers': [s]})\n"
        "llm.with_structured_output(M, method='json_schema')\n",
        id="same-name-not-imported",
    ),
    pytest.param(
        "import litellm\n"
        "litellm.completion(model='gpt-4o', response_format={'type': 'json_schema'}, betas=['x'])\n"
        "litellm.completion(model='claude-haiku-4-5', response_format={'type': 'json_object'})\n"
        "litellm.completion(model=unknown_model, response_format=Answer)\n",
        id="litellm-not-anthropic-or-schemaless",
    ),
    pytest.param(
        "from pydantic_ai import Agent, WebSearchTool\n"
        "from pydantic_ai.models.anthropic import AnthropicModelSettings\n"
        "Agent('openai:gpt-4o', builtin_tools=[WebSearchTool()])\n"
        "AnthropicModelSettings(anthropic_cache_instructions=False, anthropic_cache_messages=None)\n",
        id="pydantic-ai-openai-or-off",
    ),
    pytest.param(
        "from agno.models.anthropic import Claude\nClaude(id='claude-haiku-4-5', cache_system_prompt=False, betas=[])\n",
        id="agno-off",
    ),
    pytest.param(
        "from claude_agent_sdk import ClaudeAgentOptions\n"
        "ClaudeAgentOptions(mcp_servers={'crm': {'type': 'http', 'url': u}}, skills=['pdf'], env={'X': '1'})\n",
        id="claude-agent-sdk-local-mcp-and-skills",
    ),
    pytest.param(
        "import instructor, openai\n"
        "c = instructor.from_openai(openai.OpenAI())\n"
        "c.chat.completions.create(model='gpt-4o', response_model=M, messages=[], container='x')\n"
        "instructor.from_provider('openai/gpt-4o').chat.completions.create(messages=[], betas=['x'])\n",
        id="instructor-openai",
    ),
]


@pytest.mark.parametrize("source", SILENT)
def test_look_alikes_stay_silent(source: str) -> None:
    assert codes(source) == []


def test_agno_extended_cache_time_is_one_use_with_the_switch() -> None:
    source = "from agno.models.anthropic import Claude\nClaude(\n    cache_system_prompt=True,\n    extended_cache_time=True,\n)\n"
    assert codes(source) == [(3, "ZDR002")]
    assert codes(source.replace("    cache_system_prompt=True,\n", "")) == [(3, "ZDR002")]
