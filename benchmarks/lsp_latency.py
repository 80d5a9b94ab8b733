"""Latency an editor user feels: didChange -> publishDiagnostics of `zdr-lint server`.

Generates a 1,000-line module that uses Anthropic features, starts `zdr-lint server` as a
subprocess, opens the module, then makes 20 edits (one whole-text didChange each) and times each
edit until the diagnostics for that version arrive, less the server's debounce. For comparison, in
the same run: the CLI on the same file (a fresh process, as pre-commit runs it), the engine in
process, and where the engine's time goes (ast gate, libcst parse, semantic model + rules,
PositionProvider), from scratch and after an edit with the server's statement cache.

    /work/venv/bin/python benchmarks/lsp_latency.py [--edits 20] [--lines 1000] [--debounce-ms 50]

Not a test: numbers depend on the machine. Target: median below 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import ast
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

BIN = Path(sys.executable).parent
SERVER = [str(BIN / "zdr-lint"), "server"]
TARGET_MS = 150.0

HEADER = '''"""A generated service module that uses many Anthropic API features (benchmark input)."""

import os

import anthropic
from anthropic import AnthropicBedrock

client = anthropic.Anthropic()
TOOLS = [
    {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
    {"name": "lookup", "input_schema": {"type": "object"}, "strict": True},
]
'''

BLOCKS = [
    '''

def summarise_{n}(text: str) -> str:
    """Summarise one document ({n})."""
    response = client.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=1024,
        system=[{{"type": "text", "text": "You are terse.", "cache_control": {{"type": "ephemeral"}}}}],
        messages=[{{"role": "user", "content": text}}],
        tools=TOOLS,
    )
    parts = [block.text for block in response.content if block.type == "text"]
    return "\\n".join(parts)
''',
    '''

def upload_{n}(path: str) -> str:
    with open(path, "rb") as handle:
        uploaded = client.files.upload(file=handle)
    total = 0
    for index in range(10):
        total += index * {n}
    return uploaded.id + str(total)
''',
    '''

def nightly_{n}(items: list) -> None:
    requests = [{{"custom_id": str(i), "params": {{"model": "claude-haiku-4-5", "max_tokens": 64, "messages": []}}}} for i in items]
    client.messages.batches.create(requests=requests)
    if len(items) > {n}:
        print("many items")
''',
    '''

def plain_{n}(values: list) -> dict:
    result = {{}}
    for value in values:
        key = str(value).lower()
        result.setdefault(key, []).append(value)
    counts = {{k: len(v) for k, v in result.items()}}
    return counts
''',
]


def generate(lines: int, kind: str = "dense") -> str:
    """`dense`: three functions in four use a feature outside ZDR (about 80 findings);
    `sparse`: plain code around a handful of uses, as in most real modules."""
    parts = [HEADER]
    n = 0
    while sum(p.count("\n") for p in parts) < lines:
        if kind == "dense" or n % 40 == 0:
            parts.append(BLOCKS[n % len(BLOCKS)].format(n=n))
        else:
            parts.append(BLOCKS[3].format(n=n))
        n += 1
    return "".join(parts)


def percentile(values: list, pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


async def measure_server(path: Path, text: str, edits: int, debounce_ms: float) -> tuple:
    client = LanguageClient("zdr-lint-benchmark", "1")
    arrivals: dict = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        future = arrivals.get(params.version)
        if future is not None and not future.done():
            future.set_result((time.perf_counter(), len(params.diagnostics)))

    await client.start_io(*SERVER)
    loop = asyncio.get_running_loop()
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=path.parent.as_uri(),
            initialization_options={"debounceMs": debounce_ms},
        )
    )
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    arrivals[1] = loop.create_future()
    opened = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    first, count = await asyncio.wait_for(arrivals[1], 120)
    open_ms = (first - opened) * 1000
    latencies = []
    for version in range(2, edits + 2):
        edited = text.replace("result = {}", f"result = {{}}  # edit {version}", 1)
        arrivals[version] = loop.create_future()
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)],
            )
        )
        arrived, count = await asyncio.wait_for(arrivals[version], 120)
        latencies.append((arrived - sent) * 1000 - debounce_ms)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return open_ms, latencies, count


def measure_cli(path: Path, runs: int = 5) -> list:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(BIN / "zdr-lint"), "check", "--isolated", "-q", str(path)], capture_output=True, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return times


def engine_breakdown(path: Path, text: str, runs: int = 5) -> dict:
    """Median ms of each stage of the engine on this text, in this process."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from zdr_lint.config import Settings
    from zdr_lint.engine import Linter, run_rules
    from zdr_lint.project import module_name_of
    from zdr_lint.gate import has_candidate
    from zdr_lint.semantics import SemanticModel

    linter = Linter(Settings(project_root=path.parent))
    codes = sorted(c for c in linter.enabled if c != "ZDR000")
    from zdr_lint.incremental import StatementCache

    stages: dict = {k: [] for k in (
        "ast parse + candidate gate", "libcst parse", "semantic model + rules", "PositionProvider, whole module",
        "whole lint_source", "lint_source after an edit",
    )}
    cache = StatementCache()
    linter.lint_source(text, str(path), cache)  # the server's cache, warm as after didOpen
    for _ in range(runs):
        t0 = time.perf_counter()
        tree = ast.parse(text)
        has_candidate(tree, linter.sdk_modules, linter.sdk_names)
        t1 = time.perf_counter()
        module = cst.parse_module(text)
        t2 = time.perf_counter()
        model = SemanticModel(module, linter.client_factories, module_name_of(str(path), str(path.parent))[0])
        reports, _ = run_rules(model, [linter.registry.rules[c] for c in codes])
        t3 = time.perf_counter()
        MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        t4 = time.perf_counter()
        linter.lint_source(text, str(path))
        t5 = time.perf_counter()
        edited = text.replace("result = {}", f"result = {{}}  # in-process edit {t5}", 1)
        linter.lint_source(edited, str(path), cache)  # one statement changed, as in the server
        t6 = time.perf_counter()
        for key, value in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
            stages[key].append(value * 1000)
    return {key: statistics.median(values) for key, values in stages.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--debounce-ms", type=float, default=50.0)
    parser.add_argument("--kind", choices=("dense", "sparse", "both"), default="both", help="how many uses the module holds")
    args = parser.parse_args()
    for kind in ("dense", "sparse") if args.kind == "both" else (args.kind,):
        run(args, kind)
    return 0


def run(args, kind: str) -> None:
    text = generate(args.lines, kind)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "service.py"
        path.write_text(text, encoding="utf-8")
        open_ms, latencies, count = asyncio.run(measure_server(path, text, args.edits, args.debounce_ms))
        cli = measure_cli(path)
        stages = engine_breakdown(path, text)

    median, p95 = statistics.median(latencies), percentile(latencies, 95)
    cli_median = statistics.median(cli)
    print(f"\n{kind} module: {text.count(chr(10))} lines, {count} findings; {args.edits} edits; debounce {args.debounce_ms:.0f} ms (subtracted)")
    print(f"server didOpen -> publishDiagnostics (cold): {open_ms:8.1f} ms")
    print(f"server didChange -> publishDiagnostics:  median {median:8.1f} ms   p95 {p95:8.1f} ms   (target median < {TARGET_MS:.0f} ms: {'met' if median < TARGET_MS else 'NOT met'})")
    print(f"CLI `zdr-lint check` (new process):      median {cli_median:8.1f} ms")
    print(f"ratio server median / CLI median:        {median / cli_median:8.2f}")
    print("engine in process, median per stage:")
    for key, value in stages.items():
        print(f"  {key:<28} {value:8.1f} ms")
    print(f"ratio server median / in-process lint:   {median / stages['whole lint_source']:8.2f}")


if __name__ == "__main__":
    sys.exit(main())
