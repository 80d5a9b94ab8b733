"""The probes of the reference's December 2026 sections, through the real `zdr-lint` command: each
gives the code the reference names (or none), and the messages say what the trigger really is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, run_zdr

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
PROBES = {
    # managed agents, at any depth, helpers, raw paths, betas, tool types
    "agents_create": (HEAD + "client.beta.agents.create(name='a', model='claude-sonnet-5-5')\n", {"ZDR005", "ZDR013"}),
    "session_events": (HEAD + "client.beta.sessions.events.send('s', events=[])\n", {"ZDR005", "ZDR013"}),
    "session_thread_events": (HEAD + "client.beta.sessions.threads.events.list('s', thread_id='t')\n", {"ZDR005", "ZDR013"}),
    "environment_work": (HEAD + "client.beta.environments.work.poll('env')\n", {"ZDR005", "ZDR013"}),
    "memory_versions": (HEAD + "client.beta.memory_stores.memory_versions.redact('m', memory_version_id='v')\n", {"ZDR005", "ZDR013"}),
    "vault_credentials": (HEAD + "client.beta.vaults.credentials.list('v')\n", {"ZDR005", "ZDR013"}),
    "dreams": (HEAD + "client.beta.dreams.list()\n", {"ZDR005", "ZDR013"}),
    "deployment_runs": (HEAD + "client.beta.deployment_runs.list()\n", {"ZDR005", "ZDR013"}),
    "session_runner": ("from anthropic.lib.environments import SessionToolRunner\nSessionToolRunner(c, session_id='s', tools=[])\n", {"ZDR013"}),
    "raw_agents": ("import requests\nrequests.get('https://api.anthropic.com/v1/agents')\n", {"ZDR013"}),
    "agent_toolset": ("tools = [{'type': 'agent_toolset_20260401'}]\n", {"ZDR013"}),
    "managed_agents_beta": (HEAD + "client.messages.create(model=m, max_tokens=1, messages=[], extra_headers={'anthropic-beta': 'managed-agents-2026-04-01'})\n", {"ZDR005", "ZDR013"}),
    # message threads
    "thread_create": (HEAD + "client.beta.messages.create(model=m, max_tokens=1, messages=[], thread={'type': 'create'})\n", {"ZDR005", "ZDR014"}),
    "thread_parse": (HEAD + "client.beta.messages.parse(model=m, max_tokens=1, messages=[], output_format=M, thread={'type': 'continue', 'previous_message_id': i})\n", {"ZDR004", "ZDR005", "ZDR014"}),
    "thread_helper": (HEAD + "client.beta.messages.thread(model=m, max_tokens=1)\n", {"ZDR005", "ZDR014"}),
    "thread_on_ga": (HEAD + "client.messages.create(model=m, max_tokens=1, messages=[], thread={'type': 'create'})\n", {"ZDR014"}),
    "thread_off": (HEAD + "client.beta.messages.tool_runner(model=m, max_tokens=1, messages=[], tools=t, thread=False)\n", {"ZDR005"}),
    # covered models
    "covered_designated": (HEAD + "client.messages.create(model='claude-mythos-5-1', max_tokens=1, messages=[])\n", {"ZDR015"}),
    "covered_family": (HEAD + "client.messages.create(model='claude-fable-5-2', max_tokens=1, messages=[])\n", {"ZDR015"}),
    "covered_bedrock": ("import boto3\nboto3.client('bedrock-runtime').invoke_model(modelId='eu.anthropic.claude-fable-5-v1:0', body=b)\n", {"ZDR011", "ZDR015"}),
    "covered_vertex": ("from anthropic import AnthropicVertex\nAnthropicVertex(region='r').messages.create(model='claude-mythos-5@20261101', max_tokens=1, messages=[])\n", {"ZDR011", "ZDR015"}),
    "covered_litellm": ("import litellm\nlitellm.completion(model='vertex_ai/claude-fable-5-1', messages=[])\n", {"ZDR011", "ZDR015"}),
    "not_covered": (HEAD + "client.messages.create(model='claude-opus-5-5', max_tokens=1, messages=[])\n", set()),
    # MCP tunnels
    "tunnels": (HEAD + "client.beta.tunnels.rotate_token('t')\n", {"ZDR005", "ZDR009"}),
    "tunnel_certificates": (HEAD + "client.beta.tunnels.certificates.archive('c', tunnel_id='t')\n", {"ZDR005", "ZDR009"}),
    "raw_tunnels": ("import httpx\nhttpx.get('https://api.anthropic.com/v1/tunnels')\n", {"ZDR009"}),
    # telemetry
    "sdk_content_env": ("import os\nos.environ['ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE'] = 'content'\n", {"ZDR012"}),
    "raw_bodies_file": ("import os\nos.environ['OTEL_LOG_RAW_API_BODIES'] = 'file:/tmp/bodies'\n", {"ZDR012"}),
    "server_export": (HEAD + "client.beta.organization.telemetry_destinations.create(endpoint_url=u, traces={'content_mode': 'content'})\n", {"ZDR005", "ZDR012"}),
    "server_export_metadata": (HEAD + "client.beta.organization.telemetry_destinations.update('d', traces={'content_mode': 'metadata_only'})\n", {"ZDR005"}),
    "reading_vars": ("import os\nos.environ.get('OTEL_LOG_RAW_API_BODIES')\n", set()),
    # beta honesty, webhooks
    "webhooks_unwrap": (HEAD + "client.beta.webhooks.unwrap(body, headers=h)\n", set()),
    "webhooks_parse": (HEAD + "client.beta.webhooks.parse_unverified(body)\n", set()),
    "fallback_middleware": ("import anthropic\nfrom anthropic.lib.middleware import BetaRefusalFallbackMiddleware\nanthropic.Anthropic(middleware=[BetaRefusalFallbackMiddleware(fallbacks=f)])\n", {"ZDR005"}),
    "beta_files": (HEAD + "client.beta.files.list()\n", {"ZDR001", "ZDR005"}),
    "beta_skills": (HEAD + "client.beta.skills.list()\n", {"ZDR005", "ZDR010"}),
    # raw HTTP to the other Anthropic-processed hosts
    "google_cloud_files": ("import httpx\nhttpx.get('https://claude.googleapis.com/v1/files')\n", {"ZDR001"}),
    "foundry_skills": ("import httpx\nhttpx.get(f'https://{r}.services.ai.azure.com/anthropic/v1/skills')\n", {"ZDR010"}),
    "aws_batches": ("import httpx\nhttpx.post('https://aws-external-anthropic.us-west-2.api.aws/v1/messages/batches', json={})\n", {"ZDR003"}),
    "openai_files": ("import httpx\nhttpx.get('https://api.openai.com/v1/files')\n", set()),
    # cache diagnostics
    "diagnostics": (HEAD + "client.messages.create(model=m, max_tokens=1, messages=[], diagnostics={'cache': True})\n", {"ZDR002"}),
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict:
    """Every probe written to its own file, checked by one run of the command."""
    root = tmp_path_factory.mktemp("probes")
    for name, (source, _) in PROBES.items():
        (root / f"{name}.py").write_text(source, encoding="utf-8")
    result = run_zdr("check", "--isolated", "--output-format", "json", "--exit-zero", ".", cwd=root)
    assert result.returncode == 0, result.stderr.decode()
    by_file: dict = {name: [] for name in PROBES}
    for finding in json.loads(result.stdout):
        by_file[Path(finding["filename"]).stem].append(finding)
    return by_file


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_gives_the_code_the_reference_names(name: str, findings: dict) -> None:
    assert {f["code"] for f in findings[name]} == PROBES[name][1], [f["message"] for f in findings[name]]


def _message(findings: dict, probe: str, code: str) -> str:
    messages = [f["message"] for f in findings[probe] if f["code"] == code]
    assert len(messages) == 1, messages
    return messages[0]


def test_cache_diagnostics_name_their_own_exception(findings: dict) -> None:
    message = _message(findings, "diagnostics", "ZDR002")
    assert "fingerprint" in message and "drop diagnostics=" in message
    assert "drop cache_control" not in message and "cache TTL" not in message


def test_beta_message_does_not_invite_suppressing_a_zdr_no_feature(findings: dict) -> None:
    for probe, code in (("agents_create", "ZDR013"), ("tunnels", "ZDR009"), ("beta_files", "ZDR001"), ("thread_create", "ZDR014")):
        message = _message(findings, probe, "ZDR005")
        assert code in message and 'ZDR "No"' in message, message
        assert "confirm" not in message and "noqa" not in message, message


def test_beta_message_names_the_betas_the_docs_mark_eligible(tmp_path: Path) -> None:
    source = HEAD + "client.messages.create(model=m, max_tokens=1, messages=[], extra_headers={'anthropic-beta': 'compact-2026-01-12'})\n"
    (tmp_path / "compact.py").write_text(source, encoding="utf-8")
    out = json.loads(run_zdr("check", "--isolated", "--output-format", "json", "--exit-zero", ".", cwd=tmp_path).stdout)
    assert [f["code"] for f in out] == ["ZDR005"]
    assert "the docs mark compaction ZDR eligible" in out[0]["message"]


def test_fallback_middleware_is_beta_at_most_at_low_severity(findings: dict) -> None:
    (finding,) = findings["fallback_middleware"]
    assert finding["severity"] == "warning" and "stores no message content" in finding["message"]


def test_covered_model_message_says_zdr_is_unavailable_and_the_api_refuses(findings: dict) -> None:
    designated = _message(findings, "covered_designated", "ZDR015")
    assert "not available" in designated and "HTTP 400" in designated and "named on Anthropic's Covered Models list" in designated
    family = _message(findings, "covered_family", "ZDR015")
    assert "claude-fable-5 family" in family and "not yet named" in family


def test_telemetry_messages_say_where_the_data_goes(findings: dict) -> None:
    assert "files" in _message(findings, "raw_bodies_file", "ZDR012")
    assert "server-side" in _message(findings, "server_export", "ZDR012")
    assert "OpenTelemetry traces" in _message(findings, "sdk_content_env", "ZDR012")
    for probe in ("raw_bodies_file", "server_export", "sdk_content_env"):
        assert "Anthropic keeping" not in _message(findings, probe, "ZDR012") or "not Anthropic" in _message(findings, probe, "ZDR012")


def test_rule_docs_and_messages_use_current_model_ids() -> None:
    retired = "claude-sonnet-4-5"
    for path in sorted((REPO / "docs").rglob("*.md")) + [REPO / "README.md"]:
        assert retired not in path.read_text(encoding="utf-8"), path
    result = run_zdr("rule", "--all")
    assert result.returncode == 0 and retired not in result.stdout.decode()
