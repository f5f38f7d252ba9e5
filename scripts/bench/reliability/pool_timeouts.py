"""Part 3, a held row lock against a small pool: psql locks one item (`SELECT … FOR
UPDATE`, then `pg_sleep(--hold)`) while WRITERS clients tick that item and READERS
clients read the service. Reports the answers (503 should carry Retry-After), the
longest wait (about the timeout, never a hang), what the server logged, and, once
the lock is released, a burst of requests that should all succeed."""

import asyncio
import json
import re

from common import (Clock, arguments, call, counts, counts_text, item_url, items, ms,
                    percentile, service_url, session, sql_value, toggled, write)

LOCKER = "preflight-bench-lock"
LOG_KINDS = {
    "acquire timeout": "no database connection within the acquire timeout",
    "lock timeout": "lock timeout",
    "statement timeout": "statement timeout",
    "database error (500)": "database error",
}


def options(p):
    p.add_argument("--scenario", required=True, help="its name in the output")
    p.add_argument("--item-index", type=int, default=12, help="which of the service's items")
    p.add_argument("--hold", type=float, default=12.0, help="seconds the lock is held")
    p.add_argument("--load", type=float, default=8.0, help="seconds of load while it is")
    p.add_argument("--writers", type=int, default=8)
    p.add_argument("--readers", type=int, default=8)
    p.add_argument("--burst", type=int, default=200, help="requests after the release")
    p.add_argument("--server-log", help="the instance's log, to count its warnings")


