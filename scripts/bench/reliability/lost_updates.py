"""Part 1, lost updates: WRITES version-checked ticks from CLIENTS concurrent clients
on a few items of one service. Each client keeps one item's last known version and
status (from its last 200, or a 409's `current`) and sends the opposite status with
that version. Afterwards the database must agree with the answers:
  sum over the items of (final version - start version) = acknowledged changes
  item events written during the run                    = acknowledged changes
and no (item, version) may have been acknowledged twice."""

import asyncio

from common import (Clock, arguments, call, counts, counts_text, ids_sql, item_url, items,
                    last_event_id, ms, percentile, session, sql, sql_value, toggled, verdict,
                    versions, write)


def options(p):
    p.add_argument("--writes", type=int, default=10_000)
    p.add_argument("--clients", type=int, default=64)
    p.add_argument("--items", type=int, default=4, help="how many of the service's items")
    p.add_argument("--first-item", type=int, default=0, help="index of the first one")
    p.add_argument("--seconds", type=float, default=90, help="stop early after this long")


async def main():
    a = arguments(__doc__, options)
    chosen = (await items(a.base, a.token, a.slug))[a.first_item:a.first_item + a.items]
    ids = [i["id"] for i in chosen]
    start_versions = versions(a.db_url, ids)
    start_event = last_event_id(a.db_url)
    print(f"   items {ids} of {a.slug}, start versions {[start_versions[i] for i in ids]}; "
          f"{a.writes} writes from {a.clients} clients")

    clock = Clock()
    budget = {"left": a.writes}
    outcomes = []

    async def client(n: int, http):
        item = chosen[n % len(chosen)]
        known = {"version": item["version"], "status": item["status"]}
        url = item_url(a.base, a.slug, item["id"])
        while budget["left"] > 0 and clock.now() < a.seconds:
            budget["left"] -= 1
            body = {"status": toggled(known["status"]), "version": known["version"]}
            o = await call(http, clock, "write", "PATCH", url, body, item["id"])
            outcomes.append(o)
            if o.status == 200:
                known = {"version": o.body["version"], "status": o.body["status"]}
            elif o.status == 409 and isinstance(o.body, dict) and o.body.get("current"):
                cur = o.body["current"]
                known = {"version": cur["version"], "status": cur["status"]}
            else:  # anything else: read the item again before the next try
                r = await call(http, clock, "read", "GET", url.rsplit("/items/", 1)[0])
                if r.ok:
                    fresh = next(i for s in r.body["sections"] for i in s["items"]
                                 if i["id"] == item["id"])
                    known = {"version": fresh["version"], "status": fresh["status"]}
                else:
                    await asyncio.sleep(0.05)

    async with session(a.token, a.clients) as http:
        await asyncio.gather(*(client(n, http) for n in range(a.clients)))
    elapsed = clock.now()

    acked = [o for o in outcomes if o.status == 200]
    changes = [o for o in acked if o.body["version"] == o.sent["version"] + 1]
    noops = len(acked) - len(changes)
    conflicts = sum(1 for o in outcomes if o.status == 409)
    others = {k: v for k, v in counts(outcomes).items() if k not in ("200", "409")}
    pairs = {(o.item, o.body["version"]) for o in acked}
    duplicates = len(acked) - len(pairs)

    final_versions = versions(a.db_url, ids)
    moved = sum(final_versions[i] - start_versions[i] for i in ids)
    item_events = int(sql_value(a.db_url, f"""
        SELECT count(*) FROM events WHERE id > {start_event}
          AND subject_type = 'checklist_item' AND subject_id IN ({ids_sql(ids)})"""))
    other_events = sql(a.db_url, f"""
        SELECT subject_type || ' ' || action, count(*) FROM events WHERE id > {start_event}
          AND NOT (subject_type = 'checklist_item' AND subject_id IN ({ids_sql(ids)}))
        GROUP BY 1 ORDER BY 1""")
    lat = [o.latency for o in outcomes]

    versions_ok = moved == len(acked)
    events_ok = item_events == len(acked)
    print(f"   {len(outcomes)} writes in {elapsed:.1f} s ({len(outcomes) / elapsed:.0f}/s); "
          f"latency p50 {ms(percentile(lat, 50))}, p99 {ms(percentile(lat, 99))}, "
          f"max {ms(max(lat))}")
    print(f"   answers: 200 (acknowledged): {len(acked)}, of which no-op: {noops}; "
          f"409: {conflicts}; other: {counts_text(others)}")
    print(f"   (item, version) acknowledged twice: {duplicates}")
    print(f"   versions: sum(final - start) = {moved}, acknowledged = {len(acked)}  "
          f"{verdict(versions_ok)}")
    print(f"   events:   item events written = {item_events}, acknowledged = {len(acked)}  "
          f"{verdict(events_ok)}")
    if other_events:
        print("   other events in the run (phase events aside): "
              + ", ".join(f"{k}: {v}" for k, v in other_events))

    summary = [
        f"{len(outcomes)} version-checked writes, {a.clients} clients, {len(ids)} items: "
        f"{len(acked)} acknowledged, {conflicts} conflicts (409), "
        f"{sum(others.values())} other ({counts_text(others)})",
        f"sum(final - start version) {moved} = acknowledged {len(acked)}: {verdict(versions_ok)}; "
        f"item events {item_events} = acknowledged {len(acked)}: {verdict(events_ok)}; "
        f"acknowledged twice: {duplicates}",
    ]
    write(a.out, {"writes": len(outcomes), "acknowledged": len(acked), "noops": noops,
                  "conflicts": conflicts, "other": others, "duplicates": duplicates,
                  "version_delta": moved, "item_events": item_events,
                  "versions_ok": versions_ok, "events_ok": events_ok,
                  "seconds": elapsed}, summary)


if __name__ == "__main__":
    asyncio.run(main())
