"""The fault tests' instruments: a bounded concurrent write load, convergence checks, and a health watch.

The load records every command the gateway ACKNOWLEDGED (2xx) with the ids it returned; a 503/504 or a
lost connection acknowledges nothing (the command is retried with the same `Idempotency-Key`). After a
fault, `converge` checks, each bounded in time, that:

(a) every acknowledged command is visible through the gateway API by the ids it returned;
(b) each stream's versions are contiguous from 1 on the topics (read by a fresh, group-less consumer
    from the beginning, deduplicated by (stream_id, version): delivery is at least once);
(c) each store's hash chain verifies and the topics hold exactly what the stores hold;
(d) the gateway's read models equal a fresh replay of the stored log into a new schema.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
import urllib3
from psycopg import sql

from services.gateway.audit import replay
from services.gateway.audit.log import topic_events
from services.gateway.audit.verify import verify
from services.gateway.readmodels import sealed
from shared.config import DOMAIN_SERVICES, TOPICS
from shared.hashchain import first_broken_link
from shared.signing import Keyring

from ..e2e.pilot_steps import propose_barrier, running_pilot
from .system import System

log = logging.getLogger("fault")

# Tables of the gateway schema that are bookkeeping, not read models (a replay cannot reproduce them), beyond
# those replay.BOOKKEEPING already leaves out.
NOT_READ_MODELS = {"parked_events", "heartbeats"}


def report(record_property: Callable[[str, Any], None] | None, name: str, value: Any) -> None:
    """Say a measurement three ways: printed (seen with -s), logged (seen on failure), and in the test report."""
    print(f"[fault] {name}: {value}")
    log.warning("%s: %s", name, value)
    if record_property is not None:
        record_property(name, value)


# --- the write load ----------------------------------------------------------------------------------------


@dataclass
class Ack:
    """One acknowledged command: what it was, the ids it returned, and how to see it through the API."""

    kind: str
    ids: dict[str, Any]
    check_path: str
    check: Callable[[Any], bool]
    at: float


@dataclass
class LoadReport:
    acks: list[Ack] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)  # every answer (or "conn-error"/"timeout"), retries included
    retried: int = 0

    def summary(self) -> str:
        kinds = Counter(a.kind for a in self.acks)
        return f"{len(self.acks)} acknowledged ({dict(kinds)}), answers {dict(self.statuses)}, {self.retried} retries"


@dataclass
class Targets:
    """What the load writes to: a few charters (drafts), the knowledge base (barriers), a running pilot (reports)."""

    charters: list[str]
    pilot_id: str
    lead_token: str
    token: str  # a steward/participant's API token for drafts and barriers


def prepare_targets(system: System, charters: int = 3) -> Targets:
    """Charters open for drafting, and a running pilot whose lead reports progress."""
    steward = system.web("steward")
    ids = []
    for i in range(charters):
        r = steward.create_charter(title=f"Fault charter {i}")
        assert r.status == 201, r.body
        ids.append(r.body["charter_id"])
    barrier = propose_barrier(steward, "Photo uploads refused")
    pilot = running_pilot(steward, steward, barrier)
    return Targets(ids, pilot.pilot_id, pilot.lead.account.token, steward.account.token)


def _draft(t: Targets, n: int):
    charter = random.choice(t.charters)
    body = {"title": f"Draft {n}", "text": f"Interactivity, take {n}.", "change_summary": "under load",
            "parents": []}
    return (t.token, f"/api/v1/charters/{charter}/drafts", body, "draft",
            lambda b: ({"draft_id": b["draft_id"]}, f"/api/v1/drafts/{b['draft_id']}", lambda _: True))


def _barrier(t: Targets, n: int):
    body = {"title": f"Barrier {n} {uuid.uuid4().hex[:6]}", "description": "Seen under load, in practice.",
            "category": "it_policy_and_tools"}
    return (t.token, "/api/v1/barriers", body, "barrier",
            lambda b: ({"barrier_id": b["barrier_id"]}, f"/api/v1/barriers/{b['barrier_id']}", lambda _: True))


def _report(t: Targets, n: int):
    body = {"text": f"Progress report {n}", "metrics": []}

    def seen(rid):
        return lambda page: any(r.get("report_id") == rid for r in page.get("reports", []))

    return (t.lead_token, f"/api/v1/pilots/{t.pilot_id}/reports", body, "report",
            lambda b: ({"report_id": b["report_id"]}, f"/api/v1/pilots/{t.pilot_id}", seen(b["report_id"])))


COMMANDS = (_draft, _draft, _barrier, _report)
RETRYABLE = {502, 503, 504}


class Load:
    """A few threads writing through the gateway at a modest pace until stopped (or `max_s` passed)."""

    def __init__(self, system: System, targets: Targets, threads: int = 3, pace_s: float = 0.15,
                 max_s: float = 90, timeout_s: float = 10) -> None:
        self.base, self.targets, self.pace_s, self.max_s = system.url, targets, pace_s, max_s
        self.timeout = urllib3.Timeout(connect=2, read=timeout_s)
        self.result = LoadReport()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True, name=f"load-{i}")
                         for i in range(threads)]
        self._n = 0

    def __enter__(self) -> Load:
        self.started = time.monotonic()
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> LoadReport:
        self._stop.set()
        for t in self._threads:
            t.join(self.timeout.read_timeout + 5)
        return self.result

    def _next(self) -> int:
        with self._lock:
            self._n += 1
            return self._n

    def _count(self, status: Any) -> None:
        with self._lock:
            self.result.statuses[status] += 1

    def _run(self, i: int) -> None:
        http = urllib3.PoolManager(retries=False, maxsize=2)
        deadline = self.started + self.max_s
        k = i
        while not self._stop.is_set() and time.monotonic() < deadline:
            k += 1
            token, path, body, kind, parse = COMMANDS[k % len(COMMANDS)](self.targets, self._next())
            self._command(http, token, path, body, kind, parse, deadline)
            self._stop.wait(self.pace_s)

    def _command(self, http, token, path, body, kind, parse, deadline) -> None:
        """Send one command; retry it with the same Idempotency-Key while its outcome is unknown."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                   "Idempotency-Key": str(uuid.uuid4())}
        data = json.dumps(body).encode()
        for attempt in range(20):
            if attempt:
                with self._lock:
                    self.result.retried += 1
                if self._stop.wait(0.5) or time.monotonic() > deadline:
                    return
            try:
                r = http.request("POST", self.base + path, body=data, headers=headers, timeout=self.timeout)
            except urllib3.exceptions.TimeoutError:
                self._count("timeout")
                continue
            except urllib3.exceptions.HTTPError:
                self._count("conn-error")
                continue
            self._count(r.status)
            if 200 <= r.status < 300:
                ids, check_path, check = parse(json.loads(r.data))
                with self._lock:
                    self.result.acks.append(Ack(kind, ids, check_path, check, time.monotonic()))
                return
            if r.status not in RETRYABLE:
                return  # refused (4xx) or a 500: not acknowledged, and a retry would not be "the same" answer


