"""The language server must not go deaf: badly framed input, invalid params, `exit` without
`shutdown`, a 5 MB document next to a small one, and the early `initialize` answer. Each case runs
the real server as a subprocess, driven by pytest-lsp's client; bad input is written as raw bytes
to the server's stdin."""

from __future__ import annotations

import asyncio
import json
import logging

import attrs
import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

from lsp_helpers import (
    CONFIG, TIMEOUT, by_code, change_doc, frame, hover_at, next_publish, open_doc, published, publishes_for, start,
)
from zdr_lint.lsp.framing import Framer

WITH_FINDINGS = 'import anthropic\n\nclient = anthropic.Anthropic()\nclient.messages.batches.create(requests=[])\nlabel = "café 🎉"; client.files.upload(file=open("a.pdf", "rb"))\n'
CLEAN = "import anthropic\n\nclient = anthropic.Anthropic()\n"


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def bare_client(lsp_client: LanguageClient):
    """A client whose test ends the session itself (or checks how the server ends)."""
    yield


def did_open_message(uri: str, text: str) -> dict:
    return {
        "jsonrpc": "2.0",
        "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    }


# --- Framing, in process: every chunking of the input gives the same messages -------------------------
M1 = {"jsonrpc": "2.0", "id": 1, "method": "a", "params": {"text": "café 🎉"}}
M2 = {"jsonrpc": "2.0", "id": 2, "method": "b"}


def raw(message: dict, delta: int = 0, header: bytes = b"Content-Length", length: bytes | None = None) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")  # byte length != character length
    declared = length if length is not None else str(len(body) + delta).encode()
    return header + b": " + declared + b"\r\n\r\n" + body


FRAMINGS = {
    "well formed": (raw(M1) + raw(M2), [1, 2], False),
    "10 bytes too long": (raw(M1, 10) + raw(M2), [1, 2], True),
    "10 bytes too short": (raw(M1, -10) + raw(M2), [1, 2], True),
    "not a number": (raw(M1, length=b"abc") + raw(M2), [2], True),
    "lower-case header": (raw(M1, header=b"content-length") + raw(M2), [1, 2], False),
    "with a Content-Type": (b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + raw(M1) + raw(M2), [1, 2], False),
    "noise before": (b"garbage\r\nmore" + raw(M1) + raw(M2), [1, 2], True),
    "huge length": (raw(M1, length=b"999999999") + raw(M2), [1, 2], True),
    "body not JSON": (b"Content-Length: 5\r\n\r\nhello" + raw(M1) + raw(M2), [1, 2], True),
}


@pytest.mark.parametrize("name", list(FRAMINGS))
def test_the_reader_resynchronises_whatever_the_chunks(name):
    data, ids, reported = FRAMINGS[name]
    for chunk in (len(data), 1, 7, 64):
        framer = Framer()
        got = []
        for start_at in range(0, len(data), chunk):
            framer.feed(data[start_at : start_at + chunk])
            while (message := framer.next()) is not None:
                got.append(message["id"])
        assert got == ids, (name, chunk)
        assert framer.buffer == b""
        assert bool(framer.take_problems()) == reported, (name, chunk)


# --- Framing, through the server ------------------------------------------------------------------------
BAD_FRAMES = {
    "10 bytes too long": (lambda m: frame(m, 10), True),
    "10 bytes too short": (lambda m: frame(m, -10), True),
    "Content-Length: abc": (lambda m: frame(m, length=b"abc"), False),
    "lower-case header": (lambda m: frame(m, header=b"content-length"), True),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("name", list(BAD_FRAMES))
async def test_a_badly_framed_message_does_not_make_the_server_deaf(client, tmp_path, name):
    make, readable = BAD_FRAMES[name]
    await start(client, tmp_path)
    bad, good = (tmp_path / "bad.py").as_uri(), (tmp_path / "good.py").as_uri()
    client.protocol.writer.write(make(did_open_message(bad, WITH_FINDINGS)))
    # the next well-formed messages are read and answered
    diagnostics = await published(client, good, open_doc(client, good, WITH_FINDINGS))
    assert sorted(by_code(diagnostics)) == ["ZDR001", "ZDR003"]
    hover = await asyncio.wait_for(hover_at(client, good, 3, 10), TIMEOUT)
    assert hover is not None and "ZDR003" in hover.contents.value
    if readable:  # the damaged message itself was read too
        found = publishes_for(client, bad) or [await next_publish(client, bad, after=0)]
        assert sorted(by_code(found[0].diagnostics)) == ["ZDR001", "ZDR003"]
    if name != "lower-case header":  # header names are case-insensitive: not a problem
        assert any("input:" in m.message for m in client.log_messages), [m.message for m in client.log_messages]


# --- Invalid params, exit codes -------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_a_request_with_invalid_params_gets_an_invalid_params_error(client, tmp_path):
    await start(client, tmp_path)
    uri = (tmp_path / "app.py").as_uri()
    await published(client, uri, open_doc(client, uri, WITH_FINDINGS))
    with attrs.validators.disabled():  # the client would refuse to build it
        negative = types.Position(line=-1, character=0)
    with pytest.raises(JsonRpcException) as raised:
        await asyncio.wait_for(
            client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=negative)), TIMEOUT
        )
    assert raised.value.code == types.ErrorCodes.InvalidParams
    assert "textDocument/hover" in raised.value.message
    assert (await asyncio.wait_for(hover_at(client, uri, 3, 10), TIMEOUT)) is not None  # and the server goes on


