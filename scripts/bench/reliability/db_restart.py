"""Part 2, PostgreSQL restarts under load: READERS clients read the service while
WRITERS clients tick one item each (no version, done <-> todo). PostgreSQL is
restarted (`--restart-cmd`), and later stopped in immediate mode (crash recovery at
the next start: `--stop-cmd`, then `--start-cmd`). For each outage: the recovery time
(first failed request -> first good one started after it) and the errors inside and
outside the outages (a failure is inside when its request overlapped the time
pg_isready, polled every 100 ms, found PostgreSQL refusing connections).

Then every acknowledged write must be in the database: durability.py says how that
is checked exactly (each acknowledged (item, version, status) is its event)."""

import asyncio
from urllib.parse import urlparse

import durability
from common import (Clock, arguments, call, counts, counts_text, item_url, items,
                    last_event_id, service_url, session, toggled, versions, write)


def options(p):
    p.add_argument("--restart-cmd", required=True)
    p.add_argument("--stop-cmd", required=True)
    p.add_argument("--start-cmd", required=True)
    p.add_argument("--readers", type=int, default=8)
    p.add_argument("--writers", type=int, default=8)
    p.add_argument("--first-item", type=int, default=4)
    p.add_argument("--settle", type=float, default=3.0, help="load before, between, after")
    p.add_argument("--down", type=float, default=1.0, help="seconds stopped (immediate)")
    p.add_argument("--recovery-limit", type=float, default=20.0)


async def shell(cmd: str, clock: Clock) -> tuple:
    started = clock.now()
    proc = await asyncio.create_subprocess_shell(
        cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 90)
    except asyncio.TimeoutError:
        proc.kill()
        out = b"(timed out)"
    if proc.returncode:
        print(f"   `{cmd}` exited {proc.returncode}: {out.decode(errors='replace').strip()}")
    return started, clock.now()


async def probe(db_url: str, clock: Clock, stop: asyncio.Event, states: list) -> None:
    """Polls `pg_isready` every 100 ms; `states` gets (time, ready) at each change."""
    u = urlparse(db_url)
    cmd = ["pg_isready", "-q", "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-t", "1"]
    last = None
    while not stop.is_set():
        t = clock.now()
        proc = await asyncio.create_subprocess_exec(*cmd)
        ready = await proc.wait() == 0
        if ready != last:
            states.append((t if not ready else clock.now(), ready))
            last = ready
        await asyncio.sleep(0.1)


def back_up(states: list, since: float):
    """(when PostgreSQL stopped answering, when it answered again) after `since`."""
    down = next((t for t, r in states if not r and t >= since), None)
    if down is None:
        return None, None
    return down, next((t for t, r in states if r and t > down), None)


def outage(outcomes: list, since: float):
    """(first failure, first success started after it) among requests ending after `since`."""
    failures = sorted((o for o in outcomes if not o.ok and o.ended >= since), key=lambda o: o.ended)
    if not failures:
        return None, None
    first = failures[0]
    good = [o for o in outcomes if o.ok and o.started >= first.ended]
    return first, (min(good, key=lambda o: o.ended) if good else None)


async def recovered(outcomes: list, since: float, clock: Clock, limit: float) -> None:
    """Waits until a failure after `since` has been followed by a success, or `limit`
    seconds have passed with no failure at all after the last command ended."""
    deadline = clock.now() + limit
    while clock.now() < deadline:
        first, good = outage(outcomes, since)
        if good is not None:
            return
        if first is None and clock.now() > since + limit / 4:
            return
        await asyncio.sleep(0.05)


