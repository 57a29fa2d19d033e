"""`make bench`: the spine's figures on this machine — throughput, latency, relay and projector rates, memory,
and the Merkle proofs' sizes and build time for 1,000,000 events.

Starts its own embedded PostgreSQL and broker and the whole stack as processes (as `make run` does),
drives the slice's commands through the gateway, and prints what it measured. Figures, not pass/fail.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import urllib3

from deploy.local.embedded import free_port, start_broker, start_postgres
from deploy.local.stack import Stack
from deploy.migrate import migrate
from services.gateway.admin import create_admin
from services.gateway.projector import build_projection
from shared import kafka
from shared.config import DOMAIN_SERVICES, Settings
from shared.contract import refusal
from shared.db import connect_pool
from shared.envelope import CommandMeta
from shared.eventstore import EventStore
from shared.outbox import Relay
from shared.signing import Keyring, Signer, ensure_keys, private_key_file

from .load import Gateway, run_closed_loop, run_open_loop
from .proofs import proof_figures

META = CommandMeta("bench", "bench", "bench")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="charter-bench-") as tmp:
        root = Path(tmp)
        os.chmod(root, 0o755)
        server, url = start_postgres(root / "pg", cleanup_mode="delete")
        broker_port = free_port()
        broker = start_broker(broker_port, root / "broker.log")
        settings = Settings.from_env(
            {}, database_url=url, kafka_bootstrap_servers=f"127.0.0.1:{broker_port}", internal_token="bench",
            gateway_port=free_port(), pledge_port=free_port(), knowledge_port=free_port(), pilots_port=free_port(),
            write_rate_limit=10**9,  # one bench account writes flat out
            trusted_keys_file=str(ensure_keys(root / "keys", DOMAIN_SERVICES)))
        migrate(url)
        stack = Stack(settings, log_dir=root)
        try:
            stack.start()
            stack.wait_healthy()
            processes = {name: proc.pid for name, proc in stack.procs.items()} | {
                "postgres": _postmaster(root / "pg"), "broker": broker.pid}
            figures = gateway_figures(settings, processes) | pipeline_figures(settings) | memory_figures(stack)
        finally:
            stack.stop()
            os.killpg(broker.pid, 15)
            broker.wait(10)
            server.cleanup()
    figures |= proof_figures()  # in memory: the Merkle tree of 1,000,000 events
    print(json.dumps(figures, indent=2))


def gateway_figures(settings: Settings, processes: dict[str, int]) -> dict:
    admin = create_admin(settings, f"bench-admin-{uuid.uuid4().hex[:8]}@example.test")  # as an operator would
    gateway = Gateway(f"http://{settings.host}:{settings.gateway_port}", str(admin["token"]))
    charters = [gateway.create_charter() for _ in range(50)]
    print("commands through the gateway (closed loop, 10 s)...", flush=True)
    before = _cpu_s(processes)
    count, seconds = run_closed_loop(lambda i: gateway.propose_draft(charters[i % len(charters)]), seconds=10)
    time.sleep(2)  # the relay, projector and subscribers finish the last commands' events
    spent = {name: after - before[name] for name, after in _cpu_s(processes).items()}
    # The target's rate, and half the measured capacity: above capacity the figures are queueing, below
    # it they are what a command costs end to end.
    latency = {rate: latency_ms(gateway, charters, rate) for rate in (200, max(1, round(count / seconds / 2)))}
    return {
        "commands_per_s": round(count / seconds),
        # Where a command's CPU goes, over every process it passes through: the ceiling on 2 cores is
        # 2,000 ms / the total.
        "cpu_ms_per_command": {name: round(1000 * s / count, 2) for name, s in spent.items()},
        "cpu_ms_per_command_total": round(1000 * sum(spent.values()) / count, 1),
    } | {f"command_to_read_ms_{p}_at_{rate}_per_s": ms for rate, by_p in latency.items() for p, ms in by_p.items()}


def latency_ms(gateway: Gateway, charters: list[str], rate: int) -> dict[str, float]:
    """p50 and p99 of command → read-your-write, at `rate` commands/s offered for 10 s."""
    print(f"command → read-model latency at {rate} commands/s (10 s)...", flush=True)
    latencies = run_open_loop(lambda i: gateway.propose_and_read(charters[i % len(charters)]), rate=rate, seconds=10)
    q = statistics.quantiles(latencies, n=100)
    return {"p50": round(q[49] * 1000, 1), "p99": round(q[98] * 1000, 1)}


def pipeline_figures(settings: Settings, n: int = 20_000) -> dict:
    """Relay and projector rates over `n` pre-written events, in a schema and topic of their own."""
    schema, topic = f"bench_{uuid.uuid4().hex[:8]}", f"bench.{uuid.uuid4().hex[:8]}.v1"
    pool = connect_pool(settings.database_url, max_size=4)
    # The projector accepts only real producers' events, signed by their keys.
    signer = Signer.from_file("pledge", private_key_file(Path(settings.trusted_keys_file).parent, "pledge"))
    store = EventStore(pool, schema, producer="pledge", signer=signer)
    with pool.connection() as conn:
        store.migrate(conn)
    from services.pledge.domain.charters import STEWARD_ROLE, CreateCharter, create_charter

    with ThreadPoolExecutor(4) as ex:
        def write(i: int) -> None:
            cid = str(uuid.uuid4())
            events = create_charter(CreateCharter(cid, f"Charter {i}", "Purpose", "bench", frozenset({STEWARD_ROLE})))
            store.append("charter", cid, 0, events, META)
        list(ex.map(write, range(n // 2)))
    print(f"relay: publishing {n} events...", flush=True)
    relay = Relay(store, settings.kafka_bootstrap_servers, topic)
    relay.start()
    started = time.perf_counter()
    while relay.position < n:
        relay.run_once()
    relay_s = time.perf_counter() - started
    relay.close()

    print(f"projector: projecting {n} events...", flush=True)
    target = f"bench_rm_{uuid.uuid4().hex[:8]}"
    migrate(settings.database_url, gateway_schema=target)
    projection = build_projection(connect_pool(settings.database_url, max_size=2, search_path=target), target)
    projection.contract = refusal(Keyring.load(settings.trusted_keys_file))  # every event's signature checked, as live
    consumer = kafka.consumer(settings.kafka_bootstrap_servers, [topic], None)
    applied, started = 0, None
    while applied < n:
        records = consumer.poll(timeout_ms=500)
        started = started or time.perf_counter()
        applied += projection.apply([kafka.decode(r.value) for batch in records.values() for r in batch])
    projector_s = time.perf_counter() - started
    consumer.close()
    return {"relay_events_per_s": round(n / relay_s), "projector_events_per_s": round(n / projector_s)}


def memory_figures(stack: Stack) -> dict:
    """Peak resident memory (VmHWM) of every process of the stack, gunicorn workers included."""
    peaks = {}
    for name, proc in stack.procs.items():
        for pid in [proc.pid, *_children(proc.pid)]:
            peaks[f"{name}[{pid}]"] = _peak_mb(pid)
    return {"peak_memory_mb": peaks, "peak_memory_mb_max": max(peaks.values())}


def _postmaster(pgdata: Path) -> int:
    return int(next(pgdata.rglob("postmaster.pid")).read_text().split()[0])


def _cpu_s(processes: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named process and all its descendants (PostgreSQL's backends too)."""
    return {name: sum(_own_cpu_s(p) for p in _tree(pid)) for name, pid in processes.items()}


def _tree(pid: int) -> list[int]:
    return [pid, *(d for child in _children(pid) for d in _tree(child))]


def _own_cpu_s(pid: int) -> float:
    # /proc/<pid>/stat fields 14–17: utime, stime, and the waited-for children's cutime, cstime, in clock ticks.
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # a backend that ended between listing and reading
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


if __name__ == "__main__":
    urllib3.disable_warnings()
    threading.excepthook = lambda args: print("thread failed:", args.exc_value)
    main()
