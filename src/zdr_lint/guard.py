"""The runtime guard: zdr-lint's decisions, enforced on the requests the anthropic SDK really sends.

Static analysis cannot see a tools list read from a database, `betas` from an environment variable,
or a body built by a wrapper library; under ZDR the API does not refuse a feature outside the
arrangement. The guard sits in the SDK's middleware chain (`anthropic.Middleware`, run once per HTTP
attempt) and asks `zdr_lint.classify` (the module the linter's rules ask) what each outgoing request
triggers: its path, its JSON body, its `anthropic-beta` header, the client's class.

    import anthropic
    from zdr_lint.guard import install
    client = install(anthropic.Anthropic())

Modes: `block` (the default) raises `ZdrViolation` before anything is sent; `warn` issues a
`ZdrWarning` and logs to the `zdr_lint.guard` logger, and sends; `record` only counts
(`guard.counts`, `guard.report()`), and sends. `allow=["ZDR002"]` lets through what your agreement
covers. `profile="hipaa"` judges requests against a HIPAA BAA, and `policy="docs"` (or
`{"caching": "docs"}`) takes the docs' position where Anthropic's sources disagree, exactly as the
linter's `profile` / `policy` settings do (both ask `classify.judge`). The guard never logs or stores
request content: only codes, labels, key paths (such as `messages[0].content[1].cache_control`), the
endpoint, and the caller's file and line.

For code that talks to the REST API with its own `httpx.Client`, `guard.httpx_hooks()` is an event
hook that judges each request the same way.

This module imports the SDK (the linter never does: `zdr-lint check` does not need it installed).
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import os
import sys
import sysconfig
import threading
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional
from urllib.parse import urlsplit

from zdr_lint import catalog, classify

try:  # the SDK is optional: the httpx hooks and `check()` work without it
    import anthropic as _sdk

    _ErrorBase: type = _sdk.AnthropicError
    _MiddlewareBase: type = _sdk.Middleware
except ImportError:  # pragma: no cover - exercised only without the SDK
    _sdk = None
    _ErrorBase = Exception
    _MiddlewareBase = object

__all__ = ["ZdrGuard", "ZdrViolation", "ZdrWarning", "GuardFinding", "install", "guard_of", "MODES", "PROFILES", "POLICIES"]

MODES = ("block", "warn", "record")
PROFILES = catalog.PROFILES
POLICIES = catalog.POSITIONS  # or a mapping of topic -> position (catalog.POLICY_TOPICS)
log = logging.getLogger("zdr_lint.guard")
_GIL_ENABLED = getattr(sys, "_is_gil_enabled", lambda: True)()  # False on a free-threaded build running without it


@dataclass(frozen=True)
class GuardFinding:
    """One use in one request: its code and label, where in the request it is, and who sent it."""

    code: str
    label: str
    exception: str
    advice: str
    where: str  # a key path of the request (`tools[2].type`), or "" for the request as a whole
    endpoint: str  # `POST /v1/messages`
    caller: Optional[str] = None  # `app/chat.py:42`, when known
    severity: str = "error"  # as the profile and policy judge it (a warning: qualified, such as structured outputs under "docs")

    def describe(self) -> str:
        at = f" at {self.where}" if self.where else ""
        return f"{self.code} {self.label}{at}: {self.exception}; {self.advice}"


class ZdrViolation(_ErrorBase):
    """A request the guard blocked before it was sent. `findings` name each use (never the content)."""

    def __init__(self, findings: list) -> None:
        self.findings = list(findings)
        self.codes = sorted({f.code for f in self.findings})
        first = self.findings[0]
        caller = f" from {first.caller}" if first.caller else ""
        lines = "\n".join(f"  {f.describe()}" for f in self.findings)
        super().__init__(f"zdr-lint guard blocked {first.endpoint}{caller} ({', '.join(self.codes)}):\n{lines}")


class ZdrWarning(UserWarning):
    """A request the guard let through in `warn` mode although it steps outside ZDR."""


def _json_path(at: tuple) -> str:
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@functools.lru_cache(maxsize=1)
def _skipped_dirs() -> tuple:
    """Where frames are not the caller's: this module, the SDK, the HTTP libraries, installed packages
    and the standard library (a wrapper library's caller is the user's code, not the wrapper)."""
    dirs = {os.path.dirname(os.path.abspath(__file__))}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            dirs.add(os.path.abspath(path))
    for name in ("anthropic", "httpx", "httpx2", "anyio", "httpcore"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            dirs.add(os.path.dirname(os.path.abspath(module.__file__)))
    return tuple(d + os.sep for d in dirs)


def _caller() -> Optional[tuple]:
    """(file, line) of the code that made the request, or None when every frame is a library's.
    Walked only for a request with findings."""
    skipped = _skipped_dirs()
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<") and not os.path.abspath(filename).startswith(skipped):
            return filename, frame.f_lineno
        frame = frame.f_back
    return None


def _endpoint(method: str, url: str) -> str:
    """`POST /v1/messages`: the method and the path, never the query or the host's credentials."""
    path = urlsplit(url).path if "://" in url else url.split("?", 1)[0]
    return f"{method.upper()} {path}"