async def main():
    a = arguments(__doc__, options)
    everything = await items(a.base, a.token, a.slug)
    writers = everything[a.first_item:a.first_item + a.writers]
    ids = [i["id"] for i in writers]
    start_versions = versions(a.db_url, ids)
    start_event = last_event_id(a.db_url)
    print(f"   {a.readers} readers of {a.slug}, {a.writers} writers on items {ids}")

    clock = Clock()
    outcomes = []
    stop = asyncio.Event()

    async def reader(http):
        while not stop.is_set():
            o = await call(http, clock, "read", "GET", service_url(a.base, a.slug))
            outcomes.append(o)
            if not o.ok:
                await asyncio.sleep(0.02)

    async def writer(http, item):
        status = item["status"]
        url = item_url(a.base, a.slug, item["id"])
        while not stop.is_set():
            o = await call(http, clock, "write", "PATCH", url, {"status": toggled(status)}, item["id"])
            outcomes.append(o)
            if o.ok:
                status = o.body["status"]
            else:
                await asyncio.sleep(0.02)

    async def restarts():
        await asyncio.sleep(a.settle)
        marks = {}
        marks["restart"] = await shell(a.restart_cmd, clock)
        await recovered(outcomes, marks["restart"][0], clock, a.recovery_limit)
        await asyncio.sleep(a.settle)
        stop_started, _ = await shell(a.stop_cmd, clock)
        await asyncio.sleep(a.down)
        _, start_ended = await shell(a.start_cmd, clock)
        marks["immediate stop"] = (stop_started, start_ended)
        await recovered(outcomes, stop_started, clock, a.recovery_limit)
        await asyncio.sleep(a.settle)
        stop.set()
        return marks

    states = []
    async with session(a.token, a.readers + a.writers, timeout=15) as http:
        tasks = [reader(http) for _ in range(a.readers)] + [writer(http, i) for i in writers]
        marks, *_ = await asyncio.gather(restarts(), probe(a.db_url, clock, stop, states), *tasks)

    # Per outage: PostgreSQL's own down time (pg_isready), the server's recovery (first
    # failed request -> first good one started after it), and the failures of requests
    # that overlapped the time PostgreSQL was down (inside) or not (outside).
    windows, lines, figures = [], [], {"outages": {}}
    for name, (cmd_start, cmd_end) in marks.items():
        down, up = back_up(states, cmd_start)
        up = up if up is not None else cmd_end
        windows.append((cmd_start, up))
        first, good = outage(outcomes, cmd_start)
        inside = [o for o in outcomes if not o.ok and o.started <= up and o.ended >= cmd_start]
        def t(x, start=cmd_start):  # seconds from the command
            return f"{x - start:+.2f}"

        pg = (f"PostgreSQL refused connections {t(down)} .. {t(up)} s" if down is not None
              else "pg_isready never failed")
        if first is None:
            lines.append(f"{name}: no failed request ({pg} after the command)")
            figures["outages"][name] = {"recovery_s": 0, "pg_down_s": up - (down or up)}
            continue
        end = good.ended if good else clock.now()
        # The last failure of this outage: before the next command, or the end.
        later = [m[0] for m in marks.values() if m[0] > cmd_start]
        limit = min(later) if later else clock.now()
        last = max(o.ended for o in outcomes if not o.ok and first.ended <= o.ended < limit)
        rec = f"{end - first.ended:.2f} s" if good else "NOT RECOVERED"
        lines.append(f"{name}: recovery {rec} (first failure to first success after it); from the "
                     f"command: {pg}, failures {t(first.ended)} .. {t(last)} s, first success "
                     f"{t(end)} s; failures while it was down: {counts_text(counts(inside))}")
        figures["outages"][name] = {"recovery_s": end - first.ended if good else None,
                                    "pg_down_s": up - (down or up), "inside": counts(inside)}
    outside = [o for o in outcomes if not o.ok
               and not any(o.started <= hi and o.ended >= lo for lo, hi in windows)]
    figures["outside"] = counts(outside)
    figures["failures"] = [(round(o.started, 3), round(o.ended, 3), o.kind, o.label)
                           for o in outcomes if not o.ok]
    figures["pg_states"] = states

    d = durability.check(a.db_url, writers, start_versions, start_event, outcomes)
    writes = [o for o in outcomes if o.kind == "write"]
    print(f"   {len(outcomes)} requests in {clock.now():.1f} s: {counts_text(counts(outcomes))}")
    for line in lines:
        print(f"   {line}")
    print("   failures outside the outages (requests that did not overlap PostgreSQL being "
          f"down): {counts_text(figures['outside'])}")
    print(f"   writes: {len(writes)} sent, {sum(o.ok for o in writes)} acknowledged "
          f"({d.acknowledged} distinct item versions, {d.acknowledged_changes} of them changes)")
    for line in d.lines():
        print(f"   {line}")
    five_hundreds = sum(1 for o in outcomes if o.status == 500)
    if five_hundreds:
        print(f"   NOTE: {five_hundreds} answers were 500 (a lost database connection is not "
              "answered 503 with Retry-After)")

    figures.update({"requests": len(outcomes), "durability": d.__dict__})
    summary = [*lines, f"failures outside the outages: {counts_text(figures['outside'])}", d.short()]
    write(a.out, figures, summary)


if __name__ == "__main__":
    asyncio.run(main())