# --- convergence -----------------------------------------------------------------------------------------


def wait_visible(system: System, acks: Iterable[Ack], timeout_s: float = 90) -> list[Ack]:
    """(a) Poll the gateway until every acknowledged command is visible by its ids; returns those that never were."""
    http = urllib3.PoolManager(retries=False, maxsize=4)
    token = system.admin.token
    pending = list(acks)
    deadline = time.monotonic() + timeout_s
    while pending and time.monotonic() < deadline:
        cache: dict[str, Any] = {}
        still = []
        for ack in pending:
            if ack.check_path not in cache:
                try:
                    r = http.request("GET", system.url + ack.check_path, timeout=5,
                                     headers={"Authorization": f"Bearer {token}"})
                    cache[ack.check_path] = json.loads(r.data) if r.status == 200 else None
                except (urllib3.exceptions.HTTPError, ValueError):
                    cache[ack.check_path] = None
            body = cache[ack.check_path]
            if body is None or not ack.check(body):
                still.append(ack)
        pending = still
        if pending:
            time.sleep(0.5)
    return pending


def stored_events(system: System, service: str) -> list[dict]:
    """Every envelope in a service's store, straight from its table, in position order."""
    with psycopg.connect(system.settings.database_url, connect_timeout=5) as conn:
        return [r[0] for r in conn.execute(
            sql.SQL("SELECT envelope FROM {}.events ORDER BY position").format(sql.Identifier(service)))]