def _beta_header(headers: Mapping) -> Optional[str]:
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == catalog.BETA_HEADER and isinstance(value, str):
            return value
    return None


class ZdrGuard(_MiddlewareBase):
    """SDK middleware (sync and async) that classifies each outgoing request with zdr-lint's classifier.

    mode: "block" raises ZdrViolation before sending; "warn" warns (and logs) and sends; "record"
    counts and sends. allow: codes your agreement covers, never reported. profile: "zdr" (the default)
    or "hipaa"; policy: "scope", "docs", or a mapping of topic -> position over the defaults (None: the
    defaults), as `profile` / `policy` in `[tool.zdr-lint]`. logger: where warn and block are logged.
    """

    def __init__(
        self,
        mode: str = "block",
        *,
        allow: Iterable[str] = (),
        profile: str = "zdr",
        policy: Any = None,
        logger: Optional[logging.Logger] = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        classify.check_profile(profile)
        self.policy_table = classify.policy_table(policy)  # ValueError naming an unknown topic or position
        allow = tuple(allow)
        unknown = [code for code in allow if code not in catalog.EXCEPTIONS]
        if unknown:
            raise ValueError(f"allow names unknown codes: {', '.join(map(str, unknown))} (known: {min(catalog.EXCEPTIONS)} to {max(catalog.EXCEPTIONS)})")
        self.mode, self.profile, self.policy = mode, profile, dict(self.policy_table)
        self.allow = frozenset(allow)
        self.logger = logger or log
        self.counts: Counter = Counter()  # code -> requests with that code (first attempts only)
        self._judged = 0  # requests judged past the common path (first attempts only)
        # The common request is counted without the lock: `next()` on an itertools.count is one C call
        # the GIL makes atomic, while the lock costs the guard several microseconds of cold code per
        # request (benchmarks/guard.py). A build without the GIL counts under the lock.
        self._start_plain_count()
        self.flagged = 0  # requests with at least one finding
        self.blocked = 0
        self._by_endpoint: dict = {}
        self._warned: dict = {}  # the warnings registry of `warn` mode
        self._lock = threading.Lock()

    # --- the decision ---------------------------------------------------------------------------
    def check(self, method: str, url: str, body: Any = None, headers: Optional[Mapping] = None, *, beta: bool = False, client: Optional[str] = None, caller: Optional[str] = None) -> list:
        """The findings of one request (codes in `allow` left out). Pure: nothing is counted or raised."""
        return self._check(_endpoint(method, url), body, headers or {}, beta, client, caller)

    def _check(self, endpoint: str, body: Any, headers: Mapping, beta: bool, client: Optional[str], caller: Optional[str] = None, verdicts: Optional[list] = None) -> list:
        """`verdicts`: classify.request's answer for this request, when the caller has it already."""
        if verdicts is None:
            method, path = endpoint.split(" ", 1)
            verdicts = classify.request(method, path, body, headers, beta=beta, client=client)
        if not verdicts:
            return verdicts
        found = []
        seen = set()
        for raw in verdicts:
            verdict = classify.judge(raw, self.profile, self.policy_table)  # the linter's own judgement
            if verdict is None:
                continue
            key = (verdict.code, verdict.label, verdict.at)
            if verdict.code in self.allow or key in seen:
                continue
            seen.add(key)
            found.append(GuardFinding(verdict.code, verdict.label, verdict.exception, verdict.advice, _json_path(verdict.at), endpoint, caller, verdict.severity or "error"))
        return found

    def _judge(self, method: str, url: str, body: Any, headers: Mapping, *, beta: bool, client: Optional[str]) -> None:
        """Count the request, then block, warn or only record its findings."""
        path = urlsplit(url).path if "://" in url else url
        verdicts = classify.request(method, path, body, headers, beta=beta, client=client)
        if not verdicts:
            self._count_plain()  # nothing found: counted, nothing else built
            return
        endpoint = _endpoint(method, url)
        findings = self._check(endpoint, body, headers, beta, client, verdicts=verdicts)
        with self._lock:
            self._judged += 1
            if findings:
                self.flagged += 1
                codes = {f.code for f in findings}
                self.counts.update(codes)
                per_endpoint = self._by_endpoint.setdefault(endpoint, Counter())
                per_endpoint.update(codes)
                if self.mode == "block":
                    self.blocked += 1
        if not findings:
            return
        frame = _caller()
        caller = f"{frame[0]}:{frame[1]}" if frame else None
        findings = [GuardFinding(f.code, f.label, f.exception, f.advice, f.where, f.endpoint, caller, f.severity) for f in findings]
        summary = ", ".join(f"{f.code} {f.label}" + (f" at {f.where}" if f.where else "") for f in findings)
        where = f" from {caller}" if caller else ""
        if self.mode == "block":
            self.logger.warning("zdr-lint guard blocked %s%s: %s", endpoint, where, summary)
            raise ZdrViolation(findings)
        if self.mode == "warn":
            self.logger.warning("zdr-lint guard: %s%s steps outside ZDR: %s", endpoint, where, summary)
            message = ZdrWarning(f"{endpoint}: " + "; ".join(f.describe() for f in findings))
            # reported at the caller's line (not inside the SDK), once per line and message
            filename, lineno = frame if frame else ("<unknown>", 0)
            warnings.warn_explicit(message, ZdrWarning, filename, lineno, registry=self._warned)
        else:
            self.logger.debug("zdr-lint guard recorded %s%s: %s", endpoint, where, summary)

    # --- the SDK middleware --------------------------------------------------------------------
    def _intercept(self, request: Any, client: Optional[str] = None, default_beta: Optional[str] = None) -> None:
        if request.retries_taken:
            return  # the SDK retries inside the chain: the first attempt was judged and counted
        options = request.options
        headers = options.headers if isinstance(options.headers, dict) else {}  # NotGiven: none; Omit values are skipped by classify
        if default_beta is not None and not any(isinstance(k, str) and k.lower() == catalog.BETA_HEADER for k in headers):
            headers = {**headers, catalog.BETA_HEADER: default_beta}  # per-request headers win, as in the SDK
        qualifiers = options.qualifiers
        beta = bool(qualifiers) and qualifiers.get("beta") == "true"
        if classify.plain_request(options.url, options.json_data, headers, beta=beta, client=client):
            self._count_plain()  # the common request: counted, nothing else built
            return
        self._judge(options.method, options.url, options.json_data, headers, beta=beta, client=client)

    def handle(self, request, call_next):
        self._intercept(request)
        return call_next(request)

    async def handle_async(self, request, call_next):
        self._intercept(request)
        return await call_next(request)

    def bound(self, client: Any) -> "_BoundGuard":
        """This guard as middleware for `client`: it also sees the client's class (Bedrock, Vertex) and
        its default `anthropic-beta` header, which the SDK adds after the middleware chain."""
        return _BoundGuard(self, type(client).__name__, _beta_header(getattr(client, "default_headers", {}) or {}))

    # --- httpx ---------------------------------------------------------------------------------
    def httpx_hooks(self, hosts: Iterable[str] = ()) -> dict:
        """`event_hooks` for an `httpx.Client` (or `httpx2.Client`) that calls the REST API itself:
        requests to an Anthropic-processed host (or one of `hosts`) are judged before they are sent."""
        judge = self._httpx_judge(hosts)
        return {"request": [judge]}

    def async_httpx_hooks(self, hosts: Iterable[str] = ()) -> dict:
        """`event_hooks` for an `httpx.AsyncClient`."""
        judge = self._httpx_judge(hosts)

        async def hook(request) -> None:
            judge(request)

        return {"request": [hook]}

    def _httpx_judge(self, hosts: Iterable[str]):
        extra = frozenset(h.lower() for h in hosts)

        def judge(request) -> None:
            url = str(request.url)
            matched = catalog.ANTHROPIC_API_HOSTS.search(url)
            if matched is not None:
                path = matched.group("path") or "/"
            elif request.url.host.lower() in extra:
                path = request.url.path
            else:
                return
            headers = {k: v for k, v in request.headers.items()}
            body = None
            if "json" in headers.get("content-type", ""):
                try:
                    body = json.loads(request.content)
                except Exception:  # a streamed or undecodable body: judged by its path and headers
                    body = None
            self._judge(request.method, path, body, headers, beta=False, client=None)

        return judge

    # --- what was seen -------------------------------------------------------------------------
    @property
    def requests(self) -> int:
        """Requests judged (first attempts only)."""
        with self._lock:
            return self._requests_so_far()

    def _start_plain_count(self) -> None:
        self._plain = itertools.count()
        self._plain_reads = 0  # reading the count takes one from it (`_requests_so_far`)
        self._count_plain = self._plain.__next__ if _GIL_ENABLED else self._count_locked

    def _requests_so_far(self) -> int:
        """Every request counted so far (under the lock). Reading the common requests' count advances
        it once, so each read is taken off."""
        plain = next(self._plain) - self._plain_reads
        self._plain_reads += 1
        return self._judged + plain

    def _count_locked(self) -> None:
        with self._lock:
            self._judged += 1

    def report(self) -> str:
        """What the guard has seen, as JSON: counts per code and per endpoint, never content."""
        with self._lock:
            data = {
                "mode": self.mode,
                "profile": self.profile,
                "policy": self.policy,
                "allow": sorted(self.allow),
                "requests": self._requests_so_far(),
                "requests_with_findings": self.flagged,
                "blocked": self.blocked,
                "counts": dict(sorted(self.counts.items())),
                "endpoints": {endpoint: dict(sorted(codes.items())) for endpoint, codes in sorted(self._by_endpoint.items())},
            }
        return json.dumps(data, indent=2)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
            self._by_endpoint.clear()
            self._judged = self.flagged = self.blocked = 0
            self._start_plain_count()


class _BoundGuard(_MiddlewareBase):
    """A guard in one client's middleware chain, knowing that client's class and default beta header."""

    def __init__(self, guard: ZdrGuard, client_class: str, default_beta: Optional[str]) -> None:
        self.guard, self.client_class, self.default_beta = guard, client_class, default_beta

    def handle(self, request, call_next):
        self.guard._intercept(request, self.client_class, self.default_beta)
        return call_next(request)

    async def handle_async(self, request, call_next):
        self.guard._intercept(request, self.client_class, self.default_beta)
        return await call_next(request)


def install(client: Any, *, guard: Optional[ZdrGuard] = None, in_place: bool = False, **options: Any) -> Any:
    """`client` with the guard as its innermost middleware (it sees what other middleware changed).

    Returns a new client (`client.with_middleware(...)`, the SDK's public way), or with `in_place=True`
    adds the guard to `client` itself: for a client another library holds (LangChain's ChatAnthropic,
    LiteLLM, pydantic-ai), reach it and install in place. `options` make a new `ZdrGuard` (mode, allow,
    ...) unless `guard` is given; one guard can watch many clients, and `guard_of(client)` finds it."""
    guard = guard or ZdrGuard(**options)
    bound = guard.bound(client)
    if not in_place:
        return client.with_middleware(bound)
    # the SDK builds its chain once, at construction: add the guard and build it again
    client._middleware = (*client._middleware, bound)
    client._middleware_chain = client._build_middleware_chain()
    return client


def guard_of(client: Any) -> Optional[ZdrGuard]:
    """The ZdrGuard installed on `client`, if any."""
    for middleware in getattr(client, "middleware", ()):
        if isinstance(middleware, _BoundGuard):
            return middleware.guard
        if isinstance(middleware, ZdrGuard):
            return middleware
    return None
