from __future__ import annotations

from typing import Optional

from zdr_lint._lazy import libcst as cst

from zdr_lint import catalog, classify
from zdr_lint.rules.base import Rule
from zdr_lint.rules._tools import argument_value, report_keyword
from zdr_lint.semantic_types import Request, Scope, is_none

# Blocks and definitions a `cache_control` key is written in (for a dict not traced to a request).
_ANTHROPIC_BLOCK_TYPES = frozenset(
    {"text", "image", "document", "tool_use", "tool_result", "search_result", "container_upload", "custom"}
)


class PromptCaching(Rule):
    """
    ## What it does
    Flags prompt caching: a `cache_control` argument of `messages.create` / `stream` /
    `count_tokens` (automatic caching), a `"cache_control"` key in a content block, system block,
    tool definition or message that reaches a request, the typed params
    `CacheControlEphemeralParam` / `BetaCacheControlEphemeralParam`, and cache diagnostics
    (`diagnostics=` on a request). Removing a key (`block.pop("cache_control")`) is not a use, and
    neither is forwarding one the caller set (`merged["cache_control"] = part["cache_control"]`,
    `"cache_control": part.get("cache_control")`): that switches nothing on. A `cache_control` set to
    a value from elsewhere (an imported constant) on a content block is a use, with the block's
    confidence. Bedrock's own prompt caching (the Converse API's `cachePoint` blocks) is not this
    rule's: it is the platform's feature, and ZDR011 reports the route to Bedrock. Anthropic-format
    `cache_control` sent through a Bedrock or Vertex client is still reported.

    ## Which ZDR exception
    With caching on, limited metadata and hashed, non-text representations of the cached prompt
    prefix are kept for the cache lifetime (5 minutes, or 1 hour with `"ttl": "1h"`), per Anthropic's
    ZDR scope article. Cache diagnostics (`diagnostics=`) are another matter, with their own message:
    a fingerprint of cryptographic hashes and token-count estimates is retained briefly (the docs:
    ZDR qualified, HIPAA "No"); the remedy is to drop `diagnostics=`, not `cache_control`.

    Where sources disagree: the scope article lists prompt caching among the features that keep
    data; the "API and data retention" page says the cache lives in memory and marks prompt caching
    ZDR and HIPAA eligible (cache diagnostics: ZDR qualified, HIPAA "No"). zdr-lint follows the
    scope article by default and flags it; `caching = "docs"` in `[tool.zdr-lint.policy]` (or
    `--policy caching=docs`) takes the docs' position: plain prompt caching is then silent, and cache
    diagnostics stay, as a warning (as an error under the HIPAA profile).

    ## Example
    ```python
    client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        system=[{"type": "text", "text": LONG_PROMPT, "cache_control": {"type": "ephemeral"}}],
        messages=messages,
    )
    ```

    ## Use instead
    Send the request without `cache_control`; or, if your ZDR agreement covers caching, ignore the
    rule in configuration so the decision is written down once:
    ```toml
    [tool.zdr-lint]
    ignore = ["ZDR002"]
    ```

    ## References
    - Anthropic, "API and data retention": platform.claude.com/docs/en/manage-claude/api-and-data-retention
    - Anthropic, Prompt caching: platform.claude.com/docs/en/build-with-claude/prompt-caching
    """

    code = "ZDR002"
    exception = catalog.EXCEPTIONS["ZDR002"].exception
    advice = catalog.EXCEPTIONS["ZDR002"].advice
    name = "prompt-caching"
    category = "prompt_caching"
    summary = "Prompt caching: hashed prompt representations kept for the cache TTL"
    VALID = (
        "from django.views.decorators.cache import cache_control\n@cache_control(max_age=3600)\ndef v(r): ...\n",
        "blob.cache_control = 'no-cache'\n",
        "block.pop('cache_control', None)\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().messages.create(model=m, max_tokens=1, messages=[], cache_control={'type': 'ephemeral'})\n",
        "system = [{'type': 'text', 'text': p, 'cache_control': {'type': 'ephemeral'}}]\n",
    )

    def check_request(self, request: Request) -> None:
        report_keyword(self, request, "cache_control")
        report_keyword(self, request, "diagnostics")

    def visit_Dict(self, node: cst.Dict) -> None:
        scope = self.model.scope_of(node)
        for element in node.elements:
            if not isinstance(element, cst.DictElement) or is_none(element.value):
                continue
            if self.model.string(element.key, scope) != catalog.CACHE_CONTROL_KEY:
                continue
            if self._forwarded(element.value, scope):
                continue  # forwarding a caller's cache_control onto a merged block switches nothing on
            confidence = self._confidence(node, element.value, scope)
            verdict = classify.cache_control(argument_value(self.model, element.value, scope))
            if confidence is not None and verdict is not None:
                self.report_verdict(element, verdict, confidence=confidence)

    def visit_Assign(self, node: cst.Assign) -> None:
        scope = self.model.scope_of(node)
        for sub, key in self.model.keyed_stores(node, scope):
            if key != catalog.CACHE_CONTROL_KEY or is_none(node.value) or self._forwarded(node.value, scope):
                continue
            # an ephemeral value is Anthropic's spelling; another value (an imported constant) on
            # a content block is caching too, with the confidence of a block written in a literal
            confidence = "high" if self._is_cache_value(node.value, scope) else self._confidence(sub.value, node.value, scope)
            if confidence is not None:
                self.report(sub, "prompt caching (cache_control set on a block)", confidence=confidence)

    def visit_Call(self, node: cst.Call) -> None:
        scope = self.model.scope_of(node)
        if self.model.is_dict_constructor(node, scope):
            # `dict(..., cache_control=...)`, `TextBlockParam(..., cache_control=...)`: the keyword is the use
            for arg in node.args:
                if arg.keyword is None or arg.keyword.value != catalog.CACHE_CONTROL_KEY or is_none(arg.value):
                    continue
                if self._forwarded(arg.value, scope):
                    continue
                confidence = self._confidence(node, arg.value, scope)
                verdict = classify.cache_control(argument_value(self.model, arg.value, scope))
                if confidence is not None and verdict is not None:
                    self.report_verdict(arg, verdict, confidence=confidence)
        qualname = self.model.qualified_name(node.func, scope)
        if not self.model.is_sdk_name(qualname):
            return
        verdict = classify.typed_param(qualname.rsplit(".", 1)[-1])
        if verdict is not None and verdict.code == self.code and self.model.key_holding(node) != catalog.CACHE_CONTROL_KEY:
            self.report_verdict(node, verdict)

    def _forwarded(self, value: cst.BaseExpression, scope: Scope) -> bool:
        """A cache_control copied from the caller's part (not an ephemeral value of this module's own)."""
        return self.model.copies_key(value, scope, catalog.CACHE_CONTROL_KEY) and not self._is_cache_value(value, scope)

    def _is_cache_value(self, value: cst.BaseExpression, scope: Scope) -> bool:
        """`{"type": "ephemeral", ...}` or a CacheControlEphemeralParam: a spelling only Anthropic uses."""
        for entry in self.model.entry(value, scope, "type"):
            if classify.is_cache_value({"type": self.model.string(entry.value, entry.scope)}):
                return True
        for v, where in self.model.values(value, scope):
            if isinstance(v, cst.Call):
                qualname = self.model.qualified_name(v.func, where)
                if self.model.is_sdk_name(qualname):
                    verdict = classify.typed_param(qualname.rsplit(".", 1)[-1])
                    if verdict is not None and verdict.code == self.code:
                        return True
        return False

    def _confidence(self, block: cst.CSTNode, value: cst.BaseExpression, scope: Scope) -> Optional[str]:
        if self._is_cache_value(value, scope) or self.model.reaches_request(block):
            return "high"
        kinds = {self.model.string(e.value, e.scope) for e in self.model.entry(block, scope, "type")}
        has_schema = bool(self.model.entry(block, scope, catalog.TOOL_SCHEMA_KEY))
        if kinds & _ANTHROPIC_BLOCK_TYPES or has_schema:
            return "medium"
        return None