def version_gaps(published: list[dict]) -> dict[str, list[int]]:
    """(b) Per stream, the versions missing below its highest one, after deduplication by (stream_id, version)."""
    versions: dict[str, set[int]] = {}
    for env in published:
        versions.setdefault(env["stream_id"], set()).add(env["version"])
    return {s: sorted(set(range(1, max(v) + 1)) - v) for s, v in versions.items() if len(v) != max(v)}


def log_problems(system: System) -> dict[str, dict]:
    """(b) and (c) for every store: version gaps on its topic, its chain, and the topic against the store."""
    problems = {}
    for service in DOMAIN_SERVICES:
        stored = stored_events(system, service)
        published = topic_events(system.settings.kafka_bootstrap_servers, TOPICS[service], len(stored), timeout_s=10)
        checked = verify(service, stored, published, Keyring.load(system.settings.trusted_keys_file))
        gaps = version_gaps(published)
        if not checked.ok or gaps:
            problems[service] = {"gaps": dict(list(gaps.items())[:5])} | {
                k: v for k, v in checked.to_dict().items() if v and k not in ("ok", "service", "duplicates_on_topic")}
        if first_broken_link(stored) is not None:  # verify() covers it, said twice so the message is plain
            problems.setdefault(service, {})["chain_broken_at"] = first_broken_link(stored)
    return problems


def wait_log_complete(system: System, timeout_s: float = 60) -> dict[str, dict]:
    """Poll (b)+(c) until no problem is left (the relays may still be republishing); the last problems found."""
    deadline = time.monotonic() + timeout_s
    while True:
        problems = log_problems(system)
        if not problems or time.monotonic() > deadline:
            return problems
        time.sleep(1)


def lagging(system: System) -> dict[str, int]:
    """How far the projector is behind each store, from store heads and the projector's applied positions."""
    with psycopg.connect(system.settings.database_url, connect_timeout=5) as conn:
        applied = dict(conn.execute("SELECT producer, position FROM gateway.producer_positions"))
        heads = {s: conn.execute(sql.SQL("SELECT position FROM {}.head").format(sql.Identifier(s))).fetchone()[0]
                 for s in DOMAIN_SERVICES}
    return {s: h - applied.get(s, 0) for s, h in heads.items() if h > applied.get(s, 0)}


def replay_differences(system: System, exclude_streams: set[str] = frozenset(), timeout_s: float = 30) -> dict:
    """(d) Rebuild the read models from the stored log into a fresh schema and compare with the live one.

    Waits (bounded) until the projector has caught up with every store first; streams in `exclude_streams`
    (held behind a parked event, so the live projector has not applied them either) are left out.
    """
    deadline = time.monotonic() + timeout_s
    while lagging(system) and not exclude_streams and time.monotonic() < deadline:
        time.sleep(0.3)
    events = [e for s in DOMAIN_SERVICES for e in stored_events(system, s) if e["stream_id"] not in exclude_streams]
    url = system.settings.database_url
    sealed.use(sealed.SubjectKeys(system.settings))  # signatories' fields open with keys this system's pledge lends
    schema = replay.rebuild(url, events)
    try:
        diff = replay.differences(url, "gateway", schema)
    finally:
        replay.drop(url, schema)
    return {t: d for t, d in diff.items() if t not in NOT_READ_MODELS}