async def hold_lock(db_url: str, item: int, seconds: float):
    script = (f"BEGIN;\nSELECT id FROM checklist_items WHERE id = {item} FOR UPDATE;\n"
              f"SELECT pg_sleep({seconds});\nCOMMIT;\n")
    proc = await asyncio.create_subprocess_exec(
        "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{db_url}?application_name={LOCKER}"
        if "?" not in db_url else f"{db_url}&application_name={LOCKER}", "-f", "-",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    proc.stdin.write(script.encode())
    await proc.stdin.drain()
    proc.stdin.close()
    return proc


def lock_held(db_url: str) -> bool:
    return sql_value(db_url, f"""SELECT count(*) FROM pg_stat_activity
        WHERE application_name = '{LOCKER}' AND state = 'active'
          AND query LIKE 'SELECT pg_sleep%'""") == "1"


def log_counts(path: str, offset: int) -> dict:
    if not path:
        return {}
    with open(path, errors="replace") as f:
        f.seek(offset)
        text = re.sub(r"\x1b\[[0-9;]*m", "", f.read())
    found = {}
    for name, needle in LOG_KINDS.items():
        n = sum(1 for line in text.splitlines()
                if needle in line and (name != "lock timeout" or "WARN" in line))
        if n:
            found[name] = n
    return found


def describe(outcomes: list) -> str:
    if not outcomes:
        return "none"
    busy = [o for o in outcomes if o.status == 503]
    with_header = sum(1 for o in busy if o.retry_after)
    lat = [o.latency for o in outcomes]
    text = (f"{counts_text(counts(outcomes))}; p50 {ms(percentile(lat, 50))}, "
            f"max {ms(max(lat))}")
    if busy:
        text += f"; 503 with Retry-After: {with_header} of {len(busy)}"
    return text


async def main():
    a = arguments(__doc__, options)
    everything = await items(a.base, a.token, a.slug)
    item = everything[a.item_index]
    url = item_url(a.base, a.slug, item["id"])
    log_offset = 0
    if a.server_log:
        with open(a.server_log, "rb") as f:
            log_offset = len(f.read())

    locker = await hold_lock(a.db_url, item["id"], a.hold)
    for _ in range(100):
        if lock_held(a.db_url) or locker.returncode is not None:
            break
        await asyncio.sleep(0.05)
    if not lock_held(a.db_url):
        err = (await locker.stderr.read()).decode(errors="replace")
        raise SystemExit(f"psql did not take the lock on item {item['id']}: {err}")
    print(f"   [{a.scenario}] item {item['id']} locked for {a.hold:.0f} s; {a.writers} clients "
          f"tick it, {a.readers} read {a.slug}, for {a.load:.0f} s")

    clock = Clock()
    outcomes = []

    async def loop(http, kind):
        status = item["status"]
        while clock.now() < a.load:
            if kind == "write":
                o = await call(http, clock, kind, "PATCH", url, {"status": toggled(status)}, item["id"])
                if o.ok:
                    status = o.body["status"]
            else:
                o = await call(http, clock, kind, "GET", service_url(a.base, a.slug))
            outcomes.append(o)
            if not o.ok:
                await asyncio.sleep(0.05)

    readiness = []

    async def ready_probe(http):
        """/readyz every 250 ms: does a busy pool take the instance out of rotation?"""
        while clock.now() < a.load:
            readiness.append(await call(http, clock, "readyz", "GET", f"{a.base}/readyz"))
            await asyncio.sleep(0.25)

    async with session(a.token, a.writers + a.readers, timeout=30) as http, \
            session(a.token, 1, timeout=30) as probe_http:
        await asyncio.gather(*([loop(http, "write") for _ in range(a.writers)]
                               + [loop(http, "read") for _ in range(a.readers)]
                               + [ready_probe(probe_http)]))
    during_log = log_counts(a.server_log, log_offset)
    try:
        await asyncio.wait_for(locker.wait(), a.hold + 10)
    except asyncio.TimeoutError:
        locker.kill()
    released = clock.now()

    # The burst: half ticks of the item that was locked, half reads, 8 at a time.
    burst = []
    sem = asyncio.Semaphore(8)

    async def one(http, n):
        async with sem:
            if n % 2:
                body = {"status": "done" if n % 4 == 1 else "todo"}
                burst.append(await call(http, clock, "write", "PATCH", url, body, item["id"]))
            else:
                burst.append(await call(http, clock, "read", "GET", service_url(a.base, a.slug)))

    async with session(a.token, 8, timeout=30) as http:
        await asyncio.gather(*(one(http, n) for n in range(a.burst)))
    burst_secs = clock.now() - released

    writes = [o for o in outcomes if o.kind == "write"]
    reads = [o for o in outcomes if o.kind == "read"]
    print(f"   [{a.scenario}] ticks of the locked item: {describe(writes)}")
    print(f"   [{a.scenario}] reads: {describe(reads)}")
    print(f"   [{a.scenario}] the server logged: {counts_text(during_log)}")
    unready = sorted({json.dumps(o.body) for o in readiness if o.status != 200})
    print(f"   [{a.scenario}] /readyz meanwhile: {counts_text(counts(readiness))}"
          + (f" ({'; '.join(unready)})" if unready else ""))
    recovered = all(o.ok for o in burst)
    print(f"   [{a.scenario}] after the release, {len(burst)} requests in {burst_secs:.2f} s: "
          f"{describe(burst)}  {'recovered' if recovered else 'NOT ALL 200'}")
    five_hundreds = sum(1 for o in outcomes + burst if o.status == 500)
    if five_hundreds:
        print(f"   [{a.scenario}] NOTE: {five_hundreds} answers were 500 (expected 503/504)")

    summary = [f"{a.scenario}: ticks {describe(writes)}",
               f"{a.scenario}: reads {describe(reads)}",
               f"{a.scenario}: after the release {describe(burst)} "
               f"{'recovered' if recovered else 'NOT ALL 200'}"]
    write(a.out, {"writes": counts(writes), "reads": counts(reads), "burst": counts(burst),
                  "log": during_log, "readyz": counts(readiness), "recovered": recovered,
                  "max_write_s": max((o.latency for o in writes), default=None),
                  "max_read_s": max((o.latency for o in reads), default=None)}, summary)


if __name__ == "__main__":
    asyncio.run(main())
