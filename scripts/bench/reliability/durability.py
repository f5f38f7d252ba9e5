"""Are the acknowledged writes in the database? The most exact check the schema allows.

A status change moves its item's `version` by one and writes its event (`events`,
subject `checklist_item`, `after` = {"status", "na_reason"}) in the same transaction,
while the item row is locked (`FOR UPDATE`); so an item's events after the start, in
id order, are its versions start+1, start+2, … Every acknowledged answer (item,
version, status) must therefore be that event with after.status = status (or, for the
start version, the start status), and each item's final version - start version must
equal its events since the start. Events of other subjects (a phase completed or
reopened) are not counted."""

from dataclasses import dataclass

from common import ids_sql, sql, versions


@dataclass
class Durability:
    acknowledged: int  # distinct acknowledged (item, version) pairs
    acknowledged_changes: int  # … of them past the start version
    missing: int  # acknowledged, no such event
    wrong: int  # the event says another status
    events: int  # item events since the start
    version_delta: int  # sum of final - start versions
    highest_ok: bool  # each final version >= the highest acknowledged
    unacknowledged: int  # changes stored whose 200 never reached the client

    @property
    def ok(self) -> bool:
        return self.missing == self.wrong == 0 and self.highest_ok

    @property
    def consistent(self) -> bool:
        return self.version_delta == self.events

    def lines(self) -> list:
        return [
            f"in the database: {self.events} item events, versions moved by {self.version_delta} "
            f"({'ok' if self.consistent else 'MISMATCH'}); every item's final version >= its "
            f"highest acknowledged: {'ok' if self.highest_ok else 'NO'}",
            f"acknowledged (item, version, status) found as that event: "
            f"{self.acknowledged - self.missing - self.wrong} of {self.acknowledged}; missing "
            f"{self.missing}, other status {self.wrong}  {'ok' if self.ok else 'LOST'}",
            f"stored although no 200 reached the client (answer lost, change kept): "
            f"{self.unacknowledged}",
        ]

    def short(self) -> str:
        return (f"acknowledged writes in the database: {self.acknowledged - self.missing - self.wrong}"
                f" of {self.acknowledged} {'ok' if self.ok else 'LOST'}; versions = events: "
                f"{'ok' if self.consistent else 'MISMATCH'}; stored without a 200: "
                f"{self.unacknowledged}")


def check(db_url: str, start_items: list, start_versions: dict, start_event: int,
          outcomes: list) -> Durability:
    """`start_items`: the written items as read at the start ({"id", "status"});
    `outcomes`: every request, of which the writes' 200 answers are checked."""
    ids = [i["id"] for i in start_items]
    acked = {}
    for o in outcomes:
        if o.kind == "write" and o.ok:
            acked[(o.item, o.body["version"])] = o.body["status"]
    rows = sql(db_url, f"""
        SELECT subject_id, row_number() OVER (PARTITION BY subject_id ORDER BY id),
               after->>'status'
        FROM events WHERE id > {start_event} AND subject_type = 'checklist_item'
          AND subject_id IN ({ids_sql(ids)})""")
    stored = {(int(i), start_versions[int(i)] + int(k)): s for i, k, s in rows}
    final_versions = versions(db_url, ids)
    start_status = {i["id"]: i["status"] for i in start_items}
    missing = wrong = 0
    for (item, version), status in acked.items():
        if version == start_versions[item]:
            wrong += status != start_status[item]
        elif (item, version) not in stored:
            missing += 1
        else:
            wrong += stored[(item, version)] != status
    changes = sum(1 for (i, v) in acked if v > start_versions[i])
    return Durability(
        acknowledged=len(acked), acknowledged_changes=changes, missing=missing, wrong=wrong,
        events=len(stored),
        version_delta=sum(final_versions[i] - start_versions[i] for i in ids),
        highest_ok=all(final_versions[i] >= v for (i, v) in acked),
        unacknowledged=len(stored) - changes)