@dataclass
class Convergence:
    invisible: list[Ack]
    log: dict
    replay: dict
    seconds: float

    @property
    def ok(self) -> bool:
        return not (self.invisible or self.log or self.replay)


def converge(system: System, load: LoadReport, since: float, record_property=None, *,
             exclude_streams: set[str] = frozenset(), timeout_s: float = 60) -> Convergence:
    """All four checks after a fault, within `timeout_s` from `since` (the fault's end) in all.

    Reports how long after `since` the checks (a)-(c) first all held, or that they did not.
    """
    deadline = since + timeout_s

    def left(minimum: float) -> float:
        return max(deadline - time.monotonic(), minimum)

    invisible = wait_visible(system, load.acks, timeout_s=left(5))
    problems = wait_log_complete(system, timeout_s=left(3))
    seconds = time.monotonic() - since
    diff = replay_differences(system, exclude_streams, timeout_s=left(2))
    result = Convergence(invisible, problems, diff, seconds)
    report(record_property, "load", load.summary())
    report(record_property, "converged_in_s", round(seconds, 2) if result.ok else f"NOT converged after {seconds:.1f}")
    return result


def assert_converged(c: Convergence) -> None:
    """Every check held; otherwise one message naming all that did not."""
    failed = []
    if c.invisible:
        failed.append(f"{len(c.invisible)} acknowledged commands never became visible, e.g. "
                      f"{[(a.kind, a.ids) for a in c.invisible[:5]]}")
    if c.log:
        failed.append(f"the log did not converge: {c.log}")
    if c.replay:
        failed.append(f"read models differ from a fresh replay: {c.replay}")
    assert not failed, "; ".join(failed)


# --- health ------------------------------------------------------------------------------------------------


def interpret_health(readyz_status: int | None, *bodies: Any) -> tuple[bool, set[str]]:
    """(ready?, names of the parts not ok) from one `/readyz` status code and the bodies of `/readyz` and
    `/api/v1/status`.

    The only place that assumes the shape: `GET /readyz` is 200 when ready, 503 when degraded; both
    answer {"status": "ok"|"degraded", "parts": {name: {"ok": bool, ...}}} (a list of {"name": ..., "ok": ...}
    is accepted as well). No answer at all counts as not ready.
    """
    bad: set[str] = set()
    status_ok = False
    for body in bodies:
        if not isinstance(body, dict):
            continue
        parts = body.get("parts", body.get("components", {}))
        if isinstance(parts, list):
            parts = {p.get("name", "?"): p for p in parts if isinstance(p, dict)}
        bad |= {name for name, p in parts.items() if isinstance(p, dict) and p.get("ok") is False}
        status_ok = status_ok or body.get("status") in ("ok", "ready")
    return readyz_status == 200 and status_ok and not bad, bad


@dataclass
class Sample:
    at: float
    ready: bool
    bad: set[str]
    readyz: int | str | None
    latency_s: float


