"""What the runtime guard costs per request, against the bare client, on a local server.

A typical request: a 20-message history and 10 tool definitions, with no finding (the guard's usual
path: it classifies and lets the request through). The server (tests/fake_api.py) runs in its own
process, so the client's process time is the client-side time of a request. Reported:

- the bare client's client-side time per request (process CPU time; wall time too);
- the guard's own time per request, timed inside the middleware, less what the timing itself costs
  (the same wrapper around a guard that does nothing, measured in the same rounds), as a share of
  that (and the same request judged in a tight loop, where the caches are warm: on a busy machine
  the gap is large);
- the same for a request with findings in record mode (the guard also finds the caller's line);
- where the gap between the two comes from: inside the middleware, the request judged twice in a
  row, and (on alternate requests) a fresh deep copy of it judged first, then the request. If the
  copy's first look costs what the request's does, the gap is the classifier's code running cold
  after the SDK's own work, not the request's objects;
- the difference between the guarded and the bare client, measured end to end: the median of the
  per-round differences (each round runs both clients back to back), with their range (noisier:
  use `--requests 2000 --rounds 10` for a figure that resolves a few microseconds).

    python benchmarks/guard.py [--requests 400] [--rounds 5]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the local server the guard's tests use

import anthropic  # noqa: E402

from zdr_lint import classify  # noqa: E402
from zdr_lint import guard as guard_module  # noqa: E402
from zdr_lint.guard import ZdrGuard, install  # noqa: E402

SERVER = (
    "import sys, time; sys.path.insert(0, sys.argv[1]); from fake_api import FakeAPI\n"
    "api = FakeAPI().__enter__(); print(api.url, flush=True)\n"
    "sys.stdin.read()\n"
)


def history(turns: int = 20) -> list:
    text = "Please look at the order history and tell me what changed since last week. " * 3
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": f"{i}: {text}"} for i in range(turns - 1)] + [
        {"role": "user", "content": [{"type": "text", "text": text}, {"type": "text", "text": "and the totals?"}]}
    ]


def tools(count: int = 10) -> list:
    return [
        {
            "name": f"tool_{i}",
            "description": "Look something up in the order system.",
            "input_schema": {"type": "object", "properties": {"order_id": {"type": "string"}, "limit": {"type": "integer"}}, "required": ["order_id"]},
        }
        for i in range(count)
    ]


class TimedGuard(ZdrGuard):
    """The guard, timing its own work per request (the SDK calls `_intercept` once per attempt)."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.spent: list = []
        self.last = None

    def _intercept(self, request, client=None, default_beta=None) -> None:
        self.last = (request, client, default_beta)
        start = time.thread_time()  # CPU time: a descheduled moment on a busy machine is not the guard's
        try:
            self._work(request, client, default_beta)
        finally:
            self.spent.append(time.thread_time() - start)

    _work = ZdrGuard._intercept


class TimerFloor(TimedGuard):
    """The timing alone: the same wrapper and clock reads around a guard that does nothing. Its figure
    is what the measurement itself costs, and is taken off the guard's."""

    def _work(self, request, client=None, default_beta=None) -> None:
        return None


class ColdProbe(ZdrGuard):
    """Times the classifier's first and second look inside the middleware (see the module's text)."""

    def __init__(self) -> None:
        super().__init__()
        self.looks: dict = {"first": [], "second": [], "copy first": [], "request after the copy": []}
        self.turn = 0

    def _intercept(self, request, client=None, default_beta=None) -> None:
        options = request.options
        self.turn += 1
        first = copy.deepcopy(options.json_data) if self.turn % 2 else options.json_data
        names = ("copy first", "request after the copy") if self.turn % 2 else ("first", "second")
        for name, body in zip(names, (first, options.json_data)):
            start = time.thread_time()
            classify.plain_request(options.url, body, {}, client=client)
            self.looks[name].append(time.thread_time() - start)


