"""Tool definitions as the server-tool rules see them (shared by ZDR006 to ZDR009)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog
from zdr_lint.semantic_types import Scope
from zdr_lint.semantics import SemanticModel


@dataclass(frozen=True)
class ToolUse:
    """A tool definition whose `type` is a server tool: a dict literal, `dict(...)` or a typed param."""

    node: cst.CSTNode  # where to report: the `"type": ...` entry, or the typed-param call
    tool: catalog.ToolPattern
    date: Optional[int]
    entries: tuple  # the definition's entries, to read allowed_callers

    def allowed_callers(self, model: SemanticModel) -> Optional[list]:
        for entry in self.entries:
            if entry.key == catalog.ALLOWED_CALLERS_KEY:
                return [model.string(v, s) for v, s in model.elements(entry.value, entry.scope)]
        return None


def tool_in_dict(model: SemanticModel, node: cst.CSTNode, scope: Scope) -> Optional[ToolUse]:
    """The server tool a dict literal or `dict(type=...)` call defines, if any."""
    entries = tuple(model.entries(node, scope))
    for entry in entries:
        if entry.key == "type":
            for text in model.strings(entry.value, entry.scope):
                matched = catalog.match_tool_type(text)
                if matched:
                    return ToolUse(entry.node, matched[0], matched[1], entries)
    return None


def tool_in_typed_param(model: SemanticModel, call: cst.Call, scope: Scope) -> Optional[tuple]:
    """(TypedParam, ToolUse-like entries) for `WebSearchTool20250305Param(...)` and the like."""
    qualname = model.qualified_name(call.func, scope)
    if not model.is_sdk_name(qualname):
        return None
    return catalog.match_typed_param(qualname.rsplit(".", 1)[-1])


def tool_uses(model: SemanticModel) -> Iterator[ToolUse]:
    """Every server-tool definition in the module, once each (memoised on the model)."""
    cached = model.memo.get("tool_uses")
    if cached is None:
        cached = []
        for node in model.collector.dicts:
            use = tool_in_dict(model, node, model.scope_of(node))
            if use is not None:
                cached.append(use)
        for _, entries in model.class_field_entries():  # a dataclass / pydantic model of a tool
            for entry in entries:
                if entry.key == "type":
                    matched = next((catalog.match_tool_type(t) for t in model.strings(entry.value, entry.scope) if catalog.match_tool_type(t)), None)
                    if matched:
                        cached.append(ToolUse(entry.node, matched[0], matched[1], entries))
        for call in model.collector.calls:
            scope = model.scope_of(call)
            if model.qualified_name(call.func, scope) == "builtins.dict":
                use = tool_in_dict(model, call, scope)
                if use is not None:
                    cached.append(use)
                continue
            param = tool_in_typed_param(model, call, scope)
            if param is not None and param.code in ("ZDR006", "ZDR007", "ZDR008", "ZDR009"):
                tool = next(t for t in catalog.TOOL_PATTERNS if t.code == param.code)
                date = _date_in(model.qualified_name(call.func, scope) or "")
                cached.append(ToolUse(call, tool, date, tuple(model.entries(call, scope))))
        model.memo["tool_uses"] = cached
    return iter(cached)


def _date_in(name: str) -> Optional[int]:
    m = re.search(r"(\d{8})", name)
    return int(m.group(1)) if m else None


def runs_through_code_execution(model: SemanticModel, use: ToolUse) -> bool:
    """Dynamic filtering: a 2026 web search / fetch tool that code execution may call."""
    if use.tool.dynamic_filtering_from is None or use.date is None or use.date < use.tool.dynamic_filtering_from:
        return False
    callers = use.allowed_callers(model)
    return callers != [catalog.DIRECT_CALLER]
