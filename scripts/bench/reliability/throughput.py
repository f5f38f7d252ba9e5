"""Part 5, tick throughput: pgbench's single-row UPDATE rate on a small table in the
throwaway database (16 clients, 2 threads) against the tick API under wrk (16
connections, 2 threads, tick.lua: PATCH without a version over --items items of one
service). Prints req/s of each, the tick's share of pgbench's, and its p50/p99; then,
for comparison, the same wrk run with the items spread over every service."""

import asyncio
import os
import re
import subprocess
import tempfile

from common import arguments, items, last_event_id, services, sql, write

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = "bench_reliability_ticks"


def options(p):
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--items", type=int, default=32)
    p.add_argument("--first-item", type=int, default=20)


def pgbench(db_url: str, rows: int, a) -> dict:
    sql(db_url, f"DROP TABLE IF EXISTS {TABLE}; CREATE TABLE {TABLE} "
                f"(id integer PRIMARY KEY, v bigint NOT NULL DEFAULT 0); "
                f"INSERT INTO {TABLE} (id) SELECT generate_series(1, {rows})")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(f"\\set id random(1, {rows})\nUPDATE {TABLE} SET v = v + 1 WHERE id = :id;\n")
        script = f.name
    try:
        out = subprocess.run(
            ["pgbench", "-n", "-c", str(a.clients), "-j", str(a.threads), "-T", str(a.seconds),
             "-f", script, db_url],
            capture_output=True, text=True, timeout=a.seconds + 60).stdout
        with open(os.path.join(os.path.dirname(a.out), "pgbench.txt"), "w") as f:
            f.write(out)
    finally:
        os.unlink(script)
        sql(db_url, f"DROP TABLE IF EXISTS {TABLE}")
    tps = re.search(r"tps = ([\d.]+)", out)
    lat = re.search(r"latency average = ([\d.]+) ms", out)
    return {"rate": float(tps.group(1)) if tps else float("nan"),
            "latency_avg_ms": float(lat.group(1)) if lat else None, "output": out}


def wrk_ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(base: str, token: str, targets: list, a, name: str) -> dict:
    env = dict(os.environ, TICK_TOKEN=token, TICK_TARGETS=",".join(targets))
    out = subprocess.run(
        ["wrk", f"-t{a.threads}", f"-c{a.clients}", f"-d{a.seconds}s", "--latency",
         "-s", os.path.join(HERE, "tick.lua"), base],
        capture_output=True, text=True, env=env, timeout=a.seconds + 60).stdout
    with open(os.path.join(os.path.dirname(a.out), f"{name}.txt"), "w") as f:
        f.write(out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    p50 = re.search(r"^\s+50%\s+([\d.]+\w+)$", out, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+\w+)$", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rate": float(rate.group(1)) if rate else float("nan"),
            "requests": int(total.group(1)) if total else 0,
            "p50_ms": wrk_ms(p50.group(1)) if p50 else None,
            "p99_ms": wrk_ms(p99.group(1)) if p99 else None,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else "none", "output": out}


def changed(db_url: str, since: int) -> int:
    return int(sql(db_url, f"SELECT count(*) FROM events WHERE id > {since} "
                           "AND subject_type = 'checklist_item'")[0][0])


def num(value, spec: str = ".1f") -> str:
    return "?" if value is None else format(value, spec)


def tick_line(name: str, r: dict) -> str:
    return (f"{name}: {r['rate']:.0f} req/s, p50 {num(r['p50_ms'])} ms, p99 {num(r['p99_ms'])} ms; "
            f"non-2xx {r['non_2xx']}, socket errors {r['socket_errors']}; "
            f"{r['changed']} of {r['requests']} ticks changed an item")


async def main():
    a = arguments(__doc__, options)
    one = (await items(a.base, a.token, a.slug))[a.first_item:a.first_item + a.items]
    one_targets = [f"{a.slug}/{i['id']}" for i in one]
    slugs = await services(a.base, a.token)
    per = max(1, a.items // len(slugs))
    spread = []
    for slug in slugs:
        spread += [f"{slug}/{i['id']}" for i in (await items(a.base, a.token, slug))[:per]]

    print(f"   pgbench: UPDATE of one random row of {a.items}, {a.clients} clients, "
          f"-j {a.threads}, {a.seconds} s")
    pg = pgbench(a.db_url, a.items, a)
    print(f"   pgbench: {pg['rate']:.0f} transactions/s (latency average {pg['latency_avg_ms']} ms)")

    print(f"   wrk: PATCH ticks of {len(one_targets)} items of {a.slug}, {a.clients} connections, "
          f"{a.threads} threads, {a.seconds} s")
    since = last_event_id(a.db_url)
    tick = wrk(a.base, a.token, one_targets, a, "wrk-one-service")
    tick["changed"] = changed(a.db_url, since)
    print(f"   {tick_line('tick', tick)}")

    since = last_event_id(a.db_url)
    wide = wrk(a.base, a.token, spread, a, "wrk-all-services")
    wide["changed"] = changed(a.db_url, since)
    print(f"   {tick_line(f'tick over {len(slugs)} services ({len(spread)} items, for comparison)', wide)}")

    ratio = 100 * tick["rate"] / pg["rate"] if pg["rate"] else float("nan")
    print(f"   tick / pgbench: {ratio:.1f}% (goal: at least 50%, with p99 at most 20 ms)")
    summary = [
        f"pgbench single-row UPDATE {pg['rate']:.0f}/s; tick API {tick['rate']:.0f} req/s = "
        f"{ratio:.1f}% of it; tick p50 {num(tick['p50_ms'])} ms, p99 {num(tick['p99_ms'])} ms "
        f"(goal >= 50%, p99 <= 20 ms)",
        f"for comparison, ticks spread over {len(slugs)} services: {wide['rate']:.0f} req/s "
        f"({100 * wide['rate'] / pg['rate']:.1f}%), p50 {num(wide['p50_ms'])} ms, "
        f"p99 {num(wide['p99_ms'])} ms",
    ]
    for r in (pg, tick, wide):
        r.pop("output")
    write(a.out, {"pgbench": pg, "tick": tick, "tick_spread": wide, "ratio_percent": ratio}, summary)


if __name__ == "__main__":
    asyncio.run(main())
