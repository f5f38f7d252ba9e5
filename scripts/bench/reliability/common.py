"""What every part of scripts/bench-reliability.sh shares: command-line settings, one
HTTP call with its outcome (status, body, latency, or the kind of failure), the
service's items, read-only SQL through psql, and small statistics."""

import argparse
import asyncio
import json
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any, Optional

import aiohttp


def arguments(description: str, extra=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:3300")
    p.add_argument("--token", required=True, help="a write token (pf_…)")
    p.add_argument("--db-url", required=True, help="the throwaway database, for the checks")
    p.add_argument("--slug", default="payments-api")
    p.add_argument("--out", required=True, help="where to write the part's figures (JSON)")
    if extra:
        extra(p)
    return p.parse_args()


@dataclass
class Outcome:
    """One request: when it started and ended (seconds on the run's clock), and either
    an HTTP status with its body and headers, or `error` naming why there was none."""

    kind: str
    started: float
    ended: float
    status: Optional[int] = None
    body: Any = None
    retry_after: Optional[str] = None
    error: Optional[str] = None
    item: Optional[int] = None
    sent: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def latency(self) -> float:
        return self.ended - self.started

    @property
    def label(self) -> str:
        """`200`, `503`, … or the failure, e.g. `connection refused`."""
        return str(self.status) if self.status is not None else (self.error or "?")


class Clock:
    """Seconds since the part started, from a monotonic clock."""

    def __init__(self):
        self.t0 = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.t0


def failure_kind(err: BaseException) -> str:
    """A short, countable name for a request that got no HTTP answer."""
    if isinstance(err, asyncio.TimeoutError):
        return "client timeout"
    if isinstance(err, aiohttp.ClientConnectorError):
        errno = getattr(err.os_error, "errno", None)
        return "connection refused" if errno == 111 else f"connect error ({err.os_error})"
    if isinstance(err, aiohttp.ServerDisconnectedError):
        return "connection closed"
    if isinstance(err, aiohttp.ClientOSError):
        names = {104: "connection reset", 32: "broken pipe"}
        return names.get(getattr(err, "errno", None), "connection closed while sending")
    if isinstance(err, aiohttp.ClientPayloadError):
        return "truncated answer"
    return f"{type(err).__name__}"


def session(token: str, connections: int, timeout: float = 15.0,
            keep_alive: bool = True) -> aiohttp.ClientSession:
    """At most `connections` connections (kept alive unless told), each request bounded."""
    return aiohttp.ClientSession(
        headers={"authorization": f"Bearer {token}"},
        connector=aiohttp.TCPConnector(limit=connections, force_close=not keep_alive),
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


async def call(http: aiohttp.ClientSession, clock: Clock, kind: str, method: str, url: str,
               body: Optional[dict] = None, item: Optional[int] = None) -> Outcome:
    started = clock.now()
    try:
        async with http.request(method, url, json=body) as r:
            text = await r.read()
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                parsed = text[:200].decode("utf-8", "replace")
            return Outcome(kind, started, clock.now(), status=r.status, body=parsed,
                           retry_after=r.headers.get("retry-after"), item=item, sent=body or {})
    except Exception as err:  # every failure is a figure here, never a crash
        return Outcome(kind, started, clock.now(), error=failure_kind(err), item=item,
                       sent=body or {})


def item_url(base: str, slug: str, item: int) -> str:
    return f"{base}/api/v1/services/{slug}/items/{item}"


def service_url(base: str, slug: str) -> str:
    return f"{base}/api/v1/services/{slug}"


async def items(base: str, token: str, slug: str) -> list:
    """The service's items in page order: [{"id", "status", "version", "phase_id"}, …]."""
    async with session(token, 1) as http:
        async with http.get(service_url(base, slug)) as r:
            r.raise_for_status()
            doc = await r.json()
    return [i for s in doc["sections"] for i in s["items"]]


async def services(base: str, token: str) -> list:
    """Every service's slug."""
    async with session(token, 1) as http:
        async with http.get(f"{base}/api/v1/services") as r:
            r.raise_for_status()
            return [s["slug"] for s in await r.json()]


def toggled(status: str) -> str:
    """The tick a client sends: done ↔ todo (anything else becomes done)."""
    return "todo" if status == "done" else "done"


def sql(db_url: str, statement: str) -> list:
    """Rows of a read-only statement, as lists of strings."""
    out = subprocess.run(
        ["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", db_url, "-c", statement],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def sql_value(db_url: str, statement: str) -> str:
    rows = sql(db_url, statement)
    return rows[0][0] if rows else ""


def last_event_id(db_url: str) -> int:
    return int(sql_value(db_url, "SELECT coalesce(max(id), 0) FROM events") or 0)


def versions(db_url: str, ids: list) -> dict:
    rows = sql(db_url, f"SELECT id, version FROM checklist_items WHERE id IN ({ids_sql(ids)})")
    return {int(i): int(v) for i, v in rows}


def ids_sql(ids) -> str:
    return ",".join(str(int(i)) for i in ids)


def percentile(values: list, p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def counts(outcomes) -> dict:
    """{label: count}, most frequent first."""
    c = {}
    for o in outcomes:
        c[o.label] = c.get(o.label, 0) + 1
    return dict(sorted(c.items(), key=lambda kv: -kv[1]))


def counts_text(c: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in c.items()) or "none"


def verdict(good: bool) -> str:
    return "ok" if good else "MISMATCH"


def write(path: str, figures: dict, summary: list) -> None:
    """The part's figures, and the lines the script's closing summary prints."""
    with open(path, "w") as f:
        json.dump({"figures": figures, "summary": summary}, f, indent=2, default=str)
