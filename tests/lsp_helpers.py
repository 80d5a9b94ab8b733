"""Driving `zdr-lint server` as an editor does: pytest-lsp's client, which also records every
publishDiagnostics it receives (uri, version, diagnostics), so a test can say what was published,
in which order, and what was not.

No helper sleeps: each waits for the notification it expects (a generous timeout is a safety net only).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pygls.protocol import default_converter

from zdr_lint.lsp import from_client_column

SERVER = [str(Path(sys.executable).parent / "zdr-lint"), "server"]
TIMEOUT = 120


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # every PublishDiagnosticsParams, in order of arrival

    def publish_diagnostics(ls: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append(params)

    client.registrations = []  # what the server asked to register (file watchers)

    def register_capability(ls: LanguageClient, params: types.RegistrationParams) -> None:
        ls.registrations.extend(params.registrations)

    register_lsp_features(
        client,
        {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish_diagnostics,
            types.CLIENT_REGISTER_CAPABILITY: register_capability,
        },
    )
    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)


def capabilities(encodings=None) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
            code_action=types.CodeActionClientCapabilities(),
        ),
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=False),
        ),
    )


async def start(client: LanguageClient, root: Path, encodings=None, client_capabilities=None) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities or capabilities(encodings),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options={"debounceMs": 10},
        )
    )


async def next_publish(client: LanguageClient, uri: str, send=None, after: int | None = None) -> types.PublishDiagnosticsParams:
    """Send a notification (if given) and return the next publishDiagnostics for `uri` (counting
    those received after index `after` of `client.published`, by default from now on)."""
    seen = len(client.published) if after is None else after
    waiting = client.protocol.wait_for_notification_async(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    if send is not None:
        send()
    while True:
        for params in client.published[seen:]:
            if params.uri == uri:
                return params
        seen = len(client.published)
        await asyncio.wait_for(waiting, TIMEOUT)
        waiting = client.protocol.wait_for_notification_async(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def published(client: LanguageClient, uri: str, send) -> list:
    """Send a notification and return the diagnostics the server then publishes for `uri`."""
    return list((await next_publish(client, uri, send)).diagnostics)


def publishes_for(client: LanguageClient, uri: str) -> list:
    return [p for p in client.published if p.uri == uri]


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "python", version: int = 1):
    return lambda: client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text))
    )


def change_doc(client: LanguageClient, uri: str, text: str, version: int):
    return lambda: client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def close_doc(client: LanguageClient, uri: str):
    return lambda: client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))


def files_changed(client: LanguageClient, *paths: Path, kind=types.FileChangeType.Changed):
    return lambda: client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=kind) for path in paths])
    )


def hover_at(client: LanguageClient, uri: str, line: int, character: int):
    return client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character))
    )


def apply_edits(text: str, edits: list) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to `text`, as an editor does."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        return before + from_client_column(line, position.character, types.PositionEncodingKind.Utf16)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def by_code(diagnostics: list) -> dict:
    return {d.code: d for d in diagnostics}


def lines_and_codes(diagnostics: list) -> set:
    """(1-based line, code) of each diagnostic: what the CLI's JSON output says as (row, code)."""
    return {(d.range.start.line + 1, d.code) for d in diagnostics}


def frame(message: dict, length_delta: int = 0, header: bytes = b"Content-Length", length: bytes | None = None) -> bytes:
    """One message as the base protocol frames it, optionally framed wrongly."""
    body = json.dumps(message).encode("utf-8")
    declared = length if length is not None else str(len(body) + length_delta).encode()
    return header + b": " + declared + b"\r\n\r\n" + body
