"""Part 4, graceful shutdown under load: READERS clients read the service and WRITERS
clients tick one item each, one client keeps an event stream (/api/v1/live) open, and
a probe asks /readyz; after --before seconds the server (--pid) gets SIGTERM.
Reports the requests in flight at SIGTERM (completed or failed), how requests sent
after it were answered or refused, when /readyz said 503 and the stream ended, the
time from SIGTERM to the process's exit, and whether acknowledged writes are stored."""

import asyncio
import os
import signal
import threading
import time

import aiohttp

import durability
from common import (Clock, arguments, call, counts, counts_text, failure_kind, item_url,
                    items, last_event_id, ms, service_url, session, toggled, versions, write)


def options(p):
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--readers", type=int, default=8)
    p.add_argument("--writers", type=int, default=8)
    p.add_argument("--first-item", type=int, default=20)
    p.add_argument("--before", type=float, default=3.0, help="seconds of load before SIGTERM")
    p.add_argument("--after", type=float, default=2.0, help="seconds of load after the exit")
    p.add_argument("--limit", type=float, default=15.0, help="give up waiting for the exit")


def watch_exit(pid: int, clock: Clock, box: dict) -> None:
    """Polls /proc every millisecond: a process that has exited is gone or a zombie
    (its parent, the benchmark script, reaps it later)."""
    path = f"/proc/{pid}/stat"
    while True:
        try:
            with open(path) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            state = "gone"
        if state in ("Z", "X", "gone"):
            box["exited"] = clock.now()
            return
        time.sleep(0.001)


async def main():
    a = arguments(__doc__, options)
    everything = await items(a.base, a.token, a.slug)
    writers = everything[a.first_item:a.first_item + a.writers]
    ids = [i["id"] for i in writers]
    start_versions = versions(a.db_url, ids)
    start_event = last_event_id(a.db_url)
    print(f"   {a.readers} readers, {a.writers} writers (items {ids}), one event stream, "
          f"/readyz every 20 ms (new and kept-alive connections); SIGTERM after {a.before:.0f} s")

    clock = Clock()
    outcomes, readiness = [], []
    box = {"sigterm": None, "exited": None, "stream_end": None, "stream_events": 0}
    done = asyncio.Event()

    async def reader(http):
        while not done.is_set():
            o = await call(http, clock, "read", "GET", service_url(a.base, a.slug))
            outcomes.append(o)
            if not o.ok:
                await asyncio.sleep(0.02)

    async def writer(http, item):
        status = item["status"]
        url = item_url(a.base, a.slug, item["id"])
        while not done.is_set():
            o = await call(http, clock, "write", "PATCH", url, {"status": toggled(status)}, item["id"])
            outcomes.append(o)
            if o.ok:
                status = o.body["status"]
            else:
                await asyncio.sleep(0.02)

    async def ready_probe(keep_alive: bool):
        # A new connection each time, as a load balancer's health check makes; or one
        # kept alive, which may see the draining instance's 503.
        kind = "readyz kept-alive" if keep_alive else "readyz"
        async with session(a.token, 1, timeout=5, keep_alive=keep_alive) as http:
            while not done.is_set():
                readiness.append(await call(http, clock, kind, "GET", f"{a.base}/readyz"))
                await asyncio.sleep(0.02)

    async def stream():
        async with aiohttp.ClientSession(
                headers={"authorization": f"Bearer {a.token}"},
                timeout=aiohttp.ClientTimeout(total=a.before + a.limit + 10)) as http:
            try:
                async with http.get(f"{a.base}/api/v1/live") as r:
                    async for _ in r.content:
                        box["stream_events"] += 1
            except Exception as err:
                box["stream_error"] = failure_kind(err)
        box["stream_end"] = clock.now()

    async def terminate():
        await asyncio.sleep(a.before)
        box["sigterm"] = clock.now()
        os.kill(a.pid, signal.SIGTERM)
        watcher = threading.Thread(target=watch_exit, args=(a.pid, clock, box), daemon=True)
        watcher.start()
        deadline = box["sigterm"] + a.limit
        while box["exited"] is None and clock.now() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(a.after)
        done.set()

    async with session(a.token, a.readers + a.writers, timeout=15) as http:
        await asyncio.gather(terminate(), stream(), ready_probe(False), ready_probe(True),
                             *(reader(http) for _ in range(a.readers)),
                             *(writer(http, i) for i in writers))

    t = box["sigterm"]
    exited = box["exited"]
    in_flight = [o for o in outcomes if o.started < t < o.ended]
    before = [o for o in outcomes if o.ended <= t]
    after = [o for o in outcomes if o.started >= t]
    after_exit = [o for o in after if exited is not None and o.started >= exited]
    draining = [o for o in after if exited is None or o.started < exited]
    completed = sum(1 for o in in_flight if o.status is not None and o.status < 500)
    first_503 = next((o.ended - t for o in readiness if o.started >= t and o.status == 503), None)
    ready_after = counts(o for o in readiness if o.started >= t and o.kind == "readyz")
    kept_after = counts(o for o in readiness if o.started >= t and o.kind != "readyz")
    d = durability.check(a.db_url, writers, start_versions, start_event, outcomes)

    exit_text = f"{ms(exited - t)}" if exited is not None else f"NOT WITHIN {a.limit:.0f} s"
    stream_text = (f"{ms(box['stream_end'] - t)} after SIGTERM"
                   if box["stream_end"] is not None and box["stream_end"] >= t else "before SIGTERM?")
    print(f"   before SIGTERM: {counts_text(counts(before))}")
    print(f"   in flight at SIGTERM: {len(in_flight)}: completed {completed}, failed "
          f"{len(in_flight) - completed} ({counts_text(counts(in_flight))})")
    print(f"   sent after SIGTERM, before the exit: {counts_text(counts(draining))}")
    print(f"   sent after the exit: {counts_text(counts(after_exit))}")
    print(f"   /readyz after SIGTERM, new connections: {counts_text(ready_after)}; on a kept-alive "
          f"connection: {counts_text(kept_after)}; first 503 "
          f"{ms(first_503) if first_503 is not None else 'never'} after SIGTERM")
    print(f"   the event stream ended {stream_text}"
          f"{' (' + box['stream_error'] + ')' if box.get('stream_error') else ''}")
    print(f"   SIGTERM to process exit: {exit_text}")
    for line in d.lines():
        print(f"   {line}")

    summary = [
        f"in flight at SIGTERM {len(in_flight)}: completed {completed}, failed "
        f"{len(in_flight) - completed}; SIGTERM to exit {exit_text}; stream ended {stream_text}; "
        f"/readyz 503 seen: {ms(first_503) + ' after SIGTERM' if first_503 is not None else 'never'}",
        f"new requests while draining: {counts_text(counts(draining))}; after the exit: "
        f"{counts_text(counts(after_exit))}",
        d.short(),
    ]
    write(a.out, {"in_flight": counts(in_flight), "completed": completed,
                  "draining": counts(draining), "after_exit": counts(after_exit),
                  "readyz_after": ready_after, "readyz_kept_alive_after": kept_after,
                  "first_readyz_503_s": first_503,
                  "exit_s": exited - t if exited is not None else None,
                  "stream_end_s": box["stream_end"] - t if box["stream_end"] else None,
                  "durability": d.__dict__}, summary)


if __name__ == "__main__":
    asyncio.run(main())
