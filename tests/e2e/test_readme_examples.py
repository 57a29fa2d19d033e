"""The README's "The API in one minute" runs as written: each curl command, and the reply its comment shows.

The commands run one after another in a shell against the test stack's gateway, with only the
placeholders filled in from the replies before them (and the admin's token from the stack's first
admin). A `# <status> {...}` line after a command is the reply it promises: that status, and every key
shown with that value, where `…` stands for a value of the reader's own.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..conftest import gateway_url
from .clients import ADMINS

README = Path(__file__).resolve().parents[2] / "README.md"
STATUS = "\n%{http_code}"  # curl writes the reply's status after its body: the one thing added to a command
ANY = "\u2026"  # …


@dataclass
class Example:
    command: str
    status: int | None = None
    reply: Any = None


def examples(readme: str) -> list[Example]:
    """The section's commands, each with the reply its following `# <status> {...}` comment shows."""
    section = readme.split("## The API in one minute", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    found: list[Example] = []
    for line in block.replace("\\\n", " ").splitlines():
        if shown := re.fullmatch(r"#\s*(\d{3})\s+(.*)", line.strip()):
            found[-1].status, found[-1].reply = int(shown.group(1)), wildcard_json(shown.group(2))
        elif line.strip() and not line.lstrip().startswith("#"):
            found.append(Example(line.strip()))
    return found


def wildcard_json(text: str) -> Any:
    """A shown reply as data: a bare `…` (any value) becomes the ANY marker itself."""
    return json.loads(re.sub(r"(?<=[:\[,])\s*\u2026", ' "\u2026"', text))


def matches(shown: Any, actual: Any) -> bool:
    """Whether a reply has what the README shows: `…` is anything, in a string any text; dicts by the keys shown."""
    if shown == ANY:
        return True
    if isinstance(shown, str) and ANY in shown:
        pattern = ".+".join(re.escape(part) for part in shown.split(ANY))
        return isinstance(actual, str) and re.fullmatch(pattern, actual) is not None
    if isinstance(shown, dict):
        return isinstance(actual, dict) and all(k in actual and matches(v, actual[k]) for k, v in shown.items())
    if isinstance(shown, list):
        return isinstance(actual, list) and len(shown) == len(actual) and all(map(matches, shown, actual))
    return shown == actual


def run(command: str) -> tuple[int, Any]:
    """Run one curl command in a shell as written (and the status written out); its status and parsed reply."""
    done = subprocess.run(["bash", "-c", f"{command} -w '{STATUS}'"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (command, done.stderr)
    body, _, status = done.stdout.rpartition("\n")
    return int(status), json.loads(body) if body else None


def test_the_readmes_api_examples_answer_as_the_readme_says(stack, settings):
    base = gateway_url(settings)
    filled = {"localhost:8080": base.removeprefix("http://"), "<admin_token>": ADMINS[base].token}
    steps = examples(README.read_text())
    assert len(steps) == 5 and all(step.status for step in steps), steps

    for step in steps:
        command = step.command
        for placeholder, value in filled.items():
            command = command.replace(placeholder, value)
        status, reply = run(command)

        assert (status, matches(step.reply, reply)) == (step.status, True), (step.command, status, reply)
        if isinstance(reply, dict):
            filled |= {"<alice_account_id>": reply.get("account_id", filled.get("<alice_account_id>", "")),
                       "ict_\u2026": reply.get("token", filled.get("ict_\u2026", "")),
                       "<charter_id>": reply.get("charter_id", filled.get("<charter_id>", "")),
                       "<token>": reply.get("consistency_token", filled.get("<token>", ""))}