async def exit_code(client: LanguageClient, capfd) -> tuple:
    """(exit code, the server's stderr) once the server process has ended."""
    code = await asyncio.wait_for(client._server.wait(), TIMEOUT)
    await asyncio.wait_for(client._stderr_forwarder, TIMEOUT)  # pytest-lsp copies the server's stderr to ours
    return code, capfd.readouterr().err


@pytest.mark.asyncio
async def test_exit_without_shutdown_exits_with_code_1(bare_client, tmp_path, capfd):
    await start(bare_client, tmp_path)
    bare_client.exit(None)
    code, stderr = await exit_code(bare_client, capfd)
    assert code == 1 and "Traceback" not in stderr, stderr


@pytest.mark.asyncio
async def test_shutdown_then_exit_exits_with_code_0(bare_client, tmp_path, capfd):
    await start(bare_client, tmp_path)
    uri = (tmp_path / "app.py").as_uri()
    await published(bare_client, uri, open_doc(bare_client, uri, WITH_FINDINGS))
    await bare_client.shutdown_async(None)
    bare_client.exit(None)
    code, stderr = await exit_code(bare_client, capfd)
    assert code == 0 and "Traceback" not in stderr, stderr


# --- A large document ------------------------------------------------------------------------------------
def large_module(size: int = 5_000_000) -> str:
    """About 5 MB of real Anthropic use: minutes of libcst work (most of it holding the GIL)."""
    head = "import anthropic\n\nclient = anthropic.Anthropic()\n"
    block = '\n\ndef step_{n}(items):\n    client.messages.batches.create(requests=items)\n    return client.files.upload(file=open("f{n}.pdf", "rb"))\n'
    parts, length, n = [head], len(head), 0
    while length < size:
        parts.append(block.format(n=n))
        length += len(parts[-1])
        n += 1
    return "".join(parts)


async def wait_for_log(client: LanguageClient, text: str) -> None:
    while not any(text in m.message for m in client.log_messages):
        await asyncio.wait_for(client.protocol.wait_for_notification_async(types.WINDOW_LOG_MESSAGE), TIMEOUT)


