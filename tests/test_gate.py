"""The ast stage (zdr_lint.gate.has_candidate) decides which files reach libcst. A look-alike it lets
through costs time (LiteLLM's own 500 files, Django's `cache_control`); a use it refuses is a missed
finding. Both directions are checked here; the fixtures check that the findings themselves survive."""

from __future__ import annotations

import ast

import pytest

from zdr_lint.config import Settings
from zdr_lint.engine import Linter

REACHES_LIBCST = {
    "sdk import with a resource word": "import anthropic\nanthropic.Anthropic().files.list()\n",
    "cache_control dict key, no import": "block = {'type': 'text', 'cache_control': {'type': 'ephemeral'}}\n",
    "cache_control subscript": "block['cache_control'] = c\n",
    "cache_control keyword": "b = dict(type='text', cache_control=c)\n",
    "cache_control key held in a constant": "KEY = 'cache_control'\n",
    "file source in a document block": "b = {'type': 'document', 'source': {'type': 'file', 'file_id': f}}\n",
    "file source built with dict()": "s = dict(type='file', file_id=f)\nb = {'type': 'image', 'source': s}\n",
    "container upload": "b = {'type': 'container_upload', 'file_id': f}\n",
    "strict tool": "t = {'name': 'x', 'input_schema': {}, 'strict': True}\n",
    "strict tool as keywords": "t = dict(name='x', input_schema=s, strict=True)\n",
    "dated tool type": "t = {'type': 'web_search_20250305', 'name': 'web_search'}\n",
    "pydantic-ai cache setting": "s = {'anthropic_cache_instructions': True}\n",
    "ChatAnthropic": "from langchain_anthropic import ChatAnthropic\nChatAnthropic(model=m, betas=b)\n",
    "litellm with an Anthropic model": "import litellm\nlitellm.completion(model='anthropic/claude-sonnet-4-5', messages=m)\n",
    "init_chat_model with the anthropic provider": (
        "from langchain.chat_models import init_chat_model\ninit_chat_model(m, model_provider='anthropic', betas=b)\n"
    ),
    "pydantic-ai agent on Claude": "from pydantic_ai import Agent\nAgent('anthropic:claude-sonnet-4-5', builtin_tools=t)\n",
    "a Vertex Claude id": "from llama_index.llms.vertex import Vertex\nllm = Vertex(model='claude-3-5-sonnet-v2@20241022')\n",
    "a Bedrock Claude id in configuration": "DEFAULT = 'jp.anthropic.claude-sonnet-4-6'\n",
    "Claude Code on Bedrock": "import os\nos.environ['CLAUDE_CODE_USE_BEDROCK'] = '1'\n",
    "Beta files on a parameter": "def f(client):\n    client.beta.files.upload(file=f)\n",
    "batches on a parameter": "def f(client):\n    client.messages.batches.list()\n",
    "a receiver named for Anthropic": "def f(self):\n    self.anthropic_client.files.list()\n",
    "messages.create with a Claude model": "def f(c):\n    c.messages.create(model='claude-opus-4-5', max_tokens=1, messages=[])\n",
}

SETTLED_BY_AST = {
    "Django's cache_control decorator": (
        "from django.utils.cache import patch_cache_control\n"
        "def cache_control(**kw):\n    _check_request(request, 'cache_control')\n    patch_cache_control(r, **kw)\n"
    ),
    "cache_control in a docstring": '"""Sets cache_control headers."""\n',
    "LangChain file block without a source": "b = {'type': 'file', 'file_id': f, 'mime_type': 'image/png'}\n",
    "OpenAI file id with an image url": "c = {'type': 'image', 'file_id': f}\n",
    "zip(strict=True) near an input_schema check": "ok = 'input_schema' in e and all(zip(a, b, strict=True))\n",
    "LiteLLM's own module": (
        "import litellm\ndef route(model, messages, **kw):\n"
        "    return litellm.completion(model=model, messages=messages, betas=kw.get('betas'))\n"
    ),
    "OpenAI client files": "import openai\nopenai.OpenAI().files.create(file=f, purpose='batch')\n",
    "a list called files": "class A:\n    def f(self):\n        return self.files.create()\n",
    "OpenAI's beta on a parameter": "def f(client):\n    client.beta.chat.completions.parse(model='gpt-4o', messages=[])\n",
    "google-genai files on a parameter": "def f(client):\n    client.files.upload(file='a.pdf')\n",
    "a Vertex Gemini id": "MODEL = 'gemini-2.5-pro@001'\n",
}


