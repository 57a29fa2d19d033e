"""The contract with a newcomer: the README's two commands, and CI running the second."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_shows_exactly_two_set_up_commands_make_run_and_make_test():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]

    commands = re.findall(r"^(make \w+)", section.split("```sh", 1)[1].split("```", 1)[0], re.MULTILINE)

    assert commands == ["make run", "make test"]


def test_ci_runs_make_test_and_both_targets_set_up_the_virtualenv_themselves():
    makefile = (ROOT / "Makefile").read_text()

    assert re.search(r"^\s*make test\s*$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)
    for target in ("run", "test"):
        assert re.search(rf"^{target}: \$\(STAMP\)", makefile, re.MULTILINE), target