class HealthWatch:
    """Polls `/readyz` and `/api/v1/status` of the gateway in the background, recording every answer."""

    def __init__(self, system: System, every_s: float = 0.4, timeout_s: float = 2.0) -> None:
        self.base, self.every_s, self.timeout_s = system.url, every_s, timeout_s
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="health-watch")

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(self.timeout_s * 2 + 2)

    def sample(self, http: urllib3.PoolManager) -> Sample:
        """One look at both, anonymously (health must not depend on signing in, which needs the database)."""
        t0 = time.monotonic()
        readyz: int | None = None
        bodies: list[Any] = []
        latencies = []
        for path in ("/readyz", "/api/v1/status"):
            t = time.monotonic()
            with contextlib.suppress(urllib3.exceptions.HTTPError, ValueError):
                r = http.request("GET", self.base + path, timeout=self.timeout_s)
                if path == "/readyz":
                    readyz = r.status
                bodies.append(json.loads(r.data) if r.data else None)
                latencies.append(time.monotonic() - t)  # only answers count: a refused connection is not slow
        ready, bad = interpret_health(readyz, *bodies)
        return Sample(t0, ready, bad, readyz, max(latencies, default=0.0))

    def _run(self) -> None:
        http = urllib3.PoolManager(retries=False, maxsize=2)
        while not self._stop.is_set():
            s = self.sample(http)
            self.samples.append(s)
            self._stop.wait(max(self.every_s - s.latency_s, 0.05))

    @property
    def endpoints_missing(self) -> bool:
        """True while `/readyz` has never answered 200 or 503: the health contract is not there at all."""
        return bool(self.samples) and not any(s.readyz in (200, 503) for s in self.samples)

    def wait_ready(self, timeout_s: float = 20) -> bool:
        """Block until a sample taken from now on says ready (bounded; at once if there is no `/readyz`)."""
        t = time.monotonic()
        deadline = t + timeout_s
        while time.monotonic() < deadline and not self.endpoints_missing:
            if any(s.ready for s in self.samples if s.at >= t):
                return True
            time.sleep(0.2)
        return False


    def wait_degraded(self, part: str | None, since: float, timeout_s: float = 10) -> bool:
        """Block until a sample taken after `since` is not ready and names `part` (bounded)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not self.endpoints_missing:
            if any(not s.ready and (part is None or matches(part, s.bad)) for s in self.samples if s.at >= since):
                return True
            time.sleep(0.2)
        return False


def matches(part: str, names: Iterable[str]) -> bool:
    """A part named "pledge-relay" matches "pledge-relay", "relay:pledge", "relays.pledge"..."""
    want = set(part.replace("_", "-").split("-"))
    return any(want <= set(n.replace("_", "-").replace(":", "-").replace(".", "-").replace("/", "-").split("-"))
               for n in names)


def health_transitions(watch: HealthWatch, fault_at: float, part: str | None, within_s: float = 10,
                       answers_health: bool = False) -> dict:
    """When health turned degraded (naming `part`) after the fault, and when it turned ready again after that."""
    degraded = next((s for s in watch.samples if s.at >= fault_at and not s.ready
                     and (part is None or matches(part, s.bad))), None)
    ready = next((s for s in watch.samples if degraded and s.at > degraded.at and s.ready), None)
    # When the process killed is the one answering health (the gateway), an answer until it is ready again waits
    # for the process starting behind its socket: only answers outside that window count.
    restarting = (fault_at, ready.at) if answers_health and ready else None
    slow = [round(s.latency_s, 2) for s in watch.samples if s.latency_s > 1.0 and s.readyz is not None
            and not (restarting and restarting[0] <= s.at <= restarting[1])]
    return {"degraded_after_s": round(degraded.at - fault_at, 2) if degraded else None,
            "ready_after_s": round(ready.at - fault_at, 2) if ready else None,
            "within_s": within_s, "part": part, "slow_answers_s": slow[:5],
            "parts_seen_not_ok": sorted({n for s in watch.samples if s.at >= fault_at for n in s.bad})}


def assert_health_told_the_truth(watch: HealthWatch, fault_at: float, part: str | None, record_property=None,
                                 within_s: float = 10, answers_health: bool = False) -> None:
    """/readyz and /api/v1/status turned degraded within seconds naming the part, then ready again, fast answers."""
    t = health_transitions(watch, fault_at, part, within_s, answers_health)
    report(record_property, "health", t)
    assert not watch.endpoints_missing, f"/readyz never answered 200 or 503 (answers: " \
        f"{sorted({str(s.readyz) for s in watch.samples})}): the health contract is not there yet"
    assert t["degraded_after_s"] is not None and t["degraded_after_s"] <= within_s, \
        f"health never turned degraded naming {part!r} within {within_s}s: {t}"
    assert t["ready_after_s"] is not None, f"health did not turn ready again after the fault: {t}"
    assert not t["slow_answers_s"], f"health answers took over a second: {t}"