@pytest.mark.asyncio
async def test_a_5_mb_document_does_not_hold_up_a_small_one_and_exit_does_not_wait_for_it(bare_client, tmp_path):
    client = bare_client
    await start(client, tmp_path)
    big, small = (tmp_path / "big.py").as_uri(), (tmp_path / "small.py").as_uri()
    text = large_module()
    assert len(text.encode()) >= 5_000_000
    open_doc(client, big, text)()
    await wait_for_log(client, "big.py (5.0 MB) is checked in a process of its own")
    # the small document's diagnostics, and those of its edits, come while the large one is checked
    assert sorted(by_code(await published(client, small, open_doc(client, small, WITH_FINDINGS)))) == ["ZDR001", "ZDR003"]
    assert await published(client, small, change_doc(client, small, CLEAN, 2)) == []
    assert big not in client.diagnostics
    # an edit supersedes the large check: only the newest version is ever published
    latest = await next_publish(client, big, change_doc(client, big, WITH_FINDINGS, 2))
    assert latest.version == 2 and sorted(by_code(latest.diagnostics)) == ["ZDR001", "ZDR003"]
    # large again, then shutdown and exit while that check runs: the process ends at once
    change_doc(client, big, text, 3)()
    await wait_for_log(client, "big.py (5.0 MB) is checked in a process of its own (version 3)")
    await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
    client.exit(None)
    assert await asyncio.wait_for(client._server.wait(), 30) == 0
    assert [p.version for p in publishes_for(client, big)] == [2]


# --- The early initialize answer ---------------------------------------------------------------------------
NOTEBOOK_CLIENT = types.ClientCapabilities(
    notebook_document=types.NotebookDocumentClientCapabilities(synchronization=types.NotebookDocumentSyncClientCapabilities()),
    general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf32]),
)
PROFILES = {
    "visual-studio-code": lambda: client_capabilities("visual-studio-code"),
    "neovim": lambda: client_capabilities("neovim"),
    "emacs": lambda: client_capabilities("emacs"),
    "notebooks, UTF-32": lambda: NOTEBOOK_CLIENT,
    "nothing": lambda: types.ClientCapabilities(),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("profile", list(PROFILES))
async def test_initialize_is_answered_before_pygls_loads_with_what_pygls_computes(client, tmp_path, profile):
    capabilities = PROFILES[profile]()
    result = await start(client, tmp_path, client_capabilities=capabilities)
    assert result.server_info.name == "zdr-lint"
    offered = capabilities.general.position_encodings if capabilities.general and capabilities.general.position_encodings else None
    assert result.capabilities.position_encoding == (offered[0] if offered else types.PositionEncodingKind.Utf16)
    assert (result.capabilities.notebook_document_sync is not None) == (capabilities.notebook_document is not None)
    # pygls has handled the same initialize once this request is answered, and compared its answer
    await asyncio.wait_for(hover_at(client, (tmp_path / "x.py").as_uri(), 0, 0), TIMEOUT)
    assert not [m.message for m in client.log_messages if "initialize answer" in m.message]
    watched = capabilities.workspace.did_change_watched_files if capabilities.workspace else None
    if watched is not None and watched.dynamic_registration:  # the files whose changes the index follows
        (registration,) = client.registrations
        assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        patterns = {w["globPattern"] for w in registration.register_options["watchers"]}  # kept as JSON
        assert {"**/*.py", "**/pyproject.toml", "**/zdr-lint.toml", "**/.zdr-lint.toml"} <= patterns


def test_a_differing_early_answer_is_reported_and_not_sent_twice(caplog):
    from zdr_lint.lsp.server import create_server
    from zdr_lint.lsp.startup import EarlyAnswer

    server = create_server()
    sent = []
    server.protocol.set_writer(type("W", (), {"write": lambda self, data: sent.append(data), "close": lambda self: None})())
    server.protocol.early = EarlyAnswer(1, {"capabilities": {}, "serverInfo": {"name": "zdr-lint"}})
    with caplog.at_level(logging.WARNING):
        server.protocol._send_response(1, result=types.InitializeResult(capabilities=types.ServerCapabilities(hover_provider=True)))
    assert "differs from pygls's" in caplog.text
    assert not [data for data in sent if b'"id": 1' in data and b"result" in data]
    server.protocol._send_response(2, result=None)  # other responses go out as usual
    assert any(b'"id": 2' in data for data in sent)
