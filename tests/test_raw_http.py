"""Raw HTTP to the Anthropic API: the host must resolve to the API's; other hosts stay silent."""

from __future__ import annotations

import pytest

from zdr_lint.config import Settings
from zdr_lint.engine import Linter

LINTER = Linter(Settings())


def codes(source: str) -> list:
    return sorted((f.start.line, f.code) for f in LINTER.lint_source(source, "raw.py"))


@pytest.mark.parametrize(
    "source, expected",
    [
        pytest.param(
            "import httpx\nc = httpx.Client(base_url='https://api.anthropic.com')\nc.post('/v1/files', files=f)\n",
            [(3, "ZDR001")], id="httpx-base-url",
        ),
        pytest.param(
            "import httpx\nAPI = 'https://api.anthropic.com/v1'\n"
            "async def f():\n    async with httpx.AsyncClient(base_url=API) as c:\n        await c.request('GET', '/skills')\n",
            [(5, "ZDR010")], id="httpx-base-url-with-version",
        ),
        pytest.param(
            "from urllib.parse import urljoin\nimport requests\nBASE = 'https://api.anthropic.com'\n"
            "requests.delete(urljoin(BASE, '/v1/messages/batches/' + bid))\n",
            [(4, "ZDR003")], id="requests-urljoin",
        ),
        pytest.param(
            "import aiohttp\nasync def f():\n    async with aiohttp.ClientSession(base_url='https://api.anthropic.com') as s:\n"
            "        await s.get('/v1/files')\n",
            [(4, "ZDR001")], id="aiohttp-base-url",
        ),
        pytest.param(
            "import requests\nrequests.post('https://api.anthropic.com/v1/messages', headers={'anthropic-beta': 'x'})\n",
            [(2, "ZDR005")], id="beta-header",
        ),
    ],
)
def test_raw_endpoints_fire(source: str, expected: list) -> None:
    assert codes(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("import httpx\nc = httpx.Client(base_url='https://api.openai.com')\nc.post('/v1/files')\nc.post('/v1/batches')\n", id="openai-base-url"),
        pytest.param("from urllib.parse import urljoin\nimport requests\nrequests.get(urljoin('https://llm.internal', '/v1/skills'))\n", id="other-host-urljoin"),
        pytest.param("import httpx\nhttpx.post('https://api.anthropic.com/v1/messages', json=p)\n", id="messages-endpoint"),
        pytest.param("import httpx\nc = make_client()\nc.post('/v1/files')\n", id="unknown-client"),
    ],
)
def test_other_hosts_and_paths_stay_silent(source: str) -> None:
    assert codes(source) == []


def test_one_finding_when_the_string_already_spells_the_url() -> None:
    source = "import httpx\nURL = 'https://api.anthropic.com' + '/v1/files'\nhttpx.get(URL)\nhttpx.post(URL)\n"
    assert codes(source) == [(2, "ZDR001")]
