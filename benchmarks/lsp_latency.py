"""Latency an editor user feels from `zdr-lint server`: start-up, edits, and a large document.

1. initialize: the time from starting the server to its `initialize` response (raw pipes, so the
   client's own imports do not count), against `python -c pass` and `zdr-lint --version` run in the
   same loop (the same machine load). Target: under 0.5 s.
2. edits: generates a 1,000-line module that uses Anthropic features, opens it, then makes 20 edits
   (one whole-text didChange each) and times each edit until the diagnostics for that version arrive,
   less the server's debounce. For comparison, in the same run: the CLI on the same file (a fresh
   process, as pre-commit runs it), the engine in process, and where the engine's time goes (ast
   gate, libcst parse, semantic model + rules, PositionProvider), from scratch and after an edit with
   the server's statement cache. Target: median below 100 ms.
3. a large document (`--large-mb`, default 5): opens it, then a small document, and times the small
   one's diagnostics (open and one edit) while the large one is checked, then `shutdown` + `exit`
   until the process has ended. Target: the small one as fast as without the large one; exit at once.

    python benchmarks/lsp_latency.py [--edits 20] [--lines 1000] [--debounce-ms 50] [--initialize-runs 10]
                                     [--large-mb 5] [--skip initialize,edits,large] [--server-command CMD] [--wait-s 300]

`--server-command` runs another build (for before/after figures), e.g.
`--server-command "python -c 'import sys; sys.path.insert(0, \"/tmp/old/src\"); from zdr_lint.cli import main; sys.exit(main([\"server\"]))'"`.

Not a test: numbers depend on the machine; run it on an idle one, and repeat.
"""

from __future__ import annotations

import argparse
import asyncio
import ast
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

BIN = Path(sys.executable).parent
SERVER_COMMAND = [str(BIN / "zdr-lint"), "server"]
TARGET_MS = 100.0
INITIALIZE_TARGET_MS = 500.0
WAIT_S = 300.0  # the longest any one step is waited for

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


def benchmark_client() -> LanguageClient:
    client = LanguageClient("zdr-lint-benchmark", "1")

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:  # the server's log: not measured
        pass

    return client


async def measure_server(path: Path, text: str, edits: int, debounce_ms: float) -> tuple:
    client = benchmark_client()
    arrivals: dict = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        future = arrivals.get(params.version)
        if future is not None and not future.done():
            future.set_result((time.perf_counter(), len(params.diagnostics)))

    started = time.perf_counter()
    await client.start_io(*SERVER_COMMAND)
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
    open_ms = ((first - opened) * 1000, (first - started) * 1000)
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


# --- 1. initialize --------------------------------------------------------------------------------------
def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(stream) -> dict:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def time_initialize(folder: Path) -> float:
    """Seconds from starting the server to its initialize response."""
    params = {"processId": None, "rootUri": folder.as_uri(), "capabilities": {}, "workspaceFolders": [{"uri": folder.as_uri(), "name": "bench"}]}
    started = time.perf_counter()
    server = subprocess.Popen(SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    server.stdin.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params}))
    server.stdin.flush()
    while _read_message(server.stdout).get("id") != 1:
        pass
    answered = time.perf_counter() - started
    server.stdin.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}) + _frame({"jsonrpc": "2.0", "method": "exit"}))
    server.stdin.flush()
    server.wait(WAIT_S)
    return answered


def time_command(command: list) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - started


def run_initialize(args) -> None:
    """The three commands interleaved, so that each sees the same machine load."""
    server, python, version = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.initialize_runs):
            python.append(time_command([sys.executable, "-c", "pass"]))
            version.append(time_command([str(BIN / "zdr-lint"), "--version"]))
            server.append(time_initialize(Path(folder)))
    ms = lambda values: statistics.median(values) * 1000  # noqa: E731
    print(f"\ninitialize ({args.initialize_runs} runs, medians; start of the process -> initialize response):")
    print(f"server initialize:          {ms(server):8.1f} ms  (p95 {percentile(server, 95) * 1000:.1f} ms; target < {INITIALIZE_TARGET_MS:.0f} ms: {'met' if ms(server) < INITIALIZE_TARGET_MS else 'NOT met'})")
    print(f"python -c pass:             {ms(python):8.1f} ms  (ratio server / this: {ms(server) / ms(python):.1f})")
    print(f"zdr-lint --version:         {ms(version):8.1f} ms  (ratio server / this: {ms(server) / ms(version):.2f})")