def _candidate(source: str) -> bool:
    linter = Linter(Settings())
    return linter.is_candidate(ast.parse(source), "module.py")


@pytest.mark.parametrize("source", REACHES_LIBCST.values(), ids=REACHES_LIBCST.keys())
def test_uses_reach_libcst(source: str) -> None:
    assert _candidate(source)


@pytest.mark.parametrize("source", SETTLED_BY_AST.values(), ids=SETTLED_BY_AST.keys())
def test_look_alikes_are_settled_by_the_ast_stage(source: str) -> None:
    assert not _candidate(source)


def test_facts_before_the_index_decide_as_the_ast_stage_does() -> None:
    """The CLI's first scan runs the ast stage before the project index exists and completes it
    later (gate_facts, then gate_decides): over every fixture, with and without the import pairs
    of a project index, that must give the same answer as has_candidate."""
    from pathlib import Path

    from zdr_lint.gate import gate_decides, gate_facts, has_candidate

    linter = Linter(Settings())
    fixtures = sorted((Path(__file__).resolve().parent.parent / "fixtures").rglob("*.py"))
    pair_sets = [frozenset(), frozenset({("llm", "client"), ("llm", "*"), ("app", "llm"), ("clients", "get_client")})]
    checked = 0
    for path in fixtures:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        facts = gate_facts(tree, linter.sdk_modules, linter.sdk_names)
        for pairs in pair_sets:
            assert gate_decides(facts, pairs) == has_candidate(tree, linter.sdk_modules, linter.sdk_names, pairs), path
            checked += 1
    assert checked > 300


def test_libcst_is_not_loaded_when_no_file_needs_it(tmp_path) -> None:
    """Loading libcst costs as much as scanning thousands of files: a run whose files are all settled
    by the prefilter or the ast stage (pre-commit on ordinary files) must not import it."""
    import subprocess
    import sys

    (tmp_path / "plain.py").write_text("import os\nprint(os.getcwd())\n")
    (tmp_path / "lookalike.py").write_text("import openai\nopenai.OpenAI().files.create(file=f, purpose='batch')\n")
    (tmp_path / "uses.py").write_text("import anthropic\nanthropic.Anthropic().files.list()\n")
    script = (
        "import sys\n"
        "from zdr_lint.cli import main\n"
        "code = main(['check', '--isolated', '-q', 'plain.py', 'lookalike.py'])\n"
        "assert code == 0, code\n"
        "assert 'libcst' not in sys.modules, 'libcst was imported'\n"
        "code = main(['check', '--isolated', '-q', 'uses.py'])\n"
        "assert code == 1 and 'libcst' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_wrapper_library_importing_itself_is_not_its_user(tmp_path) -> None:
    """`import litellm` inside litellm's own package is the library, not code that calls it: its
    modules reach libcst only for what any module would (on the LLM-heavy tree, LiteLLM's largest
    modules were a third of the run with nothing to find). The same code in an application still does."""
    source = "import litellm\ndef pick(m):\n    return litellm.AnthropicConfig().map(m, litellm.completion(model=m, messages=[]))\n"
    linter = Linter(Settings(project_root=tmp_path))
    tree = ast.parse(source)
    assert linter.is_candidate(tree, str(tmp_path / "app" / "routing.py"))
    assert not linter.is_candidate(tree, str(tmp_path / "litellm" / "routing.py"))
    assert not linter.is_candidate(tree, str(tmp_path / "src" / "litellm" / "proxy" / "routing.py"))
    # what would reach libcst in any module still does inside the library
    assert linter.is_candidate(ast.parse("import anthropic\nanthropic.Anthropic().files.list()\n"), str(tmp_path / "litellm" / "x.py"))