def run(client, kwargs: dict, count: int) -> tuple:
    """(process seconds per request, wall seconds per request) over `count` requests."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        client.messages.create(**kwargs)
    return (time.process_time() - cpu) / count, (time.perf_counter() - wall) / count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per client per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(REPO / "tests")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        typical = {"model": "claude-sonnet-5-5", "max_tokens": 256, "messages": history(), "tools": tools()}
        flagged = dict(typical, cache_control={"type": "ephemeral"})
        bare = anthropic.Anthropic(base_url=url, api_key="k", max_retries=0)
        guard, recorder, floor = TimedGuard(), TimedGuard(mode="record"), TimerFloor()
        guarded = install(anthropic.Anthropic(base_url=url, api_key="k", max_retries=0), guard=guard)
        recorded = install(anthropic.Anthropic(base_url=url, api_key="k", max_retries=0), guard=recorder)
        floored = install(anthropic.Anthropic(base_url=url, api_key="k", max_retries=0), guard=floor)
        for client, kwargs in ((bare, typical), (guarded, typical), (recorded, flagged), (floored, typical)):  # warm up
            run(client, kwargs, 20)
        for timed in (guard, recorder, floor):
            timed.spent.clear()
        bare_cpu, bare_wall, guarded_cpu, guarded_wall, flagged_cpu = [], [], [], [], []
        for _ in range(args.rounds):  # interleaved, so drift in the machine's load hits both alike
            cpu, wall = run(bare, typical, args.requests)
            bare_cpu.append(cpu)
            bare_wall.append(wall)
            cpu, wall = run(guarded, typical, args.requests)
            guarded_cpu.append(cpu)
            guarded_wall.append(wall)
            flagged_cpu.append(run(recorded, flagged, args.requests)[0])
            run(floored, typical, args.requests)
        probe = ColdProbe()
        run(install(anthropic.Anthropic(base_url=url, api_key="k", max_retries=0), guard=probe), typical, 2 * args.requests)
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a long run's request log takes a while to free: not a result
            server.kill()
            server.wait()
        # the same request judged again and again in a tight loop: the guard's cost with warm caches
        warm = []
        for _ in range(args.rounds):
            start = time.thread_time()
            for _ in range(args.requests):
                ZdrGuard._intercept(guard, *guard.last)
            warm.append((time.thread_time() - start) / args.requests)
    med = statistics.median
    client_side = med(bare_cpu)
    timer = med(floor.spent)
    measured = med(guard.spent)
    own = measured - timer
    own_flagged = med(recorder.spent) - timer
    print(f"typical request: {len(typical['messages'])} messages, {len(typical['tools'])} tools; {args.rounds} rounds x {args.requests} requests per client")
    print(f"bare client, client-side (process) time per request: {client_side * 1e6:8.1f} us   (wall {med(bare_wall) * 1e6:8.1f} us)")
    print(f"guard's own time per typical request (no finding):   {own * 1e6:8.1f} us   = {own / client_side:.2%} of client-side time")
    print(f"  (timed inside the middleware: {measured * 1e6:.1f} us, less {timer * 1e6:.1f} us that the timing costs with a guard doing nothing)")
    print(f"the same, judged in a tight loop (warm caches):      {med(warm) * 1e6:8.1f} us   = {med(warm) / client_side:.2%}")
    print(f"guard's own time with findings (record mode):        {own_flagged * 1e6:8.1f} us   = {own_flagged / med(flagged_cpu):.2%} of that request's client-side time")
    looks = {name: med(times[len(times) // 10:]) for name, times in probe.looks.items()}  # past the warm-up
    print(f"inside the middleware, the classifier's first look:  {looks['first'] * 1e6:8.1f} us, its second {looks['second'] * 1e6:.1f} us;"
          f" a fresh copy first {looks['copy first'] * 1e6:.1f} us, the request after it {looks['request after the copy'] * 1e6:.1f} us")
    # paired per round (the two clients ran back to back, so drift in the machine's load cancels)
    diffs = sorted(g - b for g, b in zip(guarded_cpu, bare_cpu))
    diff = med(diffs)
    print(f"guarded minus bare client, end to end (noisier):     {diff * 1e6:8.1f} us   = {diff / client_side:.2%}"
          f"   (per round: {diffs[0] * 1e6:.1f} to {diffs[-1] * 1e6:.1f} us)")
    print(f"(guard module: {guard_module.__file__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