# --- 3. a large document -----------------------------------------------------------------------------------
async def measure_large(folder: Path, large_text: str, small_text: str, debounce_ms: float) -> dict:
    client = benchmark_client()
    arrivals: dict = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        future = arrivals.get((params.uri, params.version))
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    await client.start_io(*SERVER_COMMAND)
    loop = asyncio.get_running_loop()
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=folder.as_uri(), initialization_options={"debounceMs": debounce_ms}))
    client.initialized(types.InitializedParams())
    large, small = (folder / "large.py").as_uri(), (folder / "small.py").as_uri()
    result: dict = {}

    async def timed(key, uri: str, version: int, send) -> None:
        arrivals[(uri, version)] = loop.create_future()
        sent = time.perf_counter()
        send()
        try:
            result[key] = (await asyncio.wait_for(arrivals[(uri, version)], WAIT_S)) - sent
        except asyncio.TimeoutError:
            result[key] = None

    def did_open(uri: str, text: str):
        return lambda: client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))

    def did_change(uri: str, text: str, version: int):
        return lambda: client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    await timed("small alone: open", small, 1, did_open(small, small_text))
    await timed("small alone: edit", small, 2, did_change(small, small_text + "\n# edited\n", 2))
    arrivals[(large, 1)] = loop.create_future()
    did_open(large, large_text)()
    await timed("small during the large check: edit", small, 3, did_change(small, small_text, 3))
    await timed("small during the large check: another edit", small, 4, did_change(small, small_text + "\n# again\n", 4))
    result["large published before exit"] = arrivals[(large, 1)].done()
    sent = time.perf_counter()
    try:
        await asyncio.wait_for(client.shutdown_async(None), WAIT_S)
        client.exit(None)
        await asyncio.wait_for(client._server.wait(), WAIT_S)
        result["shutdown + exit until the process ended"] = time.perf_counter() - sent
    except asyncio.TimeoutError:
        result["shutdown + exit until the process ended"] = None
    await client.stop()
    return result


def large_module(megabytes: float) -> str:
    """Generated Anthropic use (two findings a function) up to the given size."""
    head = "import anthropic\n\nclient = anthropic.Anthropic()\n"
    block = '\n\ndef step_{n}(items):\n    client.messages.batches.create(requests=items)\n    return client.files.upload(file=open("f{n}.pdf", "rb"))\n'
    parts, length, n = [head], len(head), 0
    while length < megabytes * 1_000_000:
        parts.append(block.format(n=n))
        length += len(parts[-1])
        n += 1
    return "".join(parts)


def run_large(args) -> None:
    large_text = large_module(args.large_mb)
    small_text = generate(args.lines, "dense")
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(measure_large(Path(folder), large_text, small_text, args.debounce_ms))
    print(f"\nlarge document: {len(large_text.encode()) / 1e6:.1f} MB, next to a {small_text.count(chr(10))}-line module; debounce {args.debounce_ms:.0f} ms (included)")
    for key, value in result.items():
        shown = value if isinstance(value, bool) else (f"{value * 1000:8.1f} ms" if value is not None else f"> {WAIT_S:.0f} s (gave up)")
        print(f"  {key:<44} {shown}")


def main() -> int:
    global SERVER_COMMAND, WAIT_S
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--debounce-ms", type=float, default=50.0)
    parser.add_argument("--kind", choices=("dense", "sparse", "both"), default="both", help="how many uses the module holds")
    parser.add_argument("--initialize-runs", type=int, default=10)
    parser.add_argument("--large-mb", type=float, default=5.0)
    parser.add_argument("--skip", default="", help="comma-separated: initialize, edits, large")
    parser.add_argument("--server-command", help="the server to measure (default: zdr-lint server next to this Python)")
    parser.add_argument("--wait-s", type=float, default=WAIT_S, help="give up on one step after this long")
    args = parser.parse_args()
    WAIT_S = args.wait_s
    if args.server_command:
        SERVER_COMMAND = shlex.split(args.server_command)
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    if "initialize" not in skip:
        run_initialize(args)
    if "edits" not in skip:
        for kind in ("dense", "sparse") if args.kind == "both" else (args.kind,):
            run(args, kind)
    if "large" not in skip:
        run_large(args)
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
    print(f"server didOpen -> publishDiagnostics (cold): {open_ms[0]:8.1f} ms   (from the server's start: {open_ms[1]:.1f} ms)")
    print(f"server didChange -> publishDiagnostics:  median {median:8.1f} ms   p95 {p95:8.1f} ms   (target median < {TARGET_MS:.0f} ms: {'met' if median < TARGET_MS else 'NOT met'})")
    print(f"CLI `zdr-lint check` (new process):      median {cli_median:8.1f} ms")
    print(f"ratio server median / CLI median:        {median / cli_median:8.2f}")
    print("engine in process, median per stage:")
    for key, value in stages.items():
        print(f"  {key:<28} {value:8.1f} ms")
    print(f"ratio server median / in-process lint:   {median / stages['whole lint_source']:8.2f}")


if __name__ == "__main__":
    sys.exit(main())
