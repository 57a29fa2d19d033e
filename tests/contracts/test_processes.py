"""deploy/processes.py, the one table of processes, read against what else names them.

The gateway's health and parked-event code may not import deploy/ (an import rule), so its own lists are
checked here; so are the consumer groups the code uses, the schemas the roles own, the stack's command lines,
the table in docs/operating.md and the Processes row of each service's README.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys

from deploy.local.stack import ROOT, Stack
from deploy.processes import BY_NAME, PROCESSES, markdown
from deploy.roles import OWNERS, READERS
from services.gateway.ops.health import EXPECTED
from services.gateway.ops.operations import OWN, SERVICES
from shared.config import DATABASE_ROLES, DOMAIN_SERVICES, Settings

OPERATING = ROOT / "docs/operating.md"
START, END = "<!-- processes:", "<!-- /processes -->"


def test_the_gateways_health_expects_a_heartbeat_from_every_process_that_always_runs():
    always = {}
    for p in PROCESSES:
        if p.reports and not p.needs:
            always.setdefault(p.schema, set()).update(p.reports)

    assert {schema: set(names) for schema, names in EXPECTED.items()} == always


def test_parked_events_are_looked_for_in_every_schema_a_consumer_parks_in():
    parks_in = {p.schema for p in PROCESSES if p.kind == "consumer"}

    assert set(OWN.values()) | set(SERVICES) == parks_in
    assert set(SERVICES) <= set(DOMAIN_SERVICES)  # asked over the service's HTTP API
    assert all("gateway" in READERS[schema] for schema in OWN.values())  # read by the gateway itself


def test_each_consumer_runs_under_the_consumer_group_the_table_names():
    for p in PROCESSES:
        if p.kind == "consumer":
            assert p.group == importlib.import_module(p.runs).GROUP, p.name


def test_every_process_reports_in_a_schema_its_own_role_owns():
    for p in PROCESSES:
        if p.schema:
            assert OWNERS[p.schema] == p.role, p.name


def test_every_database_role_but_the_auditors_is_the_role_of_some_process():
    assert {p.role for p in PROCESSES} == set(DATABASE_ROLES) - {"auditor"}


def test_every_module_the_table_runs_exists():
    for p in PROCESSES:
        assert importlib.util.find_spec(p.runs.split(":")[0]) is not None, p.name


def test_the_stack_starts_every_process_of_the_table_with_its_command_mail_only_with_an_smtp_relay():
    settings = Settings(host="127.0.0.1", gateway_port=18080)

    without_mail, everything = Stack(settings).commands(), Stack(Settings(smtp_host="smtp.example.org")).commands()

    assert list(everything) == list(BY_NAME)
    assert set(BY_NAME) - set(without_mail) == {"pledge-mail"}
    assert without_mail["gateway"] == [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                                       "-b", "127.0.0.1:18080", "services.gateway.wsgi:app"]
    assert without_mail["pilots-relay"] == [sys.executable, "-m", "shared.outbox", "pilots"]


def test_docs_operating_lists_the_processes_as_the_table_does():
    text = OPERATING.read_text()
    section = text[text.index(START):text.index(END)].split("\n", 1)[1]

    assert section == markdown(), f"paste the output of {sys.executable} -m deploy.processes into {OPERATING}"


def test_each_services_readme_names_the_processes_of_the_table_that_run_its_code():
    for service in ("gateway", *DOMAIN_SERVICES):
        readme = (ROOT / "services" / service / "README.md").read_text()
        row = next(line for line in readme.splitlines() if line.replace("*", "").startswith("| Processes |"))
        named = set(re.findall(r"`([^`]+)`", row)) & {p.invocation for p in PROCESSES}

        assert named == {p.invocation for p in PROCESSES if p.service == service}, service
