"""Anthropic by shape (zdr_lint.shape): findings on clients the checked code never shows being made
carry confidence "medium"; `min-confidence = "high"` keeps only those on resolved clients. Checked
through the engine and the CLI, as a user sees them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zdr_lint.config import ConfigError, Settings, load_config_file
from zdr_lint.engine import Linter

ROOT = Path(__file__).resolve().parent.parent


def found(source: str, **settings) -> list:
    linter = Linter(Settings(**settings))
    return sorted((f.start.line, f.code, f.confidence) for f in linter.lint_source(source, "app.py"))


RESOLVED_AND_SHAPED = (
    "import anthropic\n"
    "def make():\n"
    "    return anthropic.Anthropic()\n"
    "def resolved(client):\n"
    "    client.files.list()\n"  # line 5: a call of `resolved` below passes an Anthropic client
    "def shaped(client):\n"
    "    client.beta.files.list()\n"  # line 7: nobody calls it here; the path is Anthropic's
    "def named(self):\n"
    "    self.anthropic_client.files.list()\n"  # line 9: the attribute's name says Anthropic
    "resolved(make())\n"
)


def test_resolved_clients_are_high_and_shapes_medium() -> None:
    assert found(RESOLVED_AND_SHAPED) == [
        (5, "ZDR001", "high"),
        (7, "ZDR001", "medium"),
        (7, "ZDR005", "medium"),
        (9, "ZDR001", "medium"),
    ]


def test_min_confidence_high_keeps_todays_behaviour() -> None:
    assert found(RESOLVED_AND_SHAPED, min_confidence="high") == [(5, "ZDR001", "high")]


def test_a_spelling_only_anthropic_uses_stays_high_on_a_shaped_request() -> None:
    source = (
        "def ask(client, prompt):\n"
        "    return client.beta.messages.create(model='claude-opus-4-5', max_tokens=64, messages=[],\n"
        "        tools=[{'type': 'web_search_20250305', 'name': 'web_search'}], betas=['x'])\n"
    )
    assert found(source) == [(2, "ZDR005", "medium"), (3, "ZDR007", "high")]


@pytest.mark.parametrize(
    "source",
    [
        # OpenAI / Mistral / google-genai paths on unknown receivers
        "def f(client):\n    client.beta.chat.completions.parse(model='gpt-4o', messages=[], response_format=M)\n",
        "def f(client):\n    client.beta.assistants.list()\n    client.beta.threads.messages.create('t', role='user', content='x')\n",
        "def f(client):\n    client.beta.conversations.start(inputs='x')\n    client.beta.agents.create(model='m', name='a')\n",
        "def f(client):\n    client.files.upload(file='a.pdf')\n    client.batches.create(model='gemini-2.5-flash', src='b')\n",
        # a receiver the code shows to be another provider's keeps that provider's API
        "import openai\nanthropic_client = openai.OpenAI(base_url='https://proxy/anthropic')\nanthropic_client.files.create(file=f, purpose='batch')\n",
        "from mistralai import Mistral\nclaude = Mistral(api_key=k)\nclaude.beta.files.upload(file=f)\n",
        # a receiver named for another provider never takes an Anthropic shape
        "def f(openai_client):\n    openai_client.beta.messages.create(model='m', max_tokens=1, messages=[])\n",
        # our own beta feature and messages, without a Messages request's keywords
        "def f(app):\n    app.beta.messages.create(text='welcome')\n",
        # the SDK module itself is resolved by import, never by shape
        "import anthropic\nanthropic.beta.files.upload(file=f)\n",
    ],
)
def test_look_alikes_stay_silent(source: str) -> None:
    assert found(source) == []


def test_min_confidence_is_read_from_settings_and_applies_in_the_cli(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(RESOLVED_AND_SHAPED, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.zdr-lint]\nmin-confidence = "high"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "zdr_lint", "check", "--exit-zero", "--output-format", "json", "app.py"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert [(f["location"]["row"], f["code"], f["confidence"]) for f in json.loads(done.stdout)] == [(5, "ZDR001", "high")]


def test_an_unknown_min_confidence_is_one_line_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "zdr-lint.toml"
    config.write_text('min-confidence = "low"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"zdr-lint.toml: min-confidence: must be one of 'medium', 'high', not 'low'"):
        load_config_file(config)
