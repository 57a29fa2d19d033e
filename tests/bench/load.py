"""Load generation against the gateway: a closed loop for throughput, an open loop for latency."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import urllib3


class Gateway:
    """The slice's commands and reads, over kept-alive connections."""

    def __init__(self, base_url: str, admin_token: str) -> None:
        self.base_url = base_url
        self.http = urllib3.PoolManager(maxsize=64, retries=False)
        self.token = self._steward_token(admin_token)

    def _steward_token(self, admin_token: str) -> str:
        """A bench account of its own, made a steward by the admin (stewards create charters), acting by API token."""
        credentials = {"email": f"bench-{uuid.uuid4().hex[:8]}@example.test", "password": uuid.uuid4().hex,
                       "display_name": "Bench steward"}
        opened = self.http.request("POST", self.base_url + "/api/v1/accounts", json=credentials)
        assert opened.status == 201, opened.data
        roles = f"{self.base_url}/api/v1/admin/accounts/{opened.json()['account_id']}/roles"
        granted = self.http.request("POST", roles, json={"role": "steward"},
                                    headers={"Authorization": f"Bearer {admin_token}"})
        assert granted.status == 200, granted.data
        login = {"email": credentials["email"], "password": credentials["password"]}  # a token takes no display name
        return self.http.request("POST", self.base_url + "/api/v1/tokens", json=login).json()["token"]

    def _post(self, path: str, body: dict) -> dict:
        r = self.http.request("POST", self.base_url + path, body=json.dumps(body).encode(),
                              headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        assert r.status == 201, r.data
        return json.loads(r.data)

    def create_charter(self) -> str:
        return self._post("/api/v1/charters", {"title": "Bench", "purpose": "Measure"})["charter_id"]

    def propose_draft(self, charter_id: str) -> dict:
        return self._post(f"/api/v1/charters/{charter_id}/drafts",
                          {"title": "Draft", "text": "I want my organisation to get interactivity."})

    def propose_and_read(self, charter_id: str) -> float:
        started = time.perf_counter()
        token = self.propose_draft(charter_id)["consistency_token"]
        r = self.http.request("GET", f"{self.base_url}/api/v1/charters/{charter_id}?limit=1&consistency_token={token}")
        assert r.status == 200, r.data
        return time.perf_counter() - started


def run_closed_loop(action: Callable[[int], object], seconds: float, workers: int = 24) -> tuple[int, float]:
    """As many actions as `workers` threads complete back to back in `seconds`; returns (count, seconds)."""
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))
    lock = threading.Lock()
    done = [0]

    def loop() -> None:
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter)
            action(i)
            with lock:
                done[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], time.perf_counter() - started


def run_open_loop(action: Callable[[int], float], rate: float, seconds: float) -> list[float]:
    """Start actions at a fixed `rate` for `seconds`, whatever the replies; returns each one's latency."""
    results: list[float] = []
    started = time.perf_counter()
    with ThreadPoolExecutor(64) as pool:
        futures = []
        for i in range(int(rate * seconds)):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(action, i))
        results = [f.result() for f in futures]
    return results
